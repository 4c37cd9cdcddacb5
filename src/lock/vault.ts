/**
 * Where the app lock keeps its state: the wrapped data key and the count of wrong PINs in the
 * device's `meta` table (both belong to the team: leaving it removes them), and the unwrapped
 * data key in memory only, while the app is unlocked.
 */
import { db, type AppDB } from '../db/database';
import { deleteMeta, getMeta, setMeta } from '../db/meta';
import { META_KEYS } from '../db/metaKeys';
import { lockSeal, openSeal, resetSeal, sealMode } from '../db/seal';
import { sealStoredRows, warmLists } from '../db/sealStored';
import { createVault, openVault, rewrapVault, waitAfter, type StoredVault } from './pin';

export interface Failures {
  count: number;
  /** When the last wrong PIN was typed (ms since the epoch). */
  at: number;
}

let dataKey: CryptoKey | undefined;

/** The data key while unlocked. */
export function currentKey(): CryptoKey | undefined {
  return dataKey;
}

/** Locking forgets the key; the stored vault stays. */
export function forgetKey(): void {
  dataKey = undefined;
  lockSeal();
}

/** The PIN left with the team's data (a wipe): nothing is sealed until a new PIN is set. */
export function forgetVault(): void {
  dataKey = undefined;
  resetSeal();
}

/**
 * The key opens the sealed rows from now on (the cipher takes it raw), and the rows still in the
 * clear are sealed with it. The households are opened in the background (`warmLists`): the
 * screen after the lock does not wait for them.
 */
async function useKey(key: CryptoKey, database: AppDB): Promise<void> {
  dataKey = key;
  openSeal(new Uint8Array(await crypto.subtle.exportKey('raw', key)));
  await sealStoredRows(database);
  warmLists(database);
}

/**
 * The stored vault; reading it tells the sealing layer whether a PIN exists (the app reads it at
 * start, src/App.vue), so that a phone with a PIN writes nothing personal in the clear before it
 * is unlocked.
 */
export async function getVault(database: AppDB = db()): Promise<StoredVault | undefined> {
  const vault = await getMeta<StoredVault>(META_KEYS.lockVault, database);
  if (!vault) resetSeal();
  else if (sealMode() === 'clear') lockSeal();
  return vault;
}

/** Sets the first PIN: a new data key, wrapped by it. The app is unlocked afterwards. */
export async function setPin(pin: string, database: AppDB = db(), iterations?: number): Promise<void> {
  const { vault, key } = await createVault(pin, iterations);
  await setMeta(META_KEYS.lockVault, vault, database);
  await deleteMeta(META_KEYS.lockFailures, database);
  await deleteMeta(META_KEYS.sealedAt, database);
  await useKey(key, database);
}

export type UnlockResult = { ok: true } | { ok: false; waitUntil: number };

/** When the next try is allowed (ms since the epoch); 0 when now. */
export async function nextTryAt(database: AppDB = db()): Promise<number> {
  const f = await getMeta<Failures>(META_KEYS.lockFailures, database);
  if (!f) return 0;
  const wait = waitAfter(f.count);
  return wait ? f.at + wait : 0;
}

/**
 * Tries a PIN. A try during the wait is refused without deriving anything, so the wait cannot be
 * skipped by typing faster; the count of wrong PINs is stored before the answer is given.
 */
export async function unlock(pin: string, database: AppDB = db(), now = Date.now()): Promise<UnlockResult> {
  const waitUntil = await nextTryAt(database);
  if (waitUntil > now) return { ok: false, waitUntil };
  const vault = await getVault(database);
  if (!vault) return { ok: true };
  const key = await openVault(vault, pin);
  if (key) {
    await deleteMeta(META_KEYS.lockFailures, database);
    await useKey(key, database);
    return { ok: true };
  }
  const previous = await getMeta<Failures>(META_KEYS.lockFailures, database);
  const failures: Failures = { count: (previous?.count ?? 0) + 1, at: now };
  await setMeta(META_KEYS.lockFailures, failures, database);
  const wait = waitAfter(failures.count);
  return { ok: false, waitUntil: wait ? now + wait : 0 };
}

/** Changes the PIN: the same data key, wrapped by the new one. `false` when `oldPin` is wrong. */
export async function changePin(oldPin: string, newPin: string, database: AppDB = db(), iterations?: number): Promise<boolean> {
  const vault = await getVault(database);
  if (!vault) return false;
  const key = await openVault(vault, oldPin);
  if (!key) return false;
  await setMeta(META_KEYS.lockVault, await rewrapVault(key, newPin, iterations ?? vault.iterations), database);
  await useKey(key, database);
  return true;
}
