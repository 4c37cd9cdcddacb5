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
import { changeText, EpochCache, GROUP_PAGE_SQL, GROUP_PULLS, GROUP_SPREAD, inIndexOrder, PAGE_BYTES, PAGE_SQL, pull, pullGroup, pullGroupFits, type PageRow, type PullWork } from './pull';
import type { Caller } from './auth';
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

describe('pulls read together (pullGroup)', () => {
  const groupTeam = randomUUID();
  const caller = (teamId: string | null): Caller => ({
    userId: randomUUID(),
    userName: 'U',
    role: teamId ? 'member' : 'admin',
    teamId,
    communeId: randomUUID(),
    deviceId: randomUUID(),
    tokenHash: '',
  });
  let epochs: EpochCache;
  let epoch: string;

  beforeAll(async () => {
    // 400 changes: small records, tombstones, and large ones (about 40 KB of JSON each past 300)
    // so that a page stops at the byte budget before its limit.
    await db.query(
      `insert into records (team_id, id, entity, version, deleted, data, server_seq, created_by, updated_by)
       select $1, gen_random_uuid(), 'household', 1, g % 7 = 0,
              case when g % 7 = 0 then null
                   when g > 300 then jsonb_build_object('headName', 'Hộ ' || g, 'notes', repeat('ghi chú ', 5000))
                   else jsonb_build_object('headName', 'Hộ ' || g) end,
              g, gen_random_uuid(), gen_random_uuid()
       from generate_series(1, 400) g`,
      [groupTeam],
    );
    epochs = new EpochCache(db);
    epoch = await epochs.get();
  }, SETUP_TIMEOUT);

  const work = (s: number | null, limit: number, e = epoch): PullWork => ({ caller: caller(groupTeam), cursor: s === null ? null : { e, s }, limit });

  it('gives each pull exactly what it gets alone: its limit, its byte budget, hasMore, the total from 0', async () => {
    const groups: PullWork[][] = [
      [work(null, 500), work(0, 100), work(5, 3), work(150, 500)],
      [work(290, 500), work(295, 20), work(300, 1000), work(310, 1)],
      [work(395, 500), work(399, 500), work(400, 500), work(520, 10)],
      [work(200, 1), work(200, 1), work(201, 2)],
    ];
    for (const group of groups) {
      const together = await pullGroup(db, epochs, group);
      for (const [i, w] of group.entries()) {
        const alone = await pull(db, epochs, w.caller, w.cursor, w.limit);
        const got = together[i]!;
        expect(got.ok, `pull ${i} from ${w.cursor?.s ?? 'none'}`).toBe(true);
        expect(got.ok && got.value.toString(), `pull ${i} from ${w.cursor?.s ?? 'none'}`).toBe(alone.toString());
      }
    }
    // The byte budget was met: a page from 300 stops well before 1,000 records.
    const fromLarge = JSON.parse((await pull(db, epochs, caller(groupTeam), { e: epoch, s: 300 }, 1000)).toString()) as { changes: unknown[]; hasMore: boolean };
    expect(fromLarge.changes.length).toBeLessThan(100);
    expect(fromLarge.hasMore).toBe(true);
  });

  it('reads the records once for the whole group; a cursor of another epoch is answered alone, as a reset', async () => {
    const statements: string[] = [];
    const counting: Database = {
      ...db,
      query: (sql, params, prepare) => (statements.push(sql), db.query(sql, params, prepare)),
      transaction: (fn) => db.transaction((tx) => fn({ ...tx, query: (sql, params, prepare) => (statements.push(sql), tx.query(sql, params, prepare)) })),
    };
    const group = [work(100, 500), work(120, 50), work(130, 500)];
    await pullGroup(counting, epochs, group);
    // (PGlite also sets its planner setting for the query.)
    expect(statements.filter((sql) => sql.includes('records'))).toEqual([GROUP_PAGE_SQL]);
    statements.length = 0;
    const [stale] = await pullGroup(counting, epochs, [work(100, 500, 'an-older-epoch'), work(100, 500)]);
    expect(stale?.ok && (JSON.parse(stale.value.toString()) as { reset: boolean }).reset).toBe(true);
  });

  it('takes pulls of one team whose cursors are close, as long as the group reads no more rows than its pulls would alone, up to a count', () => {
    // Two pages of 500 read 1,002 rows one by one: together, a spread of 501 at most.
    expect(pullGroupFits([work(100, 500)], work(601, 500))).toBe(true);
    expect(pullGroupFits([work(100, 500)], work(602, 500))).toBe(false);
    expect(pullGroupFits([work(100, 500), work(602, 500)], work(300, 500))).toBe(true);
    expect(pullGroupFits([work(100, 10)], work(105, 500))).toBe(true);
    expect(pullGroupFits([work(100, 10)], work(200, 500))).toBe(false);
    const many = Array.from({ length: 10 }, (_, i) => work(i, 1000));
    expect(pullGroupFits(many, work(GROUP_SPREAD, 1000))).toBe(true);
    expect(pullGroupFits(many, work(GROUP_SPREAD + 1, 1000))).toBe(false);
    expect(pullGroupFits([work(100, 500)], { ...work(100, 500), caller: caller(randomUUID()) })).toBe(false);
    expect(pullGroupFits([{ ...work(100, 500), caller: caller(null) }], { ...work(100, 500), caller: caller(null) })).toBe(false);
    expect(pullGroupFits(Array.from({ length: GROUP_PULLS }, () => work(100, 500)), work(100, 500))).toBe(false);
  });
});

describe('updatedAt', () => {
  it('the page queries write it as the answer carries it (UTC, milliseconds as a Date keeps them): no Date is made per row', async () => {
    const t = randomUUID();
    const times = ['2026-12-07 08:00:00.123456+07', '2026-01-31 23:59:59.999999+00', '2026-06-01 00:00:00+00', '2026-06-01 00:00:00.0005+00'];
    for (const [i, at] of times.entries()) {
      await db.query(`insert into records (team_id, id, entity, version, data, server_seq, updated_at) values ($1, gen_random_uuid(), 'household', 1, '{}', $2, $3)`, [t, i + 1, at]);
    }
    const asDates = (await db.query<{ updated_at: Date }>('select updated_at from records where team_id = $1 order by server_seq', [t])).map((r) => r.updated_at.toISOString());
    expect(asDates[0]).toBe('2026-12-07T01:00:00.123Z');
    const page = await db.query<PageRow>(PAGE_SQL, [t, 0, 10, PAGE_BYTES]);
    const group = await db.query<PageRow>(GROUP_PAGE_SQL, [t, 0, 10]);
    expect(page.map((r) => r.updated_at)).toEqual(asDates);
    expect(group.map((r) => r.updated_at)).toEqual(asDates);
  });
});
