/** Counts the screens show on every page; kept apart from the sync code so the shell stays small. */
import { db, type AppDB } from './database';

/** Changes waiting to be sent. */
export function pendingCount(database: AppDB = db()): Promise<number> {
  return database.outbox.where('state').equals('pending').count();
}

/** Conflicts and rejected changes waiting for a person's decision. */
export function attentionCount(database: AppDB = db()): Promise<number> {
  return database.outbox.where('state').anyOf('conflict', 'rejected').count();
}
