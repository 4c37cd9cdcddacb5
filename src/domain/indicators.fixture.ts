/**
 * One team's records covering every edge case the indicators spec names, for November 2026.
 * Used by the domain tests and, pushed through the sync route, by the server's report tests, so
 * that both sides are checked against the same data and the same expected integers.
 */
import type { Indicators, ReportData } from './indicators';
import { emptyIndicators } from './indicators';

export const FIXTURE_PERIOD = { from: '2026-11-01', to: '2026-11-30' } as const;

export type FixtureUser = 'a' | 'b' | 'c';
type EntityName = 'household' | 'member' | 'visit' | 'session' | 'checklistStep';

export interface FixtureRecord {
  entity: EntityName;
  id: string;
  fields: Record<string, unknown>;
  by: FixtureUser;
  deleted?: true;
}

/** Ids ordered as their numbers: the spec breaks ties and picks spellings by id order. */
const id = (n: number): string => `0195a000-0000-7000-8000-${String(n).padStart(12, '0')}`;

export const H = { h1: id(101), h2: id(102), h3: id(103), h4: id(104), h5: id(105), h6: id(106), h7: id(107), h8: id(108), h9: id(109) };
export const M = { m1: id(201), m2: id(202), m3: id(203), m4: id(204), m5: id(205), m6: id(206), m7: id(207), m8: id(208) };

function household(n: string, neighborhood: string, consent: Record<string, unknown>): Record<string, unknown> {
  return {
    neighborhood,
    address: `Số ${n.slice(-2)}, ngõ 3`,
    headName: 'Trần Văn Bình',
    consent: { recordedBy: 'Nguyễn Thị Lan', textVersion: 'vi-2026-01', purposes: ['support', 'reporting'], recordedAt: '2026-10-01T08:00:00+07:00', ...consent },
  };
}

const visit = (householdId: string, date: string, outcome: string, more: Record<string, unknown> = {}) => ({
  householdId,
  date,
  topics: ['vneid'],
  outcome,
  ...more,
});

const member = (householdId: string, birthYear: number, more: Record<string, unknown> = {}) => ({
  householdId,
  fullName: 'Lê Thị Mai',
  birthYear,
  ...more,
});

const step = (memberId: string, stepKey: string, status: string, doneOn?: string) => ({ memberId, stepKey, status, ...(doneOn ? { doneOn } : {}) });

const session = (date: string, attendees: number, more: Record<string, unknown> = {}) => ({ date, place: 'Nhà văn hóa', topics: ['digitalSkills'], attendees, ...more });

/** Checklist step ids are derived from member and key on both sides; the fixture names them. */
export interface FixtureOptions {
  stepId: (memberId: string, stepKey: string) => string;
}

export function fixtureRecords({ stepId }: FixtureOptions): FixtureRecord[] {
  const rec = (entity: EntityName, recordId: string, fields: Record<string, unknown>, by: FixtureUser = 'a', deleted?: true): FixtureRecord =>
    deleted ? { entity, id: recordId, fields, by, deleted } : { entity, id: recordId, fields, by };
  const st = (memberId: string, key: string, status: string, doneOn?: string, deleted?: true) =>
    rec('checklistStep', stepId(memberId, key), step(memberId, key, status, doneOn), 'a', deleted);
  return [
    rec('household', H.h1, household(H.h1, 'Thôn 3', {})),
    // Same neighborhood, written differently; consent at 23:59:59 on the last day in Vietnam.
    rec('household', H.h2, household(H.h2, '  thôn 3 ', { recordedAt: '2026-11-30T16:59:59Z' })),
    rec('household', H.h3, household(H.h3, 'Thôn Đông', { purposes: ['support', 'followUp'] })),
    rec('household', H.h4, household(H.h4, 'Thôn Đông', { withdrawnAt: '2026-11-15T10:00:00+07:00' })),
    rec('household', H.h5, household(H.h5, 'Thôn Đông', {}), 'a', true),
    // Withdrawn at 00:30 on 1 December in Vietnam (still 30 November in UTC): counted.
    rec('household', H.h6, household(H.h6, 'THÔN ĐÔNG', { withdrawnAt: '2026-11-30T17:30:00Z' })),
    rec('household', H.h7, household(H.h7, 'Thôn Đông', {})),
    // Consent at 00:00 on 1 December in Vietnam: not yet given at the end of November.
    rec('household', H.h8, household(H.h8, 'Thôn 3', { recordedAt: '2026-11-30T17:00:00Z' })),
    rec('household', H.h9, household(H.h9, 'Thon 3', {})),

    // The adult boundary: born 2008 is 18 in 2026, born 2009 is not; 15+ from 2011.
    rec('member', M.m1, member(H.h1, 2008, { vneidLevel: 2, vneidLevelSince: '2026-11-12', hasSmartphone: true, hasPaymentAccount: true, usesOnlineServices: true })),
    rec('member', M.m2, member(H.h1, 2009, { vneidLevel: 2, hasPaymentAccount: true })),
    rec('member', M.m3, member(H.h2, 1970, { vneidLevel: 2, hasSmartphone: false })),
    rec('member', M.m4, member(H.h6, 1980, { vneidLevel: 2, vneidLevelSince: '2026-12-03', usesOnlineServices: true })),
    rec('member', M.m5, member(H.h3, 1975, { vneidLevel: 2, hasSmartphone: true })),
    rec('member', M.m6, member(H.h1, 1960, { hasSmartphone: true }), 'a', true),
    rec('member', M.m7, member(H.h6, 2011)),
    rec('member', M.m8, member(H.h9, 2012, { hasPaymentAccount: true })),

    rec('visit', id(301), visit(H.h1, '2026-11-03', 'notHome')),
    rec('visit', id(302), visit(H.h1, '2026-11-10', 'done', { memberIds: [M.m1, M.m2], results: { onlineDossiers: 2, vneidLevel2: 1 } }), 'b'),
    rec('visit', id(303), visit(H.h1, '2026-11-12', 'followUp', { followUpDate: '2026-11-20' }), 'a', true),
    // Two visits on the same latest date: the greater id decides.
    rec('visit', id(304), visit(H.h2, '2026-11-25', 'done')),
    rec('visit', id(305), visit(H.h2, '2026-11-25', 'partial', { followUpDate: '2026-11-28' })),
    // A follow-up closed by a later visit.
    rec('visit', id(306), visit(H.h6, '2026-11-05', 'followUp', { followUpDate: '2026-11-12' }), 'b'),
    rec('visit', id(307), visit(H.h6, '2026-11-20', 'done', { memberIds: [M.m4, M.m1, M.m6] }), 'b'),
    // Just outside the period, both sides.
    rec('visit', id(308), visit(H.h7, '2026-10-31', 'done')),
    rec('visit', id(309), visit(H.h7, '2026-12-01', 'followUp', { followUpDate: '2026-12-02' })),
    rec('visit', id(310), visit(H.h9, '2026-11-29', 'followUp', { followUpDate: '2026-12-05' })),
    // Before October's end: reached, then not at home (the latest visit is not the one that reached).
    rec('visit', id(314), visit(H.h9, '2026-10-20', 'done')),
    rec('visit', id(315), visit(H.h9, '2026-10-25', 'notHome')),
    rec('visit', id(311), visit(H.h3, '2026-11-10', 'done', { memberIds: [M.m5], results: { onlineDossiers: 5 } }), 'c'),
    rec('visit', id(312), visit(H.h4, '2026-11-10', 'done'), 'c'),
    rec('visit', id(313), visit(H.h8, '2026-11-30', 'done'), 'c'),

    st(M.m1, 'level1.activated', 'done', '2026-10-20'),
    st(M.m1, 'level2.activated', 'done', '2026-11-12'),
    st(M.m3, 'after.integrateDocs', 'done', '2026-11-30'),
    st(M.m3, 'level1.activated', 'done', '2026-11-01'),
    st(M.m4, 'level2.activated', 'pending'),
    st(M.m4, 'level1.activated', 'done', '2026-11-15', true),
    st(M.m5, 'level2.activated', 'done', '2026-11-10'),

    rec('session', id(401), session('2026-11-05', 20, { results: { scamTraining: 20, onlineDossiers: 1 } })),
    rec('session', id(402), session('2026-10-31', 40)),
    rec('session', id(403), session('2026-11-06', 30), 'a', true),
    // Sessions count whatever their households consented to.
    rec('session', id(404), session('2026-11-30', 5, { householdIds: [H.h3] }), 'b'),
  ];
}

/** The records as the indicator code reads them, with `createdBy` set to each user's id. */
export function fixtureData(records: readonly FixtureRecord[], users: Record<FixtureUser, string>): ReportData {
  const data = { households: [], members: [], visits: [], sessions: [], checklistSteps: [] } as {
    [K in keyof ReportData]: unknown[];
  };
  const table = { household: 'households', member: 'members', visit: 'visits', session: 'sessions', checklistStep: 'checklistSteps' } as const;
  for (const r of records) data[table[r.entity]].push({ id: r.id, ...r.fields, createdBy: users[r.by], deleted: r.deleted ?? false });
  return data as unknown as ReportData;
}

export function expectedTeam(): Indicators {
  return {
    ...emptyIndicators(),
    householdsRegistered: 5,
    householdsReachedInPeriod: 4,
    householdsEverReached: 5,
    visits: 7,
    visitsDone: 3,
    peopleHelped: 3,
    sessions: 2,
    sessionAttendees: 25,
    activeUsers: 2,
    adults: 3,
    adultsVneidLevel2: 2,
    adultsWithSmartphone: 1,
    adultsUsingOnlineServices: 2,
    aged15Plus: 5,
    aged15PlusWithPaymentAccount: 2,
    vneidLevel1Activations: 1,
    vneidLevel2Activations: 1,
    documentsIntegrated: 1,
    followUpsOpen: 2,
    followUpsOverdue: 1,
    'results.onlineDossiers': 3,
    'results.vneidLevel2': 1,
    'results.scamTraining': 20,
  };
}
