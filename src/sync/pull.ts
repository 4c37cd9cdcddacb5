/**
 * Applying pulled pages: each page with its cursor in one transaction, written with bulk writes.
 * What each change does is decided by `planPulledChange`.
 */
import type { Table } from 'dexie';
import { db, type AppDB } from '../db/database';
import type { OutboxRow } from '../db/rows';
import { guardQuota } from '../db/errors';
import { loadSchemas } from '../db/validation';
import { META_KEYS } from '../db/metaKeys';
import { nowIso } from '../db/write';
import { ENTITIES, type EntityName } from '../domain/vocab';
import type { PullChange, PullResponse } from './transport';
import { entityTables, tableOf, type SyncedRow } from '../db/tables';
import { isEntity } from '../domain/vocab';
import { planPulledChange, touchedHouseholds, type PulledChangeAction } from './pullPlan';
import { requeueRecord } from './restore';
import { PulledSummaries } from './dirtyHouseholds';
import { presealRows } from '../db/seal';

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
  /** When members and visits were both empty as the pull began: what it stored of them. */
  summaries?: PulledSummaries;
}

export async function startPullRun(database: AppDB = db()): Promise<PullRun> {
  const fresh = new Set<EntityName>();
  await database.transaction('r', entityTables(database), async () => {
    for (const entity of ENTITIES) if ((await tableOf(database, entity).count()) === 0) fresh.add(entity);
  });
  return { fresh, dirty: new Set(), summaries: fresh.has('member') && fresh.has('visit') ? new PulledSummaries() : undefined };
}

/**
 * What a page's apply can do before its transaction: the rows of its changes to tables that were
 * empty when the pull began, planned as for a record the device does not have and with nothing
 * waiting (so the transaction only checks the outbox), their personal fields already sealed.
 */
export interface PreparedPage {
  now: string;
  planned: Map<PullChange, SyncedRow>;
}

/**
 * Prepares `page` (see PreparedPage). The engine starts it as soon as the page arrives, while the
 * page before it is still being written; it never rejects (nothing prepared is then used).
 */
export async function preparePullPage(page: PullResponse, run: PullRun | undefined, database: AppDB = db()): Promise<PreparedPage> {
  const prepared: PreparedPage = { now: nowIso(), planned: new Map() };
  if (!run || run.fresh.size === 0) return prepared;
  try {
    const byTable = new Map<string, SyncedRow[]>();
    for (const c of page.changes) {
      if (!isEntity(c.entity) || !run.fresh.has(c.entity)) continue;
      const action = planPulledChange(c.entity, c, { before: undefined, local: [], now: prepared.now });
      if (action.kind !== 'put') continue;
      prepared.planned.set(c, action.row);
      const name = tableOf(database, c.entity).name;
      const rows = byTable.get(name);
      if (rows) rows.push(action.row);
      else byTable.set(name, [action.row]);
    }
    await Promise.all([...byTable].map(([name, rows]) => presealRows(name, rows)));
  } catch (e) {
    // Only a head start: the transaction seals what it writes in any case.
    console.warn('sealing a pulled page ahead failed', e);
  }
  return prepared;
}

export interface PullApplyOptions {
  run?: PullRun;
  /** The page prepared ahead (preparePullPage with the same run); prepared here when absent. */
  prepared?: Promise<PreparedPage>;
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
  const resetMarker = options.resetMode?.marker;
  const dirty = new Set<string>();
  // A re-pull after a restore keeps rows the server no longer sends: the tables are not the pull's.
  if (run && resetMarker) run.summaries = undefined;
  const stored: { entity: 'household' | 'member' | 'visit'; puts: SyncedRow[]; deletes: string[] }[] = [];
  // Only a re-pull after a server restore re-queues records, and the queue validates them.
  if (resetMarker) await loadSchemas();
  const prepared = await (options.prepared ?? preparePullPage(page, resetMarker ? undefined : run, database));
  const byEntity = new Map<EntityName, PullChange[]>();
  for (const c of page.changes) {
    if (!isEntity(c.entity)) continue;
    const list = byEntity.get(c.entity);
    if (list) list.push(c);
    else byEntity.set(c.entity, [c]);
  }
  const write = (knownOutbox: boolean) =>
    database.transaction('rw', tables, async () => {
      stored.length = 0;
      dirty.clear();
      if (!knownOutbox && allPlanned(byEntity, prepared, run, resetMarker)) {
        const written = await applyPlanned(byEntity, prepared, page.cursor, dirty, stored, run, database);
        if (written !== undefined) return written;
        // A change waits in the outbox: what was written goes back, and the page is applied below.
        throw new LocalChangesWaiting();
      }
      const hasOutbox = knownOutbox || (await database.outbox.count()) > 0;
      const now = prepared.now;
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
        const needOld = entity === 'member' || entity === 'visit' || !!resetMarker || pending.size > 0 || changes.some((c) => c.deleted);
        // In a table that was empty when the pull began, an old row matters only with local changes.
        const fresh = !!run?.fresh.has(entity) && !resetMarker;
        const mayExist = (c: PullChange) => !fresh || pending.has(c.id);
        const old = needOld ? await bulkGetSome(table, changes.map((c) => (mayExist(c) ? c.id : undefined))) : [];
        const puts: SyncedRow[] = [];
        const deletes: string[] = [];
        const requeue: SyncedRow[] = [];
        changes.forEach((c, i) => {
          const before = old[i];
          for (const id of touchedHouseholds(entity, c, before)) dirty.add(id);
          // Planned ahead for this table: right as long as the record has nothing waiting (then
          // it was not read either, so `before` is nothing).
          const ahead = fresh && !pending.has(c.id) ? prepared.planned.get(c) : undefined;
          const action: PulledChangeAction = ahead
            ? { kind: 'put', row: ahead }
            : planPulledChange(entity, c, { before, local: pending.get(c.id) ?? [], resetMarker, now });
          if (action.kind === 'put') puts.push(action.row);
          else if (action.kind === 'delete') deletes.push(c.id);
          else if (action.kind === 'requeue') requeue.push(action.row);
        });
        if (puts.length) await table.bulkPut(puts);
        if (deletes.length) await table.bulkDelete(deletes);
        for (const r of requeue) await requeueRecord(database, entity, r, 'patch');
        if (entity === 'household' || entity === 'member' || entity === 'visit') stored.push({ entity, puts, deletes });
        count += puts.length + deletes.length;
      }
      // Households an earlier page of this pull marked are still marked: no need to write them again.
      const newlyDirty = [...dirty].filter((id) => !run?.dirty.has(id));
      if (newlyDirty.length) await database.dirtyHouseholds.bulkPut(newlyDirty.map((id) => ({ id })));
      await database.meta.put({ key: META_KEYS.pullCursor, value: page.cursor });
      return count;
    });
  const count = await guardQuota(() =>
    write(false).catch((e: unknown) => {
      if (e instanceof LocalChangesWaiting) return write(true);
      throw e;
    }),
  );
  // Committed: later pages of the same pull may rely on it.
  if (run) {
    for (const id of dirty) run.dirty.add(id);
    const summaries = run.summaries;
    if (summaries) {
      for (const { entity, puts, deletes } of stored) {
        for (const row of puts) summaries.stored(entity, row);
        for (const id of deletes) summaries.removed(entity, id);
      }
    }
  }
  return count;
}

/** Thrown in a page's transaction to undo it: the outbox holds changes the page must lay its rows under. */
class LocalChangesWaiting extends Error {}

/**
 * Whether every change of the page goes to a table that was empty when the pull began, and was
 * planned ahead (or is a deletion): then, with nothing in the outbox, nothing needs reading first.
 */
function allPlanned(byEntity: Map<EntityName, PullChange[]>, prepared: PreparedPage, run: PullRun | undefined, resetMarker: string | undefined): boolean {
  if (!run || resetMarker || run.fresh.size === 0) return false;
  for (const [entity, changes] of byEntity) {
    if (!run.fresh.has(entity)) return false;
    for (const c of changes) if (!prepared.planned.has(c) && !(c.deleted || !c.data)) return false;
  }
  return true;
}

/**
 * A page whose changes were all planned ahead (see allPlanned), written as applyPullPage writes
 * it when the outbox is empty, with every request made at once: the outbox's count, the rows, the
 * households' marks and the cursor. Waiting for each before making the next cost a round trip
 * through a page's busy thread every time (the next page is parsed and sealed meanwhile).
 * Answers the rows written, or `undefined` when the outbox is not empty: the caller then undoes
 * the transaction, so nothing of this write is kept.
 */
async function applyPlanned(
  byEntity: Map<EntityName, PullChange[]>,
  prepared: PreparedPage,
  cursor: string,
  dirty: Set<string>,
  stored: { entity: 'household' | 'member' | 'visit'; puts: SyncedRow[]; deletes: string[] }[],
  run: PullRun | undefined,
  database: AppDB,
): Promise<number | undefined> {
  const requests: Promise<unknown>[] = [];
  // First in the transaction: it counts the outbox as it was before any of the writes below.
  const waiting = database.outbox.count();
  let count = 0;
  for (const [entity, changes] of byEntity) {
    const table = tableOf(database, entity);
    const puts: SyncedRow[] = [];
    const deletes: string[] = [];
    for (const c of changes) {
      for (const id of touchedHouseholds(entity, c, undefined)) dirty.add(id);
      const row = prepared.planned.get(c);
      if (row) puts.push(row);
      else if (planPulledChange(entity, c, { before: undefined, local: [], now: prepared.now }).kind === 'delete') deletes.push(c.id);
    }
    if (puts.length) requests.push(table.bulkPut(puts));
    if (deletes.length) requests.push(table.bulkDelete(deletes));
    if (entity === 'household' || entity === 'member' || entity === 'visit') stored.push({ entity, puts, deletes });
    count += puts.length + deletes.length;
  }
  const newlyDirty = [...dirty].filter((id) => !run?.dirty.has(id));
  if (newlyDirty.length) requests.push(database.dirtyHouseholds.bulkPut(newlyDirty.map((id) => ({ id }))));
  requests.push(database.meta.put({ key: META_KEYS.pullCursor, value: cursor }));
  const [pending] = await Promise.all([waiting, ...requests]);
  return pending === 0 ? count : undefined;
}

/** `bulkGet` of the ids given, answering `undefined` where there is none, without asking for it. */
async function bulkGetSome(table: Table<SyncedRow, string>, ids: (string | undefined)[]): Promise<(SyncedRow | undefined)[]> {
  const asked = ids.filter((id): id is string => id !== undefined);
  if (asked.length === 0) return ids.map(() => undefined);
  if (asked.length === ids.length) return table.bulkGet(asked);
  const found = await table.bulkGet(asked);
  const byId = new Map(asked.map((id, i) => [id, found[i]]));
  return ids.map((id) => (id === undefined ? undefined : byId.get(id)));
}
