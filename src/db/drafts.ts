/** Unsaved forms, saved as the person types. Local only: never synced. */
import { db, type AppDB } from './database';
import type { DraftRow } from './rows';
import { guardQuota } from './errors';
import { nowIso } from './write';

export async function getDraft(key: string, database: AppDB = db()): Promise<DraftRow | undefined> {
  return database.drafts.get(key);
}

export async function saveDraft(key: string, data: unknown, route: string, database: AppDB = db()): Promise<void> {
  // Round-trip through JSON: Vue proxies cannot be structured-cloned into IndexedDB.
  const plain: unknown = JSON.parse(JSON.stringify(data));
  await guardQuota(() => database.drafts.put({ key, data: plain, route, updatedAt: nowIso() }));
}

export async function deleteDraft(key: string, database: AppDB = db()): Promise<void> {
  await database.drafts.delete(key);
}

export async function allDrafts(database: AppDB = db()): Promise<DraftRow[]> {
  return database.drafts.orderBy('updatedAt').reverse().toArray();
}
