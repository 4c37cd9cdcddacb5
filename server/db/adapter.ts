/**
 * One small interface over PGlite (embedded) and PostgreSQL: the same SQL runs on both.
 * Transactions are serialized for PGlite, which has a single session. `openDatabase` runs PGlite
 * in a worker thread (pgliteWorker.ts); tests mostly use it in-thread (pglite.ts), which is faster
 * to start and gives the same results.
 */
import type { PostgresOptions } from './postgres';

export interface Queryable {
  /**
   * `prepare` names a statement PostgreSQL keeps parsed and planned on each connection (a hot
   * statement whose text never changes); PGlite ignores it.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], prepare?: string): Promise<T[]>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  kind: 'pglite' | 'postgres';
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * The same database, its work counted as `team`'s where every team's statements wait in one
   * line (PGlite: one session, shared fairly between teams, see fairQueue.ts). Work of no team
   * (authentication, before the team is known) shares a lane of its own. PostgreSQL has none:
   * each statement has a connection, and its team's pulls and pushes are bounded per team.
   */
  forTeam?(team: string): Database;
}

/** `db` with its work counted as `team`'s (`Database.forTeam`), or `db` itself. */
export function forTeam(db: Database, team: string): Database {
  return db.forTeam?.(team) ?? db;
}

export interface OpenOptions {
  /** PostgreSQL connection string; when set, PGlite is not used. */
  databaseUrl?: string;
  /** PGlite data directory; 'memory://' for an in-memory database (tests). */
  dataDir?: string;
  /** How the PostgreSQL pool is shared (size, connections kept for reads, waits). */
  postgres?: PostgresOptions;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) {
    const { openPostgres } = await import('./postgres');
    return openPostgres(options.databaseUrl, options.postgres);
  }
  // In its own thread, so that the database's work never stops the server's event loop.
  const { openPgliteWorker } = await import('./pgliteWorker');
  return openPgliteWorker(options.dataDir ?? './data');
}
