/**
 * The benchmark's server side (Node): the real app (`buildApp`) on an in-memory PGlite, seeded
 * straight into `records` with multi-row INSERTs, and the push-throughput measurement on PGlite
 * and PostgreSQL. Only server modules are used, never edited; tests/support/appServer.ts is not
 * used because the bench also serves dist-bench/ (the sync page) on the same origin.
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Database, Queryable } from '../../server/db/adapter';
import { openPglite } from '../../server/db/pglite';
import { openPostgres } from '../../server/db/postgres';
import { migrate } from '../../server/db/migrate';
import { buildApp } from '../../server/app';
import { configFromEnv, type ServerConfig } from '../../server/config';
import { createTeam } from '../../server/services/teams';
import { enroll } from '../../server/services/auth';
import { loadInviteKey } from '../../server/services/inviteKey';
import { generateDemoData, type DemoSizes } from '../../src/features/demo/generate';
import { validateCreate } from '../../src/domain/schemas';
import type { EntityName } from '../../src/domain/vocab';

// ------------------------------------------------------------------------------------------------
// Database wrapper: counts queries and the time spent waiting for them (server-side profile).

export interface DbMeter {
  queries: number;
  ms: number;
  reset(): void;
}

function metered(db: Database): { db: Database; meter: DbMeter } {
  const meter: DbMeter = {
    queries: 0,
    ms: 0,
    reset() {
      this.queries = 0;
      this.ms = 0;
    },
  };
  const wrap = (q: Queryable): Queryable => ({
    async query(sql, params) {
      const t0 = performance.now();
      try {
        return await q.query(sql, params);
      } finally {
        meter.queries++;
        meter.ms += performance.now() - t0;
      }
    },
    exec: (sql) => q.exec(sql),
  });
  const outer = wrap(db);
  return {
    meter,
    db: {
      kind: db.kind,
      query: outer.query,
      exec: outer.exec,
      // Queries inside a transaction are counted by the inner wrapper (the outer time is the
      // whole transaction, including the app's JS between queries).
      transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
      close: () => db.close(),
    },
  };
}

// ------------------------------------------------------------------------------------------------
// Fresh databases

export interface FreshDb {
  db: Database;
  label: string;
  close(): Promise<void>;
}

export async function freshPglite(): Promise<FreshDb> {
  const db = await openPglite('memory://');
  await migrate(db);
  return { db, label: 'PGlite (in-memory)', close: () => db.close() };
}

/** A fresh schema of the PostgreSQL at `url` (as server/testing.ts does); dropped on close. */
export async function freshPostgres(url: string): Promise<FreshDb> {
  const schema = `bench_${randomUUID().replace(/-/g, '')}`;
  const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await admin.connect();
  const version = (await admin.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? '?';
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = await openPostgres(url, schema);
  await migrate(db);
  return {
    db,
    label: `PostgreSQL ${version}`,
    async close() {
      await db.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

/** Where PostgreSQL is: TEST_DATABASE_URL, or the local default. Null (with a reason) when unreachable. */
export async function findPostgres(): Promise<{ url: string } | { skipped: string }> {
  const url = process.env.TEST_DATABASE_URL || 'postgres://cds:cds@127.0.0.1:5432/cds_test';
  const shown = url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    return { url };
  } catch (e) {
    return { skipped: `PostgreSQL at ${shown} unreachable (${(e as Error).message}); set TEST_DATABASE_URL` };
  } finally {
    await c.end().catch(() => undefined);
  }
}

// ------------------------------------------------------------------------------------------------
// The app server for the sync page

export interface RequestTiming {
  url: string;
  /** onRequest → onSend: auth, handler (DB + row mapping), JSON serialization. */
  handlerMs: number;
  /** onRequest → onResponse: plus compression and writing the response. */
  totalMs: number;
  dbMs: number;
  dbQueries: number;
}

export interface BenchServer {
  url: string;
  app: FastifyInstance;
  db: Database;
  meter: DbMeter;
  /** Timings of the API requests since the last `takeTimings()`. */
  takeTimings(): RequestTiming[];
  /** Forgets the rows posted by the sync page. */
  clearRows(): void;
  close(): Promise<void>;
}

/**
 * The real app on 127.0.0.1:0 serving `staticDir` (the app's dist/) and the API, plus
 * `benchDir` (dist-bench/) at /__bench/, registered on the instance `buildApp` returns.
 */
export async function startBenchServer(staticDir: string, benchDir: string, appVersion: string): Promise<BenchServer> {
  const fresh = await freshPglite();
  const { db, meter } = metered(fresh.db);
  const config: ServerConfig = { ...configFromEnv({}, appVersion), staticDir, logLevel: 'warn' };
  const app = await buildApp({ db, config });
  if (!existsSync(resolve(benchDir, 'sync/index.html'))) throw new Error(`${benchDir}/sync/index.html missing`);
  const { default: fastifyStatic } = await import('@fastify/static');
  await app.register(fastifyStatic, { root: resolve(benchDir), prefix: '/__bench/', decorateReply: false, cacheControl: false });

  // The synced rows, posted by the sync page and fetched by the raw pages (fresh profiles).
  let rows: string | undefined;
  app.post('/__bench-data/rows', { bodyLimit: 1024 * 1024 * 1024, config: { compress: false } }, async (req, reply) => {
    rows = String(req.body);
    return reply.code(204).send();
  });
  app.get('/__bench-data/rows', { config: { compress: false } }, async (_req, reply) => {
    if (rows === undefined) return reply.code(404).send('no rows posted yet');
    return reply.header('content-type', 'application/json; charset=utf-8').send(rows);
  });

  let timings: RequestTiming[] = [];
  const open = new WeakMap<object, { t0: number; q0: number; ms0: number; handlerMs?: number }>();
  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/api/')) open.set(req, { t0: performance.now(), q0: meter.queries, ms0: meter.ms });
  });
  app.addHook('onSend', async (req, _reply, payload) => {
    const o = open.get(req);
    if (o) o.handlerMs = performance.now() - o.t0;
    return payload;
  });
  app.addHook('onResponse', async (req) => {
    const o = open.get(req);
    if (!o) return;
    timings.push({
      url: req.url.split('?')[0]!,
      handlerMs: o.handlerMs ?? NaN,
      totalMs: performance.now() - o.t0,
      dbMs: meter.ms - o.ms0,
      dbQueries: meter.queries - o.q0,
    });
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    db,
    meter,
    takeTimings() {
      const t = timings;
      timings = [];
      return t;
    },
    clearRows() {
      rows = undefined;
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await fresh.close();
    },
  };
}

// ------------------------------------------------------------------------------------------------
// Records as the app pushes them

/** Local keys of a row; `followUpDate` is derived on households but a real field of visits. */
const LOCAL_KEYS = ['id', 'teamId', 'version', 'deleted', 'syncState', 'localUpdatedAt', 'createdBy', 'updatedBy', 'updatedAt', 'searchText', 'nameKey', 'lastVisitDate'];

/**
 * The fields the app sends for a create of this row: local keys stripped, then the app's own
 * `validateCreate` (what `createRecord` pushes is its `value`). Throws on a row the app refuses.
 */
export function pushedFields(entity: EntityName, row: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === undefined || LOCAL_KEYS.includes(k)) continue;
    if (k === 'followUpDate' && entity === 'household') continue;
    out[k] = v;
  }
  const checked = validateCreate(entity, out);
  if (!checked.ok) throw new Error(`generated ${entity} is not valid for the app: ${JSON.stringify(checked.errors)}`);
  return checked.value as Record<string, unknown>;
}

export interface SeededTeam {
  teamId: string;
  teamName: string;
  userId: string;
  userName: string;
  token: string;
  counts: Record<string, number>;
  records: number;
  ms: { generate: number; insert: number };
}

interface RecordInsert {
  id: string;
  entity: EntityName;
  data: Record<string, unknown>;
}

const SEED_ROWS_PER_INSERT = 500;

/**
 * A team with a head's enrolled device and `sizes` of demo data written straight into `records`
 * (version 1, field_versions {field: 1}, server_seq 1…n in order neighborhoods, households,
 * members, visits by date), and team_counters.last_seq set.
 */
export async function seedTeam(db: Database, sizes: DemoSizes, seed: number, teamName: string): Promise<SeededTeam> {
  const key = await loadInviteKey(db, undefined);
  const team = await createTeam(db, key, 'Xã Đo Hiệu Năng', teamName);
  const userName = 'Trưởng tổ';
  const head = await enroll(db, key, team.inviteCode, userName, 'Bench Chromium');
  if (!head) throw new Error('enroll failed');

  const t0 = performance.now();
  const data = generateDemoData(sizes, { seed, synced: true });
  const visits = [...data.visits].sort((a, b) => (a.localUpdatedAt < b.localUpdatedAt ? -1 : a.localUpdatedAt > b.localUpdatedAt ? 1 : 0));
  const rows: RecordInsert[] = [];
  const add = (entity: EntityName, list: readonly { id: string }[]) => {
    for (const r of list) rows.push({ id: r.id, entity, data: pushedFields(entity, r) });
  };
  add('neighborhood', data.neighborhoods);
  add('household', data.households);
  add('member', data.members);
  add('visit', visits);
  const t1 = performance.now();

  // Params per row: id, entity, data, field_versions, server_seq; team and user are $1, $2.
  for (let start = 0; start < rows.length; start += SEED_ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + SEED_ROWS_PER_INSERT);
    const params: unknown[] = [team.teamId, head.user.id];
    const tuples = chunk.map((r, i) => {
      const p = 3 + i * 5;
      params.push(r.id, r.entity, JSON.stringify(r.data), JSON.stringify(Object.fromEntries(Object.keys(r.data).map((k) => [k, 1]))), start + i + 1);
      return `($1, $${p}, $${p + 1}, 1, false, $${p + 2}, $${p + 3}, $${p + 4}, $2, $2)`;
    });
    await db.query(
      `insert into records (team_id, id, entity, version, deleted, data, field_versions, server_seq, created_by, updated_by) values ${tuples.join(', ')}`,
      params,
    );
  }
  await db.query('update team_counters set last_seq = $2 where team_id = $1', [team.teamId, rows.length]);
  const t2 = performance.now();
  return {
    teamId: team.teamId,
    teamName,
    userId: head.user.id,
    userName,
    token: head.token,
    counts: { neighborhoods: data.neighborhoods.length, households: data.households.length, members: data.members.length, visits: visits.length },
    records: rows.length,
    ms: { generate: t1 - t0, insert: t2 - t1 },
  };
}

// ------------------------------------------------------------------------------------------------
// Push throughput: the real HTTP app (inject) against a raw multi-row INSERT

export interface PushThroughput {
  database: string;
  mutations: number;
  batchSize: number;
  push: { ms: number; perSecond: number; requestMs: { p50: number; max: number }; dbQueries: number; dbMs: number; queriesPerMutation: number };
  raw: { ms: number; perSecond: number; statements: number };
  ratio: number;
  warmup: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? NaN;
}

const RECORD_COLUMNS = 'team_id, id, entity, version, deleted, data, field_versions, server_seq, created_by, updated_by';

export async function pushThroughput(fresh: FreshDb, options: { mutations: number; batchSize: number; seed: number }): Promise<PushThroughput> {
  const { db, meter } = metered(fresh.db);
  const config: ServerConfig = { ...configFromEnv({}, 'bench'), staticDir: undefined, logLevel: 'warn' };
  const app = await buildApp({ db, config });
  try {
    const team = await createTeam(db, app.ctx.inviteKey, 'Xã Đo Hiệu Năng', 'Tổ đo ghi');
    const head = await enroll(db, app.ctx.inviteKey, team.inviteCode, 'Trưởng tổ', 'Bench');
    if (!head) throw new Error('enroll failed');
    const { batchSize } = options;
    const warm = batchSize;
    const data = generateDemoData({ households: options.mutations + warm, membersPerHousehold: 1, visits: 0, sessions: 0 }, { seed: options.seed });
    const households = data.households.map((h) => ({ id: h.id, fields: pushedFields('household', h) }));
    const deviceId = randomUUID();
    let seq = 0;
    const pushBatch = async (batch: typeof households): Promise<number> => {
      const mutations = batch.map((h) => ({
        mid: randomUUID(),
        seq: ++seq,
        entity: 'household',
        op: 'create',
        id: h.id,
        baseVersion: null,
        fields: h.fields,
        clientTs: new Date().toISOString(),
      }));
      const t0 = performance.now();
      const r = await app.inject({
        method: 'POST',
        url: '/api/sync/push',
        headers: { authorization: `Bearer ${head.token}` },
        payload: { protocol: 1, deviceId, appVersion: 'bench', mutations },
      });
      const ms = performance.now() - t0;
      if (r.statusCode !== 200) throw new Error(`push answered ${r.statusCode}: ${r.body.slice(0, 300)}`);
      const results = (r.json() as { results: { status: string }[] }).results;
      const bad = results.filter((x) => x.status !== 'applied');
      if (bad.length) throw new Error(`push: ${bad.length} not applied: ${JSON.stringify(bad[0])}`);
      return ms;
    };

    // Warm-up (not counted): one batch, so the first request's one-off costs stay out.
    await pushBatch(households.slice(0, warm));
    const measured = households.slice(warm);
    meter.reset();
    const requestMs: number[] = [];
    const p0 = performance.now();
    for (let i = 0; i < measured.length; i += batchSize) requestMs.push(await pushBatch(measured.slice(i, i + batchSize)));
    const pushMs = performance.now() - p0;
    const dbQueries = meter.queries;
    const dbMs = meter.ms;

    // Raw: the same rows, batchSize rows per INSERT statement, into a copy of `records`.
    await db.exec('create table records_raw (like records including all)');
    const insertRaw = async (batch: typeof households, seqStart: number) => {
      const params: unknown[] = [team.teamId, head.user.id];
      const tuples = batch.map((h, i) => {
        const p = 3 + i * 4;
        params.push(h.id, JSON.stringify(h.fields), JSON.stringify(Object.fromEntries(Object.keys(h.fields).map((k) => [k, 1]))), seqStart + i);
        return `($1, $${p}, 'household', 1, false, $${p + 1}, $${p + 2}, $${p + 3}, $2, $2)`;
      });
      await db.query(`insert into records_raw (${RECORD_COLUMNS}) values ${tuples.join(', ')}`, params);
    };
    await insertRaw(households.slice(0, warm), 1);
    let statements = 0;
    const r0 = performance.now();
    for (let i = 0; i < measured.length; i += batchSize) {
      await insertRaw(measured.slice(i, i + batchSize), warm + i + 1);
      statements++;
    }
    const rawMs = performance.now() - r0;
    const count = Number((await db.query<{ n: string | number }>('select count(*) as n from records_raw'))[0]?.n);
    if (count !== households.length) throw new Error(`records_raw has ${count} rows, expected ${households.length}`);

    const pushPerSecond = (measured.length / pushMs) * 1000;
    const rawPerSecond = (measured.length / rawMs) * 1000;
    return {
      database: fresh.label,
      mutations: measured.length,
      batchSize,
      push: {
        ms: pushMs,
        perSecond: pushPerSecond,
        requestMs: { p50: median(requestMs), max: Math.max(...requestMs) },
        dbQueries,
        dbMs,
        queriesPerMutation: dbQueries / measured.length,
      },
      raw: { ms: rawMs, perSecond: rawPerSecond, statements },
      ratio: pushPerSecond / rawPerSecond,
      warmup: `one batch of ${warm} before each (push and raw), not counted`,
    };
  } finally {
    await app.close();
  }
}
