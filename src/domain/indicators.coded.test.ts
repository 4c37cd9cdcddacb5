import { describe, expect, it } from 'vitest';
import {
  codedReportData,
  codeReportData,
  codeTable,
  computeIndicators,
  computeTeamIndicators,
  decodeTable,
  indicatorsByUser,
  REPORT_FIELDS,
  type CodedTable,
  type Period,
  type ReportData,
} from './indicators';
import { referenceByUser, referenceIndicators, referenceTeamIndicators } from './indicators.reference';
import { fixtureData, fixtureRecords, FIXTURE_PERIOD } from './indicators.fixture';
import { mulberry32 } from './random';

const fixture = (): ReportData => fixtureData(fixtureRecords({ stepId: (m, k) => `${m}:${k}` }), { a: 'user-a', b: 'user-b', c: 'user-c' });

/** Periods around the fixture's and the random records' edges: a day, a week, months, a quarter, a year. */
const PERIODS: Period[] = [
  FIXTURE_PERIOD,
  { from: '2026-11-01', to: '2026-11-11' },
  { from: '2026-11-12', to: '2026-11-30' },
  { from: '2026-10-31', to: '2026-10-31' },
  { from: '2026-11-23', to: '2026-11-29' },
  { from: '2026-10-01', to: '2026-12-31' },
  { from: '2026-12-01', to: '2026-12-31' },
  { from: '2026-01-01', to: '2026-12-31' },
  { from: '2025-12-01', to: '2025-12-31' },
];

/** Records drawn to hit the spec's edge cases often: boundary dates, ties, withdrawals, deletions. */
function randomData(seed: number): ReportData {
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const maybe = <T>(p: number, value: () => T): T | undefined => (random() < p ? value() : undefined);
  const id = (prefix: string, n: number) => `${prefix}-${String(n).padStart(4, '0')}`;
  const day = () => `2026-${pick(['10', '11', '12'])}-${pick(['01', '11', '12', '25', '29', '30', '31'])}`.replace(/-(1[01]|09)-31$/, '-$1-30');
  const instant = () => `${day()}T${pick(['16:59:59', '17:00:00', '23:30:00', '00:10:00'])}${pick(['Z', '+07:00'])}`;
  const deleted = () => pick([0, 0, 0, 1, false, true, undefined]);
  const households = Array.from({ length: 40 }, (_, n) => ({
    id: id('h', n),
    neighborhood: pick(['Thôn 3', '  thôn 3 ', 'THON 3', 'Xóm Mới', 'xom moi']),
    consent: {
      // Datetimes outside the plain years too (before 1970, after 9998), compared as Vietnam dates.
      recordedAt: pick([instant(), instant(), '2025-06-01T00:00:00Z', '1969-12-31T20:00:00-05:00', '+010000-01-01T00:00:00Z']),
      purposes: pick([['reporting'], ['support', 'reporting'], ['support'], []]),
      ...(random() < 0.2 ? { withdrawnAt: pick([instant(), instant(), '9999-06-01T00:00:00Z']) } : {}),
    },
    deleted: deleted(),
  }));
  const householdIds = [...households.map((h) => h.id), 'h-unknown'];
  const members = Array.from({ length: 120 }, (_, n) => ({
    id: id('m', n),
    householdId: pick(householdIds),
    birthYear: pick([1950, 2007, 2008, 2009, 2010, 2011, 2012, 2020]),
    hasSmartphone: pick([true, false, undefined]),
    usesOnlineServices: pick([true, false, undefined]),
    hasPaymentAccount: pick([true, false, undefined]),
    vneidLevel: pick([1, 2, 2, undefined]),
    vneidLevelSince: maybe(0.6, day),
    deleted: deleted(),
  }));
  const memberIds = [...members.map((m) => m.id), 'm-unknown'];
  const users = ['user-a', 'user-b', 'user-c', '', undefined];
  const results = () => maybe(0.3, () => Object.fromEntries(['onlineDossiers', 'vneidLevel2', 'scamTraining', 'paymentAccounts'].filter(() => random() < 0.5).map((k) => [k, Math.floor(random() * 4)])));
  const visits = Array.from({ length: 400 }, (_, n) => ({
    // Ids in both orders against the dates, so that a tie on the date is decided by the id.
    id: id('v', random() < 0.5 ? n : 999 - n),
    householdId: pick(householdIds),
    date: day(),
    outcome: pick(['done', 'notHome', 'followUp', 'partial']),
    memberIds: maybe(0.5, () => Array.from({ length: Math.floor(random() * 3) }, () => pick(memberIds))),
    followUpDate: maybe(0.3, day),
    results: results(),
    createdBy: pick(users),
    deleted: deleted(),
  }));
  const sessions = Array.from({ length: 20 }, (_, n) => ({ id: id('s', n), date: day(), attendees: Math.floor(random() * 30), results: results(), createdBy: pick(users), deleted: deleted() }));
  const checklistSteps = Array.from({ length: 150 }, () => ({
    memberId: pick(memberIds),
    stepKey: pick(['level1.activated', 'level2.activated', 'after.integrateDocs', 'level1.prepared']),
    status: pick(['done', 'pending']),
    doneOn: maybe(0.8, day),
    deleted: deleted(),
  }));
  return { households, members, visits, sessions, checklistSteps } as unknown as ReportData;
}

/** By column with no value shared: one dictionary entry per row, as a row-by-row encoder could give. */
function unshared(rows: readonly object[], fields: readonly string[]): CodedTable {
  const columns = Object.fromEntries(
    fields.map((f) => {
      const values = rows.map((r) => (r as Record<string, unknown>)[f]);
      return [f, { dict: values, codes: Int32Array.from(values, (v, i) => (v === undefined ? -1 : i)) }];
    }),
  );
  return { n: rows.length, columns };
}

/** The same records in each form the indicators are counted from. */
function forms(data: ReportData): [string, ReportData][] {
  const byTable = (code: (rows: readonly object[], fields: readonly string[]) => CodedTable) =>
    codedReportData({
      households: data.households,
      members: code(data.members, REPORT_FIELDS.members),
      visits: code(data.visits, REPORT_FIELDS.visits),
      sessions: code(data.sessions, REPORT_FIELDS.sessions),
      checklistSteps: code(data.checklistSteps, REPORT_FIELDS.checklistSteps),
    });
  return [
    ['rows', data],
    ['coded once', codeReportData(data)],
    ['no value shared', byTable(unshared)],
  ];
}

function expectSameAsReference(data: ReportData, label: string): void {
  for (const p of PERIODS) {
    const team = referenceTeamIndicators(data, p);
    const indicators = referenceIndicators(data, p);
    const users = referenceByUser(data, p);
    for (const [form, d] of forms(data)) {
      const at = `${label}, ${form}, ${p.from}…${p.to}`;
      expect(computeIndicators(d, p), at).toEqual(indicators);
      expect(computeTeamIndicators(d, p), at).toEqual(team);
      expect(indicatorsByUser(d, p), at).toEqual(users);
    }
  }
}

describe('the indicators counted by column', () => {
  it('give the reference’s figures on the edge-case fixture, for every period', () => {
    expectSameAsReference(fixture(), 'fixture');
  });

  it('give the reference’s figures on random records full of edge cases', () => {
    for (let seed = 1; seed <= 20; seed++) expectSameAsReference(randomData(seed), `seed ${seed}`);
  });

  it('count a field no row has, and a table without the column, alike', () => {
    const d = fixture();
    const withoutResults = { ...d, visits: d.visits.map(({ results: _, ...v }) => v) } as ReportData;
    const coded = codedReportData({
      households: d.households,
      members: codeTable(d.members, REPORT_FIELDS.members),
      visits: codeTable(d.visits, REPORT_FIELDS.visits.filter((f) => f !== 'results')),
      sessions: codeTable(d.sessions, REPORT_FIELDS.sessions),
      checklistSteps: codeTable(d.checklistSteps, REPORT_FIELDS.checklistSteps),
    });
    expect(computeTeamIndicators(coded, FIXTURE_PERIOD)).toEqual(referenceTeamIndicators(withoutResults, FIXTURE_PERIOD));
  });

  it('give the rows back as they were, for a caller that reads them', () => {
    const d = randomData(7);
    const coded = codeReportData(d);
    const fields = (rows: readonly object[], names: readonly string[]) =>
      rows.map((r) => Object.fromEntries(names.flatMap((f) => ((r as Record<string, unknown>)[f] === undefined ? [] : [[f, (r as Record<string, unknown>)[f]]]))));
    expect(coded.visits).toEqual(fields(d.visits, REPORT_FIELDS.visits));
    expect(coded.members).toEqual(fields(d.members, REPORT_FIELDS.members));
    expect(decodeTable(codeTable([{ a: 0 }, { a: -0 }, { a: NaN }], ['a'])).map((r) => Object.is(r.a, -0))).toEqual([false, true, false]);
  });

  it('count rows changed in place since the last count (plain rows are never kept coded)', () => {
    const d = fixture();
    const before = computeIndicators(d, FIXTURE_PERIOD);
    (d.visits[0] as { outcome: string }).outcome = 'done';
    const after = computeIndicators(d, FIXTURE_PERIOD);
    expect(after.visitsDone).toBe(before.visitsDone + 1);
    expect(after).toEqual(referenceIndicators(d, FIXTURE_PERIOD));
  });
});
