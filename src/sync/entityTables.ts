/** Which table holds which synced entity, and which row keys are local (never sent). */
import type { Table } from 'dexie';
import type { AppDB } from '../db/database';
import type { RecordMeta } from '../db/rows';
import { ENTITIES, type EntityName } from '../domain/vocab';

/** A row of any synced table, as the sync code reads and writes it. */
export type SyncedRow = RecordMeta & Record<string, unknown>;

export function isEntity(e: string): e is EntityName {
  return (ENTITIES as readonly string[]).includes(e);
}

export function tableOf(database: AppDB, entity: EntityName): Table<SyncedRow, string> {
  const map = {
    household: database.households,
    member: database.members,
    visit: database.visits,
    session: database.sessions,
    checklistStep: database.checklistSteps,
    neighborhood: database.neighborhoods,
  } as const;
  return map[entity] as unknown as Table<SyncedRow, string>;
}

export function entityTables(database: AppDB): Table[] {
  return [database.households, database.members, database.visits, database.sessions, database.checklistSteps, database.neighborhoods];
}

const LOCAL_KEYS = new Set([
  'id',
  'teamId',
  'version',
  'deleted',
  'syncState',
  'localUpdatedAt',
  'createdBy',
  'updatedBy',
  'updatedAt',
  'nameKey',
  'resyncMark',
]);
/** Derived on household rows only; on a visit `followUpDate` is real data. */
const HOUSEHOLD_KEYS = new Set(['searchText', 'lastVisitDate', 'followUpDate']);

/** The entity's own fields of a row, as the server knows them. */
export function syncedFields(row: Record<string, unknown>, entity: EntityName): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (LOCAL_KEYS.has(k) || v === undefined || (entity === 'household' && HOUSEHOLD_KEYS.has(k))) continue;
    out[k] = v;
  }
  return out;
}
