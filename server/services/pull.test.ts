// @vitest-environment node
/**
 * The page query's plan on PGlite, which keeps no statistics (no autovacuum): without help its
 * planner scans every record after the cursor for each page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { openPglite } from '../db/pglite';
import { migrate } from '../db/migrate';
import type { Database } from '../db/adapter';
import { inIndexOrder, PAGE_BYTES, PAGE_SQL } from './pull';
import { SETUP_TIMEOUT } from '../test-fixtures';

let db: Database;
const team = randomUUID();
beforeAll(async () => {
  db = await openPglite('memory://');
  await migrate(db);
  await db.query(
    `insert into records (team_id, id, entity, version, data, server_seq)
     select $1, gen_random_uuid(), 'household', 1, jsonb_build_object('headName', 'Hộ ' || g), g from generate_series(1, 20000) g`,
    [team],
  );
}, SETUP_TIMEOUT);
afterAll(async () => {
  await db?.close();
});

const plan = async (q: Pick<Database, 'query'>) =>
  (await q.query<{ 'QUERY PLAN': string }>(`explain ${PAGE_SQL}`, [team, 100, 501, PAGE_BYTES])).map((r) => r['QUERY PLAN']).join('\n');

describe('the pull page query on PGlite', () => {
  it('reads the (team_id, server_seq) index in order up to the limit, not every record after the cursor', async () => {
    // What the planner does on its own, without statistics.
    expect(await plan(db)).toContain('Bitmap Heap Scan');
    const chosen = await inIndexOrder(db, plan);
    expect(chosen).toContain('Index Scan using records_team_seq');
    expect(chosen).not.toContain('Bitmap');
    expect(chosen).not.toMatch(/Sort Key: records\.server_seq/);
  });

  it('the setting stays with that query', async () => {
    await inIndexOrder(db, plan);
    expect(await plan(db)).toContain('Bitmap Heap Scan');
  });
});
