/**
 * The summaries a pull leaves to be recomputed: search text (with the members' names), last visit
 * and follow-up date of each household marked in `dirtyHouseholds` (see applyPullPage).
 */
import type { Table } from 'dexie';
import { db, type AppDB } from '../db/database';
import type { HouseholdRow, MemberRow, VisitRow } from '../db/rows';
import { followUpFrom, householdSearchText, newerVisit } from '../db/derived';

/**
 * Recomputes search text and visit summaries of the households a pull touched. `chunkSize`: the
 * households handled per transaction when few are dirty, the rows read at once when most are.
 */
export async function refreshDirtyHouseholds(database: AppDB = db(), chunkSize = 2000): Promise<number> {
  const ids = (await database.dirtyHouseholds.toCollection().primaryKeys()) as string[];
  if (ids.length === 0) return 0;
  // After a first sync nearly every household is dirty.
  if (ids.length * 2 >= (await database.households.count())) return refreshByScan(database, chunkSize);
  let refreshed = 0;
  for (let i = 0; i < ids.length; i += chunkSize) {
    const chunk = ids.slice(i, i + chunkSize);
    await database.transaction('rw', [database.households, database.members, database.visits, database.dirtyHouseholds], async () => {
      // The marks in this key range (the ids come sorted), read again inside the transaction:
      // removed below as one range, every one of them is refreshed here.
      const marks = database.dirtyHouseholds.where(':id').between(chunk[0]!, chunk[chunk.length - 1]!, true, true);
      const keys = (await marks.primaryKeys()) as string[];
      refreshed += keys.length;
      const [households, members, visits] = await Promise.all([
        database.households.bulkGet(keys),
        database.members.where('householdId').anyOf(keys).toArray(),
        database.visits.where('householdId').anyOf(keys).toArray(),
      ]);
      const names = new Map<string, string[]>();
      for (const m of members) addName(names, m);
      const latest = new Map<string, VisitRow>();
      for (const v of visits) addVisit(latest, v);
      await database.households.bulkPut(households.filter((h): h is HouseholdRow => !!h).map((h) => withSummary(h, names, latest)));
      await marks.delete();
    });
  }
  return refreshed;
}

/**
 * Most households dirty: members and visits are read straight through the tables in primary-key
 * order, `page` rows at a time, keeping only each household's member names and newest visit. An
 * index range fetches every row through the index (a random read per row): on a first sync of
 * 100,000 visits that took most of the refresh. One transaction, so a person's write meanwhile
 * waits rather than being overwritten by a summary read before it.
 */
async function refreshByScan(database: AppDB, page: number): Promise<number> {
  let refreshed = 0;
  await database.transaction('rw', [database.households, database.members, database.visits, database.dirtyHouseholds], async () => {
    const keys = (await database.dirtyHouseholds.toCollection().primaryKeys()) as string[];
    const wanted = new Set(keys);
    const names = new Map<string, string[]>();
    await scan(database.members, page, (rows) => {
      for (const m of rows) if (wanted.has(m.householdId)) addName(names, m);
    });
    const latest = new Map<string, VisitRow>();
    await scan(database.visits, page, (rows) => {
      for (const v of rows) if (wanted.has(v.householdId)) addVisit(latest, v);
    });
    const updated: HouseholdRow[] = [];
    await scan(database.households, page, (rows) => {
      for (const h of rows) if (wanted.has(h.id)) updated.push(withSummary(h, names, latest));
    });
    for (let i = 0; i < updated.length; i += page) await database.households.bulkPut(updated.slice(i, i + page));
    await database.dirtyHouseholds.bulkDelete(keys);
    refreshed = keys.length;
  });
  return refreshed;
}

/** Every row of `table` in primary-key order, `page` at a time (inside the caller's transaction). */
async function scan<R extends { id: string }>(table: Table<R, string>, page: number, each: (rows: R[]) => void): Promise<void> {
  let last: string | undefined;
  for (;;) {
    const rows = await (last === undefined ? table.toCollection() : table.where(':id').above(last)).limit(page).toArray();
    each(rows);
    if (rows.length < page) return;
    last = rows[rows.length - 1]!.id;
  }
}

function addName(names: Map<string, string[]>, m: MemberRow): void {
  if (m.deleted) return;
  const list = names.get(m.householdId);
  if (list) list.push(m.fullName);
  else names.set(m.householdId, [m.fullName]);
}

function addVisit(latest: Map<string, VisitRow>, v: VisitRow): void {
  if (newerVisit(v, latest.get(v.householdId))) latest.set(v.householdId, v);
}

function withSummary(h: HouseholdRow, names: Map<string, string[]>, latest: Map<string, VisitRow>): HouseholdRow {
  const newest = latest.get(h.id);
  return { ...h, searchText: householdSearchText(h, names.get(h.id) ?? []), ...followUpFrom(newest ? [newest] : []) };
}
