/**
 * The benchmark's first-sync page, served by the real app server at /__bench/sync/ (same origin
 * as the API). With the app's own code (AppDB, saveMembership, SyncEngine, createVisit) it:
 *
 * 1. deletes the main database, saves the device session (token from the URL), sets the app
 *    lock's PIN (so the sync seals the personal fields, as on a phone) and runs
 *    `new SyncEngine({ db, locks: null }).sync()` — timed, with a timeline split into network
 *    (fetch until the body is read), JSON.parse, applyPullPage transactions and
 *    refreshDirtyHouseholds transactions (observed through a fetch wrapper, a JSON.parse wrapper
 *    and a Dexie DBCore middleware; the engine itself runs unchanged);
 * 2. times `writes` sequential `createVisit` calls on the synced database;
 * 3. with upload=1: reads the household/member/visit rows back and posts them to the bench server.
 * 4. with probe=1 (after the sync, before the writes): repeats refreshDirtyHouseholds' steps timed
 *    one by one, and times plain table scans of members and visits for comparison.
 *
 * mode=raw (run in a fresh profile of its own, as the sync was): fetches those rows and bulkPuts
 * them into a fresh database of the same schema, `chunk` rows per transaction (0: one per table);
 * with schema=pk into tables with a primary key only (the device's limit: no index to keep).
 *
 * Query parameters: token, userId, userName, teamId, teamName, writes=200, upload=0, probe=0;
 * mode=raw, chunk=500, schema=app|pk; gate=1 (the sync waits for `window.__syncGo()`).
 * When done: `document.body.dataset.done = 'true'` and `window.__syncResult`; on failure
 * `document.body.dataset.error` and `window.__syncError`.
 */
import { Dexie, type Table } from 'dexie';
import { AppDB } from '../../../src/db/database';
import { DB_NAMES } from '../../../src/storageKeys';
import { saveMembership } from '../../../src/sync/membership';
import { SyncEngine } from '../../../src/sync/engine';
import { createVisit } from '../../../src/db/visits';
import { loadSchemas } from '../../../src/db/validation';
import { localToday } from '../../../src/domain/dates';
import { followUpFrom, householdSearchText } from '../../../src/db/derived';
import { setPin } from '../../../src/lock/vault';
import { presealedStats } from '../../../src/db/seal';
import { BENCH_PIN } from '../pin';

declare global {
  interface Window {
    __syncResult?: unknown;
    __syncError?: string;
    __syncGo?: () => void;
  }
}

const RAW_DB = 'cds-bench-raw';
const RAW_CHUNK = 500;

interface RequestMark {
  path: string;
  start: number;
  headers?: number;
  body?: number;
  chars?: number;
  parseMs?: number;
  /** Pull pages: changes by entity. */
  entities?: Record<string, number>;
}

interface TxMark {
  stores: string[];
  mode: string;
  start: number;
  /** When its last request resolved: from there to `end` is the commit. */
  lastOp?: number;
  /** Rows it put into dirtyHouseholds (marks). */
  marks?: number;
  end?: number;
}

const now = () => performance.now();
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(1, Math.ceil((p / 100) * s.length)) - 1] ?? NaN;
}

// ------------------------------------------------------------------------------------------------
// Instrumentation (only switched on during the sync)

let recording = false;
const requests: RequestMark[] = [];
const txs: TxMark[] = [];

const realFetch = globalThis.fetch.bind(globalThis);
globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
  if (!recording) return realFetch(input, init);
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const mark: RequestMark = { path: new URL(url, location.href).pathname, start: now() };
  requests.push(mark);
  const res = await realFetch(input, init);
  mark.headers = now();
  const text = res.text.bind(res);
  res.text = async () => {
    const t = await text();
    mark.body = now();
    mark.chars = t.length;
    return t;
  };
  return res;
};

const realParse = JSON.parse;
JSON.parse = function parse(text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) {
  if (!recording) return realParse(text, reviver);
  const t0 = now();
  const value = realParse(text, reviver) as unknown;
  const last = requests[requests.length - 1];
  if (last) {
    last.parseMs = (last.parseMs ?? 0) + (now() - t0);
    // Outside the parse time: what the page holds (a few µs per page).
    const changes = (value as { changes?: { entity: string; id: string; data?: { householdId?: unknown } | null }[] } | null)?.changes;
    if (last.path === '/api/sync/pull' && Array.isArray(changes)) {
      const entities: Record<string, number> = {};
      for (const c of changes) entities[c.entity] = (entities[c.entity] ?? 0) + 1;
      last.entities = entities;
    }
  }
  return value;
} as typeof JSON.parse;

/** IndexedDB requests by `table.op`: how many, rows, and time until each resolved. */
const ops: Record<string, { n: number; rows: number; ms: number }> = {};
const txOf = new WeakMap<object, TxMark>();

/**
 * Notes every IndexedDB transaction the database opens (its tables, start, last request done,
 * completion) and times its requests, through a DBCore middleware (no change to the app's code).
 */
function observeTransactions(db: Dexie): void {
  db.use({
    stack: 'dbcore',
    name: 'bench-timeline',
    create(down) {
      return {
        ...down,
        transaction(stores, mode, options) {
          const tx = down.transaction(stores, mode, options);
          if (recording) {
            const mark: TxMark = { stores: [...stores], mode, start: now() };
            txs.push(mark);
            txOf.set(tx, mark);
            (tx as unknown as IDBTransaction).addEventListener?.('complete', () => (mark.end = now()));
          }
          return tx;
        },
        table(name) {
          const t = down.table(name);
          const timed = <R extends { trans: object }, A>(op: string, fn: (req: R) => Promise<A>, rows: (req: R) => number) =>
            async (req: R): Promise<A> => {
              if (!recording) return fn(req);
              const t0 = now();
              const out = await fn(req);
              const t1 = now();
              const o = (ops[`${name}.${op}`] ??= { n: 0, rows: 0, ms: 0 });
              o.n++;
              o.rows += rows(req);
              o.ms += t1 - t0;
              const mark = txOf.get(req.trans);
              if (mark) mark.lastOp = t1;
              if (mark && name === 'dirtyHouseholds' && op === 'mutate' && (req as { type?: string }).type === 'put') mark.marks = (mark.marks ?? 0) + rows(req);
              return out;
            };
          return {
            ...t,
            mutate: timed('mutate', t.mutate.bind(t), (r) => ('values' in r && r.values ? r.values.length : 'keys' in r && r.keys ? r.keys.length : 0)),
            getMany: timed('getMany', t.getMany.bind(t), (r) => r.keys.length),
            get: timed('get', t.get.bind(t), () => 1),
            count: timed('count', t.count.bind(t), () => 0),
            query: timed('query', t.query.bind(t), () => 0),
          };
        },
      };
    },
  });
}

// ------------------------------------------------------------------------------------------------

async function counts(db: AppDB) {
  return {
    households: await db.households.count(),
    members: await db.members.count(),
    visits: await db.visits.count(),
    neighborhoods: await db.neighborhoods.count(),
    sessions: await db.sessions.count(),
    outbox: await db.outbox.count(),
    dirtyHouseholds: await db.dirtyHouseholds.count(),
  };
}

async function firstSync(db: AppDB, params: URLSearchParams) {
  await saveMembership(
    {
      token: params.get('token') ?? '',
      user: { id: params.get('userId') ?? '', name: params.get('userName') ?? 'Bench', role: 'head' },
      team: { id: params.get('teamId') ?? '', name: params.get('teamName') ?? 'Bench' },
      joinedAt: new Date().toISOString(),
    },
    db,
  );
  // The app lock's PIN, as a joined phone sets it before its first sync: the sync seals every row.
  await setPin(BENCH_PIN, db);
  // Let the database settle before the clock starts.
  await new Promise((r) => setTimeout(r, 200));

  // With gate=1 the sync starts when the driver says so (syncProfile.ts reads the browser's CPU time
  // on each side of it): `data-sync-phase` is `ready`, then `done` once the sync has ended.
  if (params.get('gate') === '1') {
    document.body.dataset.syncPhase = 'ready';
    await new Promise<void>((go) => (window.__syncGo = go));
  }
  const sealedAheadBefore = presealedStats().taken;
  recording = true;
  const t0 = now();
  const status = await new SyncEngine({ db, locks: null }).sync();
  const t1 = now();
  recording = false;
  document.body.dataset.syncPhase = 'done';
  if (status.phase !== 'idle') throw new Error(`sync ended in phase ${status.phase} (${status.errorKey ?? ''})`);

  const pulls = requests.filter((r) => r.path === '/api/sync/pull');
  const pushes = requests.filter((r) => r.path === '/api/sync/push');
  const complete = txs.filter((t) => t.end !== undefined);
  // A page's transaction opens every entity table (sessions among them); the refresh's open only
  // households, members and visits. Both reach meta: the report's change token is written with them.
  // (The pull's first read, which counts the tables and looks for the mark for every household, is neither.)
  const written = complete.filter((t) => t.mode === 'readwrite');
  const applyTx = written.filter((t) => t.stores.includes('dirtyHouseholds') && t.stores.includes('sessions'));
  const refreshTx = written.filter((t) => t.stores.includes('dirtyHouseholds') && !t.stores.includes('sessions'));
  const firstPull = pulls[0]?.start ?? t1;
  const networkMs = sum(pulls.map((r) => (r.body ?? r.start) - r.start));
  const serverWaitMs = sum(pulls.map((r) => (r.headers ?? r.start) - r.start));
  const parseMs = sum(pulls.map((r) => r.parseMs ?? 0));
  const applyMs = sum(applyTx.map((t) => t.end! - t.start));
  const refreshMs = refreshTx.length ? refreshTx[refreshTx.length - 1]!.end! - refreshTx[0]!.start : 0;
  const totalMs = t1 - t0;
  // applyPullPage per entity: page i is applied by apply transaction i (the engine is sequential).
  const applyByEntity: Record<string, { pages: number; rows: number; ms: number; msPer500Rows: number; dirtyRowsWritten: number }> = {};
  if (applyTx.length === pulls.length) {
    pulls.forEach((r, i) => {
      const entities = Object.entries(r.entities ?? {});
      if (!entities.length) return;
      const [main] = entities.sort((a, b) => b[1] - a[1])[0]!;
      const rows = sum(entities.map(([, n]) => n));
      const e = (applyByEntity[main] ??= { pages: 0, rows: 0, ms: 0, msPer500Rows: 0, dirtyRowsWritten: 0 });
      e.pages++;
      e.rows += rows;
      e.ms += applyTx[i]!.end! - applyTx[i]!.start;
      e.dirtyRowsWritten += applyTx[i]!.marks ?? 0;
    });
    for (const e of Object.values(applyByEntity)) e.msPer500Rows = (e.ms / e.rows) * 500;
  }
  const c = await counts(db);
  if (c.outbox !== 0 || c.dirtyHouseholds !== 0) throw new Error(`after the sync: ${c.outbox} outbox entries, ${c.dirtyHouseholds} dirty households`);
  const sample = await db.households.limit(1).first();
  if (!sample?.searchText || sample.nameKey === undefined) throw new Error('synced households lack their derived search fields');
  return {
    status: status.phase,
    totalMs,
    counts: c,
    rows: c.households + c.members + c.visits + c.neighborhoods + c.sessions,
    requests: { pulls: pulls.length, pushes: pushes.length, responseChars: sum(pulls.map((r) => r.chars ?? 0)) },
    breakdown: {
      /** Session, device id, outbox fold, empty push batch, cursor: before the first pull. */
      beforeFirstPullMs: firstPull - t0,
      /** fetch() until the body text is read, summed over pulls (the server's work included). */
      networkMs,
      /** …of which until the response headers arrived. */
      untilHeadersMs: serverWaitMs,
      jsonParseMs: parseMs,
      /** applyPullPage: its transactions from creation to `complete` (JS + IndexedDB + commit). */
      applyPullPageMs: applyMs,
      applyTransactions: applyTx.length,
      applyPerPage: { p50: pct(applyTx.map((t) => t.end! - t.start), 50), max: Math.max(0, ...applyTx.map((t) => t.end! - t.start)) },
      /** refreshDirtyHouseholds: first to last of its transactions. */
      /** By the entity most of a page holds; dirtyRowsWritten: dirtyHouseholds rows put by those pages. */
      applyByEntity,
      refreshDirtyHouseholdsMs: refreshMs,
      refreshTransactions: refreshTx.length,
      otherMs: totalMs - (firstPull - t0) - networkMs - parseMs - applyMs - refreshMs,
      /** Of applyPullPage: from its last request's result to the transaction's `complete` event. */
      applyCommitMs: sum(applyTx.map((t) => t.end! - (t.lastOp ?? t.end!))),
      /** Rows written with a blob sealed ahead by WebCrypto (the others were sealed in their transaction). */
      sealedAheadRows: presealedStats().taken - sealedAheadBefore,
    },
    /** Every IndexedDB request of the sync by table and operation: count, rows, time to resolve. */
    idbRequests: Object.fromEntries(Object.entries(ops).sort((a, b) => b[1].ms - a[1].ms)),
  };
}

async function localWrites(db: AppDB, n: number) {
  if (n <= 0) return undefined;
  // Households and their members picked before the clock runs (a person opens the household first).
  const ids = (await db.households.toCollection().primaryKeys()) as string[];
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const targets: { householdId: string; memberIds: string[] }[] = [];
  for (let i = 0; i < n; i++) {
    const householdId = ids[Math.floor(rnd() * ids.length)]!;
    const members = await db.members.where('householdId').equals(householdId).primaryKeys();
    targets.push({ householdId, memberIds: members.slice(0, 1) as string[] });
  }
  // The schemas chunk loads on the app's first write; load it first so every call is alike.
  await loadSchemas();
  const outboxBefore = await db.outbox.count();
  const today = localToday();
  const ms: number[] = [];
  for (const t of targets) {
    const t0 = now();
    await createVisit(
      {
        householdId: t.householdId,
        date: today,
        topics: ['vneid', 'scamAwareness'],
        outcome: 'followUp',
        ...(t.memberIds.length ? { memberIds: t.memberIds } : {}),
        durationMinutes: 25,
        followUpDate: today,
        notes: 'Đã hướng dẫn cài VNeID, hẹn quay lại kích hoạt mức 2.',
      },
      db,
    );
    ms.push(now() - t0);
  }
  const outbox = (await db.outbox.count()) - outboxBefore;
  if (outbox !== n) throw new Error(`expected ${n} outbox entries after the writes, found ${outbox}`);
  return { n, ms, p50: pct(ms, 50), p95: pct(ms, 95), max: Math.max(...ms), first: ms[0], outbox };
}

/**
 * Repeats, step by step and timed, what refreshDirtyHouseholds does for every household (chunks of
 * 2000: bulkGet households, members and visits by `householdId` anyOf, compute, bulkPut), then
 * reads members and visits by a plain table scan for comparison. Rewrites the same values.
 */
async function refreshProbe(db: AppDB) {
  const ids = (await db.households.toCollection().primaryKeys()) as string[];
  const ms = { bulkGetHouseholds: 0, membersAnyOf: 0, visitsAnyOf: 0, compute: 0, bulkPutHouseholds: 0 };
  const t00 = now();
  for (let i = 0; i < ids.length; i += 2000) {
    const chunk = ids.slice(i, i + 2000);
    await db.transaction('rw', [db.households, db.members, db.visits], async () => {
      let t = now();
      const households = await db.households.bulkGet(chunk);
      ms.bulkGetHouseholds += now() - t;
      t = now();
      const members = await db.members.where('householdId').anyOf(chunk).toArray();
      ms.membersAnyOf += now() - t;
      t = now();
      const visits = await db.visits.where('householdId').anyOf(chunk).toArray();
      ms.visitsAnyOf += now() - t;
      t = now();
      const names = new Map<string, string[]>();
      for (const m of members) if (!m.deleted) (names.get(m.householdId) ?? names.set(m.householdId, []).get(m.householdId)!).push(m.fullName);
      const visitsBy = new Map<string, typeof visits>();
      for (const v of visits) (visitsBy.get(v.householdId) ?? visitsBy.set(v.householdId, []).get(v.householdId)!).push(v);
      const updated = households.filter((h) => !!h).map((h) => ({ ...h!, searchText: householdSearchText(h!, names.get(h!.id) ?? []), ...followUpFrom(visitsBy.get(h!.id) ?? []) }));
      ms.compute += now() - t;
      t = now();
      await db.households.bulkPut(updated);
      ms.bulkPutHouseholds += now() - t;
    });
  }
  const totalMs = now() - t00;
  let t = now();
  const members = await db.members.toArray();
  const membersScanMs = now() - t;
  t = now();
  const visits = await db.visits.toArray();
  const visitsScanMs = now() - t;
  return { households: ids.length, members: members.length, visits: visits.length, totalMs, steps: ms, tableScan: { membersMs: membersScanMs, visitsMs: visitsScanMs } };
}

async function putChunked(table: Table, rows: unknown[], chunk: number): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    await table.db.transaction('rw', table, async () => {
      await table.bulkPut(part);
    });
  }
}

const TABLES = ['households', 'members', 'visits'] as const;
type RawRows = Record<(typeof TABLES)[number], unknown[]>;

/** Reads the synced rows back and hands them to the bench server for the raw runs. */
async function uploadRows(db: AppDB) {
  const t0 = now();
  const data: RawRows = { households: await db.households.toArray(), members: await db.members.toArray(), visits: await db.visits.toArray() };
  const readMs = now() - t0;
  const body = JSON.stringify(data);
  const res = await fetch('/__bench-data/rows', { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
  if (!res.ok) throw new Error(`upload of the rows failed: ${res.status}`);
  return { rows: data.households.length + data.members.length + data.visits.length, readMs, bytes: body.length };
}

/** A database of the three big tables with their primary keys and no index. */
function primaryKeyOnly(name: string): Dexie {
  const d = new Dexie(name);
  d.version(1).stores({ households: 'id', members: 'id', visits: 'id' });
  return d;
}

/**
 * The raw comparison, in its own fresh profile like the sync: the rows the sync stored (fetched
 * from the bench server), bulkPut into a fresh database of the app's schema (or, schema=pk, of
 * primary keys only), `chunk` rows per transaction (0: one transaction per table).
 */
async function rawPut(params: URLSearchParams) {
  const chunk = Number(params.get('chunk') ?? RAW_CHUNK) || Number.MAX_SAFE_INTEGER;
  const schema = params.get('schema') === 'pk' ? 'pk' : 'app';
  const res = await fetch('/__bench-data/rows', { cache: 'no-store' });
  if (!res.ok) throw new Error(`rows not available: ${res.status}`);
  const data = (await res.json()) as RawRows;
  const rows = sum(TABLES.map((t) => data[t].length));
  await Dexie.delete(RAW_DB);
  const raw = schema === 'pk' ? primaryKeyOnly(RAW_DB) : new AppDB(RAW_DB);
  await raw.open();
  // Let the database settle before the clock starts, as for the sync.
  await new Promise((r) => setTimeout(r, 200));
  const perTable: Record<string, number> = {};
  const t0 = now();
  for (const name of TABLES) {
    const t = now();
    await putChunked(raw.table(name), data[name], chunk);
    perTable[name] = now() - t;
  }
  const ms = now() - t0;
  const check = sum(await Promise.all(TABLES.map((name) => raw.table(name).count())));
  raw.close();
  if (check !== rows) throw new Error(`raw copy has ${check} rows, expected ${rows}`);
  return { rows, schema, chunk: chunk === Number.MAX_SAFE_INTEGER ? 0 : chunk, ms, perTable, rowsPerSecond: (rows / ms) * 1000 };
}

async function run() {
  const params = new URLSearchParams(location.search);
  if (params.get('mode') === 'raw') return { raw: await rawPut(params) };
  const writes = Number(params.get('writes') ?? 200);
  await Dexie.delete(DB_NAMES.main);
  const db = new AppDB(DB_NAMES.main);
  observeTransactions(db);
  await db.open();

  const sync = await firstSync(db, params);
  const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
  const probe = params.get('probe') === '1' ? await refreshProbe(db) : undefined;
  const writeResult = await localWrites(db, writes);
  const upload = params.get('upload') === '1' ? await uploadRows(db) : undefined;
  db.close();
  return { sync, refreshProbe: probe, writes: writeResult, upload, storageUsageBytes: estimate?.usage };
}

const status = document.getElementById('status');
run().then(
  (result) => {
    window.__syncResult = result;
    if (status) status.textContent = 'done';
    document.body.dataset.done = 'true';
  },
  (e: unknown) => {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    window.__syncError = message;
    if (status) status.textContent = `failed: ${message}`;
    document.body.dataset.error = message;
  },
);
