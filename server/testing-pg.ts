/**
 * For the suites that run on PostgreSQL only (TEST_DATABASE_URL): a fresh schema that several
 * servers can share, each over its own pool, as several server processes would, and a plain
 * session of its own (to hold a lock the way a slow push elsewhere would).
 */
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { openPostgres, type PostgresOptions } from './db/postgres';
import { migrate } from './db/migrate';
import type { ServerConfig } from './config';
import { testServerOn, type TestServer } from './testing';

export const PG_URL = process.env.TEST_DATABASE_URL;

export interface SharedSchema {
  name: string;
  /** A server over this schema with a pool of its own. */
  server(pool?: Omit<PostgresOptions, 'schema'>, overrides?: Partial<ServerConfig>): Promise<TestServer>;
  /** A single session on this schema. */
  session(): Promise<pg.Client>;
  /** Closes what it opened and drops the schema. */
  drop(): Promise<void>;
}

/** One statement on its own connection (creating or dropping a test schema). */
export async function adminQuery(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function sharedSchema(url: string): Promise<SharedSchema> {
  const name = `t_${randomUUID().replace(/-/g, '')}`;
  await adminQuery(url, `create schema ${name}`);
  const servers: TestServer[] = [];
  const sessions: pg.Client[] = [];
  let migrated = false;
  return {
    name,
    async server(pool = {}, overrides = {}) {
      const db = await openPostgres(url, { ...pool, schema: name });
      if (!migrated) await migrate(db);
      migrated = true;
      const s = await testServerOn(db, overrides);
      servers.push(s);
      return s;
    },
    async session() {
      const c = new pg.Client({ connectionString: url, options: `-c search_path=${name}` });
      await c.connect();
      sessions.push(c);
      return c;
    },
    async drop() {
      for (const c of sessions) await c.end().catch(() => undefined);
      for (const s of servers) await s.close();
      await adminQuery(url, `drop schema ${name} cascade`);
    },
  };
}
