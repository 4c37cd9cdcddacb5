/**
 * Where the device's sync stands, kept in `meta`: the pull cursor, the last successful sync, a
 * re-pull asked for by a discarded edit, and a re-pull after a server restore in progress.
 */
import { db, type AppDB } from '../db/database';
import { deleteMeta, getMeta, setMeta } from '../db/meta';
import { META_KEYS } from '../db/metaKeys';
import { uuidv7 } from '../domain/ids';

export function getCursor(database: AppDB = db()): Promise<string | undefined> {
  return getMeta<string>(META_KEYS.pullCursor, database);
}

export async function clearCursor(database: AppDB = db()): Promise<void> {
  await setMeta(META_KEYS.pullCursor, undefined, database);
}

export function getLastSync(database: AppDB = db()): Promise<string | undefined> {
  return getMeta<string>(META_KEYS.lastSyncAt, database);
}

export function setLastSync(at: string, database: AppDB = db()): Promise<void> {
  return setMeta(META_KEYS.lastSyncAt, at, database);
}

/** Asks the next sync to pull the team's data from the beginning. */
export async function requestRepull(database: AppDB = db()): Promise<void> {
  await setMeta(META_KEYS.repullNeeded, true, database);
}

/** True once after `requestRepull`. */
export async function takeRepullFlag(database: AppDB = db()): Promise<boolean> {
  const flag = (await getMeta<boolean>(META_KEYS.repullNeeded, database)) === true;
  if (flag) await deleteMeta(META_KEYS.repullNeeded, database);
  return flag;
}

/** The re-pull after a server restore in progress, if any (it survives an interrupted sync). */
export function getResetMarker(database: AppDB = db()): Promise<string | undefined> {
  return getMeta<string>(META_KEYS.resetMarker, database);
}

/** Begins a re-pull from the beginning; rows it writes are stamped with the marker returned. */
export async function startReset(database: AppDB = db()): Promise<string> {
  const marker = uuidv7();
  await database.transaction('rw', database.meta, async () => {
    await setMeta(META_KEYS.resetMarker, marker, database);
    await setMeta(META_KEYS.pullCursor, undefined, database);
  });
  return marker;
}

export async function finishReset(database: AppDB = db()): Promise<void> {
  await deleteMeta(META_KEYS.resetMarker, database);
}

/** How far a pull is, for the progress bar: records received, of how many, and the time left. */
export interface PullProgress {
  received: number;
  /** Known when the pull started from the beginning (the server counts the team's records then). */
  total?: number;
  /** Estimated from the pace so far; known with `total`, once a page has arrived. */
  etaMs?: number;
}

export function pullProgress(received: number, total: number | undefined, elapsedMs: number): PullProgress {
  if (total === undefined) return { received };
  // Records written meanwhile by others can make the count grow past the announced total.
  const all = Math.max(total, received);
  if (received === 0) return { received, total: all };
  return { received, total: all, etaMs: Math.round((elapsedMs / received) * (all - received)) };
}
