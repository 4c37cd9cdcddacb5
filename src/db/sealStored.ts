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
 * Reads the households as stored, still sealed: started while the PIN's key is being derived
 * (which runs off the page's thread), so that reading them costs the unlock nothing. Reading
 * sealed rows reveals nothing, and without the key they stay unopened.
 */
export function readStoredHouseholds(database: AppDB): Promise<Record<string, unknown>[]> {
  return readStored(database.name, 'households');
}

let warming: Promise<void> = Promise.resolve();

/**
 * Opens the households and their members right after unlocking, so the whole list (sorted by the
 * sealed name, so every household is needed) and its search by member name come without a
 * decryption each. Not awaited by the unlock: the list's first page has its own sealed copy
 * (db/listHead.ts), and the full list waits for this (`listsWarmed`). Warming is only a head
 * start; a row it did not open is opened when read.
 */
export function warmLists(database: AppDB, storedHouseholds: Promise<Record<string, unknown>[]> = readStoredHouseholds(database)): Promise<void> {
  if (sealMode() !== 'open') return (warming = Promise.resolve());
  const households = storedHouseholds.then((rows) => warmOpened('households', rows)).catch(() => undefined);
  // The members only matter once someone searches: opened after the households.
  void households.then(() => readStored(database.name, 'members').then((members) => warmOpened('members', members))).catch(() => undefined);
  warming = households;
  return households;
}

/** Settles when the households opened since the last unlock are in the cache (never rejects). */
export function listsWarmed(): Promise<void> {
  return warming;
}
