// @vitest-environment node
/**
 * A process keeps the callers of good tokens for `TOKEN_CACHE_SECONDS` (TokenCache in auth.ts):
 * a device syncing every second is looked up in the database every few seconds, not on every
 * request. What this process does itself (revoke, renew) takes effect at once, even for a lookup
 * that was running meanwhile; what is done elsewhere is seen once the entry is that old.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../db/adapter';
import { startTestServer, type TestServer, type TestTeam } from '../testing';
import { authenticate, LastSeen, TokenCache, type AuthOutcome } from './auth';
import { configFromEnv } from '../config';
import { expectError, NO_RATE_LIMIT, SETUP_TIMEOUT } from '../test-fixtures';

let server: TestServer;
let team: TestTeam;

beforeAll(async () => {
  server = await startTestServer({ ...NO_RATE_LIMIT, tokenCacheSeconds: 5 });
  team = await server.team();
}, SETUP_TIMEOUT);
afterAll(() => server?.close(), SETUP_TIMEOUT);

const teamCall = (token: string) => server.inject({ method: 'GET', url: '/api/team', token });

async function deviceOf(userId: string): Promise<string> {
  return (await server.db.query<{ id: string }>('select id from devices where user_id = $1', [userId]))[0]!.id;
}

/** The server's database, counting the statements sent through it. */
function counted(): Queryable & { statements: number } {
  const q = {
    statements: 0,
    query: <T>(sql: string, params?: unknown[], prepare?: string) => {
      q.statements++;
      return server.db.query<T>(sql, params, prepare);
    },
    exec: (sql: string) => server.db.exec(sql),
  };
  return q;
}

const ok = (o: AuthOutcome) => {
  expect(o.ok, JSON.stringify(o)).toBe(true);
  return o.ok ? o.caller : undefined;
};

describe('TokenCache', () => {
  it('a good token checked a moment ago is answered without the database, as the same caller', async () => {
    const m = await team.member('Tổ viên nhanh');
    const db = counted();
    // A stopped clock: the entry's age is not the machine's speed.
    const cache = new TokenCache(5, () => 0);
    const first = ok(await authenticate(db, new LastSeen(), m.token, 90, cache));
    const looked = db.statements;
    expect(looked).toBeGreaterThan(0);
    const second = ok(await authenticate(db, new LastSeen(), m.token, 90, cache));
    expect(db.statements).toBe(looked);
    expect(second).toEqual(first);
    // Off (0 seconds), every check reads the database.
    const off = new TokenCache(0);
    await authenticate(db, new LastSeen(), m.token, 90, off);
    const before = db.statements;
    await authenticate(db, new LastSeen(), m.token, 90, off);
    expect(db.statements).toBeGreaterThan(before);
  });

  it('a device revoked through this process is refused at once, though its token was just checked', async () => {
    const m = await team.member('Tổ viên bị gỡ');
    expect((await teamCall(m.token)).statusCode).toBe(200);
    expect((await teamCall(m.token)).statusCode).toBe(200);
    const revoke = await server.inject({ method: 'POST', url: `/api/devices/${await deviceOf(m.userId)}/revoke`, token: team.headToken, payload: {} });
    expect(revoke.statusCode).toBe(200);
    expectError(await teamCall(m.token), 401, 'DEVICE_REVOKED');
    expectError(await server.inject({ method: 'GET', url: '/api/sync/pull', token: m.token }), 401, 'DEVICE_REVOKED');
  });

  it('a lookup that was running while the device was revoked is not kept', async () => {
    const m = await team.member('Tổ viên đang kiểm');
    expect((await teamCall(m.token)).statusCode).toBe(200);
    const cache = server.app.ctx.tokens;
    cache.clear();
    // The lookup reads the device before the revoke and answers after it.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let read!: () => void;
    const readDone = new Promise<void>((r) => (read = r));
    const slow: Queryable = {
      query: async <T>(sql: string, params?: unknown[], prepare?: string) => {
        const rows = await server.db.query<T>(sql, params, prepare);
        read();
        await gate;
        return rows;
      },
      exec: (sql) => server.db.exec(sql),
    };
    const running = authenticate(slow, new LastSeen(), m.token, 90, cache);
    await readDone;
    const revoke = await server.inject({ method: 'POST', url: `/api/devices/${await deviceOf(m.userId)}/revoke`, token: team.headToken, payload: {} });
    expect(revoke.statusCode).toBe(200);
    release();
    // It answers as the database did when it read (as a request already under way would).
    ok(await running);
    expectError(await teamCall(m.token), 401, 'DEVICE_REVOKED');
  });

  it('a renewal drops the tokens it replaced: after two, the first one is refused at once, though it was just checked', async () => {
    const m = await team.member('Tổ viên đổi mã');
    const renew = async (token: string) => {
      const r = await server.inject({ method: 'POST', url: '/api/auth/renew', token, payload: {} });
      expect(r.statusCode).toBe(200);
      return (r.json() as { token: string }).token;
    };
    expect((await teamCall(m.token)).statusCode).toBe(200);
    const second = await renew(m.token);
    expect((await teamCall(second)).statusCode).toBe(200);
    // Within the grace, the replaced token still works…
    expect((await teamCall(m.token)).statusCode).toBe(200);
    const third = await renew(second);
    // …until a second renewal, from which on only the last two do.
    expectError(await teamCall(m.token), 401, 'UNAUTHENTICATED');
    expect((await teamCall(third)).statusCode).toBe(200);
    expect((await teamCall(second)).statusCode).toBe(200);
  });

  it('a change made elsewhere (another process, a row edited) is seen once the entry is TOKEN_CACHE_SECONDS old', async () => {
    const m = await team.member('Tổ viên máy khác');
    let now = 1_000;
    const cache = new TokenCache(5, () => now);
    ok(await authenticate(server.db, new LastSeen(), m.token, 90, cache));
    await server.db.query('update devices set revoked_at = now() where id = $1', [await deviceOf(m.userId)]);
    now += 4_999;
    ok(await authenticate(server.db, new LastSeen(), m.token, 90, cache));
    now += 1;
    expect(await authenticate(server.db, new LastSeen(), m.token, 90, cache)).toEqual({ ok: false, code: 'DEVICE_REVOKED' });
  });

  it('a token in its renewal grace is not kept: its end depends on the new token’s first use', async () => {
    const m = await team.member('Tổ viên ân hạn');
    const r = await server.inject({ method: 'POST', url: '/api/auth/renew', token: m.token, payload: {} });
    const { token: next } = r.json() as { token: string };
    const db = counted();
    const cache = new TokenCache(5);
    ok(await authenticate(db, new LastSeen(), m.token, 90, cache));
    expect(cache.size).toBe(0);
    ok(await authenticate(db, new LastSeen(), next, 90, cache));
    expect(cache.size).toBe(1);
  });

  it('keeps at most its bound of tokens, dropping the oldest', async () => {
    const a = await team.member('A');
    const b = await team.member('B');
    const cache = new TokenCache(5, () => 0, 1);
    ok(await authenticate(server.db, new LastSeen(), a.token, 90, cache));
    ok(await authenticate(server.db, new LastSeen(), b.token, 90, cache));
    expect(cache.size).toBe(1);
  });

  it('TOKEN_CACHE_SECONDS: 5 by default, 0 turns it off, more than 60 or not a number stops the start', () => {
    expect(configFromEnv({}).tokenCacheSeconds).toBe(5);
    expect(configFromEnv({ TOKEN_CACHE_SECONDS: '0' }).tokenCacheSeconds).toBe(0);
    expect(configFromEnv({ TOKEN_CACHE_SECONDS: '1.5' }).tokenCacheSeconds).toBe(1.5);
    expect(() => configFromEnv({ TOKEN_CACHE_SECONDS: '61' })).toThrow(/TOKEN_CACHE_SECONDS/);
    expect(() => configFromEnv({ TOKEN_CACHE_SECONDS: 'soon' })).toThrow(/TOKEN_CACHE_SECONDS/);
    expect(() => new TokenCache(-1)).toThrow();
  });
});
