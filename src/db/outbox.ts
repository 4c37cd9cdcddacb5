/** Read side of the outbox: what waits to be sent. Writes happen only through write.ts. */
import { db, type AppDB } from './database';

export async function waitingCount(database: AppDB = db()): Promise<number> {
  return database.outbox.count();
}
