/** Which table holds which synced entity, and which row keys are local (never sent). */
import type { Table } from 'dexie';
import type { AppDB } from './database';
import { localKeysOf, type RecordMeta } from './rows';
import type { EntityName } from '../domain/vocab';

export function tableOf(database: AppDB, entity: EntityName): Table<RecordMeta & Record<string, unknown>, string> {
  const map = {
    household: database.households,
    member: database.members,
    visit: database.visits,
    session: database.sessions,
    checklistStep: database.checklistSteps,
    neighborhood: database.neighborhoods,
  } as const;
  return map[entity] as unknown as Table<RecordMeta & Record<string, unknown>, string>;
}

export function entityTables(database: AppDB): Table[] {
  return [database.households, database.members, database.visits, database.sessions, database.checklistSteps, database.neighborhoods];
}

/** Sent beside the fields (the mutation's id) or stamped by the server, never as fields. */
const ENVELOPE_KEYS = new Set(['id', 'teamId', 'createdBy', 'updatedBy', 'updatedAt']);

/** The entity's own fields of a row, as the server knows them. */
export function syncedFields(row: Record<string, unknown>, entity: EntityName): Record<string, unknown> {
  const local = localKeysOf(entity);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (ENVELOPE_KEYS.has(k) || local.has(k) || v === undefined) continue;
    out[k] = v;
  }
  return out;
}

export const SERVER_META_KEYS = ['teamId', 'createdBy', 'updatedBy', 'updatedAt'] as const;
