/** What the report indicators read on the device, and the last copy of the commune's report settings. */
import { db, type AppDB } from './database';
import { currentUserId, getMeta, setMeta } from './meta';
import { META_KEYS } from './metaKeys';
import type { ReportChecklistStep, ReportData, ReportHousehold, ReportMember, ReportSession, ReportVisit } from '../domain/indicators';
import { COUNTED_TABLES } from './changeToken';
import { openStoredRow, warmOpened } from './seal';
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

/**
 * The counted tables and the token, as stored, in one IndexedDB read transaction (so the figures
 * are of one moment): below Dexie and the seal layer, because counting reads no sealed field but
 * a household's consent, and the seal layer would open every member's and visit's blob too.
 */
async function readStored(database: AppDB): Promise<{ tables: Record<string, Stored[]>; token: DataToken; me: string | undefined }> {
  if (!database.isOpen()) await database.open();
  const tx = database.backendDB().transaction([...COUNTED_TABLES, 'meta'], 'readonly');
  const request = <T>(r: IDBRequest): Promise<T> =>
    new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result as T);
      r.onerror = () => reject(r.error ?? new Error('IndexedDB read failed'));
    });
  const meta = tx.objectStore('meta');
  const [lists, records, me] = await Promise.all([
    Promise.all([...COUNTED_TABLES].map((name) => request<Stored[]>(tx.objectStore(name).getAll()))),
    request<{ value?: string } | undefined>(meta.get(META_KEYS.reportDataToken)),
    request<{ value?: string } | undefined>(meta.get(META_KEYS.currentUserId)),
  ]);
  const tables = Object.fromEntries([...COUNTED_TABLES].map((name, i) => [name, lists[i]!]));
  return { tables, token: `${records?.value ?? ''}/${me?.value ?? ''}`, me: me?.value };
}

/**
 * Every synced record the indicators read, with the change token of that moment. Records made on
 * this phone and not yet sent have no `createdBy` yet: they are this phone's user's, as the server
 * will record them.
 */
export async function loadReportData(database: AppDB = db()): Promise<ReportData & { token: DataToken }> {
  const { tables, token, me } = await readStored(database);
  // Each household's sealed consent: opened off the page's thread, many at once, then from the cache.
  await warmOpened('households', tables.households!);
  const households = tables.households!.map((h) => openStoredRow('households', h)) as unknown as ReportHousehold[];
  const visits = tables.visits as unknown as ReportVisit[];
  const sessions = tables.sessions as unknown as ReportSession[];
  if (me) {
    for (const v of visits) v.createdBy ??= me;
    for (const s of sessions) s.createdBy ??= me;
  }
  return {
    households,
    members: tables.members as unknown as ReportMember[],
    visits,
    sessions,
    checklistSteps: tables.checklistSteps as unknown as ReportChecklistStep[],
    token,
  };
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
    const kept = await getMeta<KeptResults<T>>(META_KEYS.reportKept, database);
    const entries = kept && kept.token === token ? { ...kept.entries } : {};
    delete entries[key];
    entries[key] = value;
    const keys = Object.keys(entries);
    for (const old of keys.slice(0, Math.max(0, keys.length - KEPT_MAX))) delete entries[old];
    await setMeta(META_KEYS.reportKept, { token, entries } satisfies KeptResults<T>, database);
  });
}

export function cachedReportSettings(database: AppDB = db()): Promise<StoredReportSettings | undefined> {
  return getMeta<StoredReportSettings>(META_KEYS.reportSettings, database);
}

export function cacheReportSettings(settings: StoredReportSettings, database: AppDB = db()): Promise<void> {
  return setMeta(META_KEYS.reportSettings, settings, database);
}
