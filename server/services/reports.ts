/**
 * The summary report (../shared/spec/indicators.md) and the commune's report settings.
 *
 * The figures are computed by the same code as on the phones (src/domain/indicators.ts). SQL only
 * narrows what is loaded: live rows of one team, the columns the indicators read, households with
 * the reporting purpose, sessions and checklist steps of the period, and of the visits before the
 * period only the two per household that can still matter (the latest one, for follow-ups, and the
 * latest that reached the household, for coverage). Each table arrives as one JSON array.
 */
import type { Queryable } from '../db/adapter';
import {
  computeTeamIndicators,
  sumIndicators,
  type Indicators,
  type Period,
  type ReportData,
  type ReportHousehold,
  type ReportMember,
  type ReportVisit,
} from '../../src/domain/indicators';
import {
  defaultReportSettings,
  reportSettingsSchema,
  type ReportSettings,
  type StoredReportSettings,
  type SummaryResponse,
} from '../../src/domain/reportSettings';
import type { ResultKey } from '../../src/domain/vocab';

type Results = Partial<Record<ResultKey, number>>;

const STEP_KEYS = ['level1.activated', 'level2.activated', 'after.integrateDocs'];

/** Text comparisons of dates byte by byte, whatever the database's collation. */
const dateOf = (column: string) => `(${column}->>'date') collate "C"`;

/**
 * Runs a query that returns many small rows as one JSON array of arrays: tens of thousands of
 * rows cost far less as one value parsed by JSON.parse than as rows of the wire protocol.
 */
async function tuples<T extends unknown[]>(db: Queryable, columns: string, from: string, params: unknown[]): Promise<T[]> {
  const rows = await db.query<{ rows: T[] | string }>(`select coalesce(json_agg(json_build_array(${columns})), '[]'::json) as rows from ${from}`, params);
  const out = rows[0]?.rows ?? [];
  // PGlite and node-postgres both parse json; a driver that does not gives the text.
  return typeof out === 'string' ? (JSON.parse(out) as T[]) : out;
}

const optional = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

async function loadHouseholds(db: Queryable, teamId: string): Promise<ReportHousehold[]> {
  const rows = await tuples<[string, string, string, string | null]>(
    db,
    `id, data->>'neighborhood', data->'consent'->>'recordedAt', data->'consent'->>'withdrawnAt'`,
    `records where team_id = $1 and entity = 'household' and not deleted and data->'consent'->'purposes' ? 'reporting'`,
    [teamId],
  );
  return rows.map(([id, neighborhood, recordedAt, withdrawnAt]) => ({
    id,
    neighborhood,
    consent: { recordedAt, purposes: ['reporting'], ...(withdrawnAt ? { withdrawnAt } : {}) },
  }));
}

async function loadMembers(db: Queryable, teamId: string): Promise<ReportMember[]> {
  const rows = await tuples<[string, string, number, boolean | null, boolean | null, boolean | null, number | null, string | null]>(
    db,
    `id, data->>'householdId', data->'birthYear', data->'hasSmartphone', data->'usesOnlineServices',
     data->'hasPaymentAccount', data->'vneidLevel', data->>'vneidLevelSince'`,
    `records where team_id = $1 and entity = 'member' and not deleted`,
    [teamId],
  );
  return rows.map(([id, householdId, birthYear, hasSmartphone, usesOnlineServices, hasPaymentAccount, vneidLevel, vneidLevelSince]) => ({
    id,
    householdId,
    birthYear,
    hasSmartphone: optional(hasSmartphone),
    usesOnlineServices: optional(usesOnlineServices),
    hasPaymentAccount: optional(hasPaymentAccount),
    vneidLevel: optional(vneidLevel),
    vneidLevelSince: optional(vneidLevelSince),
  }));
}

async function loadVisits(db: Queryable, teamId: string, p: Period): Promise<ReportVisit[]> {
  const live = `team_id = $1 and entity = 'visit' and not deleted`;
  const inPeriod = await tuples<[string, string, string, string, string | null, string | null, string[] | null, Results | null]>(
    db,
    `id, data->>'householdId', data->>'date', data->>'outcome', data->>'followUpDate', created_by, data->'memberIds', data->'results'`,
    `records where ${live} and ${dateOf('data')} between $2 and $3`,
    [teamId, p.from, p.to],
  );
  // Before the period, per household, only its latest visit and its latest visit that reached it.
  // "date|id|…" strings compared byte by byte order as the spec's latest visit (greatest date, then
  // greatest id), so one hash aggregate finds both, without sorting every earlier visit.
  const before = await tuples<[string, string, string | null]>(
    db,
    `hh, latest, reached`,
    `(select data->>'householdId' as hh,
             max(((data->>'date') || '|' || id::text || '|' || (data->>'outcome') || '|' || coalesce(data->>'followUpDate', '')) collate "C") as latest,
             max((case when data->>'outcome' <> 'notHome' then (data->>'date') || '|' || id::text || '|' || (data->>'outcome') || '|' end) collate "C") as reached
      from records where ${live} and ${dateOf('data')} < $2
      group by data->>'householdId') g`,
    [teamId, p.from],
  );
  const visits: ReportVisit[] = inPeriod.map(([id, householdId, date, outcome, followUpDate, createdBy, memberIds, results]) => ({
    id,
    householdId,
    date,
    outcome,
    ...(followUpDate ? { followUpDate } : {}),
    ...(createdBy ? { createdBy } : {}),
    ...(memberIds ? { memberIds } : {}),
    ...(results ? { results } : {}),
  }));
  for (const [householdId, latest, reached] of before) {
    const [date, id, outcome, followUpDate] = latest.split('|') as [string, string, string, string];
    visits.push({ id, householdId, date, outcome, ...(followUpDate ? { followUpDate } : {}) });
    if (!reached) continue;
    const [rDate, rId, rOutcome] = reached.split('|') as [string, string, string];
    if (rId !== id) visits.push({ id: rId, householdId, date: rDate, outcome: rOutcome });
  }
  return visits;
}

async function loadTeamData(db: Queryable, teamId: string, p: Period): Promise<ReportData> {
  const [households, members, visits, sessions, checklistSteps] = await Promise.all([
    loadHouseholds(db, teamId),
    loadMembers(db, teamId),
    loadVisits(db, teamId, p),
    db.query<{ id: string; date: string; attendees: number; results: Results | null; createdBy: string | null }>(
      `select id, data->>'date' as date, (data->>'attendees')::int as attendees, data->'results' as results, created_by as "createdBy"
       from records where team_id = $1 and entity = 'session' and not deleted and ${dateOf('data')} between $2 and $3`,
      [teamId, p.from, p.to],
    ),
    db.query<{ memberId: string; stepKey: string; status: string; doneOn: string }>(
      `select data->>'memberId' as "memberId", data->>'stepKey' as "stepKey", data->>'status' as status, data->>'doneOn' as "doneOn"
       from records where team_id = $1 and entity = 'checklistStep' and not deleted
         and data->>'status' = 'done' and data->>'stepKey' = any($4::text[])
         and (data->>'doneOn') collate "C" between $2 and $3`,
      [teamId, p.from, p.to, STEP_KEYS],
    ),
  ]);
  return {
    households,
    members,
    visits,
    sessions: sessions.map((s) => ({
      id: s.id,
      date: s.date,
      attendees: s.attendees,
      ...(s.results ? { results: s.results } : {}),
      ...(s.createdBy ? { createdBy: s.createdBy } : {}),
    })),
    checklistSteps,
  };
}

export interface ReportScope {
  role: 'head' | 'admin';
  teamId: string | null;
  communeId: string;
}

/** The summary for a head's team, or for every team of an admin's commune. */
export async function summary(db: Queryable, scope: ReportScope, period: Period, now: Date = new Date()): Promise<SummaryResponse> {
  const teams =
    scope.role === 'admin'
      ? await db.query<{ id: string; name: string }>('select id, name from teams where commune_id = $1 order by name, id', [scope.communeId])
      : await db.query<{ id: string; name: string }>('select id, name from teams where id = $1', [scope.teamId]);
  const out = await Promise.all(
    teams.map(async (t) => {
      const data = await loadTeamData(db, t.id, period);
      return { id: t.id, name: t.name, ...computeTeamIndicators(data, period) };
    }),
  );
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
