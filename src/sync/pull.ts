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
import { ALL_HOUSEHOLDS, PulledSummaries, REFRESH_CHUNK } from './dirtyHouseholds';
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
  /**
   * Whether the device holds the mark for every household (ALL_HOUSEHOLDS): it did as the pull
   * began, or a page of this pull wrote it. No other mark is needed then.
   */
  allDirty: boolean;
  /** When members and visits were both empty as the pull began: what it stored of them. */
  summaries?: PulledSummaries;
  /** Pages of this pull written otherwise than as planned ahead (see applyPlanned). */
  unplanned: number;
}

export async function startPullRun(database: AppDB = db()): Promise<PullRun> {
  const fresh = new Set<EntityName>();
  let allDirty = false;
  await database.transaction('r', [...entityTables(database), database.dirtyHouseholds], async () => {
    const marked = database.dirtyHouseholds.get(ALL_HOUSEHOLDS);
    for (const entity of ENTITIES) if ((await tableOf(database, entity).count()) === 0) fresh.add(entity);
    allDirty = (await marked) !== undefined;
  });
  return { fresh, dirty: new Set(), allDirty, summaries: fresh.has('member') && fresh.has('visit') ? new PulledSummaries() : undefined, unplanned: 0 };
}

/**
 * The marks a page's transaction adds for the households it touched (`dirty`): none when the
 * device holds the mark for every household already; that mark alone when the households table
 * was empty as the pull began (see ALL_HOUSEHOLDS); otherwise one per household not marked by an
 * earlier page of the pull.
 */
function marksToAdd(dirty: Set<string>, run: PullRun | undefined): { id: string }[] {
  if (dirty.size === 0 || run?.allDirty) return [];
  if (run?.fresh.has('household')) return [{ id: ALL_HOUSEHOLDS }];
  const marks: { id: string }[] = [];
  for (const id of dirty) if (!run?.dirty.has(id)) marks.push({ id });
  return marks;
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
  /** The pull's last page: a first sync may write the households' summaries with it (see finalSummaries). */
  last?: boolean;
  /** For the last page: its summaries computed and sealed while the page before was written (sealSummariesAhead). */
  summariesAhead?: Promise<SummariesAhead | undefined>;
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
  const byEntity = byEntityOf(page);
  const final = options.last && !resetMarker && run ? await finalSummaries(byEntity, prepared, run, database, options.summariesAhead) : undefined;
  let planned = false;
  const write = (knownOutbox: boolean) =>
    database.transaction('rw', tables, async () => {
      stored.length = 0;
      dirty.clear();
      if (!knownOutbox && allPlanned(byEntity, prepared, run, resetMarker)) {
        const written = await applyPlanned(byEntity, prepared, page.cursor, dirty, stored, run, database, final);
        planned = written !== undefined;
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
      const marks = marksToAdd(dirty, run);
      if (marks.length) await database.dirtyHouseholds.bulkPut(marks);
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
    if (!planned) run.unplanned++;
    for (const id of dirty) run.dirty.add(id);
    if (dirty.size && run.fresh.has('household')) run.allDirty = true;
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

function byEntityOf(page: PullResponse): Map<EntityName, PullChange[]> {
  const byEntity = new Map<EntityName, PullChange[]>();
  for (const c of page.changes) {
    if (!isEntity(c.entity)) continue;
    const list = byEntity.get(c.entity);
    if (list) list.push(c);
    else byEntity.set(c.entity, [c]);
  }
  return byEntity;
}

/**
 * Every household of a first sync with its summary, once `pages` (prepared, in order) are written
 * on top of what the pull committed: `undefined` unless the households, members and visits tables
 * were all empty as the pull began and each page can be written as planned ahead, or for more
 * households than the refresh writes in one transaction.
 */
function summariesAfter(run: PullRun, pages: { byEntity: Map<EntityName, PullChange[]>; prepared: PreparedPage }[]): SyncedRow[] | undefined {
  const summaries = run.summaries;
  // Checked before the copy too: a team that large (a pull of 130,000 members and visits) copies nothing.
  if (!summaries || !run.fresh.has('household') || summaries.householdCount > REFRESH_CHUNK) return undefined;
  const after = summaries.copy();
  for (const { byEntity, prepared } of pages) {
    if (!allPlanned(byEntity, prepared, run, undefined)) return undefined;
    for (const entity of ['household', 'member', 'visit'] as const) {
      for (const c of byEntity.get(entity) ?? []) {
        const row = prepared.planned.get(c);
        if (row) after.stored(entity, row);
        else after.removed(entity, c.id);
      }
    }
  }
  return after.householdCount > REFRESH_CHUNK ? undefined : after.summarizedHouseholds();
}

/** The summaries sealSummariesAhead computed, and how many pages were unplanned then. */
export interface SummariesAhead {
  rows: SyncedRow[];
  unplanned: number;
}

/**
 * As soon as the last page of a first sync has arrived, while the page before it (`writing`, if
 * not committed yet) is written: the households' summaries after both, their personal fields sealed
 * with WebCrypto. finalSummaries takes them when that page was written as planned. Never rejects.
 */
export async function sealSummariesAhead(
  pages: { page: PullResponse; prepared: Promise<PreparedPage> }[],
  run: PullRun,
  database: AppDB = db(),
): Promise<SummariesAhead | undefined> {
  try {
    const unplanned = run.unplanned;
    const rows = summariesAfter(run, await Promise.all(pages.map(async ({ page, prepared }) => ({ byEntity: byEntityOf(page), prepared: await prepared }))));
    if (!rows) return undefined;
    await presealRows(database.households.name, rows);
    return { rows, unplanned };
  } catch (e) {
    console.warn('sealing summaries ahead failed', e);
    return undefined;
  }
}

/**
 * The households' summaries after the last page of a first sync, to be written with it instead of
 * by `refreshDirtyHouseholds` after it: the households, members and visits tables were all empty
 * as the pull began, so once the outbox is found empty in the page's transaction (nothing the
 * person wrote meanwhile), every household on the device is one the pull stored, as it stored it,
 * and its members and visits are the pull's too. The refresh's transaction would read the marks,
 * the outbox twice and every household back, and wait for its own commit, only to write the same
 * rows. Sealed before the transaction (it cannot wait for WebCrypto): ahead, while the page before
 * was written, when that page was written as planned then (no page since was unplanned).
 */
async function finalSummaries(
  byEntity: Map<EntityName, PullChange[]>,
  prepared: PreparedPage,
  run: PullRun,
  database: AppDB,
  ahead: Promise<SummariesAhead | undefined> | undefined,
): Promise<SyncedRow[] | undefined> {
  const early = await ahead;
  if (early && early.unplanned === run.unplanned && allPlanned(byEntity, prepared, run, undefined)) return early.rows;
  const rows = summariesAfter(run, [{ byEntity, prepared }]);
  if (rows) await presealRows(database.households.name, rows).catch((e: unknown) => console.warn('sealing summaries ahead failed', e));
  return rows;
}

/**
 * A page whose changes were all planned ahead (see allPlanned), written as applyPullPage writes
 * it when the outbox is empty, with every request made at once: the outbox's count, the rows, the
 * households' marks and the cursor. With `final` (finalSummaries), the households' summaries too,
 * and the marks are all removed instead of added to. Waiting for each before making the next cost a round trip
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
  final?: SyncedRow[],
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
  if (final) {
    // Asked for after the page's rows, so written over them.
    if (final.length) requests.push(tableOf(database, 'household').bulkPut(final));
    requests.push(database.dirtyHouseholds.clear());
  } else {
    const marks = marksToAdd(dirty, run);
    if (marks.length) requests.push(database.dirtyHouseholds.bulkPut(marks));
  }
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
