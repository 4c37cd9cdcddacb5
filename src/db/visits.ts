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

export async function recentVisits(limit: number, database: AppDB = db()): Promise<VisitRow[]> {
  return database.visits.orderBy('date').reverse().filter((v) => !v.deleted).limit(limit).toArray();
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
