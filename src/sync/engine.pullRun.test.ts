// @vitest-environment node
/**
 * What makes a first sync fast without changing what it stores: the next page travels while the
 * current one is written, households are marked dirty once per pull, rows are not looked up in
 * tables that were empty when the pull began, and the summaries of a mostly-dirty device are
 * rebuilt from key ranges.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { Dexie, type DBCore, type DBCoreTable, type Middleware } from 'dexie';
import { AppDB } from '../db/database';
import { saveMembership } from './membership';
import { createHouseholdWithMembers } from '../db/householdWithMembers';
import { createHousehold } from '../db/households';
import { createMember, updateMember } from '../db/members';
import { createVisit, deleteVisit, updateVisit } from '../db/visits';
import { ALL_HOUSEHOLDS, REFRESH_CHUNK, refreshDirtyHouseholds } from './dirtyHouseholds';
import { applyPullPage, preparePullPage, sealSummariesAhead, startPullRun } from './pull';
import type { PullChange, PullResponse } from './transport';
import { PULL_LIMIT } from '../domain/wire';
import { openFields, openSeal, presealedStats, resetSeal } from '../db/seal';
import { cleanups, hh, isPull, membershipOf, setup } from '../../tests/unit/syncHarness';

/** Watches every table of `d` below Dexie: `wrap` gives the table's operations it replaces. */
function watchTables(d: AppDB, name: string, wrap: (table: string, t: DBCoreTable) => Partial<DBCoreTable>): void {
  const middleware: Middleware<DBCore> = {
    stack: 'dbcore',
    name,
    create: (down) => ({
      ...down,
      table: (table) => {
        const t = down.table(table);
        return { ...t, ...wrap(table, t) };
      },
    }),
  };
  d.use(middleware);
}

/**
 * Counts, per table, the rows written, the keys read by `get`/`getMany` and the queries (index or
 * key ranges), as IndexedDB sees them.
 */
function counting(d: AppDB) {
  const puts: Record<string, number> = {};
  const gets: Record<string, number> = {};
  const queries: Record<string, number> = {};
  watchTables(d, 'counting', (name, t) => ({
    mutate: (req) => {
      if (req.type === 'put' || req.type === 'add') puts[name] = (puts[name] ?? 0) + req.values.length;
      return t.mutate(req);
    },
    get: (req) => {
      gets[name] = (gets[name] ?? 0) + 1;
      return t.get(req);
    },
    getMany: (req) => {
      gets[name] = (gets[name] ?? 0) + req.keys.length;
      return t.getMany(req);
    },
    query: (req) => {
      queries[name] = (queries[name] ?? 0) + 1;
      return t.query(req);
    },
    openCursor: (req) => {
      queries[name] = (queries[name] ?? 0) + 1;
      return t.openCursor(req);
    },
  }));
  return { puts, gets, queries };
}

/**
 * The requests of each transaction in the order they were asked for, and when each count and
 * query answered (`households.put`, `outbox.count?`, `outbox.count!`, `households.query?`, …).
 */
function requestOrder(d: AppDB): Map<object, string[]> {
  const byTransaction = new Map<object, string[]>();
  const note = (trans: object, event: string) => {
    const list = byTransaction.get(trans);
    if (list) list.push(event);
    else byTransaction.set(trans, [event]);
  };
  watchTables(d, 'requestOrder', (name, t) => ({
    mutate: (req) => {
      note(req.trans, `${name}.${req.type}`);
      return t.mutate(req);
    },
    count: (req) => {
      note(req.trans, `${name}.count?`);
      return t.count(req).then((n) => (note(req.trans, `${name}.count!`), n));
    },
    query: (req) => {
      note(req.trans, `${name}.query?`);
      return t.query(req).then((r) => (note(req.trans, `${name}.query!`), r));
    },
  }));
  return byTransaction;
}

/** A member's device with an empty database that counts what it reads and writes. */
async function countedDevice(s: Awaited<ReturnType<typeof setup>>) {
  const d = new AppDB('counted-' + crypto.randomUUID());
  const counts = counting(d);
  cleanups.push(() => d.close());
  await saveMembership(membershipOf(s.lan.token, s.lan.userId, s.team.teamId), d);
  return { d, counts };
}


/** The households as IndexedDB holds them, read past the sealing layer. */
async function storedHouseholds(name: string): Promise<Record<string, unknown>[]> {
  const raw = new Dexie(name);
  await raw.open();
  try {
    return (await raw.table('households').toArray()) as Record<string, unknown>[];
  } finally {
    raw.close();
  }
}
describe('first sync: the pull pipeline', () => {
  it('asks for the next page before writing the current one, and still stores every record once', async () => {
    const s = await setup();
    for (let i = 0; i < 12; i++) await createHousehold(hh({ headName: `Hộ ${i}`, address: `Số ${i}` }), s.a);
    await s.ea.sync();
    const { d, counts } = await countedDevice(s);
    // Households written on the device when each pull request left.
    const writtenWhenAsked: number[] = [];
    s.net.intercept = (url) => {
      if (isPull(url)) writtenWhenAsked.push(counts.puts.households ?? 0);
      return undefined;
    };
    expect((await s.engine(d, { pullPageSize: 5 }).sync()).phase).toBe('idle');
    // Pages of 5, 5, 2: page 2 was requested before page 1 was written, page 3 before page 2.
    expect(writtenWhenAsked).toEqual([0, 0, 5]);
    expect(await d.households.count()).toBe(12);
    expect(counts.puts.households).toBe(12 + 12); // each once by the pull, once by the refresh
  });

  it('reports how far a first pull is: records received of the total the server counted, and the time left', async () => {
    const s = await setup();
    for (let i = 0; i < 12; i++) await createHousehold(hh({ headName: `Hộ ${i}`, address: `Số ${i}` }), s.a);
    await s.ea.sync();
    const { d } = await countedDevice(s);
    const seen: { received: number; total?: number; etaMs?: number }[] = [];
    // Each page takes a second on the device's clock.
    s.net.intercept = (url) => {
      if (isPull(url)) s.clock.t += 1000;
      return undefined;
    };
    const engine = s.engine(d, { pullPageSize: 5, onStatus: (st) => st.progress && seen.push(st.progress) });
    const done = await engine.sync();
    expect(done.phase).toBe('idle');
    expect(done.progress).toBeUndefined();
    // 12 households: pages of 5, 5, 2 (the third request leaves before the second page is written).
    expect(seen.map((p) => [p.received, p.total])).toEqual([
      [5, 12],
      [10, 12],
      [12, 12],
    ]);
    expect(seen.at(-1)!.etaMs).toBe(0);
    expect(seen[0]!.etaMs).toBeGreaterThan(0);
    // A later pull from its cursor is one page with no total: no bar.
    seen.length = 0;
    await engine.sync();
    expect(seen).toEqual([]);
  });

  it('asks for the largest pages the server gives on a pull from the beginning, its default ones after', async () => {
    const s = await setup();
    await createHousehold(hh(), s.a);
    await s.ea.sync();
    const { d } = await countedDevice(s);
    const limits: string[] = [];
    s.net.intercept = (url) => {
      if (isPull(url)) limits.push(new URL(url, 'http://x').searchParams.get('limit') ?? '');
      return undefined;
    };
    const engine = s.engine(d);
    await engine.sync();
    await engine.sync();
    expect(limits).toEqual([String(PULL_LIMIT.max), String(PULL_LIMIT.default)]);
  });

  it('with the PIN set, seals every row and summary of a first pull ahead, and the stored blobs open under the data key', async () => {
    const s = await setup();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const h = await createHouseholdWithMembers(hh({ headName: `Hộ ${i}`, address: `Số ${i}` }), [{ fullName: `Trần Thị Hoa ${i}`, birthYear: 1965 }], s.a);
      ids.push(h.id);
      await createVisit({ householdId: h.id, date: '2026-02-20', topics: ['vneid'], outcome: 'done', notes: `Ghi chú ${i}` }, s.a);
      await createVisit({ householdId: h.id, date: '2026-02-21', topics: ['vneid'], outcome: 'done' }, s.a);
    }
    await s.ea.sync();
    const { d } = await countedDevice(s);
    const dataKey = crypto.getRandomValues(new Uint8Array(32));
    openSeal(dataKey.slice());
    cleanups.push(() => resetSeal());
    const before = presealedStats().taken;
    expect((await s.engine(d, { pullPageSize: 3 }).sync()).phase).toBe('idle');
    // Households twice (the pull, then their summaries), members, and the visits with notes: no
    // row was sealed on the page's thread by the write itself.
    expect(presealedStats().taken - before).toBe(4 * 2 + 4 + 4);
    expect(presealedStats().waiting).toBe(0);
    for (const [i, id] of ids.entries()) {
      const row = await d.households.get(id);
      expect(row?.searchText).toContain(`tran thi hoa ${i}`);
      expect(row?.lastVisitDate).toBe('2026-02-21');
    }
    const stored = await storedHouseholds(d.name);
    for (const row of stored) {
      expect(row.headName).toBeUndefined();
      expect(openFields(dataKey, 'households', row, row.sealed as Uint8Array)).toMatchObject({ headName: expect.stringMatching(/^Hộ \d$/), searchText: expect.stringContaining('tran thi hoa') });
    }
  });

  it('marks a household dirty once per pull, however many pages bring its visits', async () => {
    const s = await setup();
    const h = await createHousehold(hh({ headName: 'Nguyễn Văn Bình' }), s.a);
    for (let i = 1; i <= 20; i++) {
      await createVisit({ householdId: h.id, date: `2026-02-${String(i).padStart(2, '0')}`, topics: ['vneid'], outcome: i === 20 ? 'followUp' : 'done', ...(i === 20 ? { followUpDate: '2026-03-10' } : {}) }, s.a);
    }
    await s.ea.sync();
    const { d, counts } = await countedDevice(s);
    expect((await s.engine(d, { pullPageSize: 4 }).sync()).phase).toBe('idle');
    expect(await d.visits.count()).toBe(20);
    expect(counts.puts.dirtyHouseholds).toBe(1);
    const row = await d.households.get(h.id);
    expect(row?.lastVisitDate).toBe('2026-02-20');
    expect(row?.followUpDate).toBe('2026-03-10');
    expect(await d.dirtyHouseholds.count()).toBe(0);
  });

  it('looks up no old rows in tables that were empty when the pull began, but does in the next pull', async () => {
    const s = await setup();
    const h = await createHouseholdWithMembers(hh({ headName: 'Nguyễn Văn Bình' }), [{ fullName: 'Trần Thị Hoa', birthYear: 1965 }], s.a);
    await createVisit({ householdId: h.id, date: '2026-02-20', topics: ['vneid'], outcome: 'done' }, s.a);
    await s.ea.sync();
    const { d, counts } = await countedDevice(s);
    const engine = s.engine(d, { pullPageSize: 2 });
    expect((await engine.sync()).phase).toBe('idle');
    expect(counts.gets.members ?? 0).toBe(0);
    expect(counts.gets.visits ?? 0).toBe(0);
    expect((await d.households.get(h.id))?.searchText).toContain('tran thi hoa');

    // The member moves to another household: the next pull must read the old row to know that
    // the first household lost a name.
    const other = await createHousehold(hh({ headName: 'Lê Văn Cường', address: 'Số 9' }), s.a);
    const hoa = (await s.a.members.toArray())[0]!;
    await updateMember(hoa.id, { householdId: other.id }, s.a);
    await s.ea.sync();
    expect((await engine.sync()).phase).toBe('idle');
    expect(counts.gets.members).toBeGreaterThan(0);
    expect((await d.households.get(h.id))?.searchText).not.toContain('tran thi hoa');
    expect((await d.households.get(other.id))?.searchText).toContain('tran thi hoa');
  });

  it('a record that comes twice in one first pull (edited between two pages) ends with its last values', async () => {
    const s = await setup();
    const first = await createHouseholdWithMembers(hh({ headName: 'Nguyễn Văn Bình' }), [{ fullName: 'Trần Thị Hoa', birthYear: 1965 }], s.a);
    const second = await createHousehold(hh({ headName: 'Lê Văn Cường', address: 'Số 9' }), s.a);
    for (let i = 0; i < 6; i++) await createHousehold(hh({ headName: `Hộ ${i}`, address: `Số ${i}` }), s.a);
    await s.ea.sync();
    const hoa = (await s.a.members.toArray())[0]!;
    const { d } = await countedDevice(s);
    let pulls = 0;
    s.net.intercept = async (url) => {
      // Between the first and the second page, another device moves the member.
      if (isPull(url) && ++pulls === 2) {
        await updateMember(hoa.id, { householdId: second.id, fullName: 'Trần Thị Hoà' }, s.a);
        await s.ea.sync();
      }
      return undefined;
    };
    expect((await s.engine(d, { pullPageSize: 3 }).sync()).phase).toBe('idle');
    expect((await d.members.get(hoa.id))?.householdId).toBe(second.id);
    expect(await d.members.count()).toBe(1);
    expect((await d.households.get(first.id))?.searchText).not.toContain('tran thi hoa');
    expect((await d.households.get(second.id))?.searchText).toContain('tran thi hoa');
  });
});

describe('first sync: requests made together', () => {
  /** With `ownHousehold`, the device has a household of its own (sent before the pull): its households table is not empty. */
  async function firstSync(ownHousehold = false) {
    const s = await setup();
    for (let i = 0; i < 4; i++) {
      const h = await createHouseholdWithMembers(hh({ headName: `Hộ ${i}`, address: `Số ${i}` }), [{ fullName: `Trần Thị Hoa ${i}`, birthYear: 1965 }], s.a);
      await createVisit({ householdId: h.id, date: '2026-02-20', topics: ['vneid'], outcome: 'followUp', followUpDate: '2026-03-10' }, s.a);
    }
    await s.ea.sync();
    // Watched from before the database opens (a middleware added later is not used).
    const d = new AppDB('ordered-' + crypto.randomUUID());
    const order = requestOrder(d);
    cleanups.push(() => d.close());
    await saveMembership(membershipOf(s.lan.token, s.lan.userId, s.team.teamId), d);
    if (ownHousehold) await createHousehold(hh({ headName: 'Hộ riêng', address: 'Số 99' }), d);
    expect((await s.engine(d, { pullPageSize: 3 }).sync()).phase).toBe('idle');
    const transactions = [...order.values()];
    // A page's transaction writes rows and the cursor; the refresh's reads the marks and removes them.
    const refreshes = transactions.filter((t) => t.includes('dirtyHouseholds.query?') && t.some((e) => e.startsWith('dirtyHouseholds.delete')));
    const pages = transactions.filter((t) => t.includes('outbox.count?') && t.includes('meta.put') && t.some((e) => /^(households|members|visits)\.put$/.test(e)));
    return { d, pages, refreshes, transactions };
  }

  it('a page into tables that were empty asks for its writes without waiting for the outbox check', async () => {
    const { d, pages } = await firstSync();
    // 4 households, 4 members, 4 visits in pages of 3.
    expect(pages).toHaveLength(4);
    for (const events of pages) {
      const answered = events.indexOf('outbox.count!');
      const firstPut = events.findIndex((e) => /^(households|members|visits)\.put$/.test(e));
      expect(firstPut).toBeGreaterThan(events.indexOf('outbox.count?'));
      expect(firstPut).toBeLessThan(answered);
      expect(events.indexOf('meta.put')).toBeLessThan(answered);
    }
    expect(await d.visits.count()).toBe(4);
    for (const h of await d.households.toArray()) expect(h).toMatchObject({ searchText: expect.stringContaining('tran thi hoa'), lastVisitDate: '2026-02-20', followUpDate: '2026-03-10' });
  });

  it('asks for the first page while it counts the tables the pull starts from', async () => {
    const s = await setup();
    await createHousehold(hh(), s.a);
    await s.ea.sync();
    const d = new AppDB('ordered-' + crypto.randomUUID());
    const order = requestOrder(d);
    cleanups.push(() => d.close());
    await saveMembership(membershipOf(s.lan.token, s.lan.userId, s.team.teamId), d);
    let countedWhenAsked: number | undefined;
    s.net.intercept = (url) => {
      if (isPull(url) && countedWhenAsked === undefined) {
        countedWhenAsked = [...order.values()].flat().filter((e) => /^(households|members|visits|sessions|checklistSteps|neighborhoods)\.count!$/.test(e)).length;
      }
      return undefined;
    };
    expect((await s.engine(d).sync()).phase).toBe('idle');
    expect(countedWhenAsked).toBeLessThan(6);
    expect(await d.households.count()).toBe(1);
  });

  it("writes the households' summaries with the last page: no transaction of its own reads the marks or the households back", async () => {
    const { d, pages, refreshes, transactions } = await firstSync();
    expect(refreshes).toHaveLength(0);
    expect(transactions.flat()).not.toContain('households.query?');
    // Pages of 3 (a household, its member, its visit): the last one writes the summaries after its
    // rows, and removes every mark.
    const last = pages[pages.length - 1]!;
    expect(last.lastIndexOf('households.put')).toBeGreaterThan(last.indexOf('visits.put'));
    expect(last).toContain('dirtyHouseholds.deleteRange');
    expect(last).not.toContain('dirtyHouseholds.put');
    expect(await d.dirtyHouseholds.count()).toBe(0);
    for (const h of await d.households.toArray()) expect(h).toMatchObject({ searchText: expect.stringContaining('tran thi hoa'), lastVisitDate: '2026-02-20', followUpDate: '2026-03-10' });
  });

  it("the summaries' transaction asks for the marks, the outbox checks and the households' range at once", async () => {
    const { refreshes } = await firstSync(true);
    expect(refreshes).toHaveLength(1);
    const events = refreshes[0]!;
    const firstAnswer = events.findIndex((e) => e.endsWith('!'));
    expect(events.slice(0, firstAnswer).sort()).toEqual(['dirtyHouseholds.query?', 'households.query?', 'outbox.count?', 'outbox.count?']);
  });

  it("a change the person made meanwhile under a page written that way is laid on the server's row, as when read first", async () => {
    const d = new AppDB('meanwhile-' + crypto.randomUUID());
    cleanups.push(() => d.close());
    const run = await startPullRun(d);
    expect(run.fresh.has('household')).toBe(true);
    // The pull began on an empty device; the person registers a household before its page lands.
    const mine = await createHousehold(hh({ headName: 'Nguyễn Văn Bình', address: 'Số 1' }), d);
    const server = (id: string, headName: string) => ({
      entity: 'household',
      id,
      version: 3,
      deleted: false,
      data: { neighborhood: 'Thôn Đông', address: 'Số 7', headName, teamId: 't', createdBy: 'u', updatedBy: 'u', updatedAt: '2026-02-01T00:00:00.000Z' },
    });
    const other = crypto.randomUUID();
    const written = await applyPullPage({ changes: [server(mine.id, 'Tên trên máy chủ'), server(other, 'Lê Văn Cường')], cursor: 'c1', hasMore: false, reset: false }, { run }, d);
    expect(written).toBe(2);
    // The person's values win over the server's, and the record still waits to be sent.
    expect(await d.households.get(mine.id)).toMatchObject({ headName: 'Nguyễn Văn Bình', address: 'Số 1', version: 3, syncState: 'pending' });
    expect(await d.households.get(other)).toMatchObject({ headName: 'Lê Văn Cường', version: 3, syncState: 'synced' });
    expect(await d.outbox.count()).toBe(1);
    expect((await d.meta.get('pullCursor'))?.value).toBe('c1');
    // The households table was empty as the pull began: one mark stands for every household.
    expect(await d.dirtyHouseholds.toCollection().primaryKeys()).toEqual([ALL_HOUSEHOLDS]);
    expect(await refreshDirtyHouseholds(d)).toBe(2);
    expect(await d.dirtyHouseholds.count()).toBe(0);
    expect((await d.households.get(mine.id))?.searchText).toContain('nguyen van binh');
    expect((await d.households.get(other))?.searchText).toContain('le van cuong');
  });
});

describe('first sync: the summaries from what the pull stored', () => {
  it('computes names and visit summaries without reading members or visits back', async () => {
    const s = await setup();
    const h = await createHouseholdWithMembers(hh({ headName: 'Nguyễn Văn Bình' }), [{ fullName: 'Trần Thị Hoa', birthYear: 1965 }], s.a);
    const empty = await createHousehold(hh({ headName: 'Lê Văn Cường', address: 'Số 9' }), s.a);
    await createVisit({ householdId: h.id, date: '2026-02-01', topics: ['vneid'], outcome: 'done' }, s.a);
    await createVisit({ householdId: h.id, date: '2026-02-20', topics: ['vneid'], outcome: 'followUp', followUpDate: '2026-03-10' }, s.a);
    await s.ea.sync();
    const { d, counts } = await countedDevice(s);
    expect((await s.engine(d, { pullPageSize: 2 }).sync()).phase).toBe('idle');
    expect(counts.queries.members ?? 0).toBe(0);
    expect(counts.queries.visits ?? 0).toBe(0);
    const row = await d.households.get(h.id);
    expect(row?.searchText).toContain('tran thi hoa');
    expect(row?.lastVisitDate).toBe('2026-02-20');
    expect(row?.followUpDate).toBe('2026-03-10');
    expect(await d.households.get(empty.id)).toMatchObject({ lastVisitDate: '', followUpDate: '' });
    expect(await d.dirtyHouseholds.count()).toBe(0);
  });

  it('a visit changed and another deleted between two pages count with their last state', async () => {
    const s = await setup();
    const h = await createHousehold(hh({ headName: 'Nguyễn Văn Bình' }), s.a);
    const older = await createVisit({ householdId: h.id, date: '2026-02-01', topics: ['vneid'], outcome: 'done' }, s.a);
    const newest = await createVisit({ householdId: h.id, date: '2026-02-20', topics: ['vneid'], outcome: 'followUp', followUpDate: '2026-03-10' }, s.a);
    for (let i = 0; i < 4; i++) await createHousehold(hh({ headName: `Hộ ${i}`, address: `Số ${i}` }), s.a);
    await s.ea.sync();
    const { d } = await countedDevice(s);
    let pulls = 0;
    s.net.intercept = async (url) => {
      // After the first page (both visits already pulled), another device edits one and deletes the other.
      if (isPull(url) && ++pulls === 3) {
        await updateVisit(older.id, { outcome: 'partial', followUpDate: '2026-04-02' }, s.a);
        await deleteVisit(newest.id, s.a);
        await s.ea.sync();
      }
      return undefined;
    };
    expect((await s.engine(d, { pullPageSize: 2 }).sync()).phase).toBe('idle');
    expect(await d.visits.get(newest.id)).toBeUndefined();
    expect(await d.households.get(h.id)).toMatchObject({ lastVisitDate: '2026-02-01', followUpDate: '2026-04-02' });
  });

  it('a member the person adds during the pull joins the search text (the tables are read then)', async () => {
    const s = await setup();
    const h = await createHouseholdWithMembers(hh({ headName: 'Nguyễn Văn Bình' }), [{ fullName: 'Trần Thị Hoa', birthYear: 1965 }], s.a);
    for (let i = 0; i < 6; i++) await createHousehold(hh({ headName: `Hộ ${i}`, address: `Số ${i}` }), s.a);
    await s.ea.sync();
    const { d } = await countedDevice(s);
    let pulls = 0;
    s.net.intercept = async (url) => {
      // The household has arrived: the person adds a member to it on this device.
      if (isPull(url) && ++pulls === 3) await createMember({ householdId: h.id, fullName: 'Phạm Minh Châu', birthYear: 2001 }, d);
      return undefined;
    };
    expect((await s.engine(d, { pullPageSize: 3 }).sync()).phase).toBe('idle');
    const text = (await d.households.get(h.id))?.searchText;
    expect(text).toContain('tran thi hoa');
    expect(text).toContain('pham minh chau');
  });
});

describe('first sync: the summaries sealed while the page before the last is written', () => {
  const change = (entity: string, id: string, data: Record<string, unknown>): PullChange => ({
    entity,
    id,
    version: 1,
    deleted: false,
    data: { ...data, teamId: 't', createdBy: 'u', updatedBy: 'u', updatedAt: '2026-02-01T00:00:00.000Z' },
  });
  const page = (changes: PullChange[], n: number, hasMore: boolean): PullResponse => ({ changes, cursor: `c${n}`, hasMore, reset: false });

  it('seals them from the pull so far, the page being written and the last one; the last page writes them as sealed then', async () => {
    const d = new AppDB('ahead-' + crypto.randomUUID());
    cleanups.push(() => d.close());
    const dataKey = crypto.getRandomValues(new Uint8Array(32));
    openSeal(dataKey.slice());
    cleanups.push(() => resetSeal());
    const run = await startPullRun(d);
    const [h1, h2, m1, v1] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const households = page([change('household', h1, { headName: 'Nguyễn Văn Bình', address: 'Số 1', neighborhood: 'Thôn Đông' }), change('household', h2, { headName: 'Lê Văn Cường', address: 'Số 2', neighborhood: 'Thôn Đông' })], 1, true);
    const members = page([change('member', m1, { householdId: h1, fullName: 'Trần Thị Hoa', birthYear: 1965 })], 2, true);
    const visits = page([change('visit', v1, { householdId: h2, date: '2026-02-20', topics: ['vneid'], outcome: 'followUp', followUpDate: '2026-03-10' })], 3, false);
    await applyPullPage(households, { run, prepared: preparePullPage(households, run, d) }, d);
    // The members' page is being written when the last page arrives: both count.
    const writing = { page: members, prepared: preparePullPage(members, run, d) };
    const last = { page: visits, prepared: preparePullPage(visits, run, d) };
    const ahead = sealSummariesAhead([writing, last], run, d);
    const early = await ahead;
    expect(early?.rows.find((h) => h.id === h1)?.searchText).toContain('tran thi hoa');
    expect(early?.rows.find((h) => h.id === h2)).toMatchObject({ lastVisitDate: '2026-02-20', followUpDate: '2026-03-10' });
    await applyPullPage(members, { run, prepared: writing.prepared }, d);

    const encrypt = vi.spyOn(crypto.subtle, 'encrypt');
    cleanups.push(() => encrypt.mockRestore());
    const taken = presealedStats().taken;
    await applyPullPage(visits, { run, prepared: last.prepared, last: true, summariesAhead: ahead }, d);
    // Nothing sealed once the last page was taken up: its visit (no notes) has nothing personal.
    expect(encrypt).not.toHaveBeenCalled();
    expect(presealedStats().taken - taken).toBe(2);
    expect(await d.dirtyHouseholds.count()).toBe(0);
    expect((await d.households.get(h1))?.searchText).toContain('tran thi hoa');
    expect(await d.households.get(h2)).toMatchObject({ lastVisitDate: '2026-02-20', followUpDate: '2026-03-10' });
    const stored = await storedHouseholds(d.name);
    for (const row of stored) {
      expect(row.headName).toBeUndefined();
      expect(openFields(dataKey, 'households', row, row.sealed as Uint8Array)).toMatchObject({ searchText: expect.stringMatching(/nguyen van binh|le van cuong/) });
    }
  });

  it('are not taken when the page being written was not written as planned: a change the person made meanwhile goes on top', async () => {
    const d = new AppDB('ahead-' + crypto.randomUUID());
    cleanups.push(() => d.close());
    const run = await startPullRun(d);
    const [h1, m1, v1] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const households = page([change('household', h1, { headName: 'Nguyễn Văn Bình', address: 'Số 1', neighborhood: 'Thôn Đông' })], 1, true);
    const members = page([change('member', m1, { householdId: h1, fullName: 'Trần Thị Hoa', birthYear: 1965 })], 2, true);
    const visits = page([change('visit', v1, { householdId: h1, date: '2026-02-20', topics: ['vneid'], outcome: 'done' })], 3, false);
    await applyPullPage(households, { run, prepared: preparePullPage(households, run, d) }, d);
    const writing = { page: members, prepared: preparePullPage(members, run, d) };
    const last = { page: visits, prepared: preparePullPage(visits, run, d) };
    const ahead = sealSummariesAhead([writing, last], run, d);
    expect((await ahead)?.rows).toHaveLength(1);
    // The person adds a member before the members' page is written.
    await createMember({ householdId: h1, fullName: 'Phạm Minh Châu', birthYear: 2001 }, d);
    await applyPullPage(members, { run, prepared: writing.prepared }, d);
    expect(run.unplanned).toBe(1);
    await applyPullPage(visits, { run, prepared: last.prepared, last: true, summariesAhead: ahead }, d);
    await refreshDirtyHouseholds(d, undefined, run.summaries);
    const text = (await d.households.get(h1))?.searchText;
    expect(text).toContain('tran thi hoa');
    expect(text).toContain('pham minh chau');
    expect(await d.outbox.count()).toBe(1);
  });

  it('leaves the summaries to the refresh when the pull stored more households than the refresh writes in one transaction', async () => {
    const d = new AppDB('ahead-' + crypto.randomUUID());
    cleanups.push(() => d.close());
    const run = await startPullRun(d);
    // As if earlier pages had stored them (the tables stay empty: only the last page's transaction is watched).
    for (let i = 0; i <= REFRESH_CHUNK; i++) {
      run.summaries!.stored('household', { id: `h${String(i).padStart(5, '0')}`, version: 1, deleted: 0, syncState: 'synced', localUpdatedAt: '', headName: `Hộ ${i}` });
    }
    const visits = page([change('visit', crypto.randomUUID(), { householdId: 'h00000', date: '2026-02-20', topics: ['vneid'], outcome: 'done' })], 9, false);
    const ahead = sealSummariesAhead([{ page: visits, prepared: preparePullPage(visits, run, d) }], run, d);
    expect(await ahead).toBeUndefined();
    await applyPullPage(visits, { run, prepared: preparePullPage(visits, run, d), last: true, summariesAhead: ahead }, d);
    expect(await d.households.count()).toBe(0);
    expect(await d.dirtyHouseholds.toCollection().primaryKeys()).toEqual([ALL_HOUSEHOLDS]);
  });
});

describe('refreshDirtyHouseholds', () => {
  async function seeded(dirty: (i: number) => boolean) {
    const d = new AppDB('refresh-' + crypto.randomUUID());
    const counts = counting(d);
    cleanups.push(() => d.close());
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const h = await createHousehold(hh({ headName: `Chủ hộ ${i}`, address: `Số ${i}` }), d);
      ids.push(h.id);
      await createMember({ householdId: h.id, fullName: `Thành viên ${i}`, birthYear: 1990 }, d);
      await createVisit({ householdId: h.id, date: '2026-02-01', topics: ['vneid'], outcome: 'followUp', followUpDate: `2026-03-${String((i % 28) + 1).padStart(2, '0')}` }, d);
    }
    // As a pull would leave them: summaries not computed yet, the household marked dirty.
    const stale = { searchText: '', lastVisitDate: '', followUpDate: '' };
    const marked = ids.filter((_, i) => dirty(i));
    await d.transaction('rw', d.households, d.dirtyHouseholds, async () => {
      for (const id of marked) await d.households.update(id, stale);
      await d.dirtyHouseholds.bulkPut(marked.map((id) => ({ id })));
    });
    return { d, ids, marked, counts };
  }

  const most = (i: number) => i % 7 !== 3;
  const few = (i: number) => i % 7 === 3;
  for (const [label, dirty, chunk, ranges] of [
    ['most households dirty, one chunk (whole tables)', most, 2000, true],
    ['most households dirty, chunks of 8 (key ranges)', most, 8, true],
    ['a few households dirty (key lookups)', few, 2000, false],
    ['a few households dirty, chunks of 2 (key lookups)', few, 2, false],
  ] as const) {
    it(`${label}: recomputes exactly the dirty ones`, async () => {
      const { d, ids, marked, counts } = await seeded(dirty);
      const before = counts.gets.households ?? 0;
      expect(await refreshDirtyHouseholds(d, chunk)).toBe(marked.length);
      // Households are read by key only when few are dirty.
      expect((counts.gets.households ?? 0) - before).toBe(ranges ? 0 : marked.length);
      expect(await d.dirtyHouseholds.count()).toBe(0);
      for (const [i, id] of ids.entries()) {
        const h = (await d.households.get(id))!;
        // Every household ends with the right summary: the dirty ones recomputed, the others kept.
        expect(h.searchText).toContain(`thanh vien ${i}`);
        expect(h.lastVisitDate).toBe('2026-02-01');
        expect(h.followUpDate).toBe(`2026-03-${String((i % 28) + 1).padStart(2, '0')}`);
      }
    });
  }

  it('the mark for every household: refreshes them all, and is removed only with the last chunk, so a refresh that fails midway does them all again', async () => {
    const d = new AppDB('refresh-all-' + crypto.randomUUID());
    cleanups.push(() => d.close());
    // The third chunk's write fails once.
    let writes = 0;
    let failAt = 3;
    watchTables(d, 'failing', (name, t) => ({
      mutate: (req) => (name === 'households' && req.type === 'put' && req.values.length > 1 && ++writes === failAt ? Promise.reject(new Error('disk full')) : t.mutate(req)),
    }));
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const h = await createHousehold(hh({ headName: `Chủ hộ ${i}`, address: `Số ${i}` }), d);
      ids.push(h.id);
      await createMember({ householdId: h.id, fullName: `Thành viên ${i}`, birthYear: 1990 }, d);
      await createVisit({ householdId: h.id, date: `2026-02-0${i + 1}`, topics: ['vneid'], outcome: 'done' }, d);
    }
    // As a first pull leaves them: no summary computed, one mark for all (and a household's own mark).
    await d.transaction('rw', d.households, d.dirtyHouseholds, async () => {
      for (const id of ids) await d.households.update(id, { searchText: '', lastVisitDate: '', followUpDate: '' });
      await d.dirtyHouseholds.bulkPut([{ id: ALL_HOUSEHOLDS }, { id: ids[4]! }]);
    });
    await expect(refreshDirtyHouseholds(d, 2)).rejects.toThrow();
    // Two chunks committed; the marks are all still there.
    expect((await d.dirtyHouseholds.toCollection().primaryKeys()).sort()).toEqual([ALL_HOUSEHOLDS, ids[4]!].sort());
    expect((await d.households.toArray()).filter((h) => h.searchText !== '')).toHaveLength(4);
    failAt = -1;
    expect(await refreshDirtyHouseholds(d, 2)).toBe(7);
    expect(await d.dirtyHouseholds.count()).toBe(0);
    for (const [i, id] of ids.entries()) {
      expect(await d.households.get(id)).toMatchObject({ searchText: expect.stringContaining(`thanh vien ${i}`), lastVisitDate: `2026-02-0${i + 1}` });
    }
  });
});
