/**
 * What the report tables' trigger (migration 20261206171000_report_rows.sql) costs a push (issue 13):
 *
 *   npx tsx tests/bench/reportsPush.ts [--households=1000] [--members=3] [--visits=6000]
 *                                      [--batch=500] [--rounds=2] [--seed=N]
 *
 * The demo generator's households, then their members, then visits (about 10,000 creates by
 * default, in that order so that every reference exists) pushed through `POST /api/sync/push`
 * (`app.inject`, a head's token) in batches of `--batch`, into a fresh schema of the PostgreSQL at
 * TEST_DATABASE_URL (or the local default): once as migrated, once with the triggers disabled
 * (`records_report` and `records_report_update`). `--rounds` alternates the two, so that a change
 * in the machine's load falls on both. The first batch of each run is not counted.
 *
 * On a shared machine the two runs' difference drowns in the load, so the trigger is also timed
 * by PostgreSQL itself: the same rows as multi-row INSERTs of `--batch` rows into `records` of a
 * fresh schema under `EXPLAIN (ANALYZE)`, which reports each statement's execution time and, apart,
 * the time spent in the trigger: a share measured within the same statements.
 *
 * Writes tests/bench/results/reports-push.json and prints it. Nothing is judged.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../../server/app';
import { configFromEnv } from '../../server/config';
import { createTeam } from '../../server/services/teams';
import { enroll } from '../../server/services/auth';
import { generateDemoData } from '../../src/features/demo/generate';
import type { EntityName } from '../../src/domain/vocab';
import { findPostgres, freshPostgres, pushedFields } from './syncServer';
import { loadInviteKey } from '../../server/services/inviteKey';

const args = process.argv.slice(2);
const num = (name: string, fallback: number): number => {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  const n = hit === undefined ? fallback : Number(hit.slice(name.length + 3));
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a non-negative number`);
  return n;
};
const sizes = { households: num('households', 1000), membersPerHousehold: num('members', 3), visits: num('visits', 6000), sessions: 0 };
const batchSize = Math.max(1, num('batch', 500));
const rounds = Math.max(1, num('rounds', 2));
const seed = num('seed', 20260202);
const log = (s: string) => console.log(`[reports push bench] ${s}`);

interface Create {
  entity: EntityName;
  id: string;
  fields: Record<string, unknown>;
}

const data = generateDemoData(sizes, { seed });
const creates: Create[] = [
  ...data.households.map((r) => ({ entity: 'household' as const, id: r.id, fields: pushedFields('household', r) })),
  ...data.members.map((r) => ({ entity: 'member' as const, id: r.id, fields: pushedFields('member', r) })),
  ...data.visits.map((r) => ({ entity: 'visit' as const, id: r.id, fields: pushedFields('visit', r) })),
];

async function run(url: string, triggers: boolean) {
  const fresh = await freshPostgres(url);
  try {
    if (!triggers) await fresh.db.exec('alter table records disable trigger records_report; alter table records disable trigger records_report_update');
    const app = await buildApp({ db: fresh.db, config: { ...configFromEnv({}, 'bench'), staticDir: undefined, logLevel: 'warn', rateLimit: { perSecond: 1e6, burst: 1e6 }, addressLimit: { perSecond: 1e6, burst: 1e6 } } });
    try {
      const team = await createTeam(fresh.db, app.ctx.inviteKey, 'Xã Đo Hiệu Năng', 'Tổ đo ghi');
      const head = await enroll(fresh.db, app.ctx.inviteKey, team.inviteCode, 'Trưởng tổ', 'Bench');
      if (!head) throw new Error('enroll failed');
      const deviceId = randomUUID();
      let seq = 0;
      const requestMs: number[] = [];
      let counted = 0;
      let countedMs = 0;
      for (let start = 0; start < creates.length; start += batchSize) {
        const batch = creates.slice(start, start + batchSize);
        const mutations = batch.map((c) => ({ mid: randomUUID(), seq: ++seq, entity: c.entity, op: 'create', id: c.id, baseVersion: null, fields: c.fields, clientTs: new Date().toISOString() }));
        const t0 = performance.now();
        const r = await app.inject({
          method: 'POST',
          url: '/api/sync/push',
          headers: { authorization: `Bearer ${head.token}` },
          payload: { protocol: 1, deviceId, appVersion: 'bench', mutations },
        });
        const ms = performance.now() - t0;
        if (r.statusCode !== 200) throw new Error(`push answered ${r.statusCode}: ${r.body.slice(0, 300)}`);
        const bad = (r.json() as { results: { status: string }[] }).results.filter((x) => x.status !== 'applied');
        if (bad.length) throw new Error(`push: ${bad.length} not applied: ${JSON.stringify(bad[0])}`);
        // The first batch warms the pool, the plans and the app: not counted.
        if (start === 0) continue;
        requestMs.push(ms);
        counted += batch.length;
        countedMs += ms;
      }
      const reportRows = Number((await fresh.db.query<{ n: string }>('select (select count(*) from report_households) + (select count(*) from report_members) + (select count(*) from report_visits) as n'))[0]!.n);
      const sorted = [...requestMs].sort((a, b) => a - b);
      return {
        triggers,
        mutations: counted,
        ms: Math.round(countedMs),
        perSecond: Math.round((counted / countedMs) * 1000),
        batchMs: { p50: Math.round(sorted[Math.floor((sorted.length - 1) / 2)]!), max: Math.round(sorted.at(-1)!) },
        reportRows,
      };
    } finally {
      await app.close();
    }
  } finally {
    await fresh.close();
  }
}

/** EXPLAIN ANALYZE of the creates as multi-row INSERTs: statement time and the trigger's part of it. */
async function statementLevel(url: string) {
  const fresh = await freshPostgres(url);
  try {
    const key = await loadInviteKey(fresh.db, undefined);
    const team = await createTeam(fresh.db, key, 'Xã Đo Hiệu Năng', 'Tổ đo ghi');
    const head = await enroll(fresh.db, key, team.inviteCode, 'Trưởng tổ', 'Bench');
    if (!head) throw new Error('enroll failed');
    const byEntity: Record<string, { rows: number; executionMs: number; triggerMs: number }> = {};
    for (let start = 0; start < creates.length; start += batchSize) {
      const batch = creates.slice(start, start + batchSize);
      const params: unknown[] = [team.teamId, head.user.id];
      const tuples = batch.map((c, i) => {
        const p = 3 + i * 5;
        params.push(c.id, c.entity, JSON.stringify(c.fields), JSON.stringify(Object.fromEntries(Object.keys(c.fields).map((k) => [k, 1]))), start + i + 1);
        return `($1, $${p}, $${p + 1}, 1, false, $${p + 2}, $${p + 3}, $${p + 4}, $2, $2)`;
      });
      const [row] = await fresh.db.query<{ 'QUERY PLAN': [{ 'Execution Time': number; Triggers: { 'Trigger Name': string; Time: number }[] }] }>(
        `explain (analyze, format json) insert into records (team_id, id, entity, version, deleted, data, field_versions, server_seq, created_by, updated_by) values ${tuples.join(', ')}`,
        params,
      );
      const plan = row!['QUERY PLAN'][0];
      // A batch may straddle two entities: it is filed under its first row's.
      const e = (byEntity[batch[0]!.entity] ??= { rows: 0, executionMs: 0, triggerMs: 0 });
      e.rows += batch.length;
      e.executionMs += plan['Execution Time'];
      e.triggerMs += plan.Triggers.filter((t) => t['Trigger Name'] === 'records_report').reduce((a, t) => a + t.Time, 0);
    }
    const all = Object.values(byEntity).reduce((a, e) => ({ rows: a.rows + e.rows, executionMs: a.executionMs + e.executionMs, triggerMs: a.triggerMs + e.triggerMs }), { rows: 0, executionMs: 0, triggerMs: 0 });
    const shape = (e: { rows: number; executionMs: number; triggerMs: number }) => ({
      rows: e.rows,
      executionMsPer1000: Math.round((e.executionMs / e.rows) * 1000),
      triggerMsPer1000: Math.round((e.triggerMs / e.rows) * 1000),
      triggerShare: Math.round((e.triggerMs / e.executionMs) * 1000) / 1000,
    });
    return { all: shape(all), byEntity: Object.fromEntries(Object.entries(byEntity).map(([k, e]) => [k, shape(e)])) };
  } finally {
    await fresh.close();
  }
}

const where = await findPostgres();
if ('skipped' in where) {
  log(where.skipped);
  process.exit(0);
}
const counts = { households: data.households.length, members: data.members.length, visits: data.visits.length };
log(`${creates.length} creates (${JSON.stringify(counts)}) in batches of ${batchSize}, ${rounds} rounds`);
const runs: Awaited<ReturnType<typeof run>>[] = [];
for (let i = 0; i < rounds; i++) {
  for (const triggers of i % 2 === 0 ? [true, false] : [false, true]) {
    const r = await run(where.url, triggers);
    log(`round ${i + 1}, trigger ${triggers ? 'on ' : 'off'}: ${r.perSecond} mutations/s (${r.ms} ms for ${r.mutations}; batch p50 ${r.batchMs.p50} ms, max ${r.batchMs.max} ms; ${r.reportRows} report rows)`);
    runs.push(r);
  }
}
const rate = (on: boolean) => {
  const xs = runs.filter((r) => r.triggers === on);
  return Math.round(xs.reduce((a, r) => a + r.mutations, 0) / (xs.reduce((a, r) => a + r.ms, 0) / 1000));
};
const statements = await statementLevel(where.url);
log(`EXPLAIN ANALYZE of the same rows as INSERTs of ${batchSize}: ${JSON.stringify(statements.all)}`);
const [load1, load5, load15] = loadavg();
const results = {
  at: new Date().toISOString(),
  creates: counts,
  batchSize,
  runs,
  perSecond: { withTrigger: rate(true), withoutTrigger: rate(false) },
  triggerShareOfPushTime: Math.round((1 - rate(true) / rate(false)) * 1000) / 1000,
  statements,
  /** The trigger's time per mutation (from the statements) over a push's time per mutation (with the trigger). */
  triggerMsPerMutation: statements.all.triggerMsPer1000 / 1000,
  pushMsPerMutation: Math.round((1000 / rate(true)) * 100) / 100,
  loadAverage: { load1, load5, load15 },
};
const out = fileURLToPath(new URL('./results/reports-push.json', import.meta.url));
mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
process.exit(0);
