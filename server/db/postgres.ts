import pg from 'pg';
import type { Database, Queryable } from './adapter';
import { BusyError } from '../errors';
import { Slots } from '../slots';

// bigint columns (server_seq) come back as numbers; they stay below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

/** How one process shares its connections (the server's settings, `DATABASE_*` in the README). */
export interface PostgresOptions {
  /** `search_path` for every connection (tests get a fresh schema each). */
  schema?: string;
  /** Connections this process opens at most. */
  poolSize?: number;
  /**
   * Connections transactions never take, so that reads (pull, team, reports, the token check)
   * still find one while every writer waits on its team's lock.
   */
  readReserve?: number;
  /** How long a request waits for a connection (or a writer's turn) before a 503. */
  acquireTimeoutMs?: number;
}

const DEFAULTS = { poolSize: 10, readReserve: 3, acquireTimeoutMs: 5_000 };

const busy = (): BusyError => new BusyError('SERVER_BUSY', 'the server is busy; try again in a moment');

/**
 * A text without parameters may hold several statements (one round trip); their rows come back
 * one statement after the other.
 */
function rowsOf<T>(result: pg.QueryResult | pg.QueryResult[]): T[] {
  return (Array.isArray(result) ? result.flatMap((r) => r.rows) : result.rows) as T[];
}

/** `schema` may be given alone, as the tests and benchmarks do. */
export async function openPostgres(connectionString: string, options: PostgresOptions | string = {}): Promise<Database> {
  const { schema, poolSize, readReserve, acquireTimeoutMs } = { ...DEFAULTS, ...(typeof options === 'string' ? { schema: options } : options) };
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    connectionTimeoutMillis: acquireTimeoutMs,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // A connection that breaks while idle (the database restarted) is dropped by the pool; without a
  // listener its error would end the process.
  pool.on('error', () => undefined);
  const writers = new Slots({ limit: Math.max(1, poolSize - readReserve), maxWaitMs: acquireTimeoutMs, refusal: busy });

  const connect = async (): Promise<pg.PoolClient> => {
    try {
      return await pool.connect();
    } catch (e) {
      // pg-pool's two timeouts (no idle connection in time, a new one not established in time) are
      // load, answered 503; anything else (the database refuses us) stays an error.
      if (e instanceof Error && /timeout/i.test(e.message)) throw busy();
      throw e;
    }
  };
  const withClient = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  };

  await withClient((c) => c.query('select 1'));
  return {
    kind: 'postgres',
    query: (sql, params, prepare) =>
      withClient(async (c) => (await (prepare ? c.query({ name: prepare, text: sql, values: params }) : c.query(sql, params as unknown[]))).rows),
    exec: (sql) => withClient(async (c) => void (await c.query(sql))),
    transaction: (fn) =>
      writers.run(() =>
        withClient(async (client) => {
          // `begin` rides with the transaction's first text when that has no parameters (a push's
          // counter lock is one): one round trip less per transaction.
          // Queries sent at once (Promise.all) all wait for the one `begin`.
          let begun: Promise<unknown> | undefined;
          const begin = (): Promise<unknown> => (begun ??= client.query('begin'));
          try {
            const q: Queryable = {
              query: async <T>(sql: string, params?: unknown[], prepare?: string) => {
                if (!begun && !prepare && (params === undefined || params.length === 0)) {
                  const first = client.query(`begin;\n${sql}`);
                  begun = first;
                  return rowsOf<T>(await first);
                }
                await begin();
                return rowsOf<T>(await (prepare ? client.query({ name: prepare, text: sql, values: params }) : client.query(sql, params as unknown[])));
              },
              exec: async (sql) => {
                await begin();
                await client.query(sql);
              },
            };
            const result = await fn(q);
            await begin();
            await client.query('commit');
            return result;
          } catch (e) {
            await client.query('rollback').catch(() => undefined);
            throw e;
          }
        }),
      ),
    close: () => pool.end(),
  };
}
