/**
 * Generic create / patch / delete for synced entities, shared by the per-entity repositories.
 * Each validates with the domain schema, then commits the row with its outbox entry.
 */
import type { Table } from 'dexie';
import type { AppDB } from './database';
import type { RecordMeta } from './rows';
import type { EntityFieldsMap } from '../domain/schemas';
import { schemas } from './validation';
import type { EntityName } from '../domain/vocab';
import { guardQuota, ValidationError } from './errors';
import { changedFields, commitChange, compact, inTransaction, newMeta, nowIso } from './write';
import { cascadeEntities, cascadeOf } from '../domain/cascade';
import { deriveFields } from '../domain/derived';
import { tableOf } from './tables';

type Row<E extends EntityName> = EntityFieldsMap[E] & RecordMeta;

export interface Hooks<E extends EntityName, R extends Row<E>> {
  /** Local derived fields of the row itself (search keys…). */
  derive?: (row: Row<E>) => R;
  extraTables?: Table[];
  /** Work on related rows in the same transaction (e.g. refresh the household's last visit). */
  after?: (row: R, before?: R) => Promise<void>;
}

export async function createRecord<E extends EntityName, R extends Row<E>>(
  database: AppDB,
  entity: E,
  table: Table<R, string>,
  input: EntityFieldsMap[E],
  hooks: Hooks<E, R> = {},
  id?: string,
): Promise<R> {
  const { validateCreate } = await schemas();
  const checked = validateCreate(entity, compact(input));
  if (!checked.ok) throw new ValidationError(checked.errors);
  const base = { ...newMeta(id), ...checked.value } as Row<E>;
  const row = (hooks.derive ? hooks.derive(base) : base) as R;
  await commitChange(database, {
    entity,
    table,
    op: 'create',
    row,
    fields: checked.value as Record<string, unknown>,
    extraTables: hooks.extraTables,
    also: hooks.after ? () => hooks.after!(row) : undefined,
  });
  return row;
}

/**
 * Applies the changed fields of `changes`. An empty string or undefined clears an optional
 * field (sent as null). Returns the new row, or the old one when nothing changed.
 */
export async function patchRecord<E extends EntityName, R extends Row<E>>(
  database: AppDB,
  entity: E,
  table: Table<R, string>,
  id: string,
  changes: Partial<EntityFieldsMap[E]>,
  hooks: Hooks<E, R> = {},
): Promise<R> {
  // Read and write in one transaction so two patches of one record cannot lose each other.
  const { validatePatch } = await schemas();
  const tables = [table, database.outbox, database.meta, ...(hooks.extraTables ?? [])];
  return guardQuota(() => inTransaction(database, tables, () => patchInTransaction(database, entity, table, id, changes, hooks, validatePatch)));
}

async function patchInTransaction<E extends EntityName, R extends Row<E>>(
  database: AppDB,
  entity: E,
  table: Table<R, string>,
  id: string,
  changes: Partial<EntityFieldsMap[E]>,
  hooks: Hooks<E, R>,
  validatePatch: typeof import('../domain/schemas').validatePatch,
): Promise<R> {
  const before = await table.get(id);
  if (!before || before.deleted) throw new Error(`${entity} ${id} not found`);
  const normalized: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(changes)) normalized[k] = v === '' || v === undefined ? null : v;
  const prev = before as unknown as Record<string, unknown>;
  // A changed part changes what is derived from it, in the same patch.
  const next: Record<string, unknown> = { ...prev, ...normalized };
  for (const [k, v] of Object.entries(normalized)) if (v === null) delete next[k];
  Object.assign(normalized, deriveFields(entity, next));
  const diff = changedFields(prev, normalized);
  for (const [k, v] of Object.entries(diff)) if (v === null && prev[k] === undefined) delete diff[k];
  if (Object.keys(diff).length === 0) return before;
  const checked = validatePatch(entity, diff);
  if (!checked.ok) throw new ValidationError(checked.errors);
  const merged: Record<string, unknown> = { ...before, ...checked.value, localUpdatedAt: nowIso() };
  for (const [k, v] of Object.entries(checked.value)) if (v === null) delete merged[k];
  const row = (hooks.derive ? hooks.derive(merged as unknown as Row<E>) : merged) as unknown as R;
  await commitChange(database, {
    entity,
    table,
    op: 'patch',
    row,
    fields: checked.value as Record<string, unknown>,
    extraTables: hooks.extraTables,
    also: hooks.after ? () => hooks.after!(row, before) : undefined,
  });
  return row;
}

/**
 * Marks the record as a tombstone and queues its delete. The records it takes with it (see
 * src/domain/cascade.ts) become tombstones in the same transaction without entries of their own:
 * the server cascades the one delete the same way.
 */
export async function deleteRecord<E extends EntityName, R extends Row<E>>(
  database: AppDB,
  entity: E,
  table: Table<R, string>,
  id: string,
  hooks: Hooks<E, R> = {},
): Promise<void> {
  const before = await table.get(id);
  if (!before || before.deleted) return;
  const row = { ...before, deleted: 1, localUpdatedAt: nowIso() } as R;
  const dependents = cascadeEntities(entity).map((e) => tableOf(database, e));
  await commitChange(database, {
    entity,
    table,
    op: 'delete',
    row,
    extraTables: [...dependents, ...(hooks.extraTables ?? [])],
    also: async () => {
      await tombstoneDependents(database, entity, id);
      await hooks.after?.(row, before);
    },
  });
}

async function tombstoneDependents(database: AppDB, entity: EntityName, id: string): Promise<void> {
  const dependents = await cascadeOf(entity, [id], async (child, field, parentIds) => {
    const rows = await tableOf(database, child).where(field).anyOf(parentIds).filter((r) => !r.deleted).primaryKeys();
    return rows.map((rowId) => ({ id: rowId, entity: child }));
  });
  for (const child of new Set(dependents.map((d) => d.entity))) {
    const ids = dependents.filter((d) => d.entity === child).map((d) => d.id);
    await tableOf(database, child).where(':id').anyOf(ids).modify({ deleted: 1 });
  }
}

export function alive<R extends { deleted: 0 | 1 }>(row: R | undefined): row is R {
  return !!row && !row.deleted;
}
