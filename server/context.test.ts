// @vitest-environment node
/**
 * What an app keeps in memory belongs to that app: two apps in one process (tests, the
 * benchmark, a process serving two databases) share none of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import { startTestServer, type TestServer } from './testing';
import { NO_RATE_LIMIT, SETUP_TIMEOUT } from './test-fixtures';

let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  a = await startTestServer(NO_RATE_LIMIT);
  b = await startTestServer(NO_RATE_LIMIT);
}, SETUP_TIMEOUT);
afterAll(async () => {
  await a?.close();
  await b?.close();
}, SETUP_TIMEOUT);

const epochOf = (cursor: string) => (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { e: string }).e;
const dbEpoch = async (server: TestServer) => (await server.db.query<{ value: string }>(`select value from server_meta where key = 'epoch'`))[0]!.value;

describe('two apps in one process', () => {
  it('each reads its own database’s epoch', async () => {
    const ta = await a.team();
    const tb = await b.team();
    const pa = (await a.inject({ method: 'GET', url: '/api/sync/pull', token: ta.headToken })).json() as { cursor: string };
    const pb = (await b.inject({ method: 'GET', url: '/api/sync/pull', token: tb.headToken })).json() as { cursor: string };
    expect(epochOf(pa.cursor)).toBe(await dbEpoch(a));
    expect(epochOf(pb.cursor)).toBe(await dbEpoch(b));
    expect(await dbEpoch(a)).not.toBe(await dbEpoch(b));
  });

  it('forgetting one app’s epoch leaves the other’s cached', async () => {
    const ta = await a.team();
    await a.inject({ method: 'GET', url: '/api/sync/pull', token: ta.headToken });
    const before = await dbEpoch(a);
    await a.db.query(`update server_meta set value = 'restored' where key = 'epoch'`);
    b.app.ctx.epoch.forget();
    const stale = (await a.inject({ method: 'GET', url: '/api/sync/pull', token: ta.headToken })).json() as { cursor: string };
    // A PostgreSQL may be shared with other processes, so there the epoch is read on every pull.
    expect(epochOf(stale.cursor)).toBe(a.db.kind === 'postgres' ? 'restored' : before);
    a.app.ctx.epoch.forget();
    const fresh = (await a.inject({ method: 'GET', url: '/api/sync/pull', token: ta.headToken })).json() as { cursor: string };
    expect(epochOf(fresh.cursor)).toBe('restored');
  });

  it('each writes a device’s last-seen time on its own schedule', async () => {
    const team = await a.team();
    let second: FastifyInstance | undefined;
    try {
      // A second app over the same database, as a second server process would be.
      second = await buildApp({ db: a.db, config: a.config });
      expect((await a.inject({ method: 'GET', url: '/api/team', token: team.headToken })).statusCode).toBe(200);
      await a.db.query('update devices set last_seen_at = null where team_id = $1', [team.teamId]);
      const r = await second.inject({ method: 'GET', url: '/api/team', headers: { authorization: `Bearer ${team.headToken}` } });
      expect(r.statusCode).toBe(200);
      const rows = await a.db.query<{ last_seen_at: unknown }>('select last_seen_at from devices where team_id = $1', [team.teamId]);
      expect(rows.every((d) => d.last_seen_at !== null)).toBe(true);
    } finally {
      await second?.close();
    }
  });
});
