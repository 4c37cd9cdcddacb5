import type { Table } from 'dexie';
import { db, type AppDB } from '../db/database';
import { TEAM_META_KEYS } from '../db/metaKeys';
import { entityTables } from '../db/tables';

/** Removes the team's data from this device (a revoked device, or a confirmed sign-out). */
export async function wipeTeamData(database: AppDB = db()): Promise<void> {
  const tables: Table[] = [...entityTables(database), database.outbox, database.drafts, database.users, database.dirtyHouseholds, database.meta];
  await database.transaction('rw', tables, async () => {
    for (const t of tables) if (t !== database.meta) await t.clear();
    // The installation id and the sequence stay: the server remembers this device's numbers.
    await database.meta.bulkDelete([...TEAM_META_KEYS]);
  });
}
