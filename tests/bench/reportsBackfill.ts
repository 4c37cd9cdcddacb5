/**
 * Filling the report tables (migration 20261206171000_report_rows.sql) row by row, as that
 * migration does, against set-based statements (issue 13):
 *
 *   npx tsx tests/bench/reportsBackfill.ts --schema=NAME [--teams=2]
 *
 * On a schema kept by `npx tsx tests/bench/reports.ts --schema=NAME`, for the first `--teams`
 * teams, inside one transaction that is rolled back (nothing is changed):
 * 1. set-based: INSERT … SELECT per table from `records` into empty copies of the four tables
 *    (same columns, keys and indexes);
 * 2. row by row: those teams' rows deleted from the real tables, then the migration's own two
 *    statements (`select report_project(r) from records r …`, households first) for those teams;
 * 3. both results compared row for row (EXCEPT both ways); any difference fails the run.
 *
 * Writes tests/bench/results/reports-backfill.json and prints it. Nothing is judged.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { openPostgres } from '../../server/db/postgres';
import type { Queryable } from '../../server/db/adapter';
import { findPostgres } from './syncServer';

const args = process.argv.slice(2);
const schema = args.find((a) => a.startsWith('--schema='))?.slice('--schema='.length);
if (!schema || !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('--schema=NAME (a schema kept by tests/bench/reports.ts) is required');
const teamsArg = args.find((a) => a.startsWith('--teams='));
const teamCount = teamsArg ? Number(teamsArg.slice('--teams='.length)) : 2;
if (!Number.isInteger(teamCount) || teamCount < 1) throw new Error('--teams needs a positive integer');
const log = (s: string) => console.log(`[reports backfill bench] ${s}`);

const TABLES = ['report_households', 'report_members', 'report_visits', 'report_steps'] as const;

/** The migration's report_project, one statement per table; `$1` holds the teams. */
const SET_BASED = [
  `insert into fill_households (team_id, id, neighborhood, consent_on, withdrawn_on)
   select r.team_id, r.id, r.data->>'neighborhood',
          report_vietnam_date(r.data->'consent'->>'recordedAt'), report_vietnam_date(r.data->'consent'->>'withdrawnAt')
   from records r
   where r.team_id = any($1::uuid[]) and r.entity = 'household' and not r.deleted and r.data is not null
     and coalesce(r.data->'consent'->'purposes' ? 'reporting', false)`,
  `insert into fill_members (team_id, id, household_id, birth_year, has_smartphone, uses_online_services,
                             has_payment_account, vneid_level, vneid_level_since, neighborhood, consent_on, withdrawn_on)
   select r.team_id, r.id, (r.data->>'householdId')::uuid, (r.data->>'birthYear')::integer,
          coalesce(r.data->'hasSmartphone' = 'true', false), coalesce(r.data->'usesOnlineServices' = 'true', false),
          coalesce(r.data->'hasPaymentAccount' = 'true', false), (r.data->>'vneidLevel')::integer, r.data->>'vneidLevelSince',
          h.neighborhood, h.consent_on, h.withdrawn_on
   from records r left join fill_households h on h.team_id = r.team_id and h.id = (r.data->>'householdId')::uuid
   where r.team_id = any($1::uuid[]) and r.entity = 'member' and not r.deleted and r.data is not null`,
  `insert into fill_visits (team_id, id, household_id, date, outcome, follow_up_date, created_by, member_ids, results,
                            neighborhood, consent_on, withdrawn_on)
   select r.team_id, r.id, (r.data->>'householdId')::uuid, r.data->>'date', r.data->>'outcome', r.data->>'followUpDate', r.created_by,
          case when jsonb_typeof(r.data->'memberIds') = 'array'
               then array(select jsonb_array_elements_text(r.data->'memberIds')::uuid) end,
          case when jsonb_typeof(r.data->'results') = 'object' then r.data->'results' end,
          h.neighborhood, h.consent_on, h.withdrawn_on
   from records r left join fill_households h on h.team_id = r.team_id and h.id = (r.data->>'householdId')::uuid
   where r.team_id = any($1::uuid[]) and r.entity = 'visit' and not r.deleted and r.data is not null`,
  `insert into fill_steps (team_id, id, member_id, step_key, done_on)
   select r.team_id, r.id, (r.data->>'memberId')::uuid, r.data->>'stepKey', r.data->>'doneOn'
   from records r
   where r.team_id = any($1::uuid[]) and r.entity = 'checklistStep' and not r.deleted and r.data is not null
     and r.data->>'status' = 'done' and r.data->>'doneOn' is not null
     and r.data->>'stepKey' = any (array['level1.activated', 'level2.activated', 'after.integrateDocs'])`,
];

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return Math.round(performance.now() - t);
}

const where = await findPostgres();
if ('skipped' in where) {
  log(where.skipped);
  process.exit(0);
}
const db = await openPostgres(where.url, schema);
class Rollback extends Error {}
let results: Record<string, unknown> = {};
try {
  await db.transaction(async (tx: Queryable) => {
    const teams = (await tx.query<{ id: string }>('select id from teams order by name, id limit $1', [teamCount])).map((t) => t.id);
    const [counts] = await tx.query<Record<string, string>>(
      `select count(*) as records, count(*) filter (where entity = 'household') as households, count(*) filter (where entity = 'member') as members,
         count(*) filter (where entity = 'visit') as visits, (select count(*) from records) as "recordsInSchema"
       from records where team_id = any($1::uuid[])`,
      [teams],
    );
    log(`${teams.length} teams, ${counts!.records} of the schema's ${counts!.recordsInSchema} records`);
    await tx.exec(TABLES.map((t) => `create temp table ${t.replace('report_', 'fill_')} (like ${t} including all) on commit drop;`).join('\n'));
    const setBasedMs = await timed(async () => {
      for (const sql of SET_BASED) await tx.query(sql, [teams]);
    });
    log(`set-based: ${setBasedMs} ms`);
    for (const t of TABLES) await tx.query(`delete from ${t} where team_id = any($1::uuid[])`, [teams]);
    const rowByRowMs = await timed(async () => {
      await tx.query(`select report_project(r) from records r where r.team_id = any($1::uuid[]) and r.entity = 'household'`, [teams]);
      await tx.query(`select report_project(r) from records r where r.team_id = any($1::uuid[]) and r.entity in ('member', 'visit', 'checklistStep')`, [teams]);
    });
    log(`row by row (the migration's statements): ${rowByRowMs} ms`);
    const rows: Record<string, number> = {};
    for (const t of TABLES) {
      const fill = t.replace('report_', 'fill_');
      const [d] = await tx.query<{ missing: string; extra: string; n: string }>(
        `select (select count(*) from (select * from ${t} where team_id = any($1::uuid[]) except all select * from ${fill}) a) as missing,
                (select count(*) from (select * from ${fill} except all select * from ${t} where team_id = any($1::uuid[])) b) as extra,
                (select count(*) from ${fill}) as n`,
        [teams],
      );
      if (Number(d!.missing) || Number(d!.extra)) throw new Error(`${t}: the set-based rows differ (${d!.missing} missing, ${d!.extra} extra)`);
      rows[t] = Number(d!.n);
    }
    log(`identical rows: ${JSON.stringify(rows)}`);
    const records = Number(counts!.records);
    const inSchema = Number(counts!.recordsInSchema);
    results = {
      at: new Date().toISOString(),
      schema,
      teams: teams.length,
      records: { households: Number(counts!.households), members: Number(counts!.members), visits: Number(counts!.visits), all: records },
      reportRows: rows,
      setBasedMs,
      rowByRowMs,
      speedup: Math.round((rowByRowMs / setBasedMs) * 10) / 10,
      secondsPerMillionRecords: { setBased: Math.round((setBasedMs * 1000) / records), rowByRow: Math.round((rowByRowMs * 1000) / records) },
      wholeSchemaEstimate: { records: inSchema, setBasedS: Math.round((setBasedMs * inSchema) / records / 1000), rowByRowS: Math.round((rowByRowMs * inSchema) / records / 1000) },
      loadAverage: loadavg(),
    };
    throw new Rollback();
  });
} catch (e) {
  if (!(e instanceof Rollback)) throw e;
} finally {
  await db.close();
}
const out = fileURLToPath(new URL('./results/reports-backfill.json', import.meta.url));
mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
process.exit(0);
