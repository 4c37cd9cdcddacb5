/**
 * The report indicators of ../shared/spec/indicators.md, computed the same way on the device and
 * on the server: pure functions over plain records, so both sides give the same integers for the
 * same team, period and data.
 */
import { isCalendarDate } from './dates';
import { foldForSearch } from './text';
import { RESULT_KEYS, type ResultKey } from './vocab';

export const BASE_INDICATOR_KEYS = [
  'householdsRegistered',
  'householdsReachedInPeriod',
  'householdsEverReached',
  'visits',
  'visitsDone',
  'peopleHelped',
  'sessions',
  'sessionAttendees',
  'activeUsers',
  'adults',
  'adultsVneidLevel2',
  'adultsWithSmartphone',
  'adultsUsingOnlineServices',
  'aged15Plus',
  'aged15PlusWithPaymentAccount',
  'vneidLevel1Activations',
  'vneidLevel2Activations',
  'documentsIntegrated',
  'followUpsOpen',
  'followUpsOverdue',
] as const;

export type ResultIndicatorKey = `results.${ResultKey}`;
export type IndicatorKey = (typeof BASE_INDICATOR_KEYS)[number] | ResultIndicatorKey;

export const RESULT_INDICATOR_KEYS: readonly ResultIndicatorKey[] = RESULT_KEYS.map((k) => `results.${k}` as const);
export const INDICATOR_KEYS: readonly IndicatorKey[] = [...BASE_INDICATOR_KEYS, ...RESULT_INDICATOR_KEYS];

/** Keys that are not about households, left out of the per-neighborhood grouping. */
const TEAM_ONLY_KEYS: ReadonlySet<IndicatorKey> = new Set(['sessions', 'sessionAttendees', 'activeUsers']);
export const NEIGHBORHOOD_INDICATOR_KEYS: readonly IndicatorKey[] = INDICATOR_KEYS.filter((k) => !TEAM_ONLY_KEYS.has(k));

/** Indicators measured at `to` (the others count events inside the period). */
export const STATE_INDICATOR_KEYS: ReadonlySet<IndicatorKey> = new Set([
  'householdsRegistered',
  'householdsEverReached',
  'adults',
  'adultsVneidLevel2',
  'adultsWithSmartphone',
  'adultsUsingOnlineServices',
  'aged15Plus',
  'aged15PlusWithPaymentAccount',
  'followUpsOpen',
  'followUpsOverdue',
]);

/** The indicators shown also as a rate, with their denominator (coverage = ever reached ÷ registered). */
export const RATE_DENOMINATOR: Partial<Record<IndicatorKey, IndicatorKey>> = {
  householdsEverReached: 'householdsRegistered',
  adultsVneidLevel2: 'adults',
  adultsWithSmartphone: 'adults',
  adultsUsingOnlineServices: 'adults',
  aged15PlusWithPaymentAccount: 'aged15Plus',
  visitsDone: 'visits',
  followUpsOverdue: 'followUpsOpen',
};

export function isIndicatorKey(value: string): value is IndicatorKey {
  return (INDICATOR_KEYS as readonly string[]).includes(value);
}

export type Indicators = Record<IndicatorKey, number>;

export function emptyIndicators(): Indicators {
  return Object.fromEntries(INDICATOR_KEYS.map((k) => [k, 0])) as Indicators;
}

/** Sums indicator sets key by key (teams never share people, so distinct counts add up too). */
export function sumIndicators(sets: readonly Indicators[]): Indicators {
  const out = emptyIndicators();
  for (const s of sets) for (const k of INDICATOR_KEYS) out[k] += s[k];
  return out;
}

// ---------------------------------------------------------------- records (the fields read)

/** `deleted` is a boolean on the server and 0/1 on the device. */
type Deleted = { deleted?: boolean | 0 | 1 };
type Results = Partial<Record<ResultKey, number>>;

export interface ReportHousehold extends Deleted {
  id: string;
  neighborhood: string;
  consent: { recordedAt: string; purposes: readonly string[]; withdrawnAt?: string };
}

export interface ReportMember extends Deleted {
  id: string;
  householdId: string;
  birthYear: number;
  hasSmartphone?: boolean;
  usesOnlineServices?: boolean;
  hasPaymentAccount?: boolean;
  vneidLevel?: number;
  vneidLevelSince?: string;
}

export interface ReportVisit extends Deleted {
  id: string;
  householdId: string;
  date: string;
  outcome: string;
  memberIds?: readonly string[];
  followUpDate?: string;
  results?: Results;
  createdBy?: string;
}

export interface ReportSession extends Deleted {
  id: string;
  date: string;
  attendees: number;
  results?: Results;
  createdBy?: string;
}

export interface ReportChecklistStep extends Deleted {
  memberId: string;
  stepKey: string;
  status: string;
  doneOn?: string;
}

export interface ReportData {
  households: readonly ReportHousehold[];
  members: readonly ReportMember[];
  visits: readonly ReportVisit[];
  sessions: readonly ReportSession[];
  checklistSteps: readonly ReportChecklistStep[];
}

// ---------------------------------------------------------------- periods

export interface Period {
  from: string;
  to: string;
}

export const MAX_PERIOD_DAYS = 366;

function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;
}

/** Days in the period, both ends included. */
export function periodDays(p: Period): number {
  return dayNumber(p.to) - dayNumber(p.from) + 1;
}

export type PeriodCheck = { ok: true; period: Period } | { ok: false; reason: 'invalidDate' | 'fromAfterTo' | 'tooLong' };

export function checkPeriod(from: unknown, to: unknown): PeriodCheck {
  if (typeof from !== 'string' || typeof to !== 'string' || !isCalendarDate(from) || !isCalendarDate(to)) return { ok: false, reason: 'invalidDate' };
  if (from > to) return { ok: false, reason: 'fromAfterTo' };
  if (periodDays({ from, to }) > MAX_PERIOD_DAYS) return { ok: false, reason: 'tooLong' };
  return { ok: true, period: { from, to } };
}

const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/** The calendar date of a datetime in Vietnam time (UTC+7, no daylight saving). */
export function vietnamDate(datetime: string): string {
  return new Date(Date.parse(datetime) + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------- counting rules

const isLive = (r: Deleted): boolean => !r.deleted;

/** Where a datetime's calendar date is a plain `YYYY-MM-DD` (years 1970 to 9998). */
const PLAIN_DATES_END_MS = Date.UTC(9999, 0, 1);

/**
 * Whether a datetime falls on a Vietnamese calendar date after `to`: `vietnamDate(datetime) > to`,
 * compared as instants (the day after `to` starts at `afterMs` in Vietnam) where the date is a
 * plain one, so that a pass over every household builds no date and no string.
 */
function laterThan(to: string): (datetime: string) => boolean {
  if (!isCalendarDate(to)) return (datetime) => vietnamDate(datetime) > to;
  const afterMs = (dayNumber(to) + 1) * 86_400_000 - VIETNAM_OFFSET_MS;
  return (datetime) => {
    const t = Date.parse(datetime);
    if (!(t >= 0 && t < PLAIN_DATES_END_MS)) return vietnamDate(datetime) > to;
    return t >= afterMs;
  };
}

/** `isCountedHousehold` for one `to`, its date worked out once. */
function countedAt(to: string): (h: ReportHousehold) => boolean {
  const after = laterThan(to);
  return (h) => {
    if (!isLive(h)) return false;
    if (!h.consent.purposes.includes('reporting')) return false;
    if (after(h.consent.recordedAt)) return false;
    return !h.consent.withdrawnAt || after(h.consent.withdrawnAt);
  };
}

export function isCountedHousehold(h: ReportHousehold, to: string): boolean {
  return countedAt(to)(h);
}

/** The latest of a household's visits on or before `to`: greatest date, then greatest id. */
function later(a: ReportVisit, b: ReportVisit): boolean {
  return a.date > b.date || (a.date === b.date && a.id > b.id);
}

/** The neighborhood grouping key: trimmed, case and diacritics folded. */
export function neighborhoodKey(name: string): string {
  return foldForSearch(name.trim());
}

const STEP_INDICATORS: Readonly<Record<string, IndicatorKey>> = {
  'level1.activated': 'vneidLevel1Activations',
  'level2.activated': 'vneidLevel2Activations',
  'after.integrateDocs': 'documentsIntegrated',
};

/** Each result and its indicator's key, made once: a pass adds results for every visit. */
const RESULT_PAIRS: readonly (readonly [ResultKey, ResultIndicatorKey])[] = RESULT_KEYS.map((k) => [k, `results.${k}`] as const);

class Tally {
  readonly values = emptyIndicators();
  readonly helped = new Set<string>();
  readonly users = new Set<string>();

  addResults(results: Results | undefined): void {
    if (!results) return;
    for (const [k, key] of RESULT_PAIRS) this.values[key] += results[k] ?? 0;
  }

  done(): Indicators {
    this.values.peopleHelped = this.helped.size;
    this.values.activeUsers = this.users.size;
    return this.values;
  }
}

interface CountedHousehold {
  tally: Tally;
  /** The latest visit on or before the period's end. */
  latest: ReportVisit | undefined;
  everReached: boolean;
  reachedInPeriod: boolean;
}

/**
 * One pass over the data. `bucket` picks where a household's figures go (one tally for the team,
 * or one per neighborhood); sessions go to `sessionTally` when there is one.
 */
function tally(data: ReportData, period: Period, bucket: (h: ReportHousehold) => Tally, sessionTally: Tally | undefined): void {
  const { from, to } = period;
  const adultYear = Number(to.slice(0, 4)) - 18;
  const year15 = Number(to.slice(0, 4)) - 15;

  // One entry per counted household holds all a visit updates: one map lookup per visit.
  const households = new Map<string, CountedHousehold>();
  const isCounted = countedAt(to);
  for (const h of data.households) {
    if (!isCounted(h)) continue;
    const t = bucket(h);
    households.set(h.id, { tally: t, latest: undefined, everReached: false, reachedInPeriod: false });
    t.values.householdsRegistered++;
  }

  const members = new Map<string, Tally>();
  for (const m of data.members) {
    if (!isLive(m)) continue;
    const t = households.get(m.householdId)?.tally;
    if (!t) continue;
    members.set(m.id, t);
    const v = t.values;
    if (m.birthYear <= year15) {
      v.aged15Plus++;
      if (m.hasPaymentAccount === true) v.aged15PlusWithPaymentAccount++;
    }
    if (m.birthYear <= adultYear) {
      v.adults++;
      if (m.vneidLevel === 2 && (!m.vneidLevelSince || m.vneidLevelSince <= to)) v.adultsVneidLevel2++;
      if (m.hasSmartphone === true) v.adultsWithSmartphone++;
      if (m.usesOnlineServices === true) v.adultsUsingOnlineServices++;
    }
  }

  for (const visit of data.visits) {
    if (!isLive(visit) || visit.date > to) continue;
    const h = households.get(visit.householdId);
    if (!h) continue;
    if (!h.latest || later(visit, h.latest)) h.latest = visit;
    const reached = visit.outcome !== 'notHome';
    if (reached) h.everReached = true;
    if (visit.date < from) continue;
    const t = h.tally;
    t.values.visits++;
    if (visit.outcome === 'done') t.values.visitsDone++;
    if (reached) h.reachedInPeriod = true;
    if (visit.createdBy) t.users.add(visit.createdBy);
    t.addResults(visit.results);
    if (visit.memberIds) for (const id of visit.memberIds) members.get(id)?.helped.add(id);
  }
  for (const h of households.values()) {
    const v = h.tally.values;
    if (h.everReached) v.householdsEverReached++;
    if (h.reachedInPeriod) v.householdsReachedInPeriod++;
    const visit = h.latest;
    if (!visit || (visit.outcome !== 'followUp' && !visit.followUpDate)) continue;
    v.followUpsOpen++;
    if (visit.followUpDate && visit.followUpDate < to) v.followUpsOverdue++;
  }

  for (const step of data.checklistSteps) {
    const key = STEP_INDICATORS[step.stepKey];
    if (!key || !isLive(step) || step.status !== 'done' || !step.doneOn) continue;
    if (step.doneOn < from || step.doneOn > to) continue;
    const t = members.get(step.memberId);
    if (t) t.values[key]++;
  }

  if (!sessionTally) return;
  for (const s of data.sessions) {
    if (!isLive(s) || s.date < from || s.date > to) continue;
    sessionTally.values.sessions++;
    sessionTally.values.sessionAttendees += s.attendees;
    if (s.createdBy) sessionTally.users.add(s.createdBy);
    sessionTally.addResults(s.results);
  }
}

/** Every indicator of the spec for one team's data and one period. */
export function computeIndicators(data: ReportData, period: Period): Indicators {
  const team = new Tally();
  tally(data, period, () => team, team);
  return team.done();
}

export interface NeighborhoodIndicators {
  name: string;
  /** The household-based keys only (NEIGHBORHOOD_INDICATOR_KEYS). */
  indicators: Partial<Indicators>;
}

export interface TeamIndicators {
  indicators: Indicators;
  byNeighborhood: NeighborhoodIndicators[];
}

/**
 * The team's indicators and the same per neighborhood, in one pass over the data. A neighborhood
 * is shown as written on its first household (the smallest id: ids are time-ordered), so both
 * sides pick the same spelling. Neighborhoods are sorted by the folded name.
 */
export function computeTeamIndicators(data: ReportData, period: Period): TeamIndicators {
  const groups = new Map<string, { name: string; firstId: string; tally: Tally }>();
  // Folding a name is slow (Unicode normalization) and a team writes only a few names.
  const keys = new Map<string, string>();
  const sessions = new Tally();
  tally(
    data,
    period,
    (h) => {
      let key = keys.get(h.neighborhood);
      if (key === undefined) keys.set(h.neighborhood, (key = neighborhoodKey(h.neighborhood)));
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { name: h.neighborhood.trim(), firstId: h.id, tally: new Tally() }));
      else if (h.id < g.firstId) {
        g.name = h.neighborhood.trim();
        g.firstId = h.id;
      }
      return g.tally;
    },
    sessions,
  );
  // Each member and household is in one neighborhood, so the team's distinct counts are sums;
  // people recording visits are not, so active users are the union of every group's.
  const indicators = emptyIndicators();
  const users = new Set(sessions.users);
  const byNeighborhood: NeighborhoodIndicators[] = [];
  for (const [, g] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const all = g.tally.done();
    const own: Partial<Indicators> = {};
    for (const k of NEIGHBORHOOD_INDICATOR_KEYS) {
      own[k] = all[k];
      indicators[k] += all[k];
    }
    for (const u of g.tally.users) users.add(u);
    byNeighborhood.push({ name: g.name, indicators: own });
  }
  const s = sessions.done();
  indicators.sessions = s.sessions;
  indicators.sessionAttendees = s.sessionAttendees;
  for (const k of RESULT_INDICATOR_KEYS) indicators[k] += s[k];
  indicators.activeUsers = users.size;
  return { indicators, byNeighborhood };
}

/** The household-based indicators per neighborhood (see computeTeamIndicators). */
export function indicatorsByNeighborhood(data: ReportData, period: Period): NeighborhoodIndicators[] {
  return computeTeamIndicators(data, period).byNeighborhood;
}

/** The per-person figures a head sees for each team member: what they did in the period. */
export const USER_INDICATOR_KEYS = ['visits', 'visitsDone', 'householdsReachedInPeriod', 'peopleHelped', 'sessions', 'sessionAttendees'] as const;
export type UserIndicatorKey = (typeof USER_INDICATOR_KEYS)[number];

export interface UserIndicators {
  userId: string;
  indicators: Record<UserIndicatorKey, number>;
}

/** Visits and sessions in the period grouped by who recorded them (counted visits only). */
export function indicatorsByUser(data: ReportData, period: Period): UserIndicators[] {
  const { from, to } = period;
  const isCounted = countedAt(to);
  const counted = new Set(data.households.filter(isCounted).map((h) => h.id));
  const liveMembers = new Set(data.members.filter((m) => isLive(m) && counted.has(m.householdId)).map((m) => m.id));
  const users = new Map<string, { values: Record<UserIndicatorKey, number>; reached: Set<string>; helped: Set<string> }>();
  const of = (userId: string) => {
    let u = users.get(userId);
    if (!u) {
      const values = Object.fromEntries(USER_INDICATOR_KEYS.map((k) => [k, 0])) as Record<UserIndicatorKey, number>;
      users.set(userId, (u = { values, reached: new Set(), helped: new Set() }));
    }
    return u;
  };
  for (const v of data.visits) {
    if (!v.createdBy || !isLive(v) || v.date < from || v.date > to || !counted.has(v.householdId)) continue;
    const u = of(v.createdBy);
    u.values.visits++;
    if (v.outcome === 'done') u.values.visitsDone++;
    if (v.outcome !== 'notHome') u.reached.add(v.householdId);
    for (const id of v.memberIds ?? []) if (liveMembers.has(id)) u.helped.add(id);
  }
  for (const s of data.sessions) {
    if (!s.createdBy || !isLive(s) || s.date < from || s.date > to) continue;
    const u = of(s.createdBy);
    u.values.sessions++;
    u.values.sessionAttendees += s.attendees;
  }
  return [...users.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([userId, u]) => ({
      userId,
      indicators: { ...u.values, householdsReachedInPeriod: u.reached.size, peopleHelped: u.helped.size },
    }));
}
