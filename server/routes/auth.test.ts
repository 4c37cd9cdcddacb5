// @vitest-environment node
/**
 * The public routes (GET /api/health, GET /api/guides), POST /api/auth/enroll and bearer tokens
 * (sync spec, "Routes").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestTeam } from '../testing';
import { createAdminInvite } from '../services/teams';
import { publishGuide } from '../services/guides';
import { count, counts, expectError, NO_RATE_LIMIT, SETUP_TIMEOUT, uuid } from '../test-fixtures';

let server: TestServer;
let team: TestTeam;

beforeAll(async () => {
  server = await startTestServer(NO_RATE_LIMIT);
  team = await server.team('Tổ công nghệ số thôn Đông', 'Xã Auth');
}, SETUP_TIMEOUT);
afterAll(() => server?.close(), SETUP_TIMEOUT);

const enroll = (payload: unknown, headers?: Record<string, string>) =>
  server.inject({ method: 'POST', url: '/api/auth/enroll', payload: payload as object, headers });

async function invite(token: string, body: Record<string, unknown>): Promise<{ code: string; expiresAt: string }> {
  const r = await server.inject({ method: 'POST', url: '/api/invites', token, payload: body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

/** Bits of a token, from the alphabet it is written in. */
function tokenBits(token: string): number {
  if (/^[0-9a-f]+$/i.test(token)) return token.length * 4;
  if (/^[A-Za-z0-9_-]+$/.test(token) || /^[A-Za-z0-9+/]+=*$/.test(token)) return token.replace(/=+$/, '').length * 6;
  return token.length * 6;
}

describe('GET /api/health', () => {
  it('answers 200 without a token, with the database kind and the app version', async () => {
    const r = await server.inject({ method: 'GET', url: '/api/health' });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toEqual({ status: 'ok', db: server.db.kind, version: server.config.appVersion });
    expect(['pglite', 'postgres']).toContain(body.db);
    expect(typeof body.version).toBe('string');
    expect(body.version.length).toBeGreaterThan(0);
  });

  it('answers 200 even with a bogus token (it is public)', async () => {
    const r = await server.inject({ method: 'GET', url: '/api/health', token: 'not-a-token' });
    expect(r.statusCode).toBe(200);
  });
});

type Guides = { guides: Array<{ id: string; slug: string; version: number; lang: string; title: string; body: unknown }>; latest: number };
const guides = async (query = ''): Promise<Guides> => {
  const r = await server.inject({ method: 'GET', url: `/api/guides${query}` });
  expect(r.statusCode, r.body).toBe(200);
  expect(r.headers['x-content-type-options']).toBe('nosniff');
  return r.json();
};

describe('GET /api/guides', () => {
  it('answers without a token; nothing published: empty list', async () => {
    const g = await guides();
    expect(g.guides).toEqual([]);
    expect(typeof g.latest).toBe('number');
  });

  it('lists published guides, newer than since; empty when nothing is newer', async () => {
    const base = (await guides()).latest;
    await publishGuide(server.db, { id: 'vneid-install', slug: 'cai-vneid', lang: 'vi', title: 'Cài VNeID', steps: [{ text: 'Tải ứng dụng' }] });
    await publishGuide(server.db, { id: 'vneid-install', slug: 'install-vneid', lang: 'en', title: 'Install VNeID', steps: [] });
    const all = await guides(`?since=${base}`);
    expect(all.guides).toHaveLength(2);
    for (const g of all.guides) {
      expect(g).toMatchObject({ id: 'vneid-install', version: expect.any(Number) });
      expect(typeof g.slug).toBe('string');
      expect(typeof g.title).toBe('string');
      expect(['vi', 'en']).toContain(g.lang);
      expect(g).toHaveProperty('body');
    }
    expect(all.latest).toBeGreaterThan(base);
    expect((await guides(`?since=${all.latest}`)).guides).toEqual([]);
    // a republished guide comes again, with a higher version
    const before = all.guides.find((g) => g.lang === 'vi')!.version;
    await publishGuide(server.db, { id: 'vneid-install', slug: 'cai-vneid', lang: 'vi', title: 'Cài VNeID (mới)', steps: [] });
    const newer = await guides(`?since=${all.latest}`);
    expect(newer.guides.map((g) => [g.lang, g.title])).toEqual([['vi', 'Cài VNeID (mới)']]);
    expect(newer.guides[0]!.version).toBeGreaterThan(before);
    expect(newer.latest).toBeGreaterThan(all.latest);
  });

  it('a since that is not a version is a 4xx JSON error', async () => {
    for (const since of ['abc', '-1', '%00', '1e999']) {
      const r = await server.inject({ method: 'GET', url: `/api/guides?since=${since}` });
      expect(r.statusCode).toBeGreaterThanOrEqual(400);
      expect(r.statusCode).toBeLessThan(500);
      expectError(r, r.statusCode);
    }
  });
});

describe('POST /api/auth/enroll', () => {
  it('201: token (≥ 256 bits), user with role, team', async () => {
    const { code } = await invite(team.headToken, { role: 'member', maxUses: 1, ttlHours: 24 });
    const r = await enroll({ code, name: 'Nguyễn Văn A', device: 'Samsung A12' });
    expect(r.statusCode, r.body).toBe(201);
    const body = r.json();
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['team', 'token', 'user']));
    expect(body.commune).toBeUndefined();
    expect(typeof body.token).toBe('string');
    expect(tokenBits(body.token)).toBeGreaterThanOrEqual(256);
    expect(body.user).toEqual({ id: expect.any(String), name: 'Nguyễn Văn A', role: 'member' });
    expect(body.team).toEqual({ id: team.teamId, name: 'Tổ công nghệ số thôn Đông' });
    // the token works
    const t = await server.inject({ method: 'GET', url: '/api/team', token: body.token });
    expect(t.statusCode).toBe(200);
  });

  it('an invite for a head enrolls a head', async () => {
    const { code } = await invite(team.headToken, { role: 'head', maxUses: 1, ttlHours: 1 });
    const r = await enroll({ code, name: 'Phó tổ', device: 'Oppo' });
    expect(r.statusCode).toBe(201);
    expect(r.json().user.role).toBe('head');
    expect(r.json().team.id).toBe(team.teamId);
  });

  it('tokens are random: two enrollments get different tokens and user ids', async () => {
    const { code } = await invite(team.headToken, { role: 'member', maxUses: 2, ttlHours: 1 });
    const a = (await enroll({ code, name: 'A', device: 'x' })).json();
    const b = (await enroll({ code, name: 'B', device: 'y' })).json();
    expect(a.token).not.toBe(b.token);
    expect(a.user.id).not.toBe(b.user.id);
  });

  it('an admin gets team null and its commune', async () => {
    const a = await createAdminInvite(server.db, server.app.ctx.inviteKey, 'Xã Quản Trị');
    const r = await enroll({ code: a.inviteCode, name: 'Cán bộ xã', device: 'Laptop' });
    expect(r.statusCode, r.body).toBe(201);
    const body = r.json();
    expect(body.team).toBeNull();
    expect(body.commune).toEqual({ id: a.communeId, name: 'Xã Quản Trị' });
    expect(body.user).toEqual({ id: expect.any(String), name: 'Cán bộ xã', role: 'admin' });
    expect(tokenBits(body.token)).toBeGreaterThanOrEqual(256);
  });

  it('401 INVITE_INVALID for an unknown code, and nothing is created', async () => {
    const before = await counts(server, ['users', 'devices']);
    const r = await enroll({ code: 'ZZZZZ-ZZZZZ', name: 'Kẻ lạ', device: 'x' });
    expectError(r, 401, 'INVITE_INVALID');
    expect(await counts(server, ['users', 'devices'])).toEqual(before);
  });

  it('401 INVITE_INVALID for a used-up code (maxUses reached)', async () => {
    const { code } = await invite(team.headToken, { role: 'member', maxUses: 2, ttlHours: 1 });
    expect((await enroll({ code, name: 'Một', device: 'x' })).statusCode).toBe(201);
    expect((await enroll({ code, name: 'Hai', device: 'x' })).statusCode).toBe(201);
    const before = await counts(server, ['users', 'devices']);
    expectError(await enroll({ code, name: 'Ba', device: 'x' }), 401, 'INVITE_INVALID');
    expect(await counts(server, ['users', 'devices'])).toEqual(before);
  });

  it('401 INVITE_INVALID for an expired code', async () => {
    const { code, expiresAt } = await invite(team.headToken, { role: 'member', maxUses: 5, ttlHours: 1 });
    const ms = Date.parse(expiresAt) - Date.now();
    expect(ms).toBeGreaterThan(55 * 60_000);
    expect(ms).toBeLessThan(65 * 60_000);
    await server.db.query(`update invites set expires_at = now() - interval '1 hour'`);
    const before = await counts(server, ['users', 'devices']);
    expectError(await enroll({ code, name: 'Trễ hẹn', device: 'x' }), 401, 'INVITE_INVALID');
    expect(await counts(server, ['users', 'devices'])).toEqual(before);
    // invites made after that still work
    const fresh = await invite(team.headToken, { role: 'member', maxUses: 1, ttlHours: 1 });
    expect((await enroll({ code: fresh.code, name: 'Đúng hẹn', device: 'x' })).statusCode).toBe(201);
  });

  it.each([
    ['no body fields', {}],
    ['code missing', { name: 'A', device: 'x' }],
    ['code not a string', { code: 12345, name: 'A', device: 'x' }],
    ['name missing', { code: 'ABCDE-FGHJK', device: 'x' }],
    ['name not a string', { code: 'ABCDE-FGHJK', name: ['A'], device: 'x' }],
    ['name empty', { code: 'ABCDE-FGHJK', name: '', device: 'x' }],
    ['body is an array', [{ code: 'ABCDE-FGHJK', name: 'A', device: 'x' }]],
    ['body is a string', 'ABCDE-FGHJK'],
  ])('400 BAD_REQUEST: %s', async (_, payload) => {
    const before = await counts(server, ['users', 'devices']);
    const r = await server.inject({
      method: 'POST',
      url: '/api/auth/enroll',
      payload: JSON.stringify(payload),
      headers: { 'content-type': 'application/json' },
    });
    expectError(r, 400, 'BAD_REQUEST');
    expect(await counts(server, ['users', 'devices'])).toEqual(before);
  });

  it('400 for invalid JSON', async () => {
    const r = await server.inject({ method: 'POST', url: '/api/auth/enroll', payload: '{"code": "ABC', headers: { 'content-type': 'application/json' } });
    expectError(r, 400);
  });

  // Deviation: a NUL character in the name or device reaches PostgreSQL (text cannot hold NUL) → 500.
  it('a NUL character in the name is a 4xx (or accepted), never a 5xx, and changes nothing when refused [DEVIATION]', async () => {
    const { code } = await invite(team.headToken, { role: 'member', maxUses: 1, ttlHours: 1 });
    const before = await counts(server, ['users', 'devices']);
    const r = await enroll({ code, name: 'Nguyễn\u0000Văn A', device: 'Samsung' });
    expect(r.statusCode).toBeLessThan(500);
    if (r.statusCode >= 400) {
      expectError(r, r.statusCode);
      expect(await counts(server, ['users', 'devices'])).toEqual(before);
    }
  });

  it('a NUL character in the device label is a 4xx (or accepted), never a 5xx [DEVIATION]', async () => {
    const { code } = await invite(team.headToken, { role: 'member', maxUses: 1, ttlHours: 1 });
    const r = await enroll({ code, name: 'Nguyễn Văn B', device: 'Sam\u0000sung' });
    expect(r.statusCode).toBeLessThan(500);
  });
});

describe('bearer tokens', () => {
  const PRIVATE: Array<{ method: 'GET' | 'POST'; url: string; payload?: object }> = [
    { method: 'GET', url: '/api/team' },
    { method: 'POST', url: '/api/invites', payload: { role: 'member', maxUses: 1, ttlHours: 1 } },
    { method: 'POST', url: `/api/devices/${uuid()}/revoke`, payload: {} },
    { method: 'POST', url: '/api/sync/push', payload: { protocol: 1, deviceId: uuid(), mutations: [] } },
    { method: 'GET', url: '/api/sync/pull' },
  ];

  it.each(PRIVATE)('$method $url: 401 UNAUTHENTICATED without the header', async (route) => {
    const r = await server.inject(route);
    expectError(r, 401, 'UNAUTHENTICATED');
  });

  it.each(PRIVATE)('$method $url: 401 UNAUTHENTICATED with an unknown token', async (route) => {
    const r = await server.inject({ ...route, token: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expectError(r, 401, 'UNAUTHENTICATED');
  });

  it.each(PRIVATE)('$method $url: 401 UNAUTHENTICATED with a malformed Authorization header', async (route) => {
    const r = await server.inject({ ...route, headers: { authorization: `Basic ${team.headToken}` } });
    expectError(r, 401, 'UNAUTHENTICATED');
  });

  it('the server stores only a hash of each token', async () => {
    const { code } = await invite(team.headToken, { role: 'member', maxUses: 1, ttlHours: 1 });
    const fresh = (await enroll({ code, name: 'Băm', device: 'x' })).json();
    const hashes = await server.db.query<{ token_hash: string }>('select token_hash from devices');
    expect(hashes.length).toBe(await count(server, 'devices'));
    for (const h of hashes) {
      expect(typeof h.token_hash).toBe('string');
      expect(h.token_hash).not.toBe(fresh.token);
      expect(h.token_hash).not.toBe(team.headToken);
    }
    const everything = JSON.stringify(await server.db.query('select * from devices'));
    for (const token of [fresh.token, team.headToken]) {
      expect(everything).not.toContain(token);
      // not even a long piece of it
      expect(everything).not.toContain(token.slice(0, 24));
      expect(everything).not.toContain(Buffer.from(token).toString('hex'));
    }
    const users = JSON.stringify(await server.db.query('select * from users'));
    expect(users).not.toContain(fresh.token);
  });
});
