import { describe, expect, it } from 'vitest';
import {
  checkPeriod,
  computeIndicators,
  computeTeamIndicators,
  emptyIndicators,
  INDICATOR_KEYS,
  indicatorsByNeighborhood,
  indicatorsByUser,
  isCountedHousehold,
  NEIGHBORHOOD_INDICATOR_KEYS,
  sumIndicators,
  vietnamDate,
  type ReportData,
} from './indicators';
import { expectedTeam, fixtureData, fixtureRecords, FIXTURE_PERIOD, H, M } from './indicators.fixture';
import { periodContaining, previousPeriod, trailingPeriods } from './periods';
import { mulberry32 } from './random';

const USERS = { a: 'user-a', b: 'user-b', c: 'user-c' };
const stepId = (memberId: string, key: string) => `${memberId}:${key}`;
const data = (): ReportData => fixtureData(fixtureRecords({ stepId }), USERS);

describe('computeIndicators on the edge-case fixture', () => {
  const got = computeIndicators(data(), FIXTURE_PERIOD);

  it('gives every key, the expected integers', () => {
    expect(Object.keys(got).sort()).toEqual([...INDICATOR_KEYS].sort());
    expect(got).toEqual(expectedTeam());
  });

  it('counts a household visited twice once, and a notHome visit does not reach it', () => {
    // h1: notHome on 3 Nov, done on 10 Nov. h7: only outside the period.
    expect(got.householdsReachedInPeriod).toBe(4);
    expect(got.householdsEverReached).toBe(5);
  });

  it('leaves out deleted records, households without reporting consent and withdrawn ones', () => {
    const d = data();
    expect(d.households.filter((h) => isCountedHousehold(h, FIXTURE_PERIOD.to)).map((h) => h.id).sort()).toEqual(
      [H.h1, H.h2, H.h6, H.h7, H.h9].sort(),
    );
  });

  it('a member who reached level 2 inside the period counts at its end, not before', () => {
    // At 11 Nov only h1 is counted; m1 is level 2 since 12 Nov.
    expect(computeIndicators(data(), { from: '2026-11-01', to: '2026-11-11' }).adultsVneidLevel2).toBe(0);
    expect(computeIndicators(data(), { from: '2026-11-01', to: '2026-11-12' }).adultsVneidLevel2).toBe(1);
  });

  it('a level-2 member without a date counts; one dated after the period does not', () => {
    const d = data();
    expect(d.members.find((m) => m.id === M.m3)!.vneidLevelSince).toBeUndefined();
    expect(computeIndicators({ ...d, members: d.members.filter((m) => m.id !== M.m3) }, FIXTURE_PERIOD).adultsVneidLevel2).toBe(1);
    const m4OnTime = d.members.map((m) => (m.id === M.m4 ? { ...m, vneidLevelSince: '2026-11-30' } : m));
    expect(computeIndicators({ ...d, members: m4OnTime }, FIXTURE_PERIOD).adultsVneidLevel2).toBe(3);
  });

  it('the adult year is year(to) − 18 and 15+ is year(to) − 15', () => {
    const h = { id: H.h1, neighborhood: 'Thôn 3', consent: { recordedAt: '2020-01-01T00:00:00Z', purposes: ['reporting'] } };
    const m = (id: string, birthYear: number) => ({ id, householdId: H.h1, birthYear });
    const small = { households: [h], members: [m(M.m1, 2007), m(M.m2, 2008), m(M.m3, 2010), m(M.m4, 2011)], visits: [], sessions: [], checklistSteps: [] };
    expect(computeIndicators(small, { from: '2025-12-01', to: '2025-12-31' })).toMatchObject({ adults: 1, aged15Plus: 3 });
    expect(computeIndicators(small, { from: '2026-01-01', to: '2026-01-01' })).toMatchObject({ adults: 2, aged15Plus: 4 });
  });

  it('a follow-up closed by a later visit is not open; two visits on one date: the greater id decides', () => {
    const d = data();
    expect(got.followUpsOpen).toBe(2);
    expect(got.followUpsOverdue).toBe(1);
    // Swap the two same-day ids: the done visit becomes the latest and h2 closes.
    const swapped = d.visits.map((v) =>
      v.householdId === H.h2 ? { ...v, id: v.outcome === 'done' ? '0195a000-0000-7000-8000-000000000399' : v.id } : v,
    );
    expect(computeIndicators({ ...d, visits: swapped }, FIXTURE_PERIOD).followUpsOpen).toBe(1);
  });

  it('a follow-up date on the period end is open, not overdue; the day after it is overdue', () => {
    const h = { id: H.h1, neighborhood: 'Thôn 3', consent: { recordedAt: '2020-01-01T00:00:00Z', purposes: ['reporting'] } };
    const v = { id: H.h2, householdId: H.h1, date: '2026-11-20', outcome: 'partial', followUpDate: '2026-11-28' };
    const small = { households: [h], members: [], visits: [v], sessions: [], checklistSteps: [] };
    expect(computeIndicators(small, { from: '2026-11-01', to: '2026-11-28' })).toMatchObject({ followUpsOpen: 1, followUpsOverdue: 0 });
    expect(computeIndicators(small, { from: '2026-11-01', to: '2026-11-29' })).toMatchObject({ followUpsOpen: 1, followUpsOverdue: 1 });
  });

  it('datetimes count on their Vietnam date: consent at 23:59:59 counts, at 00:00 the next day does not', () => {
    expect(vietnamDate('2026-11-30T16:59:59Z')).toBe('2026-11-30');
    expect(vietnamDate('2026-11-30T17:00:00Z')).toBe('2026-12-01');
    expect(vietnamDate('2026-12-01T00:30:00+07:00')).toBe('2026-12-01');
    const d = data();
    const h2 = d.households.find((h) => h.id === H.h2)!;
    const h8 = d.households.find((h) => h.id === H.h8)!;
    expect(isCountedHousehold(h2, '2026-11-30')).toBe(true);
    expect(isCountedHousehold(h2, '2026-11-29')).toBe(false);
    expect(isCountedHousehold(h8, '2026-11-30')).toBe(false);
    expect(isCountedHousehold(h8, '2026-12-01')).toBe(true);
  });

  it('a household counts exactly as its consent’s Vietnam dates compare with the period’s end, whatever the datetime', () => {
    const rnd = mulberry32(13);
    const instants = [
      ...Array.from({ length: 400 }, () => Date.UTC(2026, 10, 29) + Math.floor(rnd() * 4 * 86_400_000)),
      ...[16, 17].flatMap((h) => [-1, 0, 1].map((ms) => Date.UTC(2026, 10, 30, h) + ms)),
    ];
    const datetimes = [
      ...instants.map((t) => new Date(t).toISOString()),
      ...instants.slice(0, 50).map((t) => new Date(t + 7 * 3_600_000).toISOString().replace('Z', '+07:00')),
      '2026-11-30',
      '1969-12-31T20:00:00Z',
      '+010000-01-01T00:00:00Z',
    ];
    const consent = (recordedAt: string, withdrawnAt?: string) => ({ recordedAt, purposes: ['reporting'], ...(withdrawnAt ? { withdrawnAt } : {}) });
    for (const to of ['2026-11-29', '2026-11-30', '2026-12-01', '1969-12-31', '2026-02-30', 'not a date']) {
      for (const at of datetimes) {
        const recorded = { id: 'h', neighborhood: 'X', consent: consent(at) };
        expect(isCountedHousehold(recorded, to)).toBe(!(vietnamDate(at) > to));
        const withdrawn = { ...recorded, consent: consent('1969-01-01T00:00:00Z', at) };
        expect(isCountedHousehold(withdrawn, to)).toBe(!(vietnamDate('1969-01-01T00:00:00Z') > to) && vietnamDate(at) > to);
      }
    }
  });

  it('visits just outside the period count for the state at its end, not as events', () => {
    const d = data();
    const onlyH7 = { ...d, visits: d.visits.filter((v) => v.householdId === H.h7) };
    const r = computeIndicators(onlyH7, FIXTURE_PERIOD);
    expect(r.visits).toBe(0);
    expect(r.householdsReachedInPeriod).toBe(0);
    expect(r.householdsEverReached).toBe(1);
    // The 1 December follow-up is after `to`: not open yet.
    expect(r.followUpsOpen).toBe(0);
  });

  it('a household stays reached when its latest visit found nobody at home', () => {
    const r = computeIndicators(data(), { from: '2026-10-26', to: '2026-10-31' });
    // h7 (done on 31 Oct) and h9 (done on 20 Oct, not at home on 25 Oct).
    expect(r.householdsEverReached).toBe(2);
    expect(r.householdsReachedInPeriod).toBe(1);
    expect(r.followUpsOpen).toBe(0);
  });

  it('an empty team gives zeros for every key', () => {
    expect(computeIndicators({ households: [], members: [], visits: [], sessions: [], checklistSteps: [] }, FIXTURE_PERIOD)).toEqual(emptyIndicators());
  });

  it('reads device rows, whose deleted flag is 0 or 1', () => {
    const d = data();
    const device = {
      households: d.households.map((h) => ({ ...h, deleted: h.deleted ? (1 as const) : (0 as const) })),
      members: d.members.map((m) => ({ ...m, deleted: m.deleted ? (1 as const) : (0 as const) })),
      visits: d.visits.map((v) => ({ ...v, deleted: v.deleted ? (1 as const) : (0 as const) })),
      sessions: d.sessions.map((s) => ({ ...s, deleted: s.deleted ? (1 as const) : (0 as const) })),
      checklistSteps: d.checklistSteps.map((s) => ({ ...s, deleted: s.deleted ? (1 as const) : (0 as const) })),
    };
    expect(computeIndicators(device, FIXTURE_PERIOD)).toEqual(expectedTeam());
  });
});

describe('indicatorsByNeighborhood', () => {
  const groups = indicatorsByNeighborhood(data(), FIXTURE_PERIOD);

  it('folds case, spaces and diacritics, shows the first household’s spelling, sorted', () => {
    expect(groups.map((g) => g.name)).toEqual(['Thôn 3', 'THÔN ĐÔNG']);
  });

  it('holds the household-based keys only, and they add up to the team’s', () => {
    for (const g of groups) expect(Object.keys(g.indicators).sort()).toEqual([...NEIGHBORHOOD_INDICATOR_KEYS].sort());
    const team = computeIndicators(data(), FIXTURE_PERIOD);
    const sessionResults = { 'results.scamTraining': 20, 'results.onlineDossiers': 1 } as Record<string, number>;
    for (const k of NEIGHBORHOOD_INDICATOR_KEYS) {
      const sum = groups.reduce((n, g) => n + (g.indicators[k] ?? 0), 0);
      expect(sum, k).toBe(team[k] - (sessionResults[k] ?? 0));
    }
  });

  it('gives each neighborhood its own figures', () => {
    const [thon3, dong] = groups;
    expect(thon3!.indicators).toMatchObject({ householdsRegistered: 3, visits: 5, peopleHelped: 2, adults: 2, aged15Plus: 3, followUpsOpen: 2, 'results.onlineDossiers': 2 });
    expect(dong!.indicators).toMatchObject({ householdsRegistered: 2, householdsEverReached: 2, visits: 2, peopleHelped: 1, adults: 1, aged15Plus: 2, followUpsOpen: 0 });
  });
});

describe('computeTeamIndicators', () => {
  it('gives in one pass, with the neighborhoods, the team figures computeIndicators gives', () => {
    const periods = [FIXTURE_PERIOD, { from: '2026-11-12', to: '2026-11-30' }, { from: '2026-10-01', to: '2026-12-31' }, { from: '2026-11-01', to: '2026-11-11' }];
    for (const p of periods) {
      const r = computeTeamIndicators(data(), p);
      expect(r.indicators, p.to).toEqual(computeIndicators(data(), p));
    }
  });
});

describe('indicatorsByUser', () => {
  it('counts what each person recorded in the period, on counted households only', () => {
    expect(indicatorsByUser(data(), FIXTURE_PERIOD)).toEqual([
      { userId: 'user-a', indicators: { visits: 4, visitsDone: 1, householdsReachedInPeriod: 2, peopleHelped: 0, sessions: 1, sessionAttendees: 20 } },
      { userId: 'user-b', indicators: { visits: 3, visitsDone: 2, householdsReachedInPeriod: 2, peopleHelped: 3, sessions: 1, sessionAttendees: 5 } },
    ]);
  });
});

describe('sumIndicators', () => {
  it('adds key by key', () => {
    const a = { ...emptyIndicators(), visits: 2, 'results.scamTraining': 1 };
    const b = { ...emptyIndicators(), visits: 3 };
    expect(sumIndicators([a, b])).toMatchObject({ visits: 5, 'results.scamTraining': 1, adults: 0 });
  });
});

describe('checkPeriod', () => {
  it('accepts up to 366 days, both ends included', () => {
    expect(checkPeriod('2024-01-01', '2024-12-31')).toEqual({ ok: true, period: { from: '2024-01-01', to: '2024-12-31' } });
    expect(checkPeriod('2026-11-30', '2026-11-30').ok).toBe(true);
    expect(checkPeriod('2025-01-01', '2026-01-02')).toEqual({ ok: false, reason: 'tooLong' });
  });

  it('rejects bad and reversed dates', () => {
    expect(checkPeriod('2026-02-30', '2026-03-01')).toEqual({ ok: false, reason: 'invalidDate' });
    expect(checkPeriod(undefined, '2026-03-01')).toEqual({ ok: false, reason: 'invalidDate' });
    expect(checkPeriod('2026-3-1', '2026-03-01')).toEqual({ ok: false, reason: 'invalidDate' });
    expect(checkPeriod('2026-03-02', '2026-03-01')).toEqual({ ok: false, reason: 'fromAfterTo' });
  });
});

describe('periods', () => {
  it('weeks run Monday to Sunday', () => {
    expect(periodContaining('week', '2026-12-06')).toEqual({ from: '2026-11-30', to: '2026-12-06' });
    expect(periodContaining('week', '2026-11-30')).toEqual({ from: '2026-11-30', to: '2026-12-06' });
  });

  it('months and quarters, and the ones before them', () => {
    expect(periodContaining('month', '2024-02-10')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(periodContaining('quarter', '2026-11-15')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(previousPeriod('month', { from: '2026-01-01', to: '2026-01-31' })).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(previousPeriod('quarter', { from: '2026-01-01', to: '2026-03-31' })).toEqual({ from: '2025-10-01', to: '2025-12-31' });
    expect(previousPeriod('custom', { from: '2026-03-01', to: '2026-03-10' })).toEqual({ from: '2026-02-19', to: '2026-02-28' });
  });

  it('the last 6 periods end with the chosen one, oldest first', () => {
    const six = trailingPeriods('month', { from: '2026-11-01', to: '2026-11-30' }, 6);
    expect(six.map((p) => p.from)).toEqual(['2026-06-01', '2026-07-01', '2026-08-01', '2026-09-01', '2026-10-01', '2026-11-01']);
  });
});
