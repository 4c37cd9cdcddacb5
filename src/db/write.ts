/**
 * The single write path for synced records: the row and its outbox entry commit in one
 * transaction, so the waiting count is always real and a crash never separates them.
 */
import { Dexie, type Table } from 'dexie';
import type { AppDB } from './database';
import type { RecordMeta } from './rows';
import type { EntityName } from '../domain/vocab';
import type { MutationOp } from '../domain/sync';
import { uuidv7 } from '../domain/ids';
import { nextSeq } from './meta';
export { compact } from '../domain/objects';
import { guardQuota, ValidationError } from './errors';
import { loadedSchemas, loadSchemas } from './validation';

export interface ChangeSpec<R extends RecordMeta> {
  entity: EntityName;
  table: Table<R, string>;
  op: MutationOp;
  row: R;
  /** Fields sent to the server: all of them for a create, only the changed ones for a patch. */
  fields?: Record<string, unknown>;
  /** Other tables the `also` callback touches in the same transaction. */
  extraTables?: Table[];
  /** Local follow-up work in the same transaction (derived fields of related rows). */
  also?: () => Promise<void>;
}

/**
 * Runs `body` in the transaction already open (a caller grouping several writes), or in a new one.
 * Nesting Dexie transactions from native async functions commits the outer one too early.
 */
export function inTransaction<T>(database: AppDB, tables: Table[], body: () => Promise<T>): Promise<T> {
  // Dexie keeps its transaction zone across native awaits only for an async scope function.
  return Dexie.currentTransaction ? body() : database.transaction('rw', tables, async () => await body());
}

export function nowIso(): string {
  return new Date().toISOString();
}

export async function commitChange<R extends RecordMeta>(database: AppDB, spec: ChangeSpec<R>): Promise<void> {
  const tables = [spec.table, database.outbox, database.meta, ...(spec.extraTables ?? [])];
  await loadSchemas();
  await guardQuota(() =>
    inTransaction(database, tables, async () => {
      const row: R = { ...spec.row, syncState: database.isDemo ? 'synced' : 'pending' };
      await spec.table.put(row);
      if (!database.isDemo) {
        await enqueue(database, {
          entity: spec.entity,
          op: spec.op,
          id: row.id,
          baseVersion: spec.op === 'create' ? null : row.version,
          ...(spec.op === 'delete' ? {} : { fields: spec.fields ?? {} }),
        });
      }
      await spec.also?.();
    }),
  );
}

export interface OutboxEntry {
  entity: EntityName;
  op: MutationOp;
  id: string;
  baseVersion: number | null;
  /** A create's whole record or a patch's changed fields (null clears one); none for a delete. */
  fields?: Record<string, unknown>;
}

/**
 * The one way a change enters the outbox: its fields are checked against the entity's schema (so
 * the server never receives what it would reject as malformed), then numbered and added. Call it
 * inside a transaction over the outbox and meta, opened after `loadSchemas()` resolved.
 */
export async function enqueue(database: AppDB, entry: OutboxEntry): Promise<void> {
  const fields = entry.op === 'delete' ? undefined : checkedFields(entry);
  const seq = await nextSeq(database);
  await database.outbox.add({
    mid: uuidv7(),
    seq,
    entity: entry.entity,
    op: entry.op,
    id: entry.id,
    baseVersion: entry.baseVersion,
    ...(fields ? { fields } : {}),
    clientTs: nowIso(),
    state: 'pending',
  });
}

function checkedFields(entry: OutboxEntry): Record<string, unknown> {
  const { validateCreate, validatePatch } = loadedSchemas();
  const checked = entry.op === 'create' ? validateCreate(entry.entity, entry.fields ?? {}) : validatePatch(entry.entity, entry.fields ?? {});
  if (!checked.ok) throw new ValidationError(checked.errors);
  return checked.value as Record<string, unknown>;
}

/** Keys whose value differs between two field objects (deep for arrays and objects). */
export function changedFields<T extends object>(before: T, after: Partial<T>): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out[key] = after[key];
  }
  return out;
}

export function newMeta(id: string = uuidv7()): RecordMeta {
  return { id, version: 0, deleted: 0, syncState: 'pending', localUpdatedAt: nowIso() };
}
