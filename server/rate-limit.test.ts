// @vitest-environment node
/**
 * Limits (sync spec): a per-token rate limit answers 429 RATE_LIMITED with Retry-After; the
 * default allows at least 20 requests per second sustained and bursts of 100.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestTeam } from './testing';
import { expectError, SETUP_TIMEOUT } from './test-fixtures';

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
    // six requests at once, so the machine's load cannot stretch them over a refill
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
    await sleep(retryAfter * 1000 + 100);
    expect((await server.inject({ method: 'GET', url: '/api/sync/pull', token: team.headToken })).statusCode).toBe(200);
  });

  it('a push that is rate limited applies nothing', async () => {
    const t = await startTeamToken(server);
    const before = await server.db.query<{ n: string }>('select count(*) as n from records');
    // ten reads and then the push, all at once: the push comes after the burst of 5 is spent
    const reads = Array.from({ length: 10 }, () => server.inject({ method: 'GET', url: '/api/team', token: t }));
    const push = server.inject({
      method: 'POST',
      url: '/api/sync/push',
      token: t,
      payload: { protocol: 1, deviceId: crypto.randomUUID(), mutations: [{ mid: crypto.randomUUID(), seq: 1, entity: 'neighborhood', op: 'create', id: crypto.randomUUID(), fields: { name: 'X', kind: 'thon' } }] },
    });
    // (an injected request starts when it is awaited: the reads go first)
    const all = await Promise.all([...reads, push]);
    const r = all[all.length - 1];
    expectError(r!, 429, 'RATE_LIMITED');
    const after = await server.db.query<{ n: string }>('select count(*) as n from records');
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n));
  });
});

async function startTeamToken(server: TestServer): Promise<string> {
  return (await server.team()).headToken;
}

describe('the default limit', () => {
  let server: TestServer;
  let team: TestTeam;
  beforeAll(async () => {
    server = await startTestServer();
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
