/**
 * What one pushed change costs the server and PostgreSQL (issue 12, the load goals):
 *
 *   npx tsx tests/bench/pushCost.ts [--batches=150] [--batch=20] [--seed=N] [--disable=TRIGGER]
 *
 * One team's head pushes `--batches` batches of `--batch` mutations through `POST /api/sync/push`
 * (`app.inject`) into a fresh schema of the PostgreSQL at TEST_DATABASE_URL (or the local
 * default), one batch after the other: the load benchmark's mix (tests/bench/load/device.ts) —
 * about half creates (households, members, visits), a quarter patches and a tenth deletes of its
 * own records, the rest patches of one household the whole team shares, some with a stale
 * `baseVersion` (conflicts). The first tenth of the batches warms up and is not counted.
 *
 * Reported per mutation: the statements sent inside the push transactions (a text of several
 * statements is one round trip), the server's CPU (this process: the route, the rules, the JSON)
 * and PostgreSQL's CPU (its backends for this run, found by `application_name`, from
 * /proc/<pid>/stat): CPU times, which a shared machine distorts far less than wall-clock times.
 * Wall-clock mutations/s is printed too, beside the load average. Nothing is judged.
 *
 * `--disable=records_report` (any trigger on records) measures without it: what that trigger costs.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { buildApp } from '../../server/app';
import { configFromEnv } from '../../server/config';
import { createTeam } from '../../server/services/teams';
import { enroll } from '../../server/services/auth';
import { loadInviteKey } from '../../server/services/inviteKey';
import { openPostgres } from '../../server/db/postgres';
import { migrate } from '../../server/db/migrate';
import type { Database, Queryable } from '../../server/db/adapter';
import { householdFields, memberFields, visitFields } from '../../server/test-fixtures';
import { mulberry32 } from '../../src/domain/random';

const args = process.argv.slice(2);
const num = (name: string, fallback: number): number => {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  const n = hit === undefined ? fallback : Number(hit.slice(name.length + 3));
  if (!Number.isFinite(n) || n < 1) throw new Error(`--${name} needs a positive number`);
  return n;
};
const batches = num('batches', 150);
const batchSize = num('batch', 20);
const rng = mulberry32(num('seed', 12));
const url = process.env.TEST_DATABASE_URL || 'postgres://cds:cds@127.0.0.1:5432/cds_test';
const appName = `push_cost_${process.pid}`;
const disabled = args.find((a) => a.startsWith('--disable='))?.slice('--disable='.length);
if (disabled !== undefined && !/^[a-z_]+$/.test(disabled)) throw new Error('--disable names a trigger on records');

/** Counts the statements sent inside transactions. */
function counting(db: Database, counter: { statements: number }): Database {
  const wrap = (tx: Queryable): Queryable => ({
    query: (sql, params) => (counter.statements++, tx.query(sql, params)),
    exec: (sql) => (counter.statements++, tx.exec(sql)),
  });
  return { ...db, transaction: (fn) => db.transaction((tx) => fn(wrap(tx))) };
}

const TICK_MS = 10;
async function backendCpuMs(admin: pg.Client): Promise<number> {
  const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [appName]);
  let ticks = 0;
  for (const { pid } of rows) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime: fields 14 and 15 of the line, 12 and 13 after the command name.
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * TICK_MS;
}

type Mutation = { mid: string; seq: number; entity: string; op: string; id: string; baseVersion: number | null; fields?: Record<string, unknown>; clientTs: string };

async function main(): Promise<void> {
  const schema = `pushcost_${randomUUID().replace(/-/g, '')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const raw = await openPostgres(`${url}${url.includes('?') ? '&' : '?'}application_name=${appName}`, { schema, poolSize: 4, readReserve: 1 });
  const counter = { statements: 0 };
  const db = counting(raw, counter);
  try {
    await migrate(raw);
    if (disabled) await raw.exec(`alter table records disable trigger ${disabled}`);
    const key = await loadInviteKey(raw, undefined);
    const team = await createTeam(raw, key, 'Xã Đo Chi Phí', 'Tổ đo chi phí');
    const head = await enroll(raw, key, team.inviteCode, 'Trưởng tổ', 'Bench');
    if (!head) throw new Error('enroll failed');
    const app = await buildApp({ db, config: { ...configFromEnv({}, 'bench'), staticDir: undefined, logLevel: 'warn', rateLimit: { perSecond: 1e6, burst: 1e6 }, addressLimit: { perSecond: 1e6, burst: 1e6 } } });
    const deviceId = randomUUID();
    let seq = 0;
    const mutation = (entity: string, op: string, id: string, baseVersion: number | null, fields?: Record<string, unknown>): Mutation => ({ mid: randomUUID(), seq: ++seq, entity, op, id, baseVersion, ...(fields ? { fields } : {}), clientTs: new Date().toISOString() });
    const send = async (mutations: Mutation[]) => {
      const r = await app.inject({ method: 'POST', url: '/api/sync/push', headers: { authorization: `Bearer ${head.token}` }, payload: { protocol: 1, deviceId, appVersion: 'bench', mutations } });
      if (r.statusCode !== 200) throw new Error(`push answered ${r.statusCode}: ${r.body.slice(0, 300)}`);
      return (r.json() as { results: { status: string; version?: number }[] }).results;
    };
    const shared = randomUUID();
    let sharedVersion = (await send([mutation('household', 'create', shared, null, householdFields())]))[0]!.version ?? 1;
    const households: { id: string; version: number }[] = [];
    const members: { id: string; version: number }[] = [];
    const visits: string[] = [];
    const pick = <T>(xs: T[]): T => xs[Math.floor(rng() * xs.length)]!;
    const statuses: Record<string, number> = {};
    const warm = Math.max(1, Math.floor(batches / 10));
    let counted = 0;
    let wallMs = 0;
    let nodeCpuMs = 0;
    let dbCpuMs = 0;
    let statements = 0;
    for (let b = 0; b < batches; b++) {
      const mutations: Mutation[] = [];
      for (let i = 0; i < batchSize; i++) {
        const r = rng();
        if (r < 0.5 || households.length < 3) {
          const kind = rng();
          if (kind < 0.35 || households.length === 0) {
            const id = randomUUID();
            households.push({ id, version: 1 });
            mutations.push(mutation('household', 'create', id, null, householdFields()));
          } else if (kind < 0.7) {
            const id = randomUUID();
            members.push({ id, version: 1 });
            mutations.push(mutation('member', 'create', id, null, memberFields(pick(households).id)));
          } else {
            const id = randomUUID();
            visits.push(id);
            mutations.push(mutation('visit', 'create', id, null, visitFields(pick(households).id)));
          }
        } else if (r < 0.75) {
          const h = pick(households);
          mutations.push(mutation('household', 'patch', h.id, h.version, { phone: `09${String(Math.floor(rng() * 1e8)).padStart(8, '0')}` }));
          h.version++;
        } else if (r < 0.85 && (visits.length > 0 || members.length > 0)) {
          const list = visits.length > 0 && (members.length === 0 || rng() < 0.5) ? visits : members.map((m) => m.id);
          const id = list.splice(Math.floor(rng() * list.length), 1)[0]!;
          if (list !== visits) members.splice(members.findIndex((m) => m.id === id), 1);
          mutations.push(mutation(list === visits ? 'visit' : 'member', 'delete', id, null));
        } else {
          // A stale baseVersion now and then, as a teammate's edit would leave it: a conflict.
          mutations.push(mutation('household', 'patch', shared, rng() < 0.3 ? Math.max(0, sharedVersion - 1) : sharedVersion, { notes: `ghi chú ${b}.${i}` }));
        }
      }
      const dbBefore = await backendCpuMs(admin);
      const statementsBefore = counter.statements;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const results = await send(mutations);
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const dbAfter = await backendCpuMs(admin);
      for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      for (const [i, r] of results.entries()) {
        const m = mutations[i]!;
        if (m.id === shared && r.version !== undefined) sharedVersion = Math.max(sharedVersion, r.version);
        const h = households.find((x) => x.id === m.id);
        if (h && r.version !== undefined) h.version = r.version;
      }
      if (b < warm) continue;
      counted += mutations.length;
      wallMs += ms;
      nodeCpuMs += (cpu.user + cpu.system) / 1000;
      dbCpuMs += dbAfter - dbBefore;
      statements += counter.statements - statementsBefore;
    }
    await app.close();
    const per = (x: number) => Math.round((x / counted) * 1000) / 1000;
    console.log(
      JSON.stringify(
        {
          disabled: disabled ?? null,
          batches: batches - warm,
          mutations: counted,
          statuses,
          statementsPerBatch: Math.round((statements / (batches - warm)) * 10) / 10,
          statementsPerMutation: per(statements),
          serverCpuMsPerMutation: per(nodeCpuMs),
          postgresCpuMsPerMutation: per(dbCpuMs),
          mutationsPerSecond: Math.round((counted / wallMs) * 1000),
          loadAverage: loadavg().map((x) => Math.round(x * 10) / 10),
        },
        null,
        2,
      ),
    );
  } finally {
    await raw.close();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(2);
});
