/**
 * The sync engine's side of the outbox: folding unsent mutations, taking batches to send, and
 * recording the server's answers on the outbox and on the records.
 */
import { db, type AppDB } from '../db/database';
import type { OutboxRow } from '../db/rows';
import type { PushResult } from './transport';
import type { EntityName } from '../domain/vocab';
import { guardQuota } from '../db/errors';
import { planFold } from './fold';
import { entityTables, tableOf, type SyncedRow } from '../db/tables';
import { isEntity } from '../domain/vocab';
import { stateFrom } from './recordState';
import { isDerivedField } from '../domain/derived';

/** A record's entries still in the outbox, in seq order. */
export function entriesOf(database: AppDB, entity: string, id: string): Promise<OutboxRow[]> {
  return database.outbox.where('[entity+id]').equals([entity, id]).sortBy('seq');
}

/** Writes the record's sync state from what still waits for it (with `patch` applied). */
export async function refreshState(database: AppDB, entity: EntityName, id: string, patch: Partial<SyncedRow> = {}): Promise<void> {
  const table = tableOf(database, entity);
  const row = await table.get(id);
  if (!row) return;
  const remaining = await entriesOf(database, entity, id);
  await table.put({ ...row, ...patch, syncState: stateFrom(remaining) });
}

/** Folds never-sent mutations of each record together. */
export async function foldOutbox(database: AppDB = db()): Promise<void> {
  await database.transaction('rw', database.outbox, async () => {
    const pending = await database.outbox.where('state').equals('pending').sortBy('seq');
    const plan = planFold(pending);
    if (plan.remove.length) await database.outbox.bulkDelete(plan.remove);
    if (plan.update.length) await database.outbox.bulkPut(plan.update);
  });
}

/**
 * The oldest pending mutations, marked as sent (from now on they may be applied server-side).
 * A record whose earlier mutation was sent without an answer sends only that one: the later ones
 * wait for its answer to move their baseVersion, so the device never conflicts with itself.
 */
export async function takeBatch(limit: number, database: AppDB = db()): Promise<OutboxRow[]> {
  return database.transaction('rw', database.outbox, async () => {
    const pending = await database.outbox.where('state').equals('pending').sortBy('seq');
    const unanswered = new Set<string>();
    const taken: OutboxRow[] = [];
    for (const e of pending) {
      if (taken.length >= limit) break;
      const record = `${e.entity}:${e.id}`;
      if (unanswered.has(record)) continue;
      if (e.sent) unanswered.add(record);
      taken.push(e);
    }
    const unsent = taken.filter((e) => !e.sent);
    if (unsent.length) await database.outbox.bulkPut(unsent.map((e) => ({ ...e, sent: true })));
    return taken;
  });
}

/** True when the server's answer settled none of the batch (every entry still pending). */
export async function noneSettled(batch: OutboxRow[], database: AppDB = db()): Promise<boolean> {
  const still = await database.outbox.bulkGet(batch.map((e) => e.key!));
  return still.every((e) => e !== undefined && e.state === 'pending');
}

/** Records the server's answer for each mutation of a batch. */
export async function applyPushResults(batch: OutboxRow[], results: PushResult[], database: AppDB = db()): Promise<void> {
  const byMid = new Map(results.map((r) => [r.mid, r]));
  await guardQuota(() =>
    database.transaction('rw', [database.outbox, ...entityTables(database)], async () => {
      for (const entry of batch) {
        const result = byMid.get(entry.mid);
        if (!result || !isEntity(entry.entity)) continue;
        const current = await database.outbox.get(entry.key!);
        if (!current) continue;
        const table = tableOf(database, entry.entity);
        // A derived field is recomputed from its parts, never chosen: a conflict on it alone is settled.
        const choosable = result.status === 'conflict' ? result.fields.filter((f) => !isDerivedField(entry.entity, f)) : [];
        if (result.status === 'applied' || result.status === 'duplicate' || (result.status === 'conflict' && choosable.length === 0)) {
          await database.outbox.delete(entry.key!);
          await moveBaseVersions(database, entry, result.version);
          const row = await table.get(entry.id);
          if (!row) continue;
          const remaining = await entriesOf(database, entry.entity, entry.id);
          // A delete the server confirmed: nothing of the record needs to stay on the device.
          if (entry.op === 'delete' && remaining.length === 0) await table.delete(entry.id);
          else await table.put({ ...row, version: Math.max(row.version, result.version), syncState: stateFrom(remaining) });
        } else if (result.status === 'conflict') {
          // The other fields of the patch were applied; what waits now is the person's choice.
          const fields = Object.fromEntries(Object.entries(current.fields ?? {}).filter(([k]) => choosable.includes(k)));
          const server = Object.fromEntries(choosable.map((k) => [k, result.server[k] ?? null]));
          await database.outbox.put({ ...current, fields, state: 'conflict', conflict: { fields: choosable, server, version: result.version } });
          await moveBaseVersions(database, entry, result.version);
          await refreshState(database, entry.entity, entry.id, { version: result.version });
        } else {
          await database.outbox.put({ ...current, state: 'rejected', error: { code: result.code, message: result.message } });
          await refreshState(database, entry.entity, entry.id);
        }
      }
    }),
  );
}

/** The record's other waiting mutations now build on the version the server returned. */
async function moveBaseVersions(database: AppDB, entry: OutboxRow, version: number): Promise<void> {
  const others = await entriesOf(database, entry.entity, entry.id);
  const moved = others.filter((o) => o.key !== entry.key && o.op !== 'create').map((o) => ({ ...o, baseVersion: version }));
  if (moved.length) await database.outbox.bulkPut(moved);
}
