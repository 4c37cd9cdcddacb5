/** The household repository: the only code that touches the households table. */
import { db, type AppDB } from './database';
import { localKeysOf, type DEVICE_ONLY_KEYS, type HouseholdRow, type MemberRow, type VisitRow } from './rows';
import type { EntityName } from '../domain/vocab';
import type { HouseholdFields } from '../domain/schemas';
import { foldForSearch } from '../domain/text';
import { alive, createRecord, deleteRecord, patchRecord } from './records';
import { refreshHousehold, withHouseholdKeys } from './derived';
import { guardQuota } from './errors';
import { nowIso } from './write';

export type HouseholdSort = 'name' | 'lastVisit';

export async function getHousehold(id: string, database: AppDB = db()): Promise<HouseholdRow | undefined> {
  const h = await database.households.get(id);
  return alive(h) ? h : undefined;
}

/** The first rows in display order, for a fast first paint before the whole list is read. */
export async function firstHouseholds(sort: HouseholdSort, limit: number, database: AppDB = db()): Promise<HouseholdRow[]> {
  // The folded name is sealed with the row, so no index orders by it.
  if (sort === 'name') return (await allHouseholds(database)).sort(byNameKey).slice(0, limit);
  return database.households.orderBy('lastVisitDate').reverse().filter((h) => !h.deleted).limit(limit).toArray();
}

/** The list's order by name (the folded head's name). */
export function byNameKey(a: HouseholdRow, b: HouseholdRow): number {
  return a.nameKey < b.nameKey ? -1 : a.nameKey > b.nameKey ? 1 : 0;
}

export async function allHouseholds(database: AppDB = db()): Promise<HouseholdRow[]> {
  return database.households.filter((h) => !h.deleted).toArray();
}

export async function createHousehold(fields: HouseholdFields, database: AppDB = db()): Promise<HouseholdRow> {
  return createRecord(database, 'household', database.households, fields, {
    derive: (row) => withHouseholdKeys(row, []),
  });
}

export async function updateHousehold(id: string, changes: Partial<HouseholdFields>, database: AppDB = db()): Promise<HouseholdRow> {
  return patchRecord(database, 'household', database.households, id, changes, {
    extraTables: [database.members, database.visits],
    after: async (row) => refreshHousehold(database, row.id),
  });
}

/** Records that the household withdrew its consent (kept with its date, as the law asks). */
export async function withdrawConsent(id: string, database: AppDB = db()): Promise<HouseholdRow> {
  const h = await getHousehold(id, database);
  if (!h) throw new Error('household not found');
  return updateHousehold(id, { consent: { ...h.consent, withdrawnAt: nowIso() } }, database);
}

/** Deletes the household with its members, their checklist steps and its visits (src/domain/cascade.ts). */
export async function deleteHousehold(id: string, database: AppDB = db()): Promise<void> {
  await deleteRecord(database, 'household', database.households, id);
}

export interface SimilarQuery {
  headName: string;
  neighborhood: string;
  address: string;
}

/** Households that look like the one being registered: same head in the same neighborhood, or same address. */
export async function findSimilarHouseholds(q: SimilarQuery, excludeId?: string, database: AppDB = db()): Promise<HouseholdRow[]> {
  const head = foldForSearch(q.headName);
  const hood = foldForSearch(q.neighborhood);
  const address = foldForSearch(q.address);
  if (!head && !address) return [];
  return database.households
    .filter((h) => {
      if (h.deleted || h.id === excludeId) return false;
      const sameHead = !!head && foldForSearch(h.headName) === head && foldForSearch(h.neighborhood) === hood;
      const sameAddress = !!address && foldForSearch(h.address) === address && foldForSearch(h.neighborhood) === hood;
      return sameHead || sameAddress;
    })
    .limit(5)
    .toArray();
}

type Exported<R> = Omit<R, (typeof DEVICE_ONLY_KEYS)[number]>;

export interface HouseholdExport {
  exportedAt: string;
  household: HouseholdFields & { id: string };
  members: Exported<MemberRow>[];
  visits: Exported<VisitRow>[];
}

function publicFields<T extends object>(row: T, entity: EntityName): T {
  const local = localKeysOf(entity);
  return Object.fromEntries(Object.entries(row).filter(([k]) => !local.has(k))) as T;
}

/** Everything the device holds about one household, for the household itself to read. */
export async function exportHousehold(id: string, database: AppDB = db()): Promise<HouseholdExport> {
  const household = await getHousehold(id, database);
  if (!household) throw new Error('household not found');
  const members = (await database.members.where('householdId').equals(id).toArray()).filter((m) => !m.deleted);
  const visits = (await database.visits.where('[householdId+date]').between([id, ''], [id, '\uffff']).toArray()).filter((v) => !v.deleted);
  return {
    exportedAt: nowIso(),
    household: publicFields(household, 'household'),
    members: members.map((m) => publicFields(m, 'member')),
    visits: visits.map((v) => publicFields(v, 'visit')),
  };
}

/** Writes rows that already exist elsewhere (demo data, later the server): no outbox entries. */
export async function putHouseholdsQuietly(rows: HouseholdRow[], database: AppDB = db()): Promise<void> {
  await guardQuota(() => database.households.bulkPut(rows));
}

/** Households whose follow-up falls on or before `until` (overdue first). */
export async function householdsToFollowUp(until: string, database: AppDB = db()): Promise<(HouseholdRow & { followUpDate: string })[]> {
  // Found by their follow-up date: every one has it.
  return (await database.households
    .where('followUpDate')
    .between('0', until, true, true)
    .filter((h) => !h.deleted)
    .toArray()) as (HouseholdRow & { followUpDate: string })[];
}

export async function householdsByIds(ids: string[], database: AppDB = db()): Promise<Map<string, HouseholdRow>> {
  const rows = await database.households.bulkGet(ids);
  const map = new Map<string, HouseholdRow>();
  for (const h of rows) if (h) map.set(h.id, h);
  return map;
}
