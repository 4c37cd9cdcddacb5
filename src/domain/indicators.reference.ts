/**
 * The indicators of ../shared/spec/indicators.md as a plain transcription over row objects, one
 * Map and one Set per distinct thing: the reference the counting in indicators.ts (over coded
 * columns, the one definition the app and the server's tests use) is checked against on the
 * spec's edge cases and on random records. Tests only: nothing in the app or the server imports it.
 */
import {
  countedAt,
  emptyIndicators,
  NEIGHBORHOOD_INDICATOR_KEYS,
  neighborhoodKey,
  RESULT_INDICATOR_KEYS,
  USER_INDICATOR_KEYS,
  type IndicatorKey,
  type Indicators,
  type NeighborhoodIndicators,
  type Period,
  type ReportData,
  type ReportHousehold,
  type ReportVisit,
  type ResultIndicatorKey,
  type TeamIndicators,
  type UserIndicatorKey,
  type UserIndicators,
} from './indicators';
import { RESULT_KEYS, type ResultKey } from './vocab';

type Results = Partial<Record<ResultKey, number>>;
const isLive = (r: { deleted?: boolean | 0 | 1 }): boolean => !r.deleted;

function later(a: ReportVisit, b: ReportVisit): boolean {
  return a.date > b.date || (a.date === b.date && a.id > b.id);
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
export function referenceIndicators(data: ReportData, period: Period): Indicators {
  const team = new Tally();
  tally(data, period, () => team, team);
  return team.done();
}

/**
 * The team's indicators and the same per neighborhood, in one pass over the data. A neighborhood
 * is shown as written on its first household (the smallest id: ids are time-ordered), so both
 * sides pick the same spelling. Neighborhoods are sorted by the folded name.
 */
export function referenceTeamIndicators(data: ReportData, period: Period): TeamIndicators {
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

/** Visits and sessions in the period grouped by who recorded them (counted visits only). */
export function referenceByUser(data: ReportData, period: Period): UserIndicators[] {
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
