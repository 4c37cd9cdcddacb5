/** The visit-log repository. */
import { db, type AppDB } from './database';
import type { VisitRow } from './rows';
import type { VisitFields } from '../domain/schemas';
import { alive, createRecord, deleteRecord, patchRecord, type Hooks } from './records';
import { refreshHousehold } from './derived';

function hooks(database: AppDB): Hooks<'visit', VisitRow> {
  return {
    extraTables: [database.households, database.members],
    after: async (row, before) => {
      await refreshHousehold(database, row.householdId);
      // A record moved to another household leaves the old one to be refreshed too.
      if (before && before.householdId !== row.householdId) await refreshHousehold(database, before.householdId);
    },
  };
}

/** A household's visits, newest first. */
export async function visitsOf(householdId: string, database: AppDB = db()): Promise<VisitRow[]> {
  const rows = await database.visits
    .where('[householdId+date]')
    .between([householdId, ''], [householdId, '\uffff'])
    .reverse()
    .toArray();
  return rows.filter((v) => !v.deleted);
}

/** Newest first, as an index on `date` would give them: later date first, then the larger id. */
function newer(a: VisitRow, b: VisitRow): number {
  if (a.date !== b.date) return a.date > b.date ? -1 : 1;
  return a.id > b.id ? -1 : a.id < b.id ? 1 : 0;
}

/**
 * The `limit` newest visits of all households. A household's `lastVisitDate` is the date of its
 * newest visit, so households are walked by that index, newest first, each one's newest visits
 * read by `[householdId+date]`, until the next household's last visit is older than the
 * `limit`-th found: none of its visits can be among them.
 */
export async function recentVisits(limit: number, database: AppDB = db()): Promise<VisitRow[]> {
  if (limit <= 0) return [];
  const batch = limit * 4;
  let best: VisitRow[] = [];
  for (let offset = 0; ; offset += batch) {
    const walked: { id: string; lastVisitDate: string }[] = [];
    await database.households
      .where('lastVisitDate')
      .above('')
      .reverse()
      .offset(offset)
      .limit(batch)
      .eachKey((key, cursor) => walked.push({ id: String(cursor.primaryKey), lastVisitDate: String(key) }));
    for (const { id, lastVisitDate } of walked) {
      if (best.length >= limit && lastVisitDate < best[limit - 1]!.date) return best;
      const own = await database.visits
        .where('[householdId+date]')
        .between([id, ''], [id, '\uffff'])
        .reverse()
        .filter((v) => !v.deleted)
        .limit(limit)
        .toArray();
      best = [...best, ...own].sort(newer).slice(0, limit);
    }
    if (walked.length < batch) return best;
  }
}

export async function getVisit(id: string, database: AppDB = db()): Promise<VisitRow | undefined> {
  const v = await database.visits.get(id);
  return alive(v) ? v : undefined;
}

export async function createVisit(fields: VisitFields, database: AppDB = db()): Promise<VisitRow> {
  const household = await database.households.get(fields.householdId);
  if (!alive(household)) throw new Error('household not found');
  return createRecord(database, 'visit', database.visits, fields, hooks(database));
}

export async function updateVisit(id: string, changes: Partial<VisitFields>, database: AppDB = db()): Promise<VisitRow> {
  return patchRecord(database, 'visit', database.visits, id, changes, hooks(database));
}

export async function deleteVisit(id: string, database: AppDB = db()): Promise<void> {
  await deleteRecord(database, 'visit', database.visits, id, hooks(database));
}
