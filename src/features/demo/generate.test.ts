import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_SIZES, generateDemoData, seedDatabase, type DemoData } from './generate';
import { AppDB } from '../../db/database';
import { followUpFrom } from '../../db/derived';
import { validateCreate } from '../../domain/schemas';
import { foldForSearch, matchesQuery, personSortKey } from '../../domain/text';
import { isCalendarDate, isIsoDateTime } from '../../domain/dates';
import { isUuid } from '../../domain/ids';
import { CONSENT_TEXT_VERSION, type EntityName } from '../../domain/vocab';

const TODAY = '2026-03-15';
const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const META_KEYS = ['id', 'teamId', 'version', 'deleted', 'syncState', 'localUpdatedAt'];

function syncedFields(row: object, localKeys: string[] = []): Record<string, unknown> {
  const drop = new Set([...META_KEYS, ...localKeys]);
  return Object.fromEntries(Object.entries(row).filter(([k]) => !drop.has(k)));
}

function allRows(data: DemoData): [EntityName, Record<string, unknown>][] {
  return [
    ...data.neighborhoods.map((r) => ['neighborhood', syncedFields(r)] as [EntityName, Record<string, unknown>]),
    ...data.households.map(
      (r) =>
        ['household', syncedFields(r, ['searchText', 'nameKey', 'lastVisitDate', 'followUpDate'])] as [
          EntityName,
          Record<string, unknown>,
        ],
    ),
    ...data.members.map((r) => ['member', syncedFields(r, ['nameKey'])] as [EntityName, Record<string, unknown>]),
    ...data.visits.map((r) => ['visit', syncedFields(r)] as [EntityName, Record<string, unknown>]),
    ...data.sessions.map((r) => ['session', syncedFields(r)] as [EntityName, Record<string, unknown>]),
  ];
}

describe('generateDemoData', () => {
  const data = generateDemoData(DEMO_SIZES, { seed: 42, today: TODAY });

  it('is deterministic for a seed', () => {
    const again = generateDemoData(DEMO_SIZES, { seed: 42, today: TODAY });
    expect(again).toEqual(data);
    const other = generateDemoData(DEMO_SIZES, { seed: 43, today: TODAY });
    expect(other.households[0]?.id).not.toBe(data.households[0]?.id);
  });

  it('has the default sizes', () => {
    expect(DEMO_SIZES).toEqual({ households: 50, membersPerHousehold: 3, visits: 80, sessions: 6 });
    expect(data.households).toHaveLength(50);
    expect(data.members.length).toBeGreaterThanOrEqual(140);
    expect(data.members.length).toBeLessThanOrEqual(160);
    expect(data.visits).toHaveLength(80);
    expect(data.sessions).toHaveLength(6);
    expect(data.neighborhoods).toHaveLength(4);
    expect(data.users).toHaveLength(3);
    expect(data.users.filter((u) => u.role === 'head')).toHaveLength(1);
    expect(data.users.every((u) => u.local === true)).toBe(true);
  });

  it('uses unique v4-looking UUIDs everywhere', () => {
    const ids = [
      ...data.neighborhoods,
      ...data.households,
      ...data.members,
      ...data.visits,
      ...data.sessions,
      ...data.users,
    ].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(isUuid(id)).toBe(true);
      expect(id).toMatch(V4);
    }
  });

  it('produces rows that pass validateCreate for every entity', () => {
    for (const [entity, fields] of allRows(data)) {
      const r = validateCreate(entity, fields);
      if (!r.ok) throw new Error(`${entity} invalid: ${JSON.stringify(r.errors)} ${JSON.stringify(fields)}`);
      for (const v of Object.values(fields)) {
        expect(v).not.toBeUndefined();
        expect(v).not.toBe('');
      }
    }
  });

  it('sets record metadata', () => {
    for (const row of [...data.neighborhoods, ...data.households, ...data.members, ...data.visits, ...data.sessions]) {
      expect(row.version).toBe(0);
      expect(row.deleted).toBe(0);
      expect(row.syncState).toBe('synced');
      expect(isIsoDateTime(row.localUpdatedAt)).toBe(true);
    }
    const synced = generateDemoData(DEMO_SIZES, { seed: 42, today: TODAY, synced: true });
    expect(synced.households.every((h) => h.version === 1)).toBe(true);
    expect(synced.visits.every((v) => v.version === 1)).toBe(true);
  });

  it('records consent on every household', () => {
    const names = new Set(data.users.map((u) => u.name));
    for (const h of data.households) {
      expect(isIsoDateTime(h.consent.recordedAt)).toBe(true);
      expect(names.has(h.consent.recordedBy)).toBe(true);
      expect(h.consent.purposes.length).toBeGreaterThanOrEqual(1);
      expect(h.consent.textVersion).toBe(CONSENT_TEXT_VERSION);
    }
  });

  it('keeps references consistent', () => {
    const households = new Map(data.households.map((h) => [h.id, h]));
    const neighborhoods = new Map(data.neighborhoods.map((n) => [n.id, n]));
    const userIds = new Set(data.users.map((u) => u.id));
    const membersByHousehold = new Map<string, Set<string>>();
    for (const m of data.members) {
      expect(households.has(m.householdId)).toBe(true);
      const set = membersByHousehold.get(m.householdId) ?? new Set<string>();
      set.add(m.id);
      membersByHousehold.set(m.householdId, set);
    }
    for (const h of data.households) {
      expect(membersByHousehold.get(h.id)?.size ?? 0).toBeGreaterThanOrEqual(1);
      const nb = neighborhoods.get(h.neighborhoodId ?? '');
      expect(nb?.name).toBe(h.neighborhood);
      const head = data.members.find((m) => m.householdId === h.id && m.fullName === h.headName);
      expect(head).toBeDefined();
    }
    for (const v of data.visits) {
      expect(households.has(v.householdId)).toBe(true);
      const own = membersByHousehold.get(v.householdId);
      for (const mid of v.memberIds ?? []) expect(own?.has(mid)).toBe(true);
    }
    for (const s of data.sessions) {
      expect(neighborhoods.has(s.neighborhoodId ?? '')).toBe(true);
      expect(s.facilitatorIds?.length ?? 0).toBeGreaterThanOrEqual(1);
      for (const f of s.facilitatorIds ?? []) expect(userIds.has(f)).toBe(true);
      for (const hid of s.householdIds ?? []) expect(households.get(hid)?.neighborhoodId).toBe(s.neighborhoodId);
      expect(s.attendees).toBeGreaterThanOrEqual(10);
      expect(s.attendees).toBeLessThanOrEqual(60);
    }
  });

  it('spreads visits over the last ~120 days with some follow-ups overdue and some upcoming', () => {
    const big = generateDemoData({ ...DEMO_SIZES, visits: 1000 }, { seed: 7, today: TODAY });
    for (const v of big.visits) {
      expect(v.date <= TODAY).toBe(true);
      expect(v.date >= '2025-11-15').toBe(true);
      expect(v.topics.length).toBeGreaterThanOrEqual(1);
      expect(v.topics.length).toBeLessThanOrEqual(3);
      if (v.durationMinutes !== undefined) {
        expect(v.durationMinutes).toBeGreaterThanOrEqual(10);
        expect(v.durationMinutes).toBeLessThanOrEqual(90);
      }
      if (v.followUpDate) {
        expect(isCalendarDate(v.followUpDate)).toBe(true);
        expect(v.followUpDate > v.date).toBe(true);
      }
    }
    const withFollowUp = big.visits.filter((v) => v.followUpDate);
    expect(withFollowUp.length / big.visits.length).toBeGreaterThan(0.18);
    expect(withFollowUp.length / big.visits.length).toBeLessThan(0.32);
    expect(withFollowUp.some((v) => (v.followUpDate ?? '') < TODAY)).toBe(true);
    expect(withFollowUp.some((v) => (v.followUpDate ?? '') > TODAY)).toBe(true);
  });

  it('derives household keys from members and visits', () => {
    for (const h of data.households) {
      const own = data.visits.filter((v) => v.householdId === h.id);
      const summary = followUpFrom(own);
      expect(h.lastVisitDate).toBe(summary.lastVisitDate);
      expect(h.followUpDate).toBe(summary.followUpDate);
      expect(h.nameKey).toBe(personSortKey(h.headName));
    }
    for (const m of data.members) expect(m.nameKey).toBe(personSortKey(m.fullName));
    expect(data.households.some((h) => h.lastVisitDate !== '')).toBe(true);
  });

  it('supports folded search on the generated names', () => {
    for (const h of data.households) {
      expect(h.searchText).toContain(foldForSearch(h.headName));
      expect(h.searchText).toBe(foldForSearch(h.searchText));
      for (const m of data.members.filter((x) => x.householdId === h.id)) {
        expect(matchesQuery(h.searchText, foldForSearch(m.fullName))).toBe(true);
      }
    }
    const nguyen = data.households.filter((h) => matchesQuery(h.searchText, foldForSearch('nguyen')));
    expect(nguyen.length).toBeGreaterThan(0);
    expect(data.households.some((h) => /[ăâđêôơưạảãàáẹẻẽèéọỏõòóụủũùúịỉĩìíỵỷỹỳý]/i.test(h.headName))).toBe(true);
  });

  it('only sets vneidLevel from age 14', () => {
    const year = Number(TODAY.slice(0, 4));
    for (const m of data.members) {
      expect(m.birthYear).toBeGreaterThanOrEqual(1940);
      expect(m.birthYear).toBeLessThanOrEqual(2022);
      if (year - m.birthYear < 14) expect('vneidLevel' in m).toBe(false);
    }
  });

  // How fast it generates is the benchmark's business, not a test's; sizes well past the demo's
  // show that the counts asked for are the counts made.
  it('makes exactly the sizes asked for, well past the demo’s', () => {
    const big = generateDemoData({ households: 2000, membersPerHousehold: 3, visits: 20000, sessions: 40 }, { seed: 1, today: TODAY });
    expect(big.households).toHaveLength(2000);
    expect(big.members).toHaveLength(6000);
    expect(big.visits).toHaveLength(20000);
    expect(big.sessions).toHaveLength(40);
  });
});

describe('seedDatabase', () => {
  let database: AppDB | undefined;

  afterEach(async () => {
    if (database) {
      database.close();
      await database.delete();
      database = undefined;
    }
  });

  it('writes every table in chunks without touching the outbox', async () => {
    const data = generateDemoData(DEMO_SIZES, { seed: 3, today: TODAY });
    database = new AppDB('test-demo-' + Math.random(), true);
    await seedDatabase(database, data, { chunkSize: 17 });
    expect(await database.households.count()).toBe(data.households.length);
    expect(await database.members.count()).toBe(data.members.length);
    expect(await database.visits.count()).toBe(data.visits.length);
    expect(await database.sessions.count()).toBe(data.sessions.length);
    expect(await database.neighborhoods.count()).toBe(data.neighborhoods.length);
    expect(await database.users.count()).toBe(data.users.length);
    expect(await database.outbox.count()).toBe(0);
    const first = data.households[0];
    expect(first).toBeDefined();
    if (first) expect(await database.households.get(first.id)).toEqual(first);
  });

  it('reports its progress after every chunk, ending at the total', async () => {
    const data = generateDemoData(DEMO_SIZES, { seed: 5, today: TODAY });
    database = new AppDB('test-demo-' + Math.random(), true);
    const steps: [number, number][] = [];
    await seedDatabase(database, data, { chunkSize: 25, onProgress: (done, total) => steps.push([done, total]) });
    const total = data.users.length + data.neighborhoods.length + data.households.length + data.members.length + data.visits.length + data.sessions.length;
    expect(steps.length).toBeGreaterThan(5);
    expect(steps.every(([, t]) => t === total)).toBe(true);
    expect(steps.map(([d]) => d)).toEqual([...steps.map(([d]) => d)].sort((a, b) => a - b));
    expect(steps.at(-1)).toEqual([total, total]);
  });

  it('uses the default chunk size', async () => {
    const data = generateDemoData({ households: 300, membersPerHousehold: 3, visits: 2500, sessions: 10 }, { seed: 9, today: TODAY });
    database = new AppDB('test-demo-' + Math.random(), true);
    await seedDatabase(database, data);
    expect(await database.visits.count()).toBe(2500);
    expect(await database.members.count()).toBe(900);
    expect(await database.outbox.count()).toBe(0);
  });
});
