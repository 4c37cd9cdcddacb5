import pg from 'pg';
import type { Database, Queryable } from './adapter';

// bigint columns (server_seq) come back as numbers; they stay below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

/** `schema` puts every table in that schema (tests get a fresh one each). */
export async function openPostgres(connectionString: string, schema?: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max: 10, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  await pool.query('select 1');
  return {
    kind: 'postgres',
    query: async (sql, params) => (await pool.query(sql, params as unknown[])).rows,
    exec: async (sql) => void (await pool.query(sql)),
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const q: Queryable = {
          query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
          exec: async (sql) => void (await client.query(sql)),
        };
        const result = await fn(q);
        await client.query('commit');
        return result;
      } catch (e) {
        await client.query('rollback').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
