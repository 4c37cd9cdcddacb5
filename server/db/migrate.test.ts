// @vitest-environment node
/**
 * Several server processes start together over one PostgreSQL (a deploy, an upgrade): each runs
 * the migrations at start, one applies them and the others find nothing left to do.
 * Runs only with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from './postgres';
import { migrate } from './migrate';
import type { Database } from './adapter';
import { PG_URL, sharedSchema, type SharedSchema } from '../testing-pg';
import { SETUP_TIMEOUT } from '../test-fixtures';

let schema: SharedSchema;
const dbs: Database[] = [];

beforeAll(async () => {
  if (PG_URL) schema = await sharedSchema(PG_URL);
}, SETUP_TIMEOUT);
afterAll(async () => {
  for (const db of dbs) await db.close();
  await schema?.drop();
}, SETUP_TIMEOUT);

describe.skipIf(!PG_URL)('migrations started by several processes at once', () => {
  it('one process applies each file once; the others succeed with nothing to do', async () => {
    for (let i = 0; i < 3; i++) dbs.push(await openPostgres(PG_URL!, { schema: schema.name, poolSize: 2 }));
    const results = await Promise.all(dbs.map((db) => migrate(db)));
    const applied = results.flat();
    const rows = await dbs[0]!.query<{ name: string }>('select name from schema_migrations order by name');
    expect(applied.sort()).toEqual(rows.map((r) => r.name));
    expect(rows.length).toBeGreaterThan(0);
    const epochs = await dbs[0]!.query(`select value from server_meta where key = 'epoch'`);
    expect(epochs).toHaveLength(1);
  }, 120_000);
});
