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
import { changeText, inIndexOrder, PAGE_BYTES, PAGE_SQL, type PageRow } from './pull';
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

describe('a change written into the answer', () => {
  const row = (over: Partial<PageRow>): PageRow => ({
    epoch: 'e',
    entity: 'household',
    id: '7d1f0c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f',
    version: 3,
    deleted: false,
    data: null,
    server_seq: 9,
    created_by: '11111111-2222-4333-8444-555555555555',
    updated_by: null,
    updated_at: new Date('2026-12-07T08:00:00.123Z'),
    fetched: 1,
    ...over,
  });
  const server = { teamId: 'team "một"', createdBy: '11111111-2222-4333-8444-555555555555', updatedBy: null, updatedAt: '2026-12-07T08:00:00.123Z' };
  const read = (r: PageRow) => JSON.parse(changeText(r, JSON.stringify('team "một"'))) as Record<string, unknown>;

  it('keeps the text the database wrote and adds the server fields before its closing brace', () => {
    const data = '{"headName": "Nguyễn Văn \\"Ba\\"", "tags": ["a}", "{b"], "n": {"x": 1}}';
    const text = changeText(row({ data }), JSON.stringify('team "một"'));
    expect(text).toContain(data.slice(0, -1));
    expect(JSON.parse(text)).toEqual({ entity: 'household', id: row({}).id, version: 3, deleted: false, data: { ...JSON.parse(data), ...server } });
  });

  it('an empty or missing record is the server fields alone; a tombstone is null', () => {
    expect(read(row({ data: '{}' })).data).toEqual(server);
    expect(read(row({ data: null })).data).toEqual(server);
    expect(read(row({ deleted: true, data: null }))).toEqual({ entity: 'household', id: row({}).id, version: 3, deleted: true, data: null });
  });

  it('a value that is not an object is spread as an object would be', () => {
    expect(read(row({ data: 'null' })).data).toEqual(server);
    expect(read(row({ data: '[1, 2]' })).data).toEqual({ 0: 1, 1: 2, ...server });
  });
});
