// @vitest-environment node
/**
 * GET /api/sync/pull (sync spec): cursor paging, limits, latest state once, tombstones, record
 * metadata, unreadable cursors, admins, epochs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestTeam } from '../testing';
import {
  Device,
  expectError,
  householdFields,
  memberFields,
  neighborhoodFields,
  NO_RATE_LIMIT,
  SETUP_TIMEOUT,
  pullAll,
  pullPage,
  snapshot,
  visitFields,
} from '../test-fixtures';

let server: TestServer;
let team: TestTeam;
let head: Device;
let member: { token: string; userId: string };
let mdev: Device;

beforeAll(async () => {
  server = await startTestServer(NO_RATE_LIMIT);
  team = await server.team('Tổ Kéo');
  head = new Device(server, team.headToken);
  member = await team.member('Vũ Thị Ngọc');
  mdev = new Device(server, member.token);
}, SETUP_TIMEOUT);
afterAll(() => server?.close(), SETUP_TIMEOUT);

const get = (url: string, token = team.headToken) => server.inject({ method: 'GET', url, token });

describe('GET /api/sync/pull', () => {
  it('an empty team: no changes, hasMore false, reset false, a cursor', async () => {
    const p = await pullPage(server, team.headToken);
    expect(p.changes).toEqual([]);
    expect(p.hasMore).toBe(false);
    expect(p.reset).toBe(false);
    expect(typeof p.cursor).toBe('string');
    expect(p.cursor.length).toBeGreaterThan(0);
    // that cursor is readable
    expect((await pullPage(server, team.headToken, { cursor: p.cursor })).changes).toEqual([]);
  });

  it('no cursor = from the beginning, in server order; data carries teamId, createdBy, updatedBy, updatedAt', async () => {
    const t0 = Date.now();
    const ids: string[] = [];
    const serverSeqs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const m = head.create('neighborhood', neighborhoodFields({ name: `Thôn ${i}` }));
      const r = await head.one(m);
      ids.push(m.id);
      serverSeqs.push(r.serverSeq!);
    }
    const p = await pullPage(server, team.headToken);
    expect(p.changes.map((c) => c.id)).toEqual(ids);
    expect(p.hasMore).toBe(false);
    const c = p.changes[0]!;
    expect(Object.keys(c)).toEqual(expect.arrayContaining(['data', 'deleted', 'entity', 'id', 'version']));
    // data is the record's fields plus teamId, createdBy, updatedBy and updatedAt — nothing internal
    expect(Object.keys(c.data!).sort()).toEqual(['createdBy', 'kind', 'name', 'teamId', 'updatedAt', 'updatedBy']);
    expect(c).toMatchObject({ entity: 'neighborhood', id: ids[0], version: 1, deleted: false });
    expect(c.data).toMatchObject({ name: 'Thôn 0', kind: 'thon', teamId: team.teamId, createdBy: team.headUserId, updatedBy: team.headUserId });
    const at = Date.parse(c.data!.updatedAt as string);
    expect(at).toBeGreaterThanOrEqual(t0 - 5_000);
    expect(at).toBeLessThanOrEqual(Date.now() + 5_000);
    expect(c.data!.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
    // a member of the team sees the same
    const pm = await pullPage(server, member.token);
    expect(pm.changes.map((x) => x.id)).toEqual(ids);
  });

  it('updatedBy follows the last writer; createdBy stays', async () => {
    const h = await head.created('household', householdFields());
    await mdev.one(mdev.patch('household', h, 1, { notes: 'member was here' }));
    const rec = (await snapshot(server, team.headToken)).get(h)!;
    expect(rec.data).toMatchObject({ createdBy: team.headUserId, updatedBy: member.userId, notes: 'member was here', teamId: team.teamId });
    expect(rec.version).toBe(2);
  });

  it('each record is sent as the database wrote it out, not parsed and written again', async () => {
    const { cursor } = await pullAll(server, team.headToken);
    const h = await head.created('household', householdFields({ headName: 'Lê Thị "Mơ"' }));
    const r = await get(`/api/sync/pull?cursor=${cursor}`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    const [stored] = await server.db.query<{ data: string }>('select data::text as data from records where id = $1', [h]);
    expect(r.body).toContain(stored!.data.slice(0, -1));
    expect((r.json() as { changes: { data: Record<string, unknown> }[] }).changes[0]!.data).toMatchObject({ headName: 'Lê Thị "Mơ"', teamId: team.teamId });
  });

  it('from a cursor: only what changed after it; each record once, in its latest state; tombstones included', async () => {
    const { cursor } = await pullAll(server, team.headToken);
    const h = await head.created('household', householdFields());
    const v = await head.created('visit', visitFields(h));
    for (let i = 0; i < 3; i++) await head.one(head.patch('household', h, 1 + i, { notes: `lần ${i}` }));
    await mdev.one(mdev.delete('visit', v, 1));
    const p = await pullPage(server, team.headToken, { cursor });
    expect(p.changes.map((c) => c.id).sort()).toEqual([h, v].sort());
    const ch = p.changes.find((c) => c.id === h)!;
    expect(ch).toMatchObject({ entity: 'household', version: 4, deleted: false });
    expect(ch.data!.notes).toBe('lần 2');
    const cv = p.changes.find((c) => c.id === v)!;
    expect(cv).toEqual({ entity: 'visit', id: v, version: 2, deleted: true, data: null });
    // the latest-changed record comes last
    expect(p.changes.map((c) => c.id)).toEqual([h, v]);
    // nothing new after the new cursor
    const after = await pullPage(server, team.headToken, { cursor: p.cursor });
    expect(after.changes).toEqual([]);
    expect(after.hasMore).toBe(false);
  });

  it('a full pull never lists a record twice', async () => {
    const { changes } = await pullAll(server, team.headToken);
    const ids = changes.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('paging with hasMore and the cursor covers everything exactly once', async () => {
    const { cursor: start } = await pullAll(server, team.headToken);
    const d = new Device(server, team.headToken);
    const ids = new Set<string>();
    const muts = Array.from({ length: 25 }, () => d.create('neighborhood', neighborhoodFields()));
    for (const m of muts) ids.add(m.id);
    await d.push(muts);
    const { pages, changes } = await pullAll(server, team.headToken, start, 7);
    expect(pages.map((p) => p.changes.length)).toEqual([7, 7, 7, 4]);
    expect(pages.map((p) => p.hasMore)).toEqual([true, true, true, false]);
    expect(changes.map((c) => c.id)).toEqual(muts.map((m) => m.id));
    // from the beginning, with limit 1 and 1000
    const everything = await pullAll(server, team.headToken, undefined, 1000);
    const byOne = await pullAll(server, team.headToken, undefined, 1);
    expect(byOne.changes.map((c) => c.id)).toEqual(everything.changes.map((c) => c.id));
    expect(byOne.pages.every((p) => p.changes.length <= 1)).toBe(true);
    for (const id of ids) expect(everything.changes.filter((c) => c.id === id)).toHaveLength(1);
    // A pull from the beginning says how many records there are in all; the pages after it do not.
    expect(byOne.pages[0]!.total).toBe(everything.changes.length);
    expect(byOne.pages.slice(1).every((p) => p.total === undefined)).toBe(true);
    expect(pages.every((p) => p.total === undefined)).toBe(true);
  });

  it('the default limit is 500 (501 changes → 500 and hasMore), and a batch of 500 mutations is accepted', async () => {
    const { cursor: start } = await pullAll(server, team.headToken);
    const d = new Device(server, team.headToken);
    const batch = Array.from({ length: 500 }, (_, i) => d.create('neighborhood', neighborhoodFields({ name: `Tổ ${i}` })));
    const results = await d.push(batch);
    expect(results.every((r) => r.status === 'applied')).toBe(true);
    await d.one(d.create('neighborhood', neighborhoodFields()));
    const p = await pullPage(server, team.headToken, { cursor: start });
    expect(p.changes).toHaveLength(500);
    expect(p.hasMore).toBe(true);
    const rest = await pullPage(server, team.headToken, { cursor: p.cursor });
    expect(rest.changes).toHaveLength(1);
    expect(rest.hasMore).toBe(false);
  });

  it.each(['0', '1001', 'abc', '-1', '1.5', '', '1e3', '10 0'])('limit=%j is 400 BAD_REQUEST', async (limit) => {
    const r = await get(`/api/sync/pull?limit=${encodeURIComponent(limit)}`);
    if (limit === '') {
      // an empty value is either ignored (default) or refused
      expect([200, 400]).toContain(r.statusCode);
      if (r.statusCode === 400) expectError(r, 400, 'BAD_REQUEST');
    } else expectError(r, 400, 'BAD_REQUEST');
  });

  it('a repeated limit is refused', async () => {
    const r = await get('/api/sync/pull?limit=1&limit=2');
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
  });

  it.each([
    ['garbage', 'not-a-cursor!!'],
    ['base64 of {}', Buffer.from('{}').toString('base64url')],
    ['base64 of a number', Buffer.from('12').toString('base64url')],
    ['base64 of an array', Buffer.from('[1,2]').toString('base64url')],
    ['a lone percent sign', '%25'],
    ['a NUL character', '%00'],
    ['a very long string', 'A'.repeat(5000)],
  ])('an unreadable cursor (%s) is 400 BAD_REQUEST', async (_, cursor) => {
    const r = await get(`/api/sync/pull?cursor=${cursor.startsWith('%') ? cursor : encodeURIComponent(cursor)}`);
    expectError(r, 400, 'BAD_REQUEST');
  });

  it('a tampered cursor is 400 or read as the server likes, never a 5xx', async () => {
    const { cursor } = await pullPage(server, team.headToken);
    for (const c of [cursor.slice(0, -3), `${cursor}xyz`, cursor.split('').reverse().join('')]) {
      const r = await get(`/api/sync/pull?cursor=${encodeURIComponent(c)}`);
      expect([200, 400]).toContain(r.statusCode);
      if (r.statusCode === 400) expectError(r, 400, 'BAD_REQUEST');
    }
  });

  it('an admin gets no team records', async () => {
    const admin = await server.admin('Xã Thử Nghiệm');
    const p = await pullPage(server, admin.token);
    expect(p.changes).toEqual([]);
    expect(p.hasMore).toBe(false);
    const again = await pullPage(server, admin.token, { cursor: p.cursor, limit: 1000 });
    expect(again.changes).toEqual([]);
  });
});

describe('page budget (spec v1.1)', () => {
  it('a page stops once its records pass 1 MiB and says hasMore; following the cursor gets every record once', async () => {
    // Records stored before the limits existed: 400 KB each, written straight into the table.
    const big = await server.team('Tổ Lớn');
    const ids = Array.from({ length: 7 }, () => crypto.randomUUID());
    const counter = await server.db.query<{ last_seq: string | number }>('select last_seq from team_counters where team_id = $1', [big.teamId]);
    const last = Number(counter[0]!.last_seq);
    for (const [i, id] of ids.entries()) {
      await server.db.query(
        `insert into records (team_id, id, entity, version, deleted, data, field_versions, server_seq, created_by, updated_by)
         values ($1, $2, 'session', 1, false, $3, '{}', $4, $5, $5)`,
        [big.teamId, id, JSON.stringify({ ...sessionLike(), notes: 'x'.repeat(400_000) }), last + i + 1, big.headUserId],
      );
    }
    await server.db.query('update team_counters set last_seq = $2 where team_id = $1', [big.teamId, last + ids.length]);

    const first = await get('/api/sync/pull?limit=1000', big.headToken);
    expect(first.statusCode).toBe(200);
    expect(first.rawPayload.length).toBeLessThan(1024 * 1024 + 450_000);
    const page = first.json() as { changes: { id: string }[]; hasMore: boolean };
    expect(page.changes.length).toBe(3);
    expect(page.hasMore).toBe(true);

    const all = await pullAll(server, big.headToken, undefined, 1000);
    expect(all.changes.map((c) => c.id)).toEqual(ids);
    expect(all.pages.length).toBe(3);
    expect(all.pages.at(-1)!.hasMore).toBe(false);
  });
});

function sessionLike(): Record<string, unknown> {
  return { date: '2026-03-05', place: 'Nhà văn hóa', topics: ['vneid'], attendees: 1 };
}

describe('epoch', () => {
  it('a cursor from another epoch answers reset: true and the changes from the beginning', async () => {
    const full = await pullAll(server, team.headToken, undefined, 1000);
    const total = full.changes.length;
    expect(total).toBeGreaterThan(500);
    const oldCursor = full.cursor;
    expect((await pullPage(server, team.headToken, { cursor: oldCursor })).changes).toEqual([]);

    await server.db.query(`update server_meta set value = 'other' where key = 'epoch'`);
    server.app.ctx.epoch.forget();

    const first = await pullPage(server, team.headToken, { cursor: oldCursor, limit: 1000 });
    expect(first.reset).toBe(true);
    expect(first.changes.map((c) => c.id)).toEqual(full.changes.map((c) => c.id));
    expect(first.hasMore).toBe(false);
    // the new cursor belongs to the new epoch
    const next = await pullPage(server, team.headToken, { cursor: first.cursor });
    expect(next.reset).toBe(false);
    expect(next.changes).toEqual([]);
    // without a cursor there is nothing to reset
    expect((await pullPage(server, team.headToken, { limit: 1 })).reset).toBe(false);
  });

  it('paging after a reset continues in the new epoch', async () => {
    const { cursor } = await pullPage(server, team.headToken, { limit: 1 });
    await server.db.query(`update server_meta set value = 'third' where key = 'epoch'`);
    server.app.ctx.epoch.forget();
    const p1 = await pullPage(server, team.headToken, { cursor, limit: 300 });
    expect(p1.reset).toBe(true);
    expect(p1.hasMore).toBe(true);
    const rest = await pullAll(server, team.headToken, p1.cursor, 300);
    expect(rest.pages.every((p) => !p.reset)).toBe(true);
    const all = [...p1.changes, ...rest.changes].map((c) => c.id);
    expect(new Set(all).size).toBe(all.length);
    const full = await pullAll(server, team.headToken, undefined, 1000);
    expect(all).toEqual(full.changes.map((c) => c.id));
  });

  it('member rows are pulled with their household id', async () => {
    const h = await head.created('household', householdFields());
    const m = await head.created('member', memberFields(h));
    const rec = (await snapshot(server, team.headToken)).get(m)!;
    expect(rec.data).toMatchObject({ householdId: h, fullName: 'Trần Thị Hoa', birthYear: 1985 });
  });
});
