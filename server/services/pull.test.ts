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
import { dataJson, inIndexOrder, PAGE_BYTES, PAGE_SQL } from './pull';
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

const meta = { teamId: 't1', createdBy: 'u1', updatedBy: null, updatedAt: '2026-12-07T08:00:00.000Z' };
const metaText = JSON.stringify(meta).slice(1, -1);
/** What the page said before it sent the stored text: the parsed data spread with the metadata. */
const spread = (data: string | null) => ({ ...(data === null ? {} : (JSON.parse(data) as Record<string, unknown>)), ...meta });

describe('a pulled record’s data, sent as the database wrote it with the metadata added last', () => {
  it.each([
    ['jsonb text', '{"name": "Thôn 1", "n": 1.5, "tags": ["a", "b"], "nested": {"x": null}}'],
    ['an empty object', '{}'],
    ['an empty object with spaces', '{ }'],
    ['no data', null],
    ['keys the metadata names too', '{"teamId": "other", "name": "x", "updatedAt": "1999-01-01"}'],
    ['a string holding braces', '{"notes": "a } b {"}'],
  ])('parses to what the spread gave, keys in the same order: %s', (_, data) => {
    const parsed = JSON.parse(dataJson(data, metaText)) as Record<string, unknown>;
    expect(parsed).toEqual(spread(data));
    expect(Object.keys(parsed)).toEqual(Object.keys(spread(data)));
  });
});
