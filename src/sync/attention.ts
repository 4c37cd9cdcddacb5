/**
 * What needs a person's decision: conflicts (keep mine / keep theirs, per field) and rejected
 * changes (edit and resend, or discard). Nothing leaves the device without a person deciding.
 */
import { db, type AppDB } from '../db/database';
import type { OutboxRow } from '../db/rows';
import { nextSeq } from '../db/meta';
import { nowIso } from '../db/write';
import { uuidv7 } from '../domain/ids';
import { entityTables, tableOf } from '../db/tables';
import { isEntity } from '../domain/vocab';
import { syncedFields } from './entityTables';
import { refreshState } from './outbox';
import { requestRepull } from './progress';
import { isDerivedField, withDerived } from '../domain/derived';
import { refreshHousehold } from '../db/derived';

export interface AttentionItem {
  entry: OutboxRow;
  /** The record as the device has it now (the person's values). */
  record: Record<string, unknown> | undefined;
  /** The conflict's fields a person chooses between: never one derived from others. */
  choices: string[];
}

/** A conflict's fields without the derived ones (a server before v1.2 could still name them). */
export function choosableFields(entry: OutboxRow): string[] {
  return (entry.conflict?.fields ?? []).filter((f) => !isDerivedField(entry.entity, f));
}

export async function attentionItems(database: AppDB = db()): Promise<AttentionItem[]> {
  const entries = await database.outbox.where('state').anyOf('conflict', 'rejected').sortBy('seq');
  const items: AttentionItem[] = [];
  for (const entry of entries) {
    const record = isEntity(entry.entity) ? await tableOf(database, entry.entity).get(entry.id) : undefined;
    items.push({ entry, record, choices: choosableFields(entry) });
  }
  return items;
}

/**
 * Settles a conflict field by field: 'theirs' takes the server's value on the device; 'mine'
 * sends the person's value again as a new patch on top of the server's version.
 */
export async function resolveConflict(key: number, choices: Record<string, 'mine' | 'theirs'>, database: AppDB = db()): Promise<void> {
  await database.transaction('rw', [database.outbox, database.meta, ...entityTables(database)], async () => {
    const entry = await database.outbox.get(key);
    if (!entry || entry.state !== 'conflict' || !entry.conflict || !isEntity(entry.entity)) return;
    const table = tableOf(database, entry.entity);
    const row = await table.get(entry.id);
    const mine: Record<string, unknown> = {};
    const updated: Record<string, unknown> = { ...(row ?? {}) };
    for (const field of choosableFields(entry)) {
      if ((choices[field] ?? 'theirs') === 'mine') {
        mine[field] = entry.fields?.[field] ?? null;
      } else {
        const v = entry.conflict.server[field];
        if (v === null || v === undefined) delete updated[field];
        else updated[field] = v;
      }
    }
    // What derives from the chosen parts is recomputed, as the server does with the same rule.
    if (row) await table.put({ ...(withDerived(entry.entity, updated) as typeof row), version: Math.max(row.version, entry.conflict.version) });
    if (row && entry.entity === 'household') await refreshHousehold(database, entry.id);
    if (Object.keys(mine).length) {
      await database.outbox.put({
        ...entry,
        mid: uuidv7(),
        seq: await nextSeq(database),
        baseVersion: entry.conflict.version,
        fields: mine,
        state: 'pending',
        sent: false,
        conflict: undefined,
        clientTs: nowIso(),
      });
    } else {
      await database.outbox.delete(key);
    }
    await refreshState(database, entry.entity, entry.id);
  });
}

/** Sends a rejected change again, with the record's current values (after the person fixed them). */
export async function resendRejected(key: number, database: AppDB = db()): Promise<void> {
  await database.transaction('rw', [database.outbox, database.meta, ...entityTables(database)], async () => {
    const entry = await database.outbox.get(key);
    if (!entry || entry.state !== 'rejected' || !isEntity(entry.entity)) return;
    const row = await tableOf(database, entry.entity).get(entry.id);
    let fields = entry.fields;
    if (row && entry.op === 'create') fields = syncedFields(row, entry.entity);
    else if (row && entry.op === 'patch') fields = Object.fromEntries(Object.keys(entry.fields ?? {}).map((k) => [k, row[k] ?? null]));
    await database.outbox.put({
      ...entry,
      mid: uuidv7(),
      seq: await nextSeq(database),
      baseVersion: entry.op === 'create' ? null : (row?.version ?? entry.baseVersion),
      fields,
      state: 'pending',
      sent: false,
      error: undefined,
      clientTs: nowIso(),
    });
    await refreshState(database, entry.entity, entry.id);
  });
}

/**
 * Drops a rejected change. A record the server never accepted leaves the device; for a rejected
 * edit, the device pulls the team's data again so it shows the server's values.
 */
export async function discardRejected(key: number, database: AppDB = db()): Promise<void> {
  await database.transaction('rw', [database.outbox, database.meta, ...entityTables(database)], async () => {
    const entry = await database.outbox.get(key);
    if (!entry || entry.state !== 'rejected' || !isEntity(entry.entity)) return;
    await database.outbox.delete(key);
    const table = tableOf(database, entry.entity);
    const row = await table.get(entry.id);
    if (entry.op === 'create' && row && row.version === 0) {
      await table.delete(entry.id);
    } else {
      await requestRepull(database);
      await refreshState(database, entry.entity, entry.id);
    }
  });
}
