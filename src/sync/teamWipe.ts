import { Dexie, type Table } from 'dexie';
import { db, resetDbInstance, type AppDB } from '../db/database';
import { DB_NAMES, KEPT_ON_WIPE } from '../storageKeys';
import { META_KEYS, TEAM_META_KEYS } from '../db/metaKeys';
import { deleteMeta, getMeta, setMeta } from '../db/meta';
import type { DeviceMembership } from './membership';
import { forgetVault } from '../lock/vault';
import { entityTables } from '../db/tables';

/** What the app says after the team removed this phone, until the person joins again. */
export interface Removal {
  /** When the phone learnt it was removed (ISO). */
  at: string;
  /** The team it was removed from, when the phone knew it. */
  teamName?: string;
}

/**
 * Empties the team's tables and keys on this device, keeping the database: after the server's
 * answer that the team removed this device (`removed`), the reason is written in the same
 * transaction as the wipe, so the app can explain the empty screens even after a reload. A
 * sign-out or a forgotten PIN deletes everything instead (`wipeDevice` below).
 */
export async function wipeTeamData(database: AppDB = db(), options: { removed?: boolean } = {}): Promise<void> {
  const tables: Table[] = [...entityTables(database), database.outbox, database.drafts, database.users, database.dirtyHouseholds, database.meta];
  await database.transaction('rw', tables, async () => {
    const membership = await getMeta<DeviceMembership>(META_KEYS.membership, database);
    for (const t of tables) if (t !== database.meta) await t.clear();
    // The installation id and the sequence stay: the server remembers this device's numbers.
    await database.meta.bulkDelete([...TEAM_META_KEYS]);
    if (options.removed) {
      const removal: Removal = { at: new Date().toISOString(), ...(membership?.team ? { teamName: membership.team.name } : {}) };
      await setMeta(META_KEYS.removal, removal, database);
    } else {
      await deleteMeta(META_KEYS.removal, database);
    }
  });
  forgetVault();
}

export function getRemoval(database: AppDB = db()): Promise<Removal | undefined> {
  return getMeta<Removal>(META_KEYS.removal, database);
}

/** The person read the explanation, or joined a team again. */
export function clearRemoval(database: AppDB = db()): Promise<void> {
  return deleteMeta(META_KEYS.removal, database);
}

/** The parts of Cache Storage a wipe uses (the browser's `caches`; tests give their own). */
export interface CacheLike {
  keys(): Promise<readonly Request[]>;
  delete(request: Request): Promise<boolean>;
}
export interface CachesLike {
  keys(): Promise<string[]>;
  open(name: string): Promise<CacheLike>;
  delete(name: string): Promise<boolean>;
}
export type StorageLike = Pick<Storage, 'length' | 'key' | 'removeItem' | 'clear'>;

export interface DeviceStores {
  caches?: CachesLike;
  localStorage?: StorageLike;
  sessionStorage?: StorageLike;
}

function browserStores(): DeviceStores {
  const pick = <T>(get: () => T): T | undefined => {
    try {
      return get();
    } catch {
      // Private mode can refuse access to a store: there is nothing in it to wipe.
      return undefined;
    }
  };
  return {
    caches: pick(() => globalThis.caches),
    localStorage: pick(() => globalThis.localStorage),
    sessionStorage: pick(() => globalThis.sessionStorage),
  };
}

/**
 * The service worker's precache holds the app's own files and the guides shipped with it, the
 * same for every phone: it stays, so a wiped phone still opens offline. Any other cache, and any
 * answer of the API found in a kept one, goes (the API's answers are `no-store` and the worker
 * caches none today; this holds if that ever changes).
 */
async function clearDataCaches(store: CachesLike): Promise<void> {
  for (const name of await store.keys()) {
    if (!name.startsWith('workbox-precache')) {
      await store.delete(name);
      continue;
    }
    const cache = await store.open(name);
    for (const request of await cache.keys()) {
      if (new URL(request.url).pathname.startsWith('/api/')) await cache.delete(request);
    }
  }
}

function clearStorage(storage: StorageLike): void {
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key !== null && !KEPT_ON_WIPE.includes(key)) keys.push(key);
  }
  for (const key of keys) storage.removeItem(key);
}

/**
 * "Wipe this device" (a sign-out, or a forgotten PIN): every database the app made is deleted —
 * the team's records, the outbox, drafts, the roster, the lock's wrapped key, the token and the
 * installation's own numbers (a new join is a new device to the server) — with the caches that
 * could hold data, every stored key but the display choices, and the data key in memory. The
 * caller then reloads the app, so no screen or store keeps a copy.
 */
export async function wipeDevice(stores: DeviceStores = browserStores()): Promise<void> {
  forgetVault();
  resetDbInstance();
  await Promise.all(Object.values(DB_NAMES).map((name) => Dexie.delete(name)));
  if (stores.caches) await clearDataCaches(stores.caches);
  if (stores.localStorage) clearStorage(stores.localStorage);
  stores.sessionStorage?.clear();
}
