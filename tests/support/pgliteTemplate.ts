/**
 * Vitest global setup: a migrated PGlite cluster, dumped to a file that every test server then
 * starts from (server/testing.ts). A new cluster costs seconds of initdb, many more on a busy
 * 2-core machine, and each test file starts at least one server. The dump is kept in
 * node_modules/.cache and made again when the migrations or PGlite change.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pgliteDatabase } from '../../server/db/pglite';
import { migrate } from '../../server/db/migrate';
import { PGLITE_TEMPLATE_ENV } from '../../server/testing';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MIGRATIONS = join(ROOT, 'server/db/migrations');
const CACHE = join(ROOT, 'node_modules/.cache/cds-pglite');

function templateKey(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json')));
  for (const file of readdirSync(MIGRATIONS).sort()) hash.update(file).update(readFileSync(join(MIGRATIONS, file)));
  return hash.digest('hex').slice(0, 16);
}

async function makeTemplate(file: string): Promise<void> {
  const pg = await PGlite.create();
  const db = pgliteDatabase(pg);
  await migrate(db);
  // Each server gets its own epoch when it migrates, as a real new database would.
  await db.query(`delete from server_meta where key = 'epoch'`);
  const dump = await pg.dumpDataDir('none');
  await db.close();
  mkdirSync(CACHE, { recursive: true });
  // Written aside and renamed, so that a run beside this one never reads half a file.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, new Uint8Array(await dump.arrayBuffer()));
  renameSync(partial, file);
}

export default async function setup(): Promise<void> {
  // On PostgreSQL every test server gets a fresh schema instead.
  if (process.env.TEST_DATABASE_URL) return;
  const file = join(CACHE, `${templateKey()}.tar`);
  if (!existsSync(file)) await makeTemplate(file);
  // Test workers start after the global setup and inherit the environment.
  process.env[PGLITE_TEMPLATE_ENV] = file;
}
