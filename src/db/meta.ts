/** Device-level facts kept in the `meta` table: installation id, mutation sequence, current user. */
import { db, type AppDB } from './database';
import { uuidv7 } from '../domain/ids';
import { META_KEYS, type MetaKey } from './metaKeys';

export async function getMeta<T>(key: MetaKey, database: AppDB = db()): Promise<T | undefined> {
  return (await database.meta.get(key))?.value as T | undefined;
}

export async function setMeta(key: MetaKey, value: unknown, database: AppDB = db()): Promise<void> {
  await database.meta.put({ key, value });
}

export async function deleteMeta(key: MetaKey, database: AppDB = db()): Promise<void> {
  await database.meta.delete(key);
}

/** The UUID this installation sends as `deviceId`; created once. */
export async function deviceId(database: AppDB = db()): Promise<string> {
  return database.transaction('rw', database.meta, async () => {
    const existing = await getMeta<string>(META_KEYS.deviceId, database);
    if (existing) return existing;
    const id = uuidv7();
    await setMeta(META_KEYS.deviceId, id, database);
    return id;
  });
}

/** Next per-device sequence number. Must be called inside a transaction that includes `meta`. */
export async function nextSeq(database: AppDB): Promise<number> {
  const current = (await getMeta<number>(META_KEYS.seq, database)) ?? 0;
  const next = current + 1;
  await setMeta(META_KEYS.seq, next, database);
  return next;
}

export async function currentUserId(database: AppDB = db()): Promise<string | undefined> {
  return getMeta<string>(META_KEYS.currentUserId, database);
}

export async function setCurrentUserId(id: string, database: AppDB = db()): Promise<void> {
  await setMeta(META_KEYS.currentUserId, id, database);
}
