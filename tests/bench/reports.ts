/**
 * The reports benchmark (issue 13), apart from `npm run bench`:
 *
 *   npx tsx tests/bench/reports.ts [--teams=20] [--households=10000] [--members=3] [--visits=100000]
 *                                  [--runs=3] [--seed=N] [--schema=NAME] [--parts=device,server]
 *
 * 1. Device: the demo generator's records for one team (10,000 households, ~30,000 members,
 *    100,000 visits by default), then what the head's dashboard computes for last month (the
 *    month's indicators, the 6-month trend, per neighborhood, per member) and the .xlsx of it.
 *    Measured in Node on this machine: it leaves out reading IndexedDB on a phone.
 * 2. Server: `--teams` such teams seeded into one commune of the PostgreSQL at TEST_DATABASE_URL
 *    (or the local default; skipped when unreachable), then `GET /api/reports/summary` for last
 *    month as the commune admin (every team) and as one head, median of `--runs`: counted (the
 *    kept figures emptied before each request), kept (nothing changed since the last request)
 *    and, for the admin, with one team changed (a visit pushed before each request); then the
 *    admin dashboard's 6 months at once, counted and kept. With
 *    `--schema=NAME` the teams are seeded into that schema and kept; a later run with the same name
 *    measures them again without seeding (about 10 minutes for 20 teams).
 *
 * Writes tests/bench/results/reports.json and prints it. Nothing is judged: the goals (≤ 1 s for
 * the dashboard and the summary, ≤ 3 s for the xlsx) are for reading the figures against.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { generateDemoData, type DemoSizes } from '../../src/features/demo/generate';
import { codeReportData, computeIndicators, indicatorsByNeighborhood, indicatorsByUser, INDICATOR_KEYS, type Period } from '../../src/domain/indicators';
import { periodContaining, trailingPeriods } from '../../src/domain/periods';
import { addDays, localToday } from '../../src/domain/dates';
import { reportDocument } from '../../src/features/reports/document';
import { buildXlsx } from '../../src/features/reports/exports';
import { buildApp } from '../../server/app';
import { configFromEnv } from '../../server/config';
import { createAdminInvite, createInvite } from '../../server/services/teams';
import { openPostgres } from '../../server/db/postgres';
import { migrate } from '../../server/db/migrate';
import type { Database } from '../../server/db/adapter';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import type { SummaryResponse } from '../../src/domain/reportSettings';
import { enroll } from '../../server/services/auth';
import { loadInviteKey } from '../../server/services/inviteKey';
import { findPostgres, freshPostgres, seedTeam } from './syncServer';

const args = process.argv.slice(2);
const num = (name: string, fallback: number): number => {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  const n = hit === undefined ? fallback : Number(hit.slice(name.length + 3));
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a non-negative number`);
  return n;
};
const teams = num('teams', 20);
const sizes: DemoSizes = { households: num('households', 10_000), membersPerHousehold: num('members', 3), visits: num('visits', 100_000), sessions: 200 };
const runs = Math.max(1, num('runs', 3));
const seed = num('seed', 20260101);
const parts = (args.find((a) => a.startsWith('--parts='))?.slice('--parts='.length) ?? 'device,server').split(',');
if (parts.some((p) => p !== 'device' && p !== 'server')) throw new Error('--parts takes device and/or server');
const keptSchema = args.find((a) => a.startsWith('--schema='))?.slice('--schema='.length);
if (keptSchema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(keptSchema)) throw new Error('--schema needs a lowercase SQL name');

const log = (s: string) => console.log(`[reports bench] ${s}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

/** Last month: the demo data's visits fall in the 120 days before today. */
const thisMonth = periodContaining('month', localToday());
const period: Period = periodContaining('month', addDays(thisMonth.from, -1));

async function device(): Promise<Record<string, unknown>> {
  log(`device: generating ${sizes.households} households / ~${sizes.households * sizes.membersPerHousehold} members / ${sizes.visits} visits…`);
  // The generator makes no checklist steps; the dashboard reads them like the other tables.
  const data = { ...generateDemoData(sizes, { seed, synced: true }), checklistSteps: [] };
  const computeMs: number[] = [];
  let last: ReturnType<typeof computeIndicators> | undefined;
  for (let i = 0; i < runs; i++) {
    const { ms, value } = await timed(() => {
      // As the phone's read gives them (src/db/reportData.ts): by column, once for every count.
      const coded = codeReportData(data);
      const trend = trailingPeriods('month', period, 6).map((p) => computeIndicators(coded, p));
      indicatorsByNeighborhood(coded, period);
      indicatorsByUser(coded, period);
      return trend.at(-1)!;
    });
    computeMs.push(ms);
    last = value;
  }
  const xlsxMs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const { ms, value } = await timed(async () => {
      const byNeighborhood = indicatorsByNeighborhood(data, period);
      const doc = reportDocument({
        t: (k) => k,
        formatDate: (d) => d,
        formatDateTime: (d) => d.toISOString(),
        settings: { indicators: [...INDICATOR_KEYS], targets: {} },
        communeName: 'Xã Đo Hiệu Năng',
        teamName: 'Tổ 1',
        period,
        previousPeriod: trailingPeriods('month', period, 2)[0]!,
        current: last!,
        previous: last!,
        breakdown: { title: 'byNeighborhood', firstColumn: 'neighborhood', rows: byNeighborhood },
        madeBy: 'Trưởng tổ',
        madeAt: new Date(),
      });
      return buildXlsx(doc);
    });
    xlsxMs.push(ms);
    bytes = value.byteLength;
  }
  return {
    records: { households: data.households.length, members: data.members.length, visits: data.visits.length, sessions: data.sessions.length },
    period,
    dashboardComputeMs: { median: median(computeMs), all: computeMs },
    xlsxMs: { median: median(xlsxMs), all: xlsxMs, bytes },
    householdsRegistered: last?.householdsRegistered,
    visitsInMonth: last?.visits,
  };
}

/** A schema that outlives the run (`--schema`), migrated to the current version. */
async function keptPostgres(url: string, schema: string): Promise<{ db: Database; label: string; close(): Promise<void> }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const version = (await c.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? '?';
  await c.query(`create schema if not exists ${schema}`);
  await c.end();
  const db = await openPostgres(url, schema);
  await migrate(db);
  return { db, label: `PostgreSQL ${version} (schema ${schema}, kept)`, close: () => db.close() };
}

async function server(): Promise<Record<string, unknown>> {
  if (teams === 0) return { skipped: '--teams=0' };
  const where = await findPostgres();
  if ('skipped' in where) return { skipped: where.skipped };
  const fresh = keptSchema ? await keptPostgres(where.url, keptSchema) : await freshPostgres(where.url);
  try {
    const seeded: { teamId: string; ms: number }[] = [];
    let headToken = '';
    const existing = await fresh.db.query<{ id: string; communeId: string }>('select id, commune_id as "communeId" from teams order by name, id');
    if (existing.length >= teams && existing[0]) {
      log(`server: measuring the ${existing.length} teams kept in schema ${keptSchema}`);
      const key = await loadInviteKey(fresh.db, undefined);
      const invite = await createInvite(fresh.db, key, { communeId: existing[0].communeId, teamId: existing[0].id, role: 'head', maxUses: 1, ttlHours: 1 });
      const head = await enroll(fresh.db, key, invite.code, 'Trưởng tổ', 'bench');
      if (!head) throw new Error('head enroll failed');
      headToken = head.token;
    } else {
      if (existing.length) throw new Error(`schema ${keptSchema} holds ${existing.length} teams, not ${teams}: drop it first`);
      for (let i = 0; i < teams; i++) {
        const t = await seedTeam(fresh.db, sizes, seed + i, `Tổ ${String(i + 1).padStart(2, '0')}`);
        if (!headToken) headToken = t.token;
        seeded.push({ teamId: t.teamId, ms: t.ms.generate + t.ms.insert });
        log(`server: team ${i + 1}/${teams} seeded (${t.records} records, ${(t.ms.insert / 1000).toFixed(1)} s)`);
      }
    }
    // The report copies are tables of their own: they need statistics (and a visibility map) too.
    await fresh.db.exec('vacuum analyze');
    const key = await loadInviteKey(fresh.db, undefined);
    const invite = await createAdminInvite(fresh.db, key, 'Xã Đo Hiệu Năng');
    const admin = await enroll(fresh.db, key, invite.inviteCode, 'Cán bộ xã', 'bench');
    if (!admin) throw new Error('admin enroll failed');
    const app = await buildApp({ db: fresh.db, config: { ...configFromEnv({}, 'test'), staticDir: undefined, rateLimit: { perSecond: 1e6, burst: 1e6 }, addressLimit: { perSecond: 1e6, burst: 1e6 } } });
    const url = `/api/reports/summary?from=${period.from}&to=${period.to}`;
    const ask = async (token: string) => {
      const r = await timed(() => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } }));
      if (r.value.statusCode !== 200) throw new Error(`summary answered ${r.value.statusCode}: ${r.value.body.slice(0, 200)}`);
      return { ms: r.ms, bytes: r.value.body.length, body: r.value.json() as SummaryResponse };
    };
    // A new visit of team 1, pushed as a phone pushes it: that team's kept figures no longer answer.
    const household = (await fresh.db.query<{ id: string }>(`select r.id from records r join teams t on t.id = r.team_id where r.entity = 'household' and not r.deleted order by t.name, t.id limit 1`))[0]!.id;
    const deviceId = randomUUID();
    let seq = 0;
    const pushVisit = async () => {
      const mutation = { mid: randomUUID(), seq: ++seq, entity: 'visit', op: 'create', id: randomUUID(), baseVersion: null, clientTs: new Date().toISOString(), fields: { householdId: household, date: period.from, topics: ['vneid'], outcome: 'done' } };
      const r = await app.inject({ method: 'POST', url: '/api/sync/push', headers: { authorization: `Bearer ${headToken}` }, payload: { protocol: 1, deviceId, appVersion: 'bench', mutations: [mutation] } });
      if (r.statusCode !== 200) throw new Error(`push answered ${r.statusCode}: ${r.body.slice(0, 200)}`);
    };
    /**
     * `before` runs ahead of each request, untimed: emptying the kept figures (every team is
     * counted), nothing (every team's kept figures answer), or one pushed visit (team 1 is counted).
     */
    const measure = async (token: string, before: () => Promise<unknown>) => {
      const ms: number[] = [];
      let bytes = 0;
      // The first request warms the connection pool and the plans; it is not counted.
      await ask(token);
      for (let i = 0; i < runs; i++) {
        await before();
        const r = await ask(token);
        ms.push(r.ms);
        bytes = r.bytes;
      }
      return { median: median(ms), all: ms, bytes };
    };
    const forget = () => fresh.db.exec('delete from report_summary_cache');
    const communeMs = await measure(admin.token, forget);
    const communeKeptMs = await measure(admin.token, async () => undefined);
    const communeOneChangedMs = await measure(admin.token, pushVisit);
    const headMs = await measure(headToken, forget);
    const headKeptMs = await measure(headToken, async () => undefined);
    // The admin's dashboard asks for its 6-period trend at once (src/features/reports/store.ts).
    const trendPeriods = trailingPeriods('month', period, 6);
    await forget();
    // A refused request (503 when the pool is busy) is no figure: it throws, as `ask` does.
    const askTrend = () =>
      Promise.all(
        trendPeriods.map(async (p) => {
          const r = await app.inject({ method: 'GET', url: `/api/reports/summary?from=${p.from}&to=${p.to}`, headers: { authorization: `Bearer ${admin.token}` } });
          if (r.statusCode !== 200) throw new Error(`summary of ${p.from}…${p.to} answered ${r.statusCode}: ${r.body.slice(0, 200)}`);
        }),
      );
    const trend = await timed(askTrend);
    const trendKept = await timed(askTrend);
    // Kept figures equal counted ones: the same request after emptying them.
    const kept = await ask(admin.token);
    await forget();
    const counted = await ask(admin.token);
    if (JSON.stringify(kept.body.teams) !== JSON.stringify(counted.body.teams)) throw new Error('kept figures differ from counted ones');
    await app.close();
    const seedMsPerTeam = seeded.length ? median(seeded.map((s) => s.ms)) : null;
    const [load1, load5, load15] = loadavg();
    return {
      database: fresh.label,
      teams,
      period,
      summaryAdminMs: { counted: communeMs, kept: communeKeptMs, oneTeamChanged: communeOneChangedMs },
      summaryHeadMs: { counted: headMs, kept: headKeptMs },
      adminTrend6Ms: { counted: Math.round(trend.ms), kept: Math.round(trendKept.ms) },
      seedMsPerTeam,
      loadAverage: { load1, load5, load15 },
    };
  } finally {
    await fresh.close();
  }
}

const results = {
  at: new Date().toISOString(),
  sizes,
  runs,
  device: parts.includes('device') ? await device() : { skipped: '--parts' },
  server: parts.includes('server') ? await server() : { skipped: '--parts' },
};
const out = fileURLToPath(new URL('./results/reports.json', import.meta.url));
mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
process.exit(0);
