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

/**
 * Opens the households and their members right after unlocking, so the list's first rows (sorted
 * by the sealed name, so every household is needed) and its search by member name come without
 * a decryption each. The rows are read as stored, through a connection without the sealing layer.
 */
export async function warmLists(database: AppDB): Promise<void> {
  if (sealMode() !== 'open') return;
  const raw = new Dexie(database.name);
  await raw.open();
  const households = await raw.table('households').toArray();
  await warmOpened('households', households);
  // The members only matter once someone searches: opened after the list is on screen. Warming is
  // only a head start; a row it did not open is opened when read.
  void raw
    .table('members')
    .toArray()
    .then((members) => warmOpened('members', members))
    .catch(() => undefined)
    .finally(() => raw.close());
}
