/**
 * The summary report (../shared/spec/indicators.md) and the commune's report settings.
 *
 * The phones compute the indicators with src/domain/indicators.ts, the single definition. The
 * server counts the same rules in SQL, over the narrow copies of the records that a trigger keeps
 * (migration 20261206170000_report_rows.sql), for every team of the scope at once: loading a
 * commune's 2.8 million records into Node took seconds. server/routes/reports.test.ts holds both
 * to the same integers on the spec's edge cases.
 *
 * SQL groups by team and by the neighborhood exactly as written; folding the spellings together
 * (trimmed, case and diacritics ignored) happens here with the domain's own `neighborhoodKey`,
 * which every count allows since a household and its members sit in one written neighborhood.
 */
import type { Queryable } from '../db/adapter';
import {
  emptyIndicators,
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
 * Households counted at `to` ($1 the teams, `to` the parameter holding `to`): the copy holds only
 * live households with the reporting purpose; consent given by `to` and not withdrawn by then.
 */
const countedHouseholds = (to: string) => `hh as materialized (
  select team_id, id, neighborhood from report_households
  where team_id = any($1::uuid[]) and consent_on <= ${to} and (withdrawn_on is null or withdrawn_on > ${to}))`;
const COUNTED_HOUSEHOLDS = countedHouseholds('$3');

/** The sums of every results key over `alias`'s rows, as columns r0… in RESULT_KEYS order. */
const resultSums = (alias: string, results: string) =>
  RESULT_KEYS.map((k, i) => `coalesce(sum((${alias}.${results}->>'${k}')::int), 0)::int as r${i}`).join(', ');

/** A visit as one text whose greatest value is the latest visit (date, then id), then two flags: open and overdue at `to` ($3). */
const latestKey = (v: string) => `(${v}.date || ${v}.id::text
  || case when ${v}.outcome = 'followUp' or ${v}.follow_up_date is not null then '1' else '0' end
  || case when ${v}.follow_up_date < $3 then '1' else '0' end) collate "C"`;
const LATEST_FLAGS_AT = 10 + 36 + 1;

type Row = { team: string; neighborhood: string } & Record<string, number | string>;
type TeamRow = { team: string } & Record<string, number>;

/** The household-based figures per team and written neighborhood, as the queries below name them. */
async function neighborhoodRows(db: Queryable, teamIds: string[], p: Period): Promise<Row[][]> {
  const year = Number(p.to.slice(0, 4));
  const period = [teamIds, p.from, p.to];
  return Promise.all([
    db.query<Row>(
      `with ${countedHouseholds('$2')}
       select h.team_id::text as team, h.neighborhood, min(h.id::text) as "firstId", count(*)::int as "householdsRegistered"
       from hh h group by 1, 2`,
      [teamIds, p.to],
    ),
    db.query<Row>(
      `with ${countedHouseholds('$2')}
       select h.team_id::text as team, h.neighborhood,
         count(*) filter (where m.birth_year <= $3)::int as "adults",
         count(*) filter (where m.birth_year <= $3 and m.vneid_level = 2 and (m.vneid_level_since is null or m.vneid_level_since <= $2))::int as "adultsVneidLevel2",
         count(*) filter (where m.birth_year <= $3 and m.has_smartphone)::int as "adultsWithSmartphone",
         count(*) filter (where m.birth_year <= $3 and m.uses_online_services)::int as "adultsUsingOnlineServices",
         count(*) filter (where m.birth_year <= $4)::int as "aged15Plus",
         count(*) filter (where m.birth_year <= $4 and m.has_payment_account)::int as "aged15PlusWithPaymentAccount"
       from report_members m join hh h on h.team_id = m.team_id and h.id = m.household_id
       where m.team_id = any($1::uuid[])
       group by 1, 2`,
      [teamIds, p.to, year - 18, year - 15],
    ),
    // Per household first: its visits in the period, and its latest visit at `to`, which is the
    // period's latest, or else the one before the period (one index probe per such household).
    db.query<Row>(
      `with ${COUNTED_HOUSEHOLDS},
       pv as (
         select v.team_id, v.household_id, count(*)::int as visits, count(*) filter (where v.outcome = 'done')::int as done,
           bool_or(v.outcome <> 'notHome') as reached, max(${latestKey('v')}) as latest, ${resultSums('v', 'results')}
         from report_visits v
         where v.team_id = any($1::uuid[]) and v.date between $2 and $3
         group by 1, 2),
       hv as (
         select h.team_id, h.neighborhood, pv.visits, pv.done, coalesce(pv.reached, false) as reached,
           case when pv.reached then true else exists (
             select 1 from report_visits e
             where e.team_id = h.team_id and e.household_id = h.id and e.date < $2 and e.outcome <> 'notHome') end as "everReached",
           coalesce(pv.latest, (
             select ${latestKey('e')} from report_visits e
             where e.team_id = h.team_id and e.household_id = h.id and e.date < $2
             order by e.date desc, e.id desc limit 1)) as latest,
           ${RESULT_KEYS.map((_, i) => `pv.r${i}`).join(', ')}
         from hh h left join pv on pv.team_id = h.team_id and pv.household_id = h.id)
       select team_id::text as team, neighborhood,
         coalesce(sum(visits), 0)::int as "visits", coalesce(sum(done), 0)::int as "visitsDone",
         count(*) filter (where reached)::int as "householdsReachedInPeriod",
         count(*) filter (where "everReached")::int as "householdsEverReached",
         count(*) filter (where substr(latest, ${LATEST_FLAGS_AT}, 1) = '1')::int as "followUpsOpen",
         count(*) filter (where substr(latest, ${LATEST_FLAGS_AT + 1}, 1) = '1')::int as "followUpsOverdue",
         ${RESULT_KEYS.map((_, i) => `coalesce(sum(r${i}), 0)::int as r${i}`).join(', ')}
       from hv group by 1, 2`,
      period,
    ),
    // People helped count in their own household's neighborhood, whichever household was visited.
    db.query<Row>(
      `with ${COUNTED_HOUSEHOLDS},
       named as (
         select distinct v.team_id, x.member_id
         from report_visits v join hh vh on vh.team_id = v.team_id and vh.id = v.household_id
           cross join unnest(v.member_ids) as x(member_id)
         where v.team_id = any($1::uuid[]) and v.date between $2 and $3 and v.member_ids is not null)
       select h.team_id::text as team, h.neighborhood, count(*)::int as "peopleHelped"
       from named n join report_members m on m.team_id = n.team_id and m.id = n.member_id
         join hh h on h.team_id = m.team_id and h.id = m.household_id
       group by 1, 2`,
      period,
    ),
    db.query<Row>(
      `with ${COUNTED_HOUSEHOLDS}
       select h.team_id::text as team, h.neighborhood,
         count(*) filter (where s.step_key = 'level1.activated')::int as "vneidLevel1Activations",
         count(*) filter (where s.step_key = 'level2.activated')::int as "vneidLevel2Activations",
         count(*) filter (where s.step_key = 'after.integrateDocs')::int as "documentsIntegrated"
       from report_steps s join report_members m on m.team_id = s.team_id and m.id = s.member_id
         join hh h on h.team_id = m.team_id and h.id = m.household_id
       where s.team_id = any($1::uuid[]) and s.done_on between $2 and $3
       group by 1, 2`,
      period,
    ),
  ]);
}

/** Sessions (few, read from the records) and the people who recorded visits or sessions, per team. */
async function teamRows(db: Queryable, teamIds: string[], p: Period): Promise<TeamRow[][]> {
  const period = [teamIds, p.from, p.to];
  const sessionsOf = `records s where s.team_id = any($1::uuid[]) and s.entity = 'session' and not s.deleted
    and (s.data->>'date') collate "C" between $2 and $3`;
  return Promise.all([
    db.query<TeamRow>(
      `select s.team_id::text as team, count(*)::int as "sessions", coalesce(sum((s.data->>'attendees')::int), 0)::int as "sessionAttendees",
         ${resultSums('s', "data->'results'")}
       from ${sessionsOf} group by 1`,
      period,
    ),
    db.query<TeamRow>(
      `with ${COUNTED_HOUSEHOLDS},
       users as (
         select v.team_id, v.created_by from report_visits v join hh h on h.team_id = v.team_id and h.id = v.household_id
         where v.team_id = any($1::uuid[]) and v.date between $2 and $3 and v.created_by is not null
         union
         select s.team_id, s.created_by from ${sessionsOf} and s.created_by is not null)
       select team_id::text as team, count(*)::int as "activeUsers" from users group by 1`,
      period,
    ),
  ]);
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
function teamIndicators(rows: readonly Row[], sessions: TeamRow | undefined, users: TeamRow | undefined): TeamIndicators {
  const firsts = new Map<string, string>();
  for (const r of rows) if (typeof r.firstId === 'string') firsts.set(r.neighborhood, r.firstId);
  const groups = new Map<string, { name: string; firstId: string; values: Indicators }>();
  const group = (written: string) => {
    const key = neighborhoodKey(written);
    // The queries are separate statements: a household written in between may bring a spelling
    // the first query did not see, which then counts with no claim to be the shown one.
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
  if (sessions) add(indicators, sessions, ['sessions', 'sessionAttendees']);
  indicators.activeUsers = users?.activeUsers ?? 0;
  return { indicators, byNeighborhood };
}

export interface ReportScope {
  role: 'head' | 'admin';
  teamId: string | null;
  communeId: string;
}

const byTeam = <T extends { team: string }>(rows: readonly T[]): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.team);
    if (list) list.push(r);
    else out.set(r.team, [r]);
  }
  return out;
};

/** The summary for a head's team, or for every team of an admin's commune. */
export async function summary(db: Queryable, scope: ReportScope, period: Period, now: Date = new Date()): Promise<SummaryResponse> {
  const teams =
    scope.role === 'admin'
      ? await db.query<{ id: string; name: string }>('select id, name from teams where commune_id = $1 order by name, id', [scope.communeId])
      : await db.query<{ id: string; name: string }>('select id, name from teams where id = $1', [scope.teamId]);
  const ids = teams.map((t) => t.id);
  const [neighborhoods, [sessions, users]] = ids.length
    ? await Promise.all([neighborhoodRows(db, ids, period), teamRows(db, ids, period)])
    : [[], [[], []]];
  const rows = byTeam(neighborhoods.flat());
  const sessionRows = new Map(sessions.map((r) => [r.team, r]));
  const userRows = new Map(users.map((r) => [r.team, r]));
  const out = teams.map((t) => ({ id: t.id, name: t.name, ...teamIndicators(rows.get(t.id) ?? [], sessionRows.get(t.id), userRows.get(t.id)) }));
  const total: Indicators = sumIndicators(out.map((t) => t.indicators));
  return { from: period.from, to: period.to, generatedAt: now.toISOString(), teams: out, total: { indicators: total } };
}

export async function readReportSettings(db: Queryable, communeId: string): Promise<StoredReportSettings> {
  const row = (await db.query<{ settings: unknown; updatedAt: string | Date }>(
    'select settings, updated_at as "updatedAt" from report_settings where commune_id = $1',
    [communeId],
  ))[0];
  if (!row) return { ...defaultReportSettings(), updatedAt: null };
  // Stored settings were valid when written; keys a later version dropped fall back to the defaults.
  const parsed = reportSettingsSchema.safeParse(row.settings);
  const settings = parsed.success ? parsed.data : defaultReportSettings();
  return { ...settings, updatedAt: new Date(row.updatedAt).toISOString() };
}

export async function writeReportSettings(db: Queryable, communeId: string, userId: string, settings: ReportSettings): Promise<StoredReportSettings> {
  await db.query(
    `insert into report_settings (commune_id, settings, updated_by, updated_at) values ($1, $2, $3, now())
     on conflict (commune_id) do update set settings = excluded.settings, updated_by = excluded.updated_by, updated_at = now()`,
    [communeId, JSON.stringify(settings), userId],
  );
  return readReportSettings(db, communeId);
}
