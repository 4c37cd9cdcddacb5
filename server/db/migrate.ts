import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Database } from './adapter';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Several server processes may start together over one PostgreSQL: whatever creates or migrates
 * is done under one lock per schema, and a file another process applied meanwhile is skipped.
 */
const LOCK = `select pg_advisory_xact_lock(hashtext('cds migrate ' || current_schema()))`;

/** Applies the migration files not applied yet, in name (timestamp) order, each in a transaction. */
export async function migrate(db: Database): Promise<string[]> {
  await db.transaction(async (tx) => {
    await tx.query(LOCK);
    await tx.exec('create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())');
  });
  const done = new Set((await db.query<{ name: string }>('select name from schema_migrations')).map((r) => r.name));
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
  const applied: string[] = [];
  for (const file of files) {
    if (done.has(file)) continue;
    const sql = await readFile(join(MIGRATIONS_DIR, file), 'utf8');
    const ran = await db.transaction(async (tx) => {
      await tx.query(LOCK);
      if ((await tx.query('select 1 from schema_migrations where name = $1', [file])).length > 0) return false;
      await tx.exec(sql);
      await tx.query('insert into schema_migrations (name) values ($1)', [file]);
      return true;
    });
    if (ran) applied.push(file);
  }
  // The epoch changes when a database is restored from elsewhere; devices then re-pull.
  await db.query(`insert into server_meta (key, value) values ('epoch', $1) on conflict (key) do nothing`, [randomUUID()]);
  return applied;
}
