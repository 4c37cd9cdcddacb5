/** Counts the screens show on every page; kept apart from the sync code so the shell stays small. */
import { db, type AppDB } from '../db/database';

/** Changes waiting to be sent. */
export function pendingCount(database: AppDB = db()): Promise<number> {
  return database.outbox.where('state').equals('pending').count();
}

/** When the oldest change still waiting was made (device time), or undefined. */
export async function oldestPendingAt(database: AppDB = db()): Promise<string | undefined> {
  const first = await database.outbox.orderBy('seq').first();
  return first?.clientTs;
}

/** Conflicts and rejected changes waiting for a person's decision. */
export function attentionCount(database: AppDB = db()): Promise<number> {
  return database.outbox.where('state').anyOf('conflict', 'rejected').count();
}
