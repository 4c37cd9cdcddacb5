/**
 * The summary report (../shared/spec/indicators.md) and the commune's report settings.
 *
 * The phones compute the indicators with src/domain/indicators.ts, the single definition. The
 * server counts the same rules in SQL, over the narrow copies of the records that a trigger keeps
 * (migration 20261206171000_report_rows.sql), six set-based statements for each team, the teams
 * shared out over a few connections that count side by side: loading a commune's 2.8 million
 * records into Node took 15 seconds.
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
import { forTeam, type Database, type Queryable } from '../db/adapter';
import { BusyError } from '../errors';
import { Slots } from '../slots';
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

type Row = { teamId: string; neighborhood: string } & Record<string, number | string>;

/** The sums of every results key over `alias`'s rows, as JSON pairs r0… in RESULT_KEYS order. */
const resultPairs = (alias: string, results: string) =>
  RESULT_KEYS.map((k, i) => `'r${i}', coalesce(sum((${alias}.${results}->>'${k}')::int) filter (where ${alias}.${results} is not null), 0)`).join(', ');

/**
 * One team's figures in one statement: the household-based ones per written neighborhood (kinds
 * v, h, m and st below), and the team's sessions and active users (kinds s and u), each row's
 * figures as one JSON object named as the indicators (r0… for the results keys).
 *
 * The period's counted visits are read once, from the date index, into `pvis`, which four parts
 * read: their own figures, the households they reached and their latest visits, the people they
 * name, and who recorded them. Read by a statement each, as before, they were four ranges of the
 * index and the table per team; the people helped are counted with the rest of the members'
 * figures, over one reading of the team's counted members.
 */
/** The team's ($1) live sessions dated in the period ($2–$3), as `s`. */
const SESSIONS = `records s where s.team_id = $1::uuid and s.entity = 'session' and not s.deleted
  and (s.data->>'date') collate "C" between $2 and $3`;

async function teamFigureRows(db: Queryable, teamId: string, p: Period): Promise<{ rows: Row[]; team: Record<string, number> }> {
  const year = Number(p.to.slice(0, 4));
  const answer = await db.query<{ kind: string; neighborhood: string | null; firstId: string | null; figures: Record<string, number> }>(
    `with pvis as materialized (
       select v.household_id, v.id, v.date, v.outcome, v.follow_up_date, v.created_by, v.member_ids, v.results, v.neighborhood
       from report_visits v
       where v.team_id = $1::uuid and v.date between $2 and $3 and ${countsAt('v', '$3')}),
     -- Per household: whether the period's visits reached it, and its latest visit at \`to\`, which is
     -- the period's latest, or else the latest before the period. A household not reached in the period
     -- reads its earlier visits in one range of the household index, which holds every field this
     -- needs (migration 20261208200000), for both whether it was ever reached and its latest visit
     -- (joined laterally so that it runs once per household).
     pv as (
       select v.household_id, bool_or(v.outcome <> 'notHome') as reached, max(${latestKey('v')}) as latest
       from pvis v group by v.household_id),
     hv as (
       select h.id, h.neighborhood, coalesce(pv.reached, false) as reached,
         coalesce(pv.reached, false) or coalesce(earlier.reached, false) as "everReached",
         coalesce(pv.latest, earlier.latest) as latest
       from report_households h
         left join pv on pv.household_id = h.id
         left join lateral (
           select max(${latestKey('e')}) as latest, bool_or(e.outcome <> 'notHome') as reached from report_visits e
           where pv.reached is not true and e.team_id = h.team_id and e.household_id = h.id and e.date < $2) earlier on true
       where h.team_id = $1::uuid and ${countsAt('h', '$3')}),
     -- People helped count in their own household's neighborhood, whichever household was visited.
     named as (select distinct unnest(v.member_ids) as id from pvis v where v.member_ids is not null)
     select 'v' as kind, v.neighborhood, null as "firstId",
       json_build_object('visits', count(*), 'visitsDone', count(*) filter (where v.outcome = 'done'), ${resultPairs('v', 'results')}) as figures
     from pvis v group by v.neighborhood
     union all
     select 'h', neighborhood, min(id::text), json_build_object('householdsRegistered', count(*),
       'householdsReachedInPeriod', count(*) filter (where reached),
       'householdsEverReached', count(*) filter (where "everReached"),
       'followUpsOpen', count(*) filter (where substr(latest, ${LATEST_FLAGS_AT}, 1) = '1'),
       'followUpsOverdue', count(*) filter (where substr(latest, ${LATEST_FLAGS_AT + 1}, 1) = '1'))
     from hv group by neighborhood
     union all
     select 'm', m.neighborhood, null, json_build_object(
       'adults', count(*) filter (where m.birth_year <= $4),
       'adultsVneidLevel2', count(*) filter (where m.birth_year <= $4 and m.vneid_level = 2 and (m.vneid_level_since is null or m.vneid_level_since <= $3)),
       'adultsWithSmartphone', count(*) filter (where m.birth_year <= $4 and m.has_smartphone),
       'adultsUsingOnlineServices', count(*) filter (where m.birth_year <= $4 and m.uses_online_services),
       'aged15Plus', count(*) filter (where m.birth_year <= $5),
       'aged15PlusWithPaymentAccount', count(*) filter (where m.birth_year <= $5 and m.has_payment_account),
       'peopleHelped', count(n.id))
     from report_members m left join named n on n.id = m.id
     where m.team_id = $1::uuid and ${countsAt('m', '$3')}
     group by m.neighborhood
     union all
     select 'st', m.neighborhood, null, json_build_object(
       'vneidLevel1Activations', count(*) filter (where s.step_key = 'level1.activated'),
       'vneidLevel2Activations', count(*) filter (where s.step_key = 'level2.activated'),
       'documentsIntegrated', count(*) filter (where s.step_key = 'after.integrateDocs'))
     from report_steps s join report_members m on m.team_id = s.team_id and m.id = s.member_id
     where s.team_id = $1::uuid and m.team_id = $1::uuid and s.done_on between $2 and $3 and ${countsAt('m', '$3')}
     group by m.neighborhood
     union all
     -- The team's sessions (few, read from the records).
     select 's', null, null, json_build_object('sessions', count(*), 'sessionAttendees', coalesce(sum((s.data->>'attendees')::int), 0),
       ${resultPairs('s', "data->'results'")})
     from ${SESSIONS}
     union all
     select 'u', null, null, json_build_object('activeUsers', count(*)) from (
       select v.created_by from pvis v where v.created_by is not null
       union
       select s.created_by from ${SESSIONS} and s.created_by is not null) users`,
    [teamId, p.from, p.to, year - 18, year - 15],
  );
  const rows: Row[] = [];
  const team: Record<string, number> = { sessions: 0, sessionAttendees: 0, activeUsers: 0 };
  for (const r of answer) {
    // PGlite and node-postgres both give a json column parsed.
    if (r.kind === 's' || r.kind === 'u') Object.assign(team, r.figures);
    else rows.push({ teamId, neighborhood: r.neighborhood ?? '', ...(r.firstId === null ? {} : { firstId: r.firstId }), ...r.figures });
  }
  return { rows, team };
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

/**
 * Connections (each counting its share of the teams) one request counts on at once (see `summary`).
 * Two, not three: on a 2-core database machine a commune of 20 teams was counted in 884 and 925 ms
 * (medians of 3) on two, against 993 and 959 ms on three, alternated (issue 13); the third only
 * shares the same cores, and leaves pushes one connection fewer.
 */
export const COUNTING_CONNECTIONS = 2;

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
    [countsAt, resultPairs, latestKey, teamFigureRows, add, teamIndicators, neighborhoodKey, countTeams]
      .map((f) => f.toString())
      .concat(TEAM_TRANSACTION, SESSIONS, JSON.stringify([INDICATOR_KEYS, NEIGHBORHOOD_INDICATOR_KEYS, RESULT_KEYS]))
      .join('\n'),
  )
  .digest('hex')
  .slice(0, 16);

/**
 * The figures of the teams `take` gives, one after the other until it gives none, each with the
 * change number (team_counters.last_seq) of the records they count. The connections counting a
 * request's teams take them from one list, so that they end together: with a fixed share each,
 * one connection went on alone while the other had ended.
 */
async function countTeams(db: Database, take: () => string | undefined, period: Period): Promise<Map<string, { lastSeq: string; figures: TeamIndicators }>> {
  return db.transaction(async (tx) => {
    await tx.exec(TEAM_TRANSACTION);
    // The transaction's first statement takes the snapshot every later one reads: each team's change
    // number and the records it counts are those of one moment, since a push raises its team's in
    // its own transaction.
    const out = new Map<string, { lastSeq: string; figures: TeamIndicators }>();
    // Each team with a statement of its own: its hash tables then hold one team's households and
    // named members, not a share's, and the same work took a quarter less of the database's CPU
    // time (7 teams of 140,000 records, issue 13).
    for (let id = take(); id !== undefined; id = take()) {
      const [seq] = await tx.query<{ lastSeq: string }>('select last_seq::text as "lastSeq" from team_counters where team_id = $1', [id]);
      const { rows, team } = await teamFigureRows(tx, id, period);
      out.set(id, { lastSeq: seq?.lastSeq ?? '0', figures: teamIndicators(rows, team) });
    }
    return out;
  });
}

/** `countTeams` for each team alone, its transaction waiting in the team's own lane (PGlite). */
async function countInLanes(db: Database, take: () => string | undefined, period: Period): ReturnType<typeof countTeams> {
  const out: Awaited<ReturnType<typeof countTeams>> = new Map();
  for (let id = take(); id !== undefined; id = take()) {
    const alone = [id];
    for (const [teamId, counted] of await countTeams(forTeam(db, id), () => alone.shift(), period)) out.set(teamId, counted);
  }
  return out;
}

/**
 * The counting connections of all requests at once: a share's transaction holds its connection for
 * the whole share, so an admin's six periods asked together would otherwise take every connection
 * a transaction may have and leave pushes waiting (they answered 503 after the pool's 5 s). A
 * request beyond them waits its turn here instead.
 */
const counting = new WeakMap<Database, Slots>();
const countingSlots = (db: Database): Slots => {
  let slots = counting.get(db);
  if (!slots) {
    slots = new Slots({ limit: COUNTING_CONNECTIONS, maxWaitMs: 60_000, refusal: () => new BusyError('SERVER_BUSY', 'the server is busy; try again in a moment') });
    counting.set(db, slots);
  }
  return slots;
};

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
  // The teams to count are shared out over a few connections, each counting its share in one
  // transaction of set-based statements: the database's cores work side by side, while the pool's
  // other connections stay free for pushes (a connection per team held every connection a
  // transaction may take, and an admin's six periods at once waited past the pool's 5 s, answered 503).
  const waiting = teams.filter((t) => !t.figures).map((t) => t.id);
  // PGlite has one session: there the teams are counted one after the other, each in a transaction
  // of its own waiting in its team's lane of the fair line (Database.forTeam), so that a commune's
  // summary takes turns with the teams' syncs instead of holding the session for every team at once.
  const lanes = db.forTeam !== undefined;
  const connections = lanes ? 1 : COUNTING_CONNECTIONS;
  const version = teams[0]?.version ?? '';
  const counted = new Map<string, TeamIndicators>();
  const take = () => waiting.shift();
  const count = async () => {
    const figuresOf = lanes ? await countInLanes(db, take, period) : await countTeams(db, take, period);
    if (figuresOf.size === 0) return;
    const kept = [...figuresOf].map(([id, f]) => ({ id, ...f }));
    // Figures of an older change number can never answer again; those of a newer one (counted
    // meanwhile by another request) are kept.
    await db.query(
      `delete from report_summary_cache k using unnest($1::uuid[], $2::bigint[]) as c(team_id, last_seq)
       where k.team_id = c.team_id and k.last_seq < c.last_seq`,
      [kept.map((k) => k.id), kept.map((k) => k.lastSeq)],
    );
    await db.query(
      `insert into report_summary_cache (team_id, period_from, period_to, last_seq, version, figures)
       select c.team_id, $1, $2, c.last_seq, $3, c.figures
       from unnest($4::uuid[], $5::bigint[], $6::json[]) as c(team_id, last_seq, figures)
       on conflict (team_id, period_from, period_to) do update
         set last_seq = excluded.last_seq, version = excluded.version, figures = excluded.figures, counted_at = now()
         where report_summary_cache.last_seq <= excluded.last_seq`,
      [period.from, period.to, version, kept.map((k) => k.id), kept.map((k) => k.lastSeq), kept.map((k) => JSON.stringify(k.figures))],
    );
    for (const k of kept) counted.set(k.id, k.figures);
  };
  await Promise.all(Array.from({ length: Math.min(connections, waiting.length) }, () => countingSlots(db).run(count)));
  const out = teams.map((t) => {
    const figures = t.figures ?? counted.get(t.id);
    // Every share is counted, or its error ends the request.
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
