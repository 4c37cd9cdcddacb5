/**
 * The sync engine's side of the database: taking batches from the outbox, recording the server's
 * answers, and applying pulled pages with their cursor in one transaction. Pulled changes are
 * written directly (never queued back); local pending changes are re-applied on top of them.
 */
import type { Table } from 'dexie';
import { db, type AppDB } from './database';
import type { OutboxRow, RecordMeta } from './rows';
import type { PullChange, PullResponse, PushResult } from '../sync/transport';
import { ENTITIES, type EntityName } from '../domain/vocab';
import type { SyncState } from '../domain/sync';
import { uuidv7 } from '../domain/ids';
import { personSortKey } from '../domain/text';
import { planFold } from '../sync/fold';
import { entityTables, syncedFields, tableOf } from './syncTables';
import { nextSeq, setMeta } from './meta';
import { META_KEYS } from './session';
import { guardQuota } from './errors';
import { nowIso } from './write';

type AnyRow = RecordMeta & Record<string, unknown>;

function isEntity(e: string): e is EntityName {
  return (ENTITIES as readonly string[]).includes(e);
}

/** A record's state follows from what still waits in the outbox for it. */
export function stateFrom(entries: OutboxRow[]): SyncState {
  if (entries.some((e) => e.state === 'rejected')) return 'rejected';
  if (entries.some((e) => e.state === 'conflict')) return 'conflict';
  return entries.length ? 'pending' : 'synced';
}

function entriesOf(database: AppDB, entity: string, id: string): Promise<OutboxRow[]> {
  return database.outbox.where('[entity+id]').equals([entity, id]).sortBy('seq');
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

export { pendingCount } from './outboxCounts';

/** True when the server's answer settled none of the batch (every entry still pending). */
export async function noneSettled(batch: OutboxRow[], database: AppDB = db()): Promise<boolean> {
  const still = await database.outbox.bulkGet(batch.map((e) => e.key!));
  return still.every((e) => e !== undefined && e.state === 'pending');
}

async function refreshState(database: AppDB, entity: EntityName, id: string, patch: Partial<AnyRow> = {}): Promise<void> {
  const table = tableOf(database, entity);
  const row = await table.get(id);
  if (!row) return;
  const remaining = await entriesOf(database, entity, id);
  await table.put({ ...row, ...patch, syncState: stateFrom(remaining) });
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
        if (result.status === 'applied' || result.status === 'duplicate') {
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
          const fields = Object.fromEntries(Object.entries(current.fields ?? {}).filter(([k]) => result.fields.includes(k)));
          await database.outbox.put({ ...current, fields, state: 'conflict', conflict: { fields: result.fields, server: result.server, version: result.version } });
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

function overlay(row: AnyRow, entries: OutboxRow[]): AnyRow {
  const out: AnyRow = { ...row };
  for (const e of entries) {
    if (e.op === 'delete') out.deleted = 1;
    for (const [k, v] of Object.entries(e.fields ?? {})) {
      if (v === null) delete out[k];
      else out[k] = v;
    }
  }
  out.syncState = stateFrom(entries);
  return out;
}

function withLocalKeys(entity: EntityName, row: AnyRow): AnyRow {
  if (entity === 'member') return { ...row, nameKey: personSortKey(String(row.fullName ?? '')) };
  if (entity === 'household') {
    return {
      lastVisitDate: '',
      followUpDate: '',
      searchText: '',
      ...row,
      nameKey: personSortKey(String(row.headName ?? '')),
    };
  }
  return row;
}

/**
 * What one pull (all its pages, SyncEngine.pullAll) knows between pages, to skip reads and writes
 * that cannot change anything. Only what committed is added to it.
 */
export interface PullRun {
  /**
   * Tables that were empty when the pull began. A row in them is one this pull wrote (its
   * household is marked dirty already, and nothing else of the old row is needed) or one the
   * person wrote meanwhile (it has outbox entries).
   */
  fresh: Set<EntityName>;
  /** Households this pull has marked dirty already (they stay marked until the refresh). */
  dirty: Set<string>;
}

export async function startPullRun(database: AppDB = db()): Promise<PullRun> {
  const fresh = new Set<EntityName>();
  await database.transaction('r', entityTables(database), async () => {
    for (const entity of ENTITIES) if ((await tableOf(database, entity).count()) === 0) fresh.add(entity);
  });
  return { fresh, dirty: new Set() };
}

export interface PullApplyOptions {
  run?: PullRun;
  /**
   * During a re-pull after a server restore: rows are stamped with `marker` (so those the server
   * no longer has can be found at the end), and local records newer than the server's are kept
   * and queued again.
   */
  resetMode?: { marker: string };
}

/** Applies one pulled page and stores its cursor, in one transaction. Returns the rows written. */
export async function applyPullPage(page: PullResponse, options: PullApplyOptions = {}, database: AppDB = db()): Promise<number> {
  const tables = [...entityTables(database), database.outbox, database.meta, database.dirtyHouseholds];
  const run = options.run;
  const dirty = new Set<string>();
  const count = await guardQuota(() =>
    database.transaction('rw', tables, async () => {
      const hasOutbox = (await database.outbox.count()) > 0;
      const byEntity = new Map<EntityName, PullChange[]>();
      for (const c of page.changes) {
        if (!isEntity(c.entity)) continue;
        const list = byEntity.get(c.entity);
        if (list) list.push(c);
        else byEntity.set(c.entity, [c]);
      }
      let count = 0;
      for (const [entity, changes] of byEntity) {
        const table = tableOf(database, entity);
        const pending = new Map<string, OutboxRow[]>();
        if (hasOutbox) {
          const entries = await database.outbox.where('[entity+id]').anyOf(changes.map((c) => [entity, c.id])).toArray();
          for (const e of entries.sort((a, b) => a.seq - b.seq)) {
            const list = pending.get(e.id);
            if (list) list.push(e);
            else pending.set(e.id, [e]);
          }
        }
        const needOld =
          entity === 'member' || entity === 'visit' || !!options.resetMode || pending.size > 0 || changes.some((c) => c.deleted);
        // In a table that was empty when the pull began, an old row matters only with local changes.
        const fresh = !!run?.fresh.has(entity) && !options.resetMode;
        const mayExist = (c: PullChange) => !fresh || pending.has(c.id);
        const old = needOld ? await bulkGetSome(table, changes.map((c) => (mayExist(c) ? c.id : undefined))) : [];
        const puts: AnyRow[] = [];
        const deletes: string[] = [];
        const requeue: AnyRow[] = [];
        changes.forEach((c, i) => {
          const local = pending.get(c.id) ?? [];
          const before = old[i];
          if (entity === 'household') dirty.add(c.id);
          if (before && typeof before.householdId === 'string') dirty.add(before.householdId);
          if (c.data && typeof c.data.householdId === 'string' && (entity === 'member' || entity === 'visit')) dirty.add(c.data.householdId);
          if (options.resetMode && before && !before.deleted && before.version > c.version && local.length === 0) {
            // The server lost changes this device had: keep ours and send them again.
            requeue.push({ ...before, version: c.version, resyncMark: options.resetMode.marker });
            return;
          }
          if (c.deleted || !c.data) {
            if (local.length === 0) deletes.push(c.id);
            else if (before) puts.push({ ...before, deleted: 1, version: c.version, syncState: stateFrom(local), ...(options.resetMode ? { resyncMark: options.resetMode.marker } : {}) });
            return;
          }
          const { teamId, createdBy, updatedBy, updatedAt, ...fields } = c.data as Record<string, unknown>;
          const base: AnyRow = {
            ...fields,
            id: c.id,
            teamId: teamId as string | undefined,
            createdBy: createdBy as string | undefined,
            updatedBy: updatedBy as string | undefined,
            updatedAt: updatedAt as string | undefined,
            version: c.version,
            deleted: 0,
            syncState: 'synced',
            localUpdatedAt: (updatedAt as string | undefined) ?? nowIso(),
          };
          const derivedKeep = entity === 'household' && before ? { searchText: before.searchText, lastVisitDate: before.lastVisitDate, followUpDate: before.followUpDate } : {};
          const row = withLocalKeys(entity, overlay({ ...derivedKeep, ...base } as AnyRow, local));
          puts.push(options.resetMode ? { ...row, resyncMark: options.resetMode.marker } : row);
        });
        if (puts.length) await table.bulkPut(puts);
        if (deletes.length) await table.bulkDelete(deletes);
        for (const r of requeue) await requeueRecord(database, entity, r, 'patch');
        count += puts.length + deletes.length;
      }
      // Households an earlier page of this pull marked are still marked: no need to write them again.
      const newlyDirty = [...dirty].filter((id) => !run?.dirty.has(id));
      if (newlyDirty.length) await database.dirtyHouseholds.bulkPut(newlyDirty.map((id) => ({ id })));
      await database.meta.put({ key: META_KEYS.cursor, value: page.cursor });
      return count;
    }),
  );
  // Committed: later pages of the same pull may rely on it.
  if (run) {
    for (const id of dirty) run.dirty.add(id);
  }
  return count;
}

/** `bulkGet` of the ids given, answering `undefined` where there is none, without asking for it. */
async function bulkGetSome(table: Table<AnyRow, string>, ids: (string | undefined)[]): Promise<(AnyRow | undefined)[]> {
  const asked = ids.filter((id): id is string => id !== undefined);
  if (asked.length === 0) return ids.map(() => undefined);
  if (asked.length === ids.length) return table.bulkGet(asked);
  const found = await table.bulkGet(asked);
  const byId = new Map(asked.map((id, i) => [id, found[i]]));
  return ids.map((id) => (id === undefined ? undefined : byId.get(id)));
}

/** Queues a record's whole content again (after a server restore lost it). */
async function requeueRecord(database: AppDB, entity: EntityName, row: AnyRow, op: 'create' | 'patch'): Promise<void> {
  const table = tableOf(database, entity);
  const seq = await nextSeq(database);
  await database.outbox.add({
    mid: uuidv7(),
    seq,
    entity,
    op,
    id: row.id,
    baseVersion: op === 'create' ? null : row.version,
    fields: syncedFields(row, entity),
    clientTs: nowIso(),
    state: 'pending',
  });
  await table.put({ ...row, syncState: 'pending' });
}

/**
 * After a re-pull from the beginning (server restored from a backup): local records the server
 * no longer has (not stamped with this re-pull's marker) are queued again as creates, with their
 * current values. Edits of them the server refused as NOT_FOUND are folded into that create.
 */
export async function requeueMissing(marker: string, database: AppDB = db()): Promise<number> {
  let count = 0;
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

export { refreshDirtyHouseholds } from './dirtyHouseholds';

/** Removes the team's data from this device (a revoked device, or a confirmed sign-out). */
export async function wipeTeamData(database: AppDB = db()): Promise<void> {
  const tables: Table[] = [...entityTables(database), database.outbox, database.drafts, database.users, database.dirtyHouseholds, database.meta];
  await database.transaction('rw', tables, async () => {
    for (const t of tables) if (t !== database.meta) await t.clear();
    // The installation id and the sequence stay: the server remembers this device's numbers.
    await database.meta.bulkDelete([META_KEYS.session, META_KEYS.cursor, META_KEYS.lastSync, 'currentUserId']);
  });
}

export async function clearCursor(database: AppDB = db()): Promise<void> {
  await setMeta(META_KEYS.cursor, undefined, database);
}

const RESET_MARKER = 'resetMarker';

/** The re-pull after a server restore in progress, if any (it survives an interrupted sync). */
export async function getResetMarker(database: AppDB = db()): Promise<string | undefined> {
  return (await database.meta.get(RESET_MARKER))?.value as string | undefined;
}

export async function startReset(database: AppDB = db()): Promise<string> {
  const marker = uuidv7();
  await database.transaction('rw', database.meta, async () => {
    await database.meta.put({ key: RESET_MARKER, value: marker });
    await database.meta.put({ key: META_KEYS.cursor, value: undefined });
  });
  return marker;
}

export async function finishReset(database: AppDB = db()): Promise<void> {
  await database.meta.delete(RESET_MARKER);
}
