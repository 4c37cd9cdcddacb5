/**
 * After the server was restored from a backup: what it no longer has (or has older) goes back to
 * it from this device.
 */
import { db, type AppDB } from '../db/database';
import { enqueue } from '../db/write';
import { loadSchemas } from '../db/validation';
import { ENTITIES, type EntityName } from '../domain/vocab';
import { entityTables, tableOf, type SyncedRow } from '../db/tables';
import { syncedFields } from './entityTables';

/**
 * Queues a record's whole content again (after a server restore lost it). Call inside a transaction
 * opened after `loadSchemas()` resolved.
 */
export async function requeueRecord(database: AppDB, entity: EntityName, row: SyncedRow, op: 'create' | 'patch'): Promise<void> {
  const table = tableOf(database, entity);
  await enqueue(database, { entity, op, id: row.id, baseVersion: op === 'create' ? null : row.version, fields: syncedFields(row, entity) });
  await table.put({ ...row, syncState: 'pending' });
}

/**
 * After a re-pull from the beginning (server restored from a backup): local records the server
 * no longer has (not stamped with this re-pull's marker) are queued again as creates, with their
 * current values. Edits of them the server refused as NOT_FOUND are folded into that create.
 */
export async function requeueMissing(marker: string, database: AppDB = db()): Promise<number> {
  let count = 0;
  await loadSchemas();
  await database.transaction('rw', [...entityTables(database), database.outbox, database.meta], async () => {
    const entries = await database.outbox.toArray();
    const lost = entries.filter((e) => e.state === 'rejected' && e.error?.code === 'NOT_FOUND');
    const queued = new Set(entries.filter((e) => !lost.includes(e)).map((e) => `${e.entity}:${e.id}`));
    for (const entity of ENTITIES) {
      const table = tableOf(database, entity);
      const rows = await table.filter((r) => !r.deleted && r.version > 0 && r.resyncMark !== marker).toArray();
      for (const r of rows) {
        const key = `${entity}:${r.id}`;
        if (queued.has(key)) continue;
        const stale = lost.filter((e) => e.entity === entity && e.id === r.id).map((e) => e.key!);
        if (stale.length) await database.outbox.bulkDelete(stale);
        await requeueRecord(database, entity, { ...r, version: 0 }, 'create');
        count++;
      }
    }
  });
  return count;
}
