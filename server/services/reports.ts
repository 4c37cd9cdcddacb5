/**
 * The summary report (../shared/spec/indicators.md) and the commune's report settings.
 *
 * The phones compute the indicators with src/domain/indicators.ts, the single definition. The
 * server counts the same rules in SQL, over the narrow copies of the records that a trigger keeps
 * (migration 20261206171000_report_rows.sql), a few statements per team, the teams side by side
 * on the pool: loading a commune's 2.8 million records into Node took 15 seconds.
 * server/routes/reports.test.ts holds both sides to the same integers on the spec's edge cases.
 *
 * Counting one team of 140,000 records still takes 0.15–0.25 s of the database's CPU, so each
 * team's figures for a period are kept in report_summary_cache (migration
 * 20261206193000_report_summary_cache.sql) with the change number they counted: a commune's
 * summary counts again only the teams that changed since.
 *
 * SQL groups by the neighborhood exactly as written; folding the spellings together (trimmed,
 * case and diacritics ignored) happens here with the domain's own `neighborhoodKey`, which every
 * count allows since a household and its members sit in one written neighborhood.
 */
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/adapter';
import {
  emptyIndicators,
  INDICATOR_KEYS,
  NEIGHBORHOOD_INDICATOR_KEYS,
  neighborhoodKey,
  sumIndicators,
  type IndicatorKey,
  type Indicators,
  type NeighborhoodIndicators,
  type Period,
  type TeamIndicators,
} from '../../src/domain/indicators';
import {
  defaultReportSettings,
  reportSettingsSchema,
  type ReportSettings,
  type StoredReportSettings,
  type SummaryResponse,
} from '../../src/domain/reportSettings';
import { RESULT_KEYS } from '../../src/domain/vocab';

/**
 * Whether the row of `alias` counts at `to` (the parameter holding it): the household copy holds
 * only live households with the reporting purpose, and members and visits carry their household's
 * consent dates (null without one); consent given by `to` and not withdrawn by then.
 */
const countsAt = (alias: string, to: string) =>
  `${alias}.consent_on <= ${to} and (${alias}.withdrawn_on is null or ${alias}.withdrawn_on > ${to})`;

/** The sums of every results key over `alias`'s rows, as columns r0… in RESULT_KEYS order. */
const resultSums = (alias: string, results: string) =>
  RESULT_KEYS.map((k, i) => `coalesce(sum((${alias}.${results}->>'${k}')::int), 0)::int as r${i}`).join(', ');

/** A visit as one text whose greatest value is the latest visit (date, then id), then two flags: open and overdue at `to` ($3). */
const latestKey = (v: string) => `(${v}.date || ${v}.id::text
  || case when ${v}.outcome = 'followUp' or ${v}.follow_up_date is not null then '1' else '0' end
  || case when ${v}.follow_up_date < $3 then '1' else '0' end) collate "C"`;
const LATEST_FLAGS_AT = 10 + 36 + 1;

/**
 * One team's statements run in one transaction that sees one snapshot, so that they count the
 * same records. Its settings: PostgreSQL's JIT spent 5 of 8 seconds compiling a commune's plans,
 * the default 4 MB of work_mem sorted a commune's rows on disk, and parallel workers only add
 * their start to one team's statements while the teams already run side by side on the pool.
 */
const TEAM_TRANSACTION = `set transaction isolation level repeatable read, read only;
  set local jit = off; set local work_mem = '64MB'; set local max_parallel_workers_per_gather = 0`;

type Row = { neighborhood: string } & Record<string, number | string>;

/** One team's household-based figures per written neighborhood, as the queries below name them. */
async function neighborhoodRows(db: Queryable, teamId: string, p: Period): Promise<Row[]> {
  const year = Number(p.to.slice(0, 4));
  const period = [teamId, p.from, p.to];
  const rows = await Promise.all([
    // Per household first: its visits in the period, and its latest visit at `to`, which is the
    // period's latest, or else the one before the period (one index probe per such household).
    db.query<Row>(
      `with pv as (
         select v.household_id, count(*)::int as visits, count(*) filter (where v.outcome = 'done')::int as done,
           bool_or(v.outcome <> 'notHome') as reached, max(${latestKey('v')}) as latest, ${resultSums('v', 'results')}
         from report_visits v
         where v.team_id = $1::uuid and v.date between $2 and $3 and ${countsAt('v', '$3')}
         group by v.household_id),
       hv as (
         select h.id, h.neighborhood, pv.visits, pv.done, coalesce(pv.reached, false) as reached,
           case when pv.reached then true else exists (
             select 1 from report_visits e
             where e.team_id = h.team_id and e.household_id = h.id and e.date < $2 and e.outcome <> 'notHome') end as "everReached",
           coalesce(pv.latest, (
             select ${latestKey('e')} from report_visits e
             where e.team_id = h.team_id and e.household_id = h.id and e.date < $2
             order by e.date desc, e.id desc limit 1)) as latest,
           ${RESULT_KEYS.map((_, i) => `pv.r${i}`).join(', ')}
         from report_households h left join pv on pv.household_id = h.id
         where h.team_id = $1::uuid and ${countsAt('h', '$3')})
       select neighborhood, min(id::text) as "firstId", count(*)::int as "householdsRegistered",
         coalesce(sum(visits), 0)::int as "visits", coalesce(sum(done), 0)::int as "visitsDone",
         count(*) filter (where reached)::int as "householdsReachedInPeriod",
         count(*) filter (where "everReached")::int as "householdsEverReached",
         count(*) filter (where substr(latest, ${LATEST_FLAGS_AT}, 1) = '1')::int as "followUpsOpen",
         count(*) filter (where substr(latest, ${LATEST_FLAGS_AT + 1}, 1) = '1')::int as "followUpsOverdue",
         ${RESULT_KEYS.map((_, i) => `coalesce(sum(r${i}), 0)::int as r${i}`).join(', ')}
       from hv group by 1`,
      period,
    ),
    db.query<Row>(
      `select m.neighborhood,
         count(*) filter (where m.birth_year <= $3)::int as "adults",
         count(*) filter (where m.birth_year <= $3 and m.vneid_level = 2 and (m.vneid_level_since is null or m.vneid_level_since <= $2))::int as "adultsVneidLevel2",
         count(*) filter (where m.birth_year <= $3 and m.has_smartphone)::int as "adultsWithSmartphone",
         count(*) filter (where m.birth_year <= $3 and m.uses_online_services)::int as "adultsUsingOnlineServices",
         count(*) filter (where m.birth_year <= $4)::int as "aged15Plus",
         count(*) filter (where m.birth_year <= $4 and m.has_payment_account)::int as "aged15PlusWithPaymentAccount"
       from report_members m
       where m.team_id = $1::uuid and ${countsAt('m', '$2')}
       group by 1`,
      [teamId, p.to, year - 18, year - 15],
    ),
    // People helped count in their own household's neighborhood, whichever household was visited.
    db.query<Row>(
      `with named as (
         select distinct x.member_id
         from report_visits v cross join unnest(v.member_ids) as x(member_id)
         where v.team_id = $1::uuid and v.date between $2 and $3 and v.member_ids is not null and ${countsAt('v', '$3')})
       select m.neighborhood, count(*)::int as "peopleHelped"
       from named n join report_members m on m.team_id = $1::uuid and m.id = n.member_id
       where ${countsAt('m', '$3')}
       group by 1`,
      period,
    ),
    db.query<Row>(
      `select m.neighborhood,
         count(*) filter (where s.step_key = 'level1.activated')::int as "vneidLevel1Activations",
         count(*) filter (where s.step_key = 'level2.activated')::int as "vneidLevel2Activations",
         count(*) filter (where s.step_key = 'after.integrateDocs')::int as "documentsIntegrated"
       from report_steps s join report_members m on m.team_id = s.team_id and m.id = s.member_id
       where s.team_id = $1::uuid and s.done_on between $2 and $3 and ${countsAt('m', '$3')}
       group by 1`,
      period,
    ),
  ]);
  return rows.flat();
}

/** One team's sessions (few, read from the records) and the people who recorded visits or sessions. */
async function teamRow(db: Queryable, teamId: string, p: Period): Promise<Record<string, number>> {
  const period = [teamId, p.from, p.to];
  const sessionsOf = `records s where s.team_id = $1::uuid and s.entity = 'session' and not s.deleted
    and (s.data->>'date') collate "C" between $2 and $3`;
  const [sessions, users] = await Promise.all([
    db.query<Record<string, number>>(
      `select count(*)::int as "sessions", coalesce(sum((s.data->>'attendees')::int), 0)::int as "sessionAttendees",
         ${resultSums('s', "data->'results'")}
       from ${sessionsOf}`,
      period,
    ),
    db.query<Record<string, number>>(
      `select count(*)::int as "activeUsers" from (
         select v.created_by from report_visits v
         where v.team_id = $1::uuid and v.date between $2 and $3 and v.created_by is not null and ${countsAt('v', '$3')}
         union
         select s.created_by from ${sessionsOf} and s.created_by is not null) users`,
      period,
    ),
  ]);
  return { ...sessions[0], ...users[0] };
}

/** Adds a row's figures (columns named as indicators, or r0… for the results keys) to `into`. */
function add(into: Indicators, row: Record<string, number | string>, keys: readonly IndicatorKey[]): void {
  for (const k of keys) {
    const v = row[k];
    if (typeof v === 'number') into[k] += v;
  }
  RESULT_KEYS.forEach((k, i) => {
    const v = row[`r${i}`];
    if (typeof v === 'number') into[`results.${k}`] += v;
  });
}

/**
 * One team's figures from its rows, shaped as computeTeamIndicators shapes the device's: the
 * neighborhoods folded and sorted by their key, each shown as written on its first household
 * (the smallest id), and the team's figures as their sum plus the sessions and active users.
 */
function teamIndicators(rows: readonly Row[], team: Record<string, number>): TeamIndicators {
  const firsts = new Map<string, string>();
  for (const r of rows) if (typeof r.firstId === 'string') firsts.set(r.neighborhood, r.firstId);
  const groups = new Map<string, { name: string; firstId: string; values: Indicators }>();
  const group = (written: string) => {
    const key = neighborhoodKey(written);
    // Every counted member's household is counted in the same snapshot, so its spelling is known;
    // one that were not would still count, with no claim to be the shown one.
    const firstId = firsts.get(written) ?? '\uffff';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { name: written.trim(), firstId, values: emptyIndicators() }));
    else if (firstId < g.firstId) Object.assign(g, { name: written.trim(), firstId });
    return g;
  };
  for (const written of firsts.keys()) group(written);
  for (const r of rows) add(group(r.neighborhood).values, r, NEIGHBORHOOD_INDICATOR_KEYS);

  const indicators = emptyIndicators();
  const byNeighborhood: NeighborhoodIndicators[] = [];
  for (const [, g] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const own: Partial<Indicators> = {};
    for (const k of NEIGHBORHOOD_INDICATOR_KEYS) {
      own[k] = g.values[k];
      indicators[k] += g.values[k];
    }
    byNeighborhood.push({ name: g.name, indicators: own });
  }
  add(indicators, team, ['sessions', 'sessionAttendees', 'activeUsers']);
  return { indicators, byNeighborhood };
}

/** Teams one request counts at once (see `summary`). */
export const COUNTING_CONNECTIONS = 3;

export interface ReportScope {
  role: 'head' | 'admin';
  teamId: string | null;
  communeId: string;
}

/**
 * What a kept figure was counted by: this module's counting code (every function below that
 * shapes a statement or a figure, and the domain's keys and folding), so that a server running
 * other code never reads it. The newest applied migration is added per request, for a migration
 * that changes what the report tables hold.
 */
const COUNTING_CODE = createHash('sha256')
  .update(
    [countsAt, resultSums, latestKey, neighborhoodRows, teamRow, add, teamIndicators, neighborhoodKey, countTeam]
      .map((f) => f.toString())
      .concat(TEAM_TRANSACTION, JSON.stringify([INDICATOR_KEYS, NEIGHBORHOOD_INDICATOR_KEYS, RESULT_KEYS]))
      .join('\n'),
  )
  .digest('hex')
  .slice(0, 16);

/** One team's figures and the change number (team_counters.last_seq) of the records they count. */
async function countTeam(db: Database, teamId: string, period: Period): Promise<{ lastSeq: string; figures: TeamIndicators }> {
  return db.transaction(async (tx) => {
    await tx.exec(TEAM_TRANSACTION);
    // The first statement takes the snapshot every later one reads: the change number and the
    // records it counts are those of one moment, since a push raises it in its own transaction.
    const seq = await tx.query<{ lastSeq: string }>('select coalesce(max(last_seq), 0)::text as "lastSeq" from team_counters where team_id = $1', [teamId]);
    const [neighborhoods, team] = await Promise.all([neighborhoodRows(tx, teamId, period), teamRow(tx, teamId, period)]);
    return { lastSeq: seq[0]?.lastSeq ?? '0', figures: teamIndicators(neighborhoods, team) };
  });
}

/** The summary for a head's team, or for every team of an admin's commune. */
export async function summary(db: Database, scope: ReportScope, period: Period, now: Date = new Date()): Promise<SummaryResponse> {
  const which = scope.role === 'admin' ? 't.commune_id = $1' : 't.id = $1';
  const teams = await db.query<{ id: string; name: string; version: string; figures: TeamIndicators | null }>(
    `with v as (select $4::text || ':' || coalesce((select max(name) from schema_migrations), '') as version)
     select t.id, t.name, v.version, k.figures
     from teams t cross join v
       left join team_counters c on c.team_id = t.id
       left join report_summary_cache k on k.team_id = t.id and k.period_from = $2 and k.period_to = $3
         and k.last_seq = coalesce(c.last_seq, 0) and k.version = v.version
     where ${which}
     order by t.name, t.id`,
    [scope.role === 'admin' ? scope.communeId : scope.teamId, period.from, period.to, COUNTING_CODE],
  );
  // One team per statement: PostgreSQL plans a team's range of each index better than a list of
  // teams. A few teams at a time, each on a connection of its own: enough for the database's
  // cores, while the pool's other connections stay free for pushes (20 teams at once held every
  // connection a transaction may take, and an admin's six periods at once waited past the
  // pool's 5 s, answered 503).
  const counted = new Map<string, TeamIndicators>();
  const waiting = teams.filter((t) => !t.figures);
  const counter = async () => {
    for (let t = waiting.shift(); t; t = waiting.shift()) {
      const { lastSeq, figures } = await countTeam(db, t.id, period);
      // Figures of an older change number can never answer again; those of a newer one (counted
      // meanwhile by another request) are kept.
      await db.query('delete from report_summary_cache where team_id = $1 and last_seq < $2', [t.id, lastSeq]);
      await db.query(
        `insert into report_summary_cache (team_id, period_from, period_to, last_seq, version, figures)
         values ($1, $2, $3, $4, $5, $6::json)
         on conflict (team_id, period_from, period_to) do update
           set last_seq = excluded.last_seq, version = excluded.version, figures = excluded.figures, counted_at = now()
           where report_summary_cache.last_seq <= excluded.last_seq`,
        [t.id, period.from, period.to, lastSeq, t.version, JSON.stringify(figures)],
      );
      counted.set(t.id, figures);
    }
  };
  await Promise.all(Array.from({ length: Math.min(COUNTING_CONNECTIONS, waiting.length) }, counter));
  const out = teams.map((t) => {
    const figures = t.figures ?? counted.get(t.id);
    // Every counter ends with the queue empty, or its error ends the request.
    if (!figures) throw new Error(`team ${t.id} was not counted`);
    return { id: t.id, name: t.name, ...figures };
  });
  const total: Indicators = sumIndicators(out.map((t) => t.indicators));
  return { from: period.from, to: period.to, generatedAt: now.toISOString(), teams: out, total: { indicators: total } };
}

export async function readReportSettings(db: Queryable, communeId: string): Promise<StoredReportSettings> {
  const row = (await db.query<{ communeName: string; settings: unknown; updatedAt: string | Date | null }>(
    `select c.name as "communeName", s.settings, s.updated_at as "updatedAt"
     from communes c left join report_settings s on s.commune_id = c.id where c.id = $1`,
    [communeId],
  ))[0];
  const communeName = row?.communeName ?? '';
  if (!row?.updatedAt) return { ...defaultReportSettings(), updatedAt: null, communeName };
  // Stored settings were valid when written; keys a later version dropped fall back to the defaults.
  const parsed = reportSettingsSchema.safeParse(row.settings);
  const settings = parsed.success ? parsed.data : defaultReportSettings();
  return { ...settings, updatedAt: new Date(row.updatedAt).toISOString(), communeName };
}

export async function writeReportSettings(db: Queryable, communeId: string, userId: string, settings: ReportSettings): Promise<StoredReportSettings> {
  await db.query(
    `insert into report_settings (commune_id, settings, updated_by, updated_at) values ($1, $2, $3, now())
     on conflict (commune_id) do update set settings = excluded.settings, updated_by = excluded.updated_by, updated_at = now()`,
    [communeId, JSON.stringify(settings), userId],
  );
  return readReportSettings(db, communeId);
}
