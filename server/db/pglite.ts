import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, Queryable } from './adapter';
import { FairQueue } from './fairQueue';

/**
 * The data folder holds personal data: only the server's user may enter it (0700) or read its
 * files (0600). PGlite writes its files world-readable, so they are tightened when the database
 * opens and closes; the entry points also set a umask of 077, so files made in between are
 * private from the start.
 */
export function restrictDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) {
        chmodSync(full, 0o700);
        walk(full);
      } else if (entry.isFile()) {
        chmodSync(full, 0o600);
      }
    }
  };
  walk(dir);
}

/**
 * Embedded PostgreSQL (WASM). One session: every statement and transaction waits for the one
 * before, the next chosen fairly between teams (`Database.forTeam`).
 * `loadDataDir` starts from a dump (`dumpDataDir`) instead of a new cluster: tests start from a
 * migrated one, which skips initdb, the slow part of a start.
 */
export async function openPglite(
  dataDir: string,
  options: Pick<PGliteOptions, 'loadDataDir'> & Pick<PgliteAdapterOptions, 'beforeNext'> = {},
): Promise<Database> {
  const onDisk = dataDir !== 'memory://';
  if (onDisk) restrictDataDir(dataDir);
  const { beforeNext, ...pgliteOptions } = options;
  const pg = await PGlite.create(onDisk ? dataDir : undefined, pgliteOptions);
  if (onDisk) restrictDataDir(dataDir);
  return pgliteDatabase(pg, { dataDir: onDisk ? dataDir : undefined, beforeNext });
}

/** The lane of work done for no team (`Database.forTeam`). */
export const NO_TEAM_LANE = '';

export interface PgliteAdapterOptions {
  /** When on disk, the data folder, tightened again on close. */
  dataDir?: string;
  /** Called before each next statement or transaction is chosen (FairQueueOptions.beforeNext). */
  beforeNext?: () => void;
}

/**
 * The adapter over an open PGlite. Its one session runs one statement or transaction at a time,
 * chosen fairly between teams (`forTeam`, fairQueue.ts).
 */
export function pgliteDatabase(pg: PGlite, { dataDir, beforeNext }: PgliteAdapterOptions = {}): Database {
  const line = new FairQueue({ beforeNext, first: NO_TEAM_LANE });
  let closed: Promise<void> | undefined;
  const query = async <T>(sql: string, params?: unknown[]): Promise<T[]> => (await pg.query<T>(sql, params)).rows;
  const inLane = (lane: string): Database => ({
    kind: 'pglite',
    query: (sql, params) => line.run(lane, () => query(sql, params)),
    exec: (sql) => line.run(lane, async () => void (await pg.exec(sql))),
    transaction: (fn) =>
      line.run(lane, () =>
        pg.transaction(async (tx) => {
          const q: Queryable = {
            query: async <T>(sql: string, params?: unknown[]) => (await tx.query<T>(sql, params)).rows,
            exec: async (sql: string) => void (await tx.exec(sql)),
          };
          return fn(q);
        }),
      ),
    // After everything already waiting, whichever lane it is in.
    close: () =>
      (closed ??= (async () => {
        await line.settled();
        await pg.close();
        if (dataDir) restrictDataDir(dataDir);
      })()),
    forTeam: (team) => inLane(team),
  });
  return inLane(NO_TEAM_LANE);
}
