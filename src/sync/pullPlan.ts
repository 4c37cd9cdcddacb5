/**
 * What one pulled change does to the device, decided without touching the database (as
 * `planFold` decides folding): the row to write, a delete, or — after a server restore — the
 * local record to keep and send again. Local pending changes are laid on top of the server's
 * values; pulled changes are never queued back.
 */
import type { OutboxRow } from '../db/rows';
import type { EntityName } from '../domain/vocab';
import { personSortKey } from '../domain/text';
import { withDerived } from '../domain/derived';
import { householdSearchText } from '../db/derived';
import type { PullChange } from './transport';
import type { SyncedRow } from '../db/tables';
import { stateFrom } from './recordState';

export type PulledChangeAction =
  | { kind: 'put'; row: SyncedRow }
  | { kind: 'delete' }
  /** The server lost changes this device had: keep this row and queue it again. */
  | { kind: 'requeue'; row: SyncedRow }
  /** A delete of a record the device does not have, with changes of it still waiting. */
  | { kind: 'none' };

export interface PulledChangeContext {
  /** The row on the device before this change, if it was read. */
  before: SyncedRow | undefined;
  /** The record's entries still in the outbox, in seq order. */
  local: OutboxRow[];
  /** During a re-pull after a server restore: the marker that stamps what the server still has. */
  resetMarker?: string;
  /** When the change arrives, for a row the server sent without `updatedAt`. */
  now: string;
}

/** The households whose summaries this change may alter (see refreshDirtyHouseholds). */
export function touchedHouseholds(entity: EntityName, change: PullChange, before: SyncedRow | undefined): string[] {
  const out: string[] = [];
  if (entity === 'household') out.push(change.id);
  if (before && typeof before.householdId === 'string') out.push(before.householdId);
  if (change.data && typeof change.data.householdId === 'string' && (entity === 'member' || entity === 'visit')) out.push(change.data.householdId);
  return out;
}

export function planPulledChange(entity: EntityName, change: PullChange, context: PulledChangeContext): PulledChangeAction {
  const { before, local, resetMarker } = context;
  const stamp = resetMarker ? { resyncMark: resetMarker } : {};
  if (resetMarker && before && !before.deleted && before.version > change.version && local.length === 0) {
    return { kind: 'requeue', row: { ...before, version: change.version, resyncMark: resetMarker } };
  }
  if (change.deleted || !change.data) {
    if (local.length === 0) return { kind: 'delete' };
    if (before) return { kind: 'put', row: { ...before, deleted: 1, version: change.version, syncState: stateFrom(local), ...stamp } };
    return { kind: 'none' };
  }
  const { teamId, createdBy, updatedBy, updatedAt, ...fields } = change.data;
  const base: SyncedRow = {
    ...fields,
    id: change.id,
    teamId: teamId as string | undefined,
    createdBy: createdBy as string | undefined,
    updatedBy: updatedBy as string | undefined,
    updatedAt: updatedAt as string | undefined,
    version: change.version,
    deleted: 0,
    syncState: 'synced',
    localUpdatedAt: (updatedAt as string | undefined) ?? context.now,
  };
  // Derived from other tables: kept until refreshDirtyHouseholds recomputes them.
  const kept = entity === 'household' && before ? { searchText: before.searchText, lastVisitDate: before.lastVisitDate, followUpDate: before.followUpDate, ...base } : base;
  const row = withLocalKeys(entity, overlay(entity, kept, local));
  // `row` is this call's own object: a first sync builds 100,000 of them, so it is not copied again.
  if (resetMarker) row.resyncMark = resetMarker;
  return { kind: 'put', row };
}

/** The server's row with the device's waiting changes laid on top (`row` is the caller's own copy). */
function overlay(entity: EntityName, row: SyncedRow, entries: OutboxRow[]): SyncedRow {
  // A record with nothing waiting is the server's as it came (its state already `synced`).
  if (entries.length === 0) return row;
  const out: SyncedRow = { ...row };
  for (const e of entries) {
    if (e.op === 'delete') out.deleted = 1;
    for (const [k, v] of Object.entries(e.fields ?? {})) {
      if (v === null) delete out[k];
      else out[k] = v;
    }
  }
  out.syncState = stateFrom(entries);
  // The device's parts laid on the server's: what derives from them follows both.
  return entries.length ? withDerived(entity, out) : out;
}

function withLocalKeys(entity: EntityName, row: SyncedRow): SyncedRow {
  if (entity === 'member') return { ...row, nameKey: personSortKey(String(row.fullName ?? '')) };
  if (entity === 'household') {
    // No `lastVisitDate` / `followUpDate` until its summary is computed (refreshDirtyHouseholds, or
    // the last page of a first sync), rather than '': IndexedDB writes no entry in an index for a
    // row without its key, so a first sync's households cost two index entries fewer when they are
    // stored and two fewer to remove when their summaries are written over them. Every reader
    // takes an absent date as '' (never visited, nothing to follow up).
    return {
      ...row,
      // A household new to the device is found by its own fields at once, while a first sync is
      // still bringing the rest; its members' names join when its summary is recomputed.
      searchText: typeof row.searchText === 'string' ? row.searchText : householdSearchText(ownSearchFields(row), []),
      nameKey: personSortKey(String(row.headName ?? '')),
    };
  }
  return row;
}

function ownSearchFields(row: SyncedRow): Parameters<typeof householdSearchText>[0] {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return { headName: text(row.headName), address: text(row.address), neighborhood: text(row.neighborhood), phone: text(row.phone) };
}
