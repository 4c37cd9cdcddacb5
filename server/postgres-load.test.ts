// @vitest-environment node
/**
 * On PostgreSQL one busy team does not slow the others (issue #12): a team's pushes wait their
 * turn in the process before they take a connection, the wait for the team's lock in the database
 * is bounded (several processes each send one push at a time), writers never take the connections
 * kept for reads, and a request that finds no connection in time is answered 503 instead of
 * hanging. A session of the test holds the locks, as a slow push in another process would.
 * Runs only with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type pg from 'pg';
import type { LightMyRequestResponse } from 'fastify';
import { PG_URL, sharedSchema, type SharedSchema } from './testing-pg';
import type { TestServer, TestTeam } from './testing';
import { Device, expectError, householdFields, NO_RATE_LIMIT, pullPage, SETUP_TIMEOUT } from './test-fixtures';

const WAIT = { timeout: 60_000, interval: 20 };
const LONG = 60_000;
const PUSH = { perTeam: 1, queuePerTeam: 32, queueWaitMs: LONG, lockTimeoutMs: LONG };

let schema: SharedSchema;
let probe: pg.Client;

beforeAll(async () => {
  if (!PG_URL) return;
  schema = await sharedSchema(PG_URL);
  probe = await schema.session();
}, SETUP_TIMEOUT);
afterAll(() => schema?.drop(), SETUP_TIMEOUT);

/** Sessions waiting for a lock that session `pid` holds. */
async function blockedBy(pid: number): Promise<number> {
  const rows = await probe.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where $1 = any(pg_blocking_pids(pid))', [pid]);
  return rows.rows[0]!.n;
}

/** A session holding these teams' counter locks, as a push of each in another process would. */
async function holdCounters(teamIds: string[]): Promise<{ pid: number; release: () => Promise<void> }> {
  const holder = await schema.session();
  const pid = (await holder.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
  await holder.query('begin');
  await holder.query('select 1 from team_counters where team_id = any($1::uuid[]) for update', [teamIds]);
  return { pid, release: async () => void (await holder.query('commit')) };
}

/** Pushes one household for the team; `finished` counts answers received. */
function pushOne(server: TestServer, token: string, finished: { n: number }): Promise<LightMyRequestResponse> {
  const d = new Device(server, token);
  return d.pushRaw([d.create('household', householdFields())]).then((r) => {
    finished.n++;
    return r;
  });
}

describe.skipIf(!PG_URL)('PostgreSQL under one busy team', () => {
  it(
    'a team’s pushes wait in the process, one at a time in the database; another team pulls and pushes while its lock is held',
    async () => {
      const server = await schema.server({ poolSize: 4, readReserve: 1, acquireTimeoutMs: LONG }, { ...NO_RATE_LIMIT, push: PUSH });
      const a = await server.team('Tổ Đông');
      const b = await server.team('Tổ Tây');
      const lock = await holdCounters([a.teamId]);
      const finished = { n: 0 };
      // More pushes than the pool has connections: held in the database, they would take them all.
      const pushesA = Array.from({ length: 12 }, () => pushOne(server, a.headToken, finished));
      await vi.waitFor(() => expect(server.app.ctx.pushes.pending(a.teamId)).toBe(12), WAIT);
      await vi.waitFor(async () => expect(await blockedBy(lock.pid)).toBe(1), WAIT);

      await pullPage(server, b.headToken);
      const other = await pushOne(server, b.headToken, { n: 0 });
      expect(other.statusCode, other.body).toBe(200);
      // Team B was answered while team A's lock is still held and none of its pushes is done.
      expect(finished.n).toBe(0);
      expect(await blockedBy(lock.pid)).toBe(1);

      await lock.release();
      const answers = await Promise.all(pushesA);
      expect(answers.map((r) => r.statusCode)).toEqual(Array(12).fill(200));
      const seqs = answers.map((r) => (r.json() as { results: { serverSeq: number }[] }).results[0]!.serverSeq);
      expect(new Set(seqs).size).toBe(12);
      expect(server.app.ctx.pushes.size).toBe(0);
    },
    180_000,
  );

  it(
    'the wait for a team’s lock is bounded: 503 TEAM_BUSY with Retry-After, nothing stored, and the same push applies later',
    async () => {
      const server = await schema.server({ poolSize: 4, readReserve: 1, acquireTimeoutMs: LONG }, { ...NO_RATE_LIMIT, push: { ...PUSH, lockTimeoutMs: 100 } });
      const team = await server.team('Tổ Chậm');
      const lock = await holdCounters([team.teamId]);
      const d = new Device(server, team.headToken);
      const m = d.create('household', householdFields());
      const refused = await d.pushRaw([m]);
      expectError(refused, 503, 'TEAM_BUSY');
      expect(refused.headers['retry-after']).toMatch(/^[1-3]$/);
      const stored = await probe.query<{ n: number }>('select (select count(*) from records where team_id = $1)::int + (select count(*) from mutations where team_id = $1)::int as n', [team.teamId]);
      expect(stored.rows[0]!.n).toBe(0);

      await lock.release();
      const again = await d.pushRaw([m]);
      expect(again.statusCode, again.body).toBe(200);
      expect((again.json() as { results: { status: string }[] }).results[0]!.status).toBe('applied');
    },
    180_000,
  );

  it(
    'writers never take the connections kept for reads: with every writer waiting on a lock, other teams still pull',
    async () => {
      const server = await schema.server({ poolSize: 3, readReserve: 1, acquireTimeoutMs: LONG }, { ...NO_RATE_LIMIT, push: PUSH });
      // More teams than a pool of 10 has connections, one push each, every one of them held.
      const teams: TestTeam[] = [];
      for (let i = 0; i < 11; i++) teams.push(await server.team(`Tổ ${i}`));
      const reader = await server.team('Tổ Đọc');
      const lock = await holdCounters(teams.map((t) => t.teamId));
      const finished = { n: 0 };
      const pushes = teams.map((t) => pushOne(server, t.headToken, finished));
      // Two writers (3 connections less 1 kept for reads) wait in the database; the rest wait for a turn.
      await vi.waitFor(async () => expect(await blockedBy(lock.pid)).toBe(2), WAIT);
      await vi.waitFor(() => expect(teams.every((t) => server.app.ctx.pushes.pending(t.teamId) === 1)).toBe(true), WAIT);

      await pullPage(server, reader.headToken);
      expect((await server.inject({ method: 'GET', url: '/api/team', token: reader.headToken })).statusCode).toBe(200);
      expect(finished.n).toBe(0);
      expect(await blockedBy(lock.pid)).toBe(2);

      await lock.release();
      expect((await Promise.all(pushes)).map((r) => r.statusCode)).toEqual(Array(11).fill(200));
    },
    180_000,
  );

  it(
    'waiting for a connection is bounded: 503 SERVER_BUSY with Retry-After instead of hanging',
    async () => {
      const server = await schema.server({ poolSize: 2, readReserve: 1, acquireTimeoutMs: 2_000 }, { ...NO_RATE_LIMIT, push: PUSH });
      const team = await server.team('Tổ Chờ');
      const holder = await schema.session();
      const pid = (await holder.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      const key = Math.floor(Math.random() * 2 ** 31);
      await holder.query('select pg_advisory_lock($1)', [key]);
      // Two slow statements hold both of the pool's connections.
      const slow = [0, 1].map(() => server.db.query('select pg_advisory_xact_lock($1)', [key]));
      await vi.waitFor(async () => expect(await blockedBy(pid)).toBe(2), WAIT);

      for (const url of ['/api/team', '/api/sync/pull']) {
        const r = await server.inject({ method: 'GET', url, token: team.headToken });
        expectError(r, 503, 'SERVER_BUSY');
        expect(r.headers['retry-after']).toMatch(/^[1-3]$/);
      }

      await holder.query('select pg_advisory_unlock($1)', [key]);
      await Promise.all(slow);
      expect((await server.inject({ method: 'GET', url: '/api/team', token: team.headToken })).statusCode).toBe(200);
    },
    180_000,
  );
});
