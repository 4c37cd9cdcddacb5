/**
 * The summaries a pull leaves to be recomputed: search text (with the members' names), last visit
 * and follow-up date of each household marked in `dirtyHouseholds` (see applyPullPage).
 */
import { db, type AppDB } from '../db/database';
import type { HouseholdRow } from '../db/rows';
import { followUpFrom, householdSearchText } from '../db/derived';

/** Recomputes search text and visit summaries of the households a pull touched. */
export async function refreshDirtyHouseholds(database: AppDB = db(), chunkSize = 2000): Promise<number> {
  const ids = (await database.dirtyHouseholds.toCollection().primaryKeys()) as string[];
  if (ids.length === 0) return 0;
  const CHUNK = chunkSize;
  // After a first sync nearly every household is dirty: reading each chunk as one key range (the
  // ids come sorted) is far quicker than looking 2,000 keys up one by one, and reads little extra.
  const dense = ids.length * 2 >= (await database.households.count());
  // …and when one chunk holds them all, reading the tables straight through is quicker still (an
  // index range fetches every row through the index).
  const whole = dense && ids.length <= CHUNK;
  let refreshed = 0;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const [lo, hi] = [chunk[0]!, chunk[chunk.length - 1]!];
    await database.transaction('rw', [database.households, database.members, database.visits, database.dirtyHouseholds], async () => {
      // The marks in this key range, read again inside the transaction: removed below as one range,
      // every one of them is refreshed here.
      const marks = database.dirtyHouseholds.where(':id').between(lo, hi, true, true);
      const keys = (await marks.primaryKeys()) as string[];
      refreshed += keys.length;
      const wanted = new Set(keys);
      const [households, members, visits] = await Promise.all(
        whole
          ? [
              database.households.toArray().then((rows) => rows.filter((h) => wanted.has(h.id))),
              database.members.toArray(),
              database.visits.toArray(),
            ]
          : dense
          ? [
              database.households.where(':id').between(lo, hi, true, true).toArray().then((rows) => rows.filter((h) => wanted.has(h.id))),
              database.members.where('householdId').between(lo, hi, true, true).toArray(),
              database.visits.where('householdId').between(lo, hi, true, true).toArray(),
            ]
          : [
              database.households.bulkGet(keys),
              database.members.where('householdId').anyOf(keys).toArray(),
              database.visits.where('householdId').anyOf(keys).toArray(),
            ],
      );
      const names = new Map<string, string[]>();
      for (const m of members) {
        if (m.deleted) continue;
        const list = names.get(m.householdId);
        if (list) list.push(m.fullName);
        else names.set(m.householdId, [m.fullName]);
      }
      const visitsBy = new Map<string, typeof visits>();
      for (const v of visits) {
        const list = visitsBy.get(v.householdId);
        if (list) list.push(v);
        else visitsBy.set(v.householdId, [v]);
      }
      const updated: HouseholdRow[] = [];
      for (const h of households) {
        if (!h) continue;
        updated.push({ ...h, searchText: householdSearchText(h, names.get(h.id) ?? []), ...followUpFrom(visitsBy.get(h.id) ?? []) });
      }
      await database.households.bulkPut(updated);
      await marks.delete();
    });
  }
  return refreshed;
}
