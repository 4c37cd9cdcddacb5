/**
 * The household list's first page by name, kept as one sealed blob in `meta`, so that after
 * unlocking the first rows need one decryption instead of opening all 10,000 households (their
 * names are sealed, so no index orders them). It is kept with the change token
 * (db/changeToken.ts) read in the same transaction as the list it was cut from: every write to
 * the households changes that token in its own transaction, so a page whose token is not the
 * current one is never shown, and an edited or deleted household cannot appear stale.
 */
import type { AppDB } from './database';
import { db } from './database';
import type { HouseholdRow } from './rows';
import { META_KEYS } from './metaKeys';
import { openValue, sealMode, sealValue } from './seal';
import { allHouseholds, byNameKey } from './households';

/** As many rows as the list's first paint shows. */
export const LIST_HEAD_ROWS = 30;

interface StoredHead {
  token: string;
  sealed: Uint8Array;
}

/** The living households and the change token, read in one transaction (a snapshot of both). */
export function householdsWithToken(database: AppDB = db()): Promise<{ rows: HouseholdRow[]; token: string | undefined }> {
  return database.transaction('r', database.households, database.meta, async () => {
    const token = (await database.meta.get(META_KEYS.reportDataToken))?.value as string | undefined;
    const rows = await allHouseholds(database);
    return { rows, token };
  });
}

/**
 * The first `LIST_HEAD_ROWS` households by name as they were when the token was current, or
 * `undefined` when none is kept, the households changed since, or the app is not unlocked.
 */
export async function readListHead(database: AppDB = db()): Promise<HouseholdRow[] | undefined> {
  if (sealMode() !== 'open') return undefined;
  const [token, head] = await database.transaction('r', database.meta, () =>
    Promise.all([database.meta.get(META_KEYS.reportDataToken), database.meta.get(META_KEYS.listHead)]),
  );
  const kept = head?.value as StoredHead | undefined;
  if (!kept || typeof token?.value !== 'string' || kept.token !== token.value || !(kept.sealed instanceof Uint8Array)) return undefined;
  const rows = openValue(META_KEYS.listHead, kept.sealed);
  return Array.isArray(rows) ? (rows as HouseholdRow[]) : undefined;
}

/**
 * Keeps the first page of `rows` (the whole list, read with `token`). Only while unlocked: the
 * page is sealed, never written in the clear.
 */
export async function keepListHead(rows: readonly HouseholdRow[], token: string | undefined, database: AppDB = db()): Promise<void> {
  if (!token) return;
  const sealed = sealValue(META_KEYS.listHead, [...rows].sort(byNameKey).slice(0, LIST_HEAD_ROWS));
  if (!sealed) return;
  const value: StoredHead = { token, sealed };
  await database.meta.put({ key: META_KEYS.listHead, value });
}
