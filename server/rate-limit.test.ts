// @vitest-environment node
/**
 * Limits (sync spec): a per-token rate limit answers 429 RATE_LIMITED with Retry-After; the
 * default allows at least 20 requests per second sustained and bursts of 100. Before a token is
 * checked, requests are limited per client address, enrollment most strictly, and only proxies
 * named in the settings are trusted for the client's address.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer, type TestTeam } from './testing';
import { configFromEnv } from './config';
import { buildApp } from './app';
import { expectError, NO_RATE_LIMIT, SETUP_TIMEOUT } from './test-fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a tight limit (2 per second, bursts of 5)', () => {
  let server: TestServer;
  let team: TestTeam;
  beforeAll(async () => {
    server = await startTestServer({ rateLimit: { perSecond: 2, burst: 5 } });
    team = await server.team();
  }, SETUP_TIMEOUT);
  afterAll(() => server?.close(), SETUP_TIMEOUT);

  it('the 6th quick request gets 429 RATE_LIMITED with Retry-After; another token is not affected', async () => {
    // The limiter's clock (Date) stands still while the six requests run, so that however slowly a
    // busy machine serves them, none of them finds a refill; it moves only when the test says.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const rs = await Promise.all(Array.from({ length: 6 }, () => server.inject({ method: 'GET', url: '/api/sync/pull', token: team.headToken })));
    const statuses = rs.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = rs.find((r) => r.statusCode === 429)!;
    expectError(limited, 429, 'RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // a different team's token has its own allowance
    const other = await startTeamToken(server);
    expect((await server.inject({ method: 'GET', url: '/api/sync/pull', token: other })).statusCode).toBe(200);

    // after waiting as told, the token works again
    vi.setSystemTime(Date.now() + retryAfter * 1000);
    expect((await server.inject({ method: 'GET', url: '/api/sync/pull', token: team.headToken })).statusCode).toBe(200);
  });
});

describe('a spent allowance (bursts of 5, hardly any refill)', () => {
  let server: TestServer;
  beforeAll(async () => {
    // The device's budget is taken after its token is checked, which is asynchronous: requests sent
    // at once may take it in any order. So the reads go one after another, and the refill is too
    // slow to matter however long they take.
    server = await startTestServer({ rateLimit: { perSecond: 0.001, burst: 5 } });
  }, SETUP_TIMEOUT);
  afterAll(() => server?.close(), SETUP_TIMEOUT);

  it('a push that is rate limited applies nothing', async () => {
    const t = await startTeamToken(server);
    const before = await server.db.query<{ n: string }>('select count(*) as n from records');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await server.inject({ method: 'GET', url: '/api/team', token: t })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const r = await server.inject({
      method: 'POST',
      url: '/api/sync/push',
      token: t,
      payload: { protocol: 1, deviceId: crypto.randomUUID(), mutations: [{ mid: crypto.randomUUID(), seq: 1, entity: 'neighborhood', op: 'create', id: crypto.randomUUID(), fields: { name: 'X', kind: 'thon' } }] },
    });
    expectError(r, 429, 'RATE_LIMITED');
    const after = await server.db.query<{ n: string }>('select count(*) as n from records');
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n));
  });
});

async function startTeamToken(server: TestServer): Promise<string> {
  return (await server.team()).headToken;
}

describe("a team's devices together (bursts of 7, hardly any refill)", () => {
  let server: TestServer;
  beforeAll(async () => {
    // Each device alone could make far more requests than its team; the refill is too slow to
    // matter however long the requests take.
    server = await startTestServer({ ...NO_RATE_LIMIT, teamLimit: { perSecond: 0.001, burst: 7 } });
  }, SETUP_TIMEOUT);
  afterAll(() => server?.close(), SETUP_TIMEOUT);

  it("three devices of one team share its 7 requests: the 8th gets 429 RATE_LIMITED with Retry-After; another team's device is not affected", async () => {
    const team = await server.team();
    // the head's two invites are the team's first two requests
    const tokens = [team.headToken, (await team.member()).token, (await team.member()).token];
    const statuses: number[] = [];
    // one after another, round the three devices: the team's budget is taken in this order
    for (let i = 0; i < 6; i++) statuses.push((await server.inject({ method: 'GET', url: '/api/team', token: tokens[i % 3] })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await server.inject({ method: 'GET', url: '/api/sync/pull', token: tokens[0] });
    expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    const other = await startTeamToken(server);
    for (let i = 0; i < 5; i++) expect((await server.inject({ method: 'GET', url: '/api/team', token: other })).statusCode).toBe(200);
  });
});

describe('the default limit', () => {
  let server: TestServer;
  let team: TestTeam;
  beforeAll(async () => {
    // The rate limiter's defaults, alone: the team's budget of pulls in the database at once
    // (server/push-budget.test.ts) would answer 503 to these bursts of 100–150 concurrent pulls
    // from one phone (the app pulls one page at a time), so its queue is made roomy here.
    server = await startTestServer({ pull: { perTeam: 2, queuePerTeam: 1_000, queueWaitMs: 120_000 } });
    team = await server.team();
  }, SETUP_TIMEOUT);
  afterAll(() => server?.close(), SETUP_TIMEOUT);

  it('allows a burst of 100 quick pulls', async () => {
    const rs = await Promise.all(Array.from({ length: 100 }, () => server.inject({ method: 'GET', url: '/api/sync/pull?limit=10', token: team.headToken })));
    expect(rs.map((r) => r.statusCode)).toEqual(Array.from({ length: 100 }, () => 200));
  });

  it('allows at least 20 requests per second sustained (after the burst is spent)', async () => {
    const token = (await server.team()).headToken;
    const pull = () => server.inject({ method: 'GET', url: '/api/sync/pull?limit=1', token });
    // spend the whole burst, in concurrent waves so that the machine's speed does not matter
    let spent = false;
    for (let wave = 0; wave < 50 && !spent; wave++) {
      const rs = await Promise.all(Array.from({ length: 150 }, pull));
      for (const r of rs) expect([200, 429]).toContain(r.statusCode);
      spent = rs.some((r) => r.statusCode === 429);
    }
    expect(spent).toBe(true);
    // one second later, 20 requests at once all pass
    await sleep(1050);
    const rs = await Promise.all(Array.from({ length: 20 }, pull));
    expect(rs.map((r) => r.statusCode)).toEqual(Array.from({ length: 20 }, () => 200));
  });
});

const bogusToken = () => randomBytes(32).toString('base64url');
const statusCounts = (rs: LightMyRequestResponse[]) => {
  const counts: Record<number, number> = {};
  for (const r of rs) counts[r.statusCode] = (counts[r.statusCode] ?? 0) + 1;
  return counts;
};
/** A rate that does not refill while a test runs. */
const STILL = (burst: number) => ({ perSecond: 1 / 3600, burst });

describe('per client address, before the token is checked', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ...NO_RATE_LIMIT, addressLimit: STILL(10) });
  }, SETUP_TIMEOUT);
  afterAll(() => server?.close(), SETUP_TIMEOUT);

  it('300 random tokens at once: 10 are looked up and get 401, the rest get 429 without a database lookup', async () => {
    const lookups = vi.spyOn(server.db, 'query');
    const rs = await Promise.all(
      Array.from({ length: 300 }, () => server.inject({ method: 'GET', url: '/api/sync/pull', token: bogusToken(), remoteAddress: '198.51.100.1' })),
    );
    expect(statusCounts(rs)).toEqual({ 401: 10, 429: 290 });
    const limited = rs.find((r) => r.statusCode === 429)!;
    expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(lookups.mock.calls.filter(([sql]) => /token_hash/.test(sql)).length).toBe(10);
    // one bucket for the address, none for the tokens
    expect(server.app.ctx.limits.address.size).toBe(1);
    expect(server.app.ctx.limits.device.size).toBe(0);
  });

  it('an address of the same /64 shares the budget; another address has its own', async () => {
    const from = (remoteAddress: string) => server.inject({ method: 'GET', url: '/api/team', token: bogusToken(), remoteAddress });
    for (let i = 0; i < 10; i++) expect((await from(`2001:db8:1:2::${i + 1}`)).statusCode).toBe(401);
    expectError(await from('2001:db8:1:2:ffff::9'), 429, 'RATE_LIMITED');
    expectError(await from('2001:db8:1:3::1'), 401, 'UNAUTHENTICATED');
  });

  it('a good token gives back what it borrowed: a device makes many more requests than the address budget', async () => {
    const team = await server.team();
    for (let i = 0; i < 30; i++) {
      expect((await server.inject({ method: 'GET', url: '/api/team', token: team.headToken, remoteAddress: '198.51.100.2' })).statusCode).toBe(200);
    }
    expect((await server.inject({ method: 'GET', url: '/api/team', token: bogusToken(), remoteAddress: '198.51.100.2' })).statusCode).toBe(401);
  });
});

describe('X-Forwarded-For', () => {
  const rotating = (server: TestServer, remoteAddress: string) =>
    Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        server.inject({ method: 'GET', url: '/api/team', token: bogusToken(), remoteAddress, headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } }),
      ),
    );

  describe('with no TRUST_PROXY (the default)', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ ...NO_RATE_LIMIT, addressLimit: STILL(3) });
    }, SETUP_TIMEOUT);
    afterAll(() => server?.close(), SETUP_TIMEOUT);

    it('is ignored: a client naming a new address each time is still limited by its own', async () => {
      expect(statusCounts(await rotating(server, '127.0.0.1'))).toEqual({ 401: 3, 429: 5 });
    });
  });

  describe('with TRUST_PROXY=127.0.0.1', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ ...NO_RATE_LIMIT, addressLimit: STILL(3), trustProxy: ['127.0.0.1'] });
    }, SETUP_TIMEOUT);
    afterAll(() => server?.close(), SETUP_TIMEOUT);

    it('names the client when the proxy sends it: each client has its own budget', async () => {
      expect(statusCounts(await rotating(server, '127.0.0.1'))).toEqual({ 401: 8 });
      const sameClient = await Promise.all(
        Array.from({ length: 5 }, () =>
          server.inject({ method: 'GET', url: '/api/team', token: bogusToken(), remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '198.51.100.50, 203.0.113.99' } }),
        ),
      );
      expect(statusCounts(sameClient)).toEqual({ 401: 3, 429: 2 });
    });

    it('is ignored from an address that is not the proxy', async () => {
      expect(statusCounts(await rotating(server, '192.0.2.77'))).toEqual({ 401: 3, 429: 5 });
    });

    it('an entry that is not an address or range stops the start', async () => {
      await expect(buildApp({ db: server.db, config: { ...server.config, trustProxy: ['not-an-address'] } })).rejects.toThrow();
    });
  });
});

describe('enrollment', () => {
  const enroll = (server: TestServer, code: string, remoteAddress: string) =>
    server.inject({ method: 'POST', url: '/api/auth/enroll', payload: { code, name: 'Khách', device: 'Phone' }, remoteAddress });
  const wrongCode = () => `${randomBytes(3).toString('hex').slice(0, 5).toUpperCase()}-ZZZZZ`;

  describe('by default', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer();
    }, SETUP_TIMEOUT);
    afterAll(() => server?.close(), SETUP_TIMEOUT);

    it('10 wrong codes a minute per address, 60 over the whole server; the rest are 429 with Retry-After and no lookup', async () => {
      // The limiters' clock stands still, so that a slow machine cannot refill them mid-test.
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        const lookups = vi.spyOn(server.db, 'transaction');
        const rs = await Promise.all(Array.from({ length: 11 }, () => enroll(server, wrongCode(), '198.51.100.10')));
        expect(statusCounts(rs)).toEqual({ 401: 10, 429: 1 });
        const limited = rs.find((r) => r.statusCode === 429)!;
        expectError(limited, 429, 'RATE_LIMITED');
        const retryAfter = Number(limited.headers['retry-after']);
        expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
        expect(lookups).toHaveBeenCalledTimes(10);

        const others = [];
        for (let a = 0; a < 5; a++) others.push(...(await Promise.all(Array.from({ length: 10 }, () => enroll(server, wrongCode(), `192.0.2.${a + 1}`)))));
        expect(statusCounts(others)).toEqual({ 401: 50 });
        expectError(await enroll(server, wrongCode(), '192.0.2.200'), 429, 'RATE_LIMITED');
        expect(lookups).toHaveBeenCalledTimes(60);
      } finally {
        vi.useRealTimers();
      }
    });
  });

  describe('with tight limits', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ ...NO_RATE_LIMIT, enrollLimit: { perAddress: STILL(3), total: STILL(1000) } });
    }, SETUP_TIMEOUT);
    afterAll(() => server?.close(), SETUP_TIMEOUT);

    it('a code that works gives its try back: a room joining from one address is not held up', async () => {
      const team = await server.team();
      const codes = [];
      for (let i = 0; i < 6; i++) {
        const r = await server.inject({ method: 'POST', url: '/api/invites', token: team.headToken, payload: { role: 'member', maxUses: 1, ttlHours: 1 } });
        codes.push((r.json() as { code: string }).code);
      }
      for (const code of codes) expect((await enroll(server, code, '198.51.100.20')).statusCode).toBe(201);
      const wrong = [];
      for (let i = 0; i < 4; i++) wrong.push((await enroll(server, wrongCode(), '198.51.100.20')).statusCode);
      expect(wrong).toEqual([401, 401, 401, 429]);
    });

    it('a malformed body is 400 and spends nothing', async () => {
      for (let i = 0; i < 5; i++) expectError(await server.inject({ method: 'POST', url: '/api/auth/enroll', payload: { code: 1 }, remoteAddress: '198.51.100.21' }), 400);
      expect((await enroll(server, wrongCode(), '198.51.100.21')).statusCode).toBe(401);
    });
  });
});

describe('settings', () => {
  it('TRUST_PROXY is a comma-separated list of addresses and ranges, none by default', () => {
    expect(configFromEnv({}).trustProxy).toEqual([]);
    expect(configFromEnv({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
  });

  it('the limits default to 25/s bursts of 120 per device, 20/s bursts of 400 per team, 60 a minute per address, enrollment 10 a minute per address and 60 overall', () => {
    const c = configFromEnv({});
    expect(c.rateLimit).toEqual({ perSecond: 25, burst: 120 });
    expect(c.teamLimit).toEqual({ perSecond: 20, burst: 400 });
    expect(configFromEnv({ TEAM_RATE_LIMIT_PER_SECOND: '80', TEAM_RATE_LIMIT_BURST: '800' }).teamLimit).toEqual({ perSecond: 80, burst: 800 });
    expect(c.addressLimit).toEqual({ perSecond: 1, burst: 120 });
    expect(c.enrollLimit.perAddress).toEqual({ perSecond: 10 / 60, burst: 10 });
    expect(c.enrollLimit.total).toEqual({ perSecond: 1, burst: 60 });
    expect(configFromEnv({ ENROLL_LIMIT_PER_ADDRESS: '5' }).enrollLimit.perAddress).toEqual({ perSecond: 5 / 60, burst: 5 });
  });

  it('a limit that is not a positive number stops the start', () => {
    expect(() => configFromEnv({ ENROLL_LIMIT_TOTAL: 'lots' })).toThrow(/ENROLL_LIMIT_TOTAL/);
    expect(() => configFromEnv({ RATE_LIMIT_BURST: '0' })).toThrow(/RATE_LIMIT_BURST/);
  });
});
