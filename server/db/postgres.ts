import pg from 'pg';
import type { Database, Queryable } from './adapter';
import { BusyError } from '../errors';
import { FairSlots } from '../fairShare';

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

/** The queue of work done for no team in particular (the epoch, migrations, admin tools). */
const SERVER_WORK = 'server';

const busy = (): BusyError => new BusyError('SERVER_BUSY', 'the server is busy; try again in a moment');

/**
 * A text without parameters may hold several statements (one round trip); their rows come back
 * one statement after the other.
 */
function rowsOf<T>(result: pg.QueryResult | pg.QueryResult[]): T[] {
  return (Array.isArray(result) ? result.flatMap((r) => r.rows) : result.rows) as T[];
}

/** The database's methods take the team whose work they do (SERVER_WORK when none). */
interface TeamDatabase extends Database {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], prepare?: string, team?: string): Promise<T[]>;
  exec(sql: string, team?: string): Promise<void>;
  transaction<T>(fn: (tx: Queryable) => Promise<T>, team?: string): Promise<T>;
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
  // The pool's own queue is first come, first served: thirty requests of one busy team waiting
  // there made every other team's requests wait behind them. Connections are handed out here
  // instead, fairly between teams, and the pool is never asked for more than it has.
  const connections = new FairSlots({ limit: poolSize, maxWaitMs: acquireTimeoutMs, refusal: busy });
  const writers = new FairSlots({ limit: Math.max(1, poolSize - readReserve), maxWaitMs: acquireTimeoutMs, refusal: busy });

  /** `transaction`: the caller holds a writer's place, which other teams' writers wait for. */
  const connect = async (team: string, transaction: boolean): Promise<{ client: pg.PoolClient; done: () => void }> => {
    const free = await connections.acquire(team, transaction);
    try {
      const client = await pool.connect();
      return {
        client,
        done: () => {
          client.release();
          free();
        },
      };
    } catch (e) {
      free();
      // pg-pool's timeout (a new connection not established in time) is load, answered 503;
      // anything else (the database refuses us) stays an error.
      if (e instanceof Error && /timeout/i.test(e.message)) throw busy();
      throw e;
    }
  };
  const withClient = async <T>(team: string, fn: (client: pg.PoolClient) => Promise<T>, transaction = false): Promise<T> => {
    const { client, done } = await connect(team, transaction);
    try {
      return await fn(client);
    } finally {
      done();
    }
  };

  await withClient(SERVER_WORK, (c) => c.query('select 1'));
  // A team's view goes through the database's own methods, so that whatever wraps them (a test's
  // spy) sees every team's queries too.
  const views = new Map<string, Database>();
  const forTeam = (team: string): Database => {
    let view = views.get(team);
    if (!view) {
      view = {
        kind: 'postgres',
        query: (sql, params, prepare) => db.query(sql, params, prepare, team),
        exec: (sql) => db.exec(sql, team),
        transaction: (fn) => db.transaction(fn, team),
        close: () => db.close(),
        forTeam,
      };
      // Views are small and stateless; the bound only keeps a server that meets many teams from growing.
      if (views.size >= 1_000) views.clear();
      views.set(team, view);
    }
    return view;
  };
  const db: TeamDatabase = {
    kind: 'postgres',
    query: (sql, params, prepare, team = SERVER_WORK) =>
      withClient(team, async (c) => (await (prepare ? c.query({ name: prepare, text: sql, values: params }) : c.query(sql, params as unknown[]))).rows),
    exec: (sql, team = SERVER_WORK) => withClient(team, async (c) => void (await c.query(sql))),
    transaction: (fn, team = SERVER_WORK) =>
      writers.run(team, () =>
        withClient(team, async (client) => {
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
        }, true),
      ),
    close: () => pool.end(),
    forTeam,
  };
  return db;
}
