/** Which Dexie table holds which synced entity. Repositories and sync both need the map. */
import type { Table } from 'dexie';
import type { AppDB } from './database';
import type { RecordMeta } from './rows';
import type { EntityName } from '../domain/vocab';

/** A row of any synced table, as generic code reads and writes it. */
export type SyncedRow = RecordMeta & Record<string, unknown>;

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
