/** What the report indicators read on the device, and the last copy of the commune's report settings. */
import { db, type AppDB } from './database';
import { currentUserId, getMeta, setMeta } from './meta';
import { META_KEYS } from './metaKeys';
import { codedReportData, codeTable, type CodedTable, type ReportData, type ReportHousehold } from '../domain/indicators';
import { COUNTED_TABLES, type ReportChanges } from './changeToken';
import { openStoredRow, openValueAsync, sealMode, sealValueAsync, warmOpened } from './seal';
import { codedTable, isColumns, replaceRows, toColumns, type Columns } from './reportColumns';
import type { StoredReportSettings } from '../domain/reportSettings';


/**
 * What the figures are counted from: the records' change token (db/changeToken.ts), and who uses
 * this phone (records not yet sent count as theirs).
 */
export type DataToken = string;

async function readToken(database: AppDB): Promise<DataToken> {
  const [records, me] = await Promise.all([getMeta<string>(META_KEYS.reportDataToken, database), currentUserId(database)]);
  return `${records ?? ''}/${me ?? ''}`;
}

/** The token the records are at now. */
export function reportDataToken(database: AppDB = db()): Promise<DataToken> {
  return readToken(database);
}

type Stored = Record<string, unknown>;

/** Per counted table, the fields the indicators read (src/domain/indicators.ts), `id` first. */
const COUNTED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  households: ['id', 'neighborhood', 'consent', 'deleted'],
  members: ['id', 'householdId', 'birthYear', 'hasSmartphone', 'usesOnlineServices', 'hasPaymentAccount', 'vneidLevel', 'vneidLevelSince', 'deleted'],
  visits: ['id', 'householdId', 'date', 'outcome', 'memberIds', 'followUpDate', 'results', 'createdBy', 'deleted'],
  sessions: ['id', 'date', 'attendees', 'results', 'createdBy', 'deleted'],
  checklistSteps: ['id', 'memberId', 'stepKey', 'status', 'doneOn', 'deleted'],
};

/** A row as counted: the fields read, the others left in IndexedDB (undefined ones left out). */
function counted(table: string, row: Stored): Stored {
  const out: Stored = {};
  for (const f of COUNTED_FIELDS[table]!) if (row[f] !== undefined) out[f] = row[f];
  return out;
}

type Tables = Record<string, Stored[]>;

/**
 * The counted fields of every record, kept in `meta` with the token they were read at: one value
 * IndexedDB reads at once, where 140,000 rows (each with its sealed blob) take seconds. The other
 * tables are kept by column (db/reportColumns.ts), which reads back several times faster than as
 * many small objects. The households' part holds their consent, a sealed field: it is sealed
 * under the data key as a whole, and nothing is kept while no PIN protects the records.
 */
interface KeptRecords {
  v: 2;
  token: string;
  households: Uint8Array;
  tables: Record<string, Columns>;
}

const KEPT_TABLES = [...COUNTED_TABLES].filter((name) => name !== 'households');

function isKept(value: KeptRecords | undefined): value is KeptRecords {
  return value?.v === 2 && value.households instanceof Uint8Array && KEPT_TABLES.every((name) => isColumns(value.tables[name]));
}

const KEPT_LABEL = 'reportRecords.households';

/**
 * What was read, and whether it came from the kept records (and a few rows read again): the
 * households as rows, the other tables as rows (every row read) or as the kept columns.
 */
interface Read {
  tables: Tables;
  columns?: Record<string, Columns>;
  token: DataToken;
  /** The records' change token alone (without who uses the phone): what kept records are tied to. */
  records: string;
  me: string | undefined;
  /** Rows that came from IndexedDB as stored (their households' consent not opened yet). */
  stored: Stored[];
  /** The kept records as they were: nothing written since. */
  unchanged: boolean;
}

function request<T>(r: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result as T);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB read failed'));
  });
}

/**
 * The counted tables and the token, in one IndexedDB read transaction (so the figures are of one
 * moment): below Dexie and the seal layer, because counting reads no sealed field but a
 * household's consent, and the seal layer would open every member's and visit's blob too. When
 * the kept records are of an earlier moment whose writes since are all noted, only the rows
 * written since are read (`all` reads every row all the same).
 */
async function readStored(database: AppDB, all = false): Promise<Read> {
  if (!database.isOpen()) await database.open();
  const tx = database.backendDB().transaction([...COUNTED_TABLES, 'meta'], 'readonly');
  const meta = tx.objectStore('meta');
  const value = <T>(key: string) => request<{ value?: T } | undefined>(meta.get(key)).then((row) => row?.value);
  const [records, me, kept, changes] = await Promise.all([
    value<string>(META_KEYS.reportDataToken),
    value<string>(META_KEYS.currentUserId),
    value<KeptRecords>(META_KEYS.reportRecords),
    value<ReportChanges>(META_KEYS.reportChanges),
  ]);
  const token = `${records ?? ''}/${me ?? ''}`;
  if (all || !isKept(kept) || !changes || changes.overflow || sealMode() !== 'open') {
    fullReads++;
    const lists = await Promise.all([...COUNTED_TABLES].map((name) => request<Stored[]>(tx.objectStore(name).getAll())));
    const tables = Object.fromEntries([...COUNTED_TABLES].map((name, i) => [name, lists[i]!.map((row) => (name === 'households' ? row : counted(name, row)))]));
    return { tables, token, records: records ?? '', me, stored: tables.households!, unchanged: false };
  }
  const written = await readWritten(tx, changes);
  // The transaction has ended: the households' part is opened off the page's thread.
  const households = await openValueAsync(KEPT_LABEL, kept.households);
  if (!Array.isArray(households)) return readStored(database, true);
  const tables: Tables = { households: households as Stored[] };
  const columns = { ...kept.tables };
  const stored = withWritten(tables, written.filter(([name]) => name === 'households'));
  for (const [name, ids, rows] of written) {
    if (name !== 'households') columns[name] = replaceRows(columns[name]!, ids, rows.flatMap((row) => (row ? [counted(name, row)] : [])));
  }
  return { tables, columns, token, records: records ?? '', me, stored, unchanged: written.length === 0 };
}

/** The rows the notes list as written (undefined: removed), by table, read in `tx`. */
type Written = [table: string, ids: string[], rows: (Stored | undefined)[]][];

async function readWritten(tx: IDBTransaction, changes: ReportChanges): Promise<Written> {
  const noted = Object.entries(changes.ids).filter(([name, ids]) => COUNTED_TABLES.has(name) && ids.length > 0);
  const rows = await Promise.all(noted.map(([name, ids]) => Promise.all(ids.map((id) => request<Stored | undefined>(tx.objectStore(name).get(id))))));
  return noted.map(([name, ids], i) => [name, ids, rows[i]!]);
}

/**
 * Puts the rows written in `tables` in place of the ones read before; returns the households among
 * them, as stored (their consent not opened yet).
 */
function withWritten(tables: Tables, written: Written): Stored[] {
  const stored: Stored[] = [];
  for (const [name, ids, rows] of written) {
    const wanted = new Set(ids);
    const next = tables[name]!.filter((row) => !wanted.has(row.id as string));
    for (const row of rows) {
      if (!row) continue;
      if (name === 'households') stored.push(row);
      next.push(name === 'households' ? row : counted(name, row));
    }
    tables[name] = next;
  }
  return stored;
}

/**
 * Records made on this phone and not yet sent have no `createdBy` yet: they are this phone's
 * user's (`me`), as the server will record them. A new column; the one given is left as it was.
 */
function mine(table: CodedTable, me: string | undefined): CodedTable {
  const column = table.columns.createdBy;
  if (!me) return table;
  const dict = column?.dict ?? [];
  const before = column?.codes;
  const codes = new Int32Array(table.n);
  const meCode = dict.length;
  for (let i = 0; i < table.n; i++) {
    const code = before ? before[i]! : -1;
    codes[i] = code >= 0 && dict[code] ? code : meCode;
  }
  return { n: table.n, columns: { ...table.columns, createdBy: { dict: [...dict, me], codes } } };
}

/**
 * The records as the indicators count them: by column, without building a row of the kept
 * tables (rows read from IndexedDB are put in columns once, for every period counted).
 */
function asReportData(read: Pick<Read, 'tables' | 'columns' | 'me'>, token: DataToken): ReportData & { token: DataToken } {
  const table = (name: string): CodedTable => {
    const kept = read.columns?.[name];
    return kept ? codedTable(kept) : codeTable(read.tables[name]!, COUNTED_FIELDS[name]!);
  };
  return codedReportData(
    {
      households: read.tables.households as unknown as ReportHousehold[],
      members: table('members'),
      visits: mine(table('visits'), read.me),
      sessions: mine(table('sessions'), read.me),
      checklistSteps: table('checklistSteps'),
    },
    { token },
  );
}

/**
 * What `keepReportData` keeps for figures `loadReportData` gave: the households as counted, and
 * the other tables as rows or as columns, before `me` was applied.
 */
const toKeep = new WeakMap<object, { records: string; tables: Tables; columns?: Record<string, Columns> }>();

/**
 * Every synced record the indicators read (only the fields they read), with the change token of
 * that moment. Records made on this phone and not yet sent have no `createdBy` yet: they are this
 * phone's user's, as the server will record them.
 */
export async function loadReportData(database: AppDB = db()): Promise<ReportData & { token: DataToken }> {
  const read = await readStored(database);
  const { tables, columns, records, stored, unchanged } = read;
  // Each household's sealed consent: opened off the page's thread, many at once, then from the cache.
  await warmOpened('households', stored);
  const opened = new Set(stored);
  tables.households = tables.households!.map((h) => (opened.has(h) ? counted('households', openStoredRow('households', h) as Stored) : h));
  const data = asReportData(read, read.token);
  if (!unchanged) toKeep.set(data, { records, tables, ...(columns ? { columns } : {}) });
  return data;
}

/**
 * Keeps the records `data` was counted from (`loadReportData`'s answer), so that the next count
 * reads only the rows written since. Nothing is kept when they changed meanwhile, or while no PIN
 * seals the households' consent.
 */
export async function keepReportData(data: ReportData, database: AppDB = db()): Promise<void> {
  const read = toKeep.get(data);
  if (!read) return;
  toKeep.delete(data);
  const sealed = await sealValueAsync(KEPT_LABEL, read.tables.households);
  if (!sealed) return;
  const tables = Object.fromEntries(KEPT_TABLES.map((name) => [name, read.columns?.[name] ?? toColumns(read.tables[name]!, COUNTED_FIELDS[name]!)]));
  await database.transaction('rw', database.meta, async () => {
    if ((await getMeta<string>(META_KEYS.reportDataToken, database)) !== read.records) return;
    await setMeta(META_KEYS.reportRecords, { v: 2, token: read.records, households: sealed, tables } satisfies KeptRecords, database);
    await setMeta(META_KEYS.reportChanges, { ids: {} } satisfies ReportChanges, database);
  });
}

/** How many rows a build reads per transaction: a few milliseconds of the page's thread each. */
export const BUILD_CHUNK = 500;

/** Counts the dashboard's full reads: a build under way gives way to one (which keeps its own). */
let fullReads = 0;

export interface BuildOptions {
  /** Awaited between chunks: the page's thread is free in between (e.g. an idle callback). */
  pause(): Promise<void>;
  /** Asked between chunks: false stops the build (the phone locked, the person left). */
  wanted?(): boolean;
  /**
   * Results counted from the records built (in idle time too: `pause()` is the build's), by the
   * key `keptResult` finds them under. Kept with the records only when no counted row was written
   * since the build started: then they are the figures of the records as they are.
   */
  count?(data: ReportData, pause: () => Promise<void>): Promise<Record<string, unknown>>;
}

/**
 * Whether kept records a count could start from are there (see `readStored`): counted, not read,
 * since reading them costs what the build saves. Records of an older form are not built again:
 * the dashboard's next count keeps the current form itself.
 */
async function hasKept(database: AppDB): Promise<boolean> {
  const [kept, changes] = await Promise.all([database.meta.where('key').equals(META_KEYS.reportRecords).count(), getMeta<ReportChanges>(META_KEYS.reportChanges, database)]);
  return kept > 0 && !!changes && !changes.overflow;
}

/**
 * Builds the kept records when there are none (after a first sync, a large pull, a removed row),
 * so that the next count reads them and not every row: in chunks of `BUILD_CHUNK` rows, each in
 * a transaction of its own with `pause()` between them, so the page never waits long for it.
 *
 * Writes meanwhile are noted as usual (db/changeToken.ts) and read again by the next count. The
 * build marks the notes when it starts and keeps its records only if the mark is still there and
 * nothing overflowed them: a row removed meanwhile (its id may be in what was read), another
 * keeping, or too many writes, and nothing is kept. Resolves true when records were kept.
 */
export async function buildReportData(options: BuildOptions, database: AppDB = db()): Promise<boolean> {
  const { pause } = options;
  const started = fullReads;
  const wanted = () => fullReads === started && sealMode() === 'open' && (options.wanted?.() ?? true);
  if (!wanted() || (await hasKept(database))) return false;
  const mark = crypto.randomUUID();
  // Stale records (their notes overflowed) go now: from here on the notes are of this build.
  await database.transaction('rw', database.meta, async () => {
    await database.meta.delete(META_KEYS.reportRecords);
    await setMeta(META_KEYS.reportChanges, { ids: {}, since: mark } satisfies ReportChanges, database);
  });
  const tables: Tables = {};
  for (const name of COUNTED_TABLES) {
    const rows: Stored[] = [];
    let after: IDBValidKey | undefined;
    for (;;) {
      await pause();
      if (!wanted()) return false;
      if (!database.isOpen()) await database.open();
      const store = database.backendDB().transaction(name, 'readonly').objectStore(name);
      const chunk = await request<Stored[]>(store.getAll(after === undefined ? null : IDBKeyRange.lowerBound(after, true), BUILD_CHUNK));
      if (name === 'households') {
        await warmOpened('households', chunk);
        if (!wanted()) return false;
        for (const row of chunk) rows.push(counted('households', openStoredRow('households', row) as Stored));
      } else for (const row of chunk) rows.push(counted(name, row));
      if (chunk.length < BUILD_CHUNK) break;
      after = chunk.at(-1)!.id as IDBValidKey;
    }
    tables[name] = rows;
  }
  await pause();
  if (!wanted()) return false;
  const sealed = await sealValueAsync(KEPT_LABEL, tables.households);
  if (!sealed) return false;
  const columns: Record<string, Columns> = {};
  for (const name of KEPT_TABLES) {
    // A table's columns are a task of their own (the visits' take the longest).
    columns[name] = toColumns(tables[name]!, COUNTED_FIELDS[name]!);
    await pause();
  }
  const counts = options.count && (await countBuilt(database, tables, options.count, pause));
  if (!wanted()) return false;
  return database.transaction('rw', database.meta, async () => {
    const changes = await getMeta<ReportChanges>(META_KEYS.reportChanges, database);
    if (!wanted() || changes?.since !== mark || changes.overflow) return false;
    const records = (await getMeta<string>(META_KEYS.reportDataToken, database)) ?? '';
    // The notes stay: the rows written during the build are read again by the next count.
    await setMeta(META_KEYS.reportRecords, { v: 2, token: records, households: sealed, tables: columns } satisfies KeptRecords, database);
    // Counted from the rows as they were at `counts.token`: current while nothing was written since.
    if (counts && (await readToken(database)) === counts.token) {
      for (const [key, value] of Object.entries(counts.results)) await putResult(counts.token, key, value, database);
    }
    return true;
  });
}

/**
 * Counts the rows a build read, with the rows written since it started (each noted) read again in
 * one transaction with the token: the results are those of the records at `token`.
 */
async function countBuilt(database: AppDB, built: Tables, count: NonNullable<BuildOptions['count']>, pause: () => Promise<void>): Promise<{ token: DataToken; results: Record<string, unknown> } | undefined> {
  if (!database.isOpen()) await database.open();
  const tx = database.backendDB().transaction([...COUNTED_TABLES, 'meta'], 'readonly');
  const meta = tx.objectStore('meta');
  const value = <T>(key: string) => request<{ value?: T } | undefined>(meta.get(key)).then((row) => row?.value);
  const [records, me, changes] = await Promise.all([value<string>(META_KEYS.reportDataToken), value<string>(META_KEYS.currentUserId), value<ReportChanges>(META_KEYS.reportChanges)]);
  if (!changes || changes.overflow) return undefined;
  const written = await readWritten(tx, changes);
  const tables: Tables = { ...built };
  const stored = withWritten(tables, written);
  await warmOpened('households', stored);
  const opened = new Set(stored);
  tables.households = tables.households!.map((h) => (opened.has(h) ? counted('households', openStoredRow('households', h) as Stored) : h));
  const token = `${records ?? ''}/${me ?? ''}`;
  return { token, results: await count(asReportData({ tables, me }, token), pause) };
}

/** Results counted from the records at `token`, by a key the caller chooses (e.g. the period). */
export interface KeptResults<T> {
  token: DataToken;
  entries: Record<string, T>;
}

/** How many results are kept: the chosen period's and a few the person went through. */
const KEPT_MAX = 12;

/** The kept result for `key`, when it was counted from the records as they are now. */
export async function keptResult<T>(key: string, database: AppDB = db()): Promise<T | undefined> {
  return database.transaction('r', database.meta, async () => {
    const [kept, token] = await Promise.all([getMeta<KeptResults<T>>(META_KEYS.reportKept, database), readToken(database)]);
    return kept && kept.token === token ? kept.entries[key] : undefined;
  });
}

/**
 * Keeps `value` counted at `token`. Results of another token are dropped; nothing is kept when the
 * records changed since `token` (the write's token is already there).
 */
export async function keepResult<T>(token: DataToken, key: string, value: T, database: AppDB = db()): Promise<void> {
  await database.transaction('rw', database.meta, async () => {
    if ((await readToken(database)) !== token) return;
    await putResult(token, key, value, database);
  });
}

/** Inside a transaction on `meta` that has checked `token` is current. */
async function putResult<T>(token: DataToken, key: string, value: T, database: AppDB): Promise<void> {
  const kept = await getMeta<KeptResults<T>>(META_KEYS.reportKept, database);
  const entries = kept && kept.token === token ? { ...kept.entries } : {};
  delete entries[key];
  entries[key] = value;
  const keys = Object.keys(entries);
  for (const old of keys.slice(0, Math.max(0, keys.length - KEPT_MAX))) delete entries[old];
  await setMeta(META_KEYS.reportKept, { token, entries } satisfies KeptResults<T>, database);
}

export function cachedReportSettings(database: AppDB = db()): Promise<StoredReportSettings | undefined> {
  return getMeta<StoredReportSettings>(META_KEYS.reportSettings, database);
}

export function cacheReportSettings(settings: StoredReportSettings, database: AppDB = db()): Promise<void> {
  return setMeta(META_KEYS.reportSettings, settings, database);
}
