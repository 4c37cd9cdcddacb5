/** The team's neighborhoods (thôn / tổ dân phố): data the team edits, never hard-coded. */
import { db, type AppDB } from './database';
import type { NeighborhoodRow } from './rows';
import type { NeighborhoodFields } from '../domain/schemas';
import { createRecord, deleteRecord, patchRecord } from './records';

const collator = new Intl.Collator('vi');

export async function allNeighborhoods(database: AppDB = db()): Promise<NeighborhoodRow[]> {
  const rows = await database.neighborhoods.filter((n) => !n.deleted).toArray();
  return rows.sort((a, b) => collator.compare(a.name, b.name));
}

export async function createNeighborhood(fields: NeighborhoodFields, database: AppDB = db()): Promise<NeighborhoodRow> {
  return createRecord(database, 'neighborhood', database.neighborhoods, fields);
}

export async function updateNeighborhood(id: string, changes: Partial<NeighborhoodFields>, database: AppDB = db()): Promise<NeighborhoodRow> {
  return patchRecord(database, 'neighborhood', database.neighborhoods, id, changes);
}

export async function deleteNeighborhood(id: string, database: AppDB = db()): Promise<void> {
  await deleteRecord(database, 'neighborhood', database.neighborhoods, id);
}
