/**
 * Rows written before the PIN was set (a phone that held the team's data before the app lock, or
 * a first sync before the PIN) are sealed once the key is known. Each table is read and written
 * back in one transaction, so no change made meanwhile is overwritten; nothing else changes, so
 * every outbox entry stays as it was, waiting to be sent.
 */
import { Dexie } from 'dexie';
import type { AppDB } from './database';
import { getMeta, setMeta } from './meta';
import { META_KEYS } from './metaKeys';
import { isStoredClear, SEALED, sealMode, warmOpened } from './seal';
import { nowIso } from './write';

/** Seals what is still in the clear; returns how many rows it sealed. Done once per data key. */
export async function sealStoredRows(database: AppDB): Promise<number> {
  if (sealMode() !== 'open' || (await getMeta(META_KEYS.sealedAt, database))) return 0;
  let sealed = 0;
  for (const name of Object.keys(SEALED)) {
    const table = database.table(name);
    await database.transaction('rw', table, async () => {
      const clear = (await table.toArray()).filter((row: object) => isStoredClear(row));
      if (clear.length) await table.bulkPut(clear);
      sealed += clear.length;
    });
  }
  await setMeta(META_KEYS.sealedAt, nowIso(), database);
  return sealed;
}

/** The rows of `table` as stored (blobs unopened), through a connection without the sealing layer. */
async function readStored(name: string, table: string): Promise<Record<string, unknown>[]> {
  const raw = new Dexie(name);
  try {
    await raw.open();
    return await raw.table(table).toArray();
  } finally {
    raw.close();
  }
}

/**
 * Reads the households as stored, still sealed (reading sealed rows reveals nothing). Not while
 * the PIN's key is derived: a read of every household then held the list's first-page read back
 * in the browser's queue of database work.
 */
export function readStoredHouseholds(database: AppDB): Promise<Record<string, unknown>[]> {
  return readStored(database.name, 'households');
}

/** The screen after the lock paints first: only then are the households opened, if no list asked sooner. */
const WARM_AFTER_MS = 1000;

let warming: Promise<void> = Promise.resolve();
let startWarming: (() => Promise<void>) | undefined;
let holds: Promise<unknown>[] = [];

/**
 * Work for the screen in front of the person (the dashboard's count, tens of thousands of records)
 * goes before the warming: the moment's wait is extended until `work` settles. Only the warming
 * that waits still; a list that asks for its households (`listsWarmed`) starts it at once.
 */
export function holdWarming(work: Promise<unknown>): void {
  if (startWarming) holds.push(work.catch(() => undefined));
}

/** Settles once every hold settled, holds added meanwhile included. */
async function holdsSettled(): Promise<void> {
  while (holds.length) {
    const now = holds;
    holds = [];
    await Promise.all(now);
  }
}

/**
 * Opens the households and their members after unlocking, so the whole list (sorted by the sealed
 * name, so every household is needed) and its search by member name come without a decryption
 * each. Not awaited by the unlock, and started only when the list asks (`listsWarmed`) or a moment
 * later: tens of thousands of decryptions answering on the page's thread would hold back the
 * screen after the lock, whose first rows have their own sealed copy (db/listHead.ts). Warming
 * is only a head start; a row it did not open is opened when read.
 */
export function warmLists(database: AppDB, readHouseholds: () => Promise<Record<string, unknown>[]> = () => readStoredHouseholds(database)): void {
  startWarming = undefined;
  warming = Promise.resolve();
  holds = [];
  if (sealMode() !== 'open') return;
  let started: Promise<void> | undefined;
  const start = (): Promise<void> => {
    if (started) return started;
    if (startWarming === start) startWarming = undefined;
    // Read only now: a read of every household while the list's first page is read would hold
    // that small read back in the browser's queue of database work.
    const households = readHouseholds().then((rows) => warmOpened('households', rows)).catch(() => undefined);
    // The members only matter once someone searches: opened after the households.
    void households.then(() => readStored(database.name, 'members').then((members) => warmOpened('members', members))).catch(() => undefined);
    started = households;
    warming = households;
    return households;
  };
  startWarming = start;
  setTimeout(() => void holdsSettled().then(() => (startWarming === start ? start() : undefined)), WARM_AFTER_MS);
}

/**
 * Settles when the households opened since the last unlock are in the cache (never rejects),
 * starting their opening if it waits still.
 */
export function listsWarmed(): Promise<void> {
  return startWarming ? startWarming() : warming;
}
