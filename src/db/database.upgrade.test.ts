// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { AppDB } from './database';
import { membersOf } from './members';
import { recentVisits, visitsOf } from './visits';
import { householdsToFollowUp } from './households';
import { resetSeal } from './seal';
import { forgetKey, setPin, unlock } from '../lock/vault';

const opened: Dexie[] = [];
afterEach(() => {
  resetSeal();
  for (const d of opened.splice(0)) d.close();
});

/** Every stored row of every table as JSON, read past the app's layers. */
async function rawContent(name: string): Promise<string> {
  const raw = new Dexie(name);
  opened.push(raw);
  await raw.open();
  const tables = await Promise.all(raw.tables.map((t) => t.toArray()));
  raw.close();
  return JSON.stringify(tables);
}

/** The schema as version 3 declared it, to write a database the way the previous app left it. */
function openV3(name: string): Dexie {
  const d = new Dexie(name);
  d.version(1).stores({
    households: 'id, nameKey, neighborhood, lastVisitDate, followUpDate, syncState',
    members: 'id, householdId, syncState',
    visits: 'id, [householdId+date], date, syncState',
    sessions: 'id, date, syncState',
    neighborhoods: 'id, name',
    checklistSteps: 'id, memberId',
    outbox: '++key, &mid, seq, [entity+id], state',
    drafts: 'key, updatedAt',
    meta: 'key',
    users: 'id',
  });
  d.version(2).stores({ visits: 'id, householdId, [householdId+date], date, syncState', dirtyHouseholds: 'id' });
  d.version(3).stores({ guides: 'id' });
  opened.push(d);
  return d;
}

const meta = (id: string, syncState: string) => ({ id, version: syncState === 'synced' ? 3 : 0, deleted: 0, syncState, localUpdatedAt: '2026-12-01T08:00:00.000Z' });
const household = (id: string, syncState: string, followUpDate = '') => ({
  ...meta(id, syncState),
  headName: 'Nguyễn Văn Bình',
  neighborhood: 'Thôn Đông',
  address: 'Số 1',
  nameKey: 'nguyen van binh',
  searchText: 'nguyen van binh so 1 thon dong',
  lastVisitDate: '',
  followUpDate,
});

describe('AppDB versions 4, 5 and 6', () => {
  it('keeps unsynced rows and their outbox entries from version 3, and reads them by the indexes left', async () => {
    const name = 'upgrade-' + crypto.randomUUID();
    const old = openV3(name);
    await old.open();
    expect(old.verno).toBe(3);
    await old.table('households').bulkPut([household('h1', 'pending', '2026-12-10'), household('h2', 'synced'), household('h3', 'conflict')]);
    await old.table('members').bulkPut([
      { ...meta('m1', 'pending'), householdId: 'h1', fullName: 'Nguyễn Văn Bình', nameKey: 'binh' },
      { ...meta('m2', 'synced'), householdId: 'h2', fullName: 'Trần Thị Lan', nameKey: 'lan' },
    ]);
    await old.table('visits').bulkPut([
      { ...meta('v1', 'pending'), householdId: 'h1', date: '2026-12-01', topics: ['vneid'], outcome: 'done' },
      { ...meta('v2', 'rejected'), householdId: 'h1', date: '2026-12-03', topics: ['vneid'], outcome: 'done' },
      { ...meta('v3', 'synced'), householdId: 'h2', date: '2026-11-20', topics: ['vneid'], outcome: 'done' },
    ]);
    await old.table('sessions').put({ ...meta('s1', 'pending'), date: '2026-12-02', title: 'Buổi 1' });
    const entries = [
      { mid: 'mid-1', seq: 1, entity: 'household', op: 'create', id: 'h1', baseVersion: 0, fields: { headName: 'Nguyễn Văn Bình' }, clientTs: '2026-12-01T08:00:00.000Z', state: 'pending' },
      { mid: 'mid-2', seq: 2, entity: 'visit', op: 'create', id: 'v2', baseVersion: 0, fields: { date: '2026-12-03' }, clientTs: '2026-12-03T08:00:00.000Z', state: 'rejected', error: { code: 'VALIDATION', message: 'x' } },
      { mid: 'mid-3', seq: 3, entity: 'household', op: 'patch', id: 'h3', baseVersion: 2, fields: { phone: '0912345678' }, clientTs: '2026-12-04T08:00:00.000Z', state: 'conflict', sent: true },
    ];
    await old.table('outbox').bulkAdd(entries);
    await old.table('dirtyHouseholds').put({ id: 'h2' });
    old.close();

    const d = new AppDB(name);
    opened.push(d);
    await d.open();
    expect(d.verno).toBe(6);
    // Nothing unsynced is lost, and no row changed.
    expect((await d.households.get('h1'))?.syncState).toBe('pending');
    expect((await d.households.get('h3'))?.syncState).toBe('conflict');
    expect((await d.visits.get('v2'))?.syncState).toBe('rejected');
    expect(await d.sessions.get('s1')).toMatchObject({ syncState: 'pending', title: 'Buổi 1' });
    expect(await d.households.count()).toBe(3);
    expect(await d.dirtyHouseholds.get('h2')).toEqual({ id: 'h2' });
    const outbox = await d.outbox.orderBy('seq').toArray();
    expect(outbox.map(({ key: _key, ...e }) => e)).toEqual(entries);
    expect(await d.outbox.where('[entity+id]').equals(['visit', 'v2']).count()).toBe(1);
    expect(await d.outbox.where('state').equals('pending').count()).toBe(1);

    // The indexes no query reads are gone…
    expect(d.households.schema.indexes.map((i) => i.name).sort()).toEqual(['followUpDate', 'lastVisitDate']);
    expect(d.members.schema.indexes.map((i) => i.name)).toEqual(['householdId']);
    expect(d.visits.schema.indexes.map((i) => i.name)).toEqual(['[householdId+date]']);
    expect(d.sessions.schema.indexes.map((i) => i.name)).toEqual(['date']);
    // …and the queries that used the ones kept (or the compound index's prefix) still answer.
    expect((await membersOf('h1', d)).map((m) => m.id)).toEqual(['m1']);
    expect((await visitsOf('h1', d)).map((v) => v.id).sort()).toEqual(['v1', 'v2']);
    expect((await d.visits.where('householdId').anyOf(['h1', 'h2']).primaryKeys()).sort()).toEqual(['v1', 'v2', 'v3']);
    expect((await d.visits.where('householdId').between('h1', 'h1', true, true).primaryKeys()).sort()).toEqual(['v1', 'v2']);
    expect((await householdsToFollowUp('2026-12-31', d)).map((h) => h.id)).toEqual(['h1']);
  });

  it('version 6 drops the visits\' date index and keeps every row and outbox entry of version 5; the newest visits still come first', async () => {
    const name = 'upgrade-' + crypto.randomUUID();
    const old = openV3(name);
    old.version(4).stores({ households: 'id, nameKey, lastVisitDate, followUpDate', members: 'id, householdId', visits: 'id, [householdId+date], date', sessions: 'id, date' });
    old.version(5).stores({ households: 'id, lastVisitDate, followUpDate' });
    await old.open();
    expect(old.verno).toBe(5);
    await old.table('households').bulkPut([
      { ...household('h1', 'pending'), lastVisitDate: '2026-12-03' },
      { ...household('h2', 'synced'), lastVisitDate: '2026-11-20' },
    ]);
    const visits = [
      { ...meta('v1', 'pending'), householdId: 'h1', date: '2026-12-01', topics: ['vneid'], outcome: 'done' },
      { ...meta('v2', 'rejected'), householdId: 'h1', date: '2026-12-03', topics: ['vneid'], outcome: 'done' },
      { ...meta('v3', 'synced'), householdId: 'h2', date: '2026-11-20', topics: ['vneid'], outcome: 'done' },
    ];
    await old.table('visits').bulkPut(visits);
    const entries = [
      { mid: 'mid-1', seq: 1, entity: 'visit', op: 'create', id: 'v1', baseVersion: null, fields: { date: '2026-12-01' }, clientTs: '2026-12-01T08:00:00.000Z', state: 'pending' },
      { mid: 'mid-2', seq: 2, entity: 'visit', op: 'create', id: 'v2', baseVersion: null, fields: { date: '2026-12-03' }, clientTs: '2026-12-03T08:00:00.000Z', state: 'rejected', error: { code: 'VALIDATION', message: 'x' } },
    ];
    await old.table('outbox').bulkAdd(entries);
    old.close();

    const d = new AppDB(name);
    opened.push(d);
    await d.open();
    expect(d.verno).toBe(6);
    expect(d.visits.schema.indexes.map((i) => i.name)).toEqual(['[householdId+date]']);
    expect(await d.visits.orderBy(':id').toArray()).toEqual(visits);
    expect((await d.outbox.orderBy('seq').toArray()).map(({ key: _key, ...e }) => e)).toEqual(entries);
    expect((await recentVisits(2, d)).map((v) => v.id)).toEqual(['v2', 'v1']);
    expect((await visitsOf('h1', d)).map((v) => v.id)).toEqual(['v2', 'v1']);
  });

  it('seals the rows an older version left in the clear when the PIN is set, and loses no outbox entry', async () => {
    const name = 'upgrade-' + crypto.randomUUID();
    const old = openV3(name);
    await old.open();
    await old.table('households').put(household('h1', 'pending'));
    await old.table('members').put({ ...meta('m1', 'pending'), householdId: 'h1', fullName: 'Trần Thị Lan', nameKey: 'lan tran thi' });
    await old.table('visits').put({ ...meta('v1', 'pending'), householdId: 'h1', date: '2026-12-01', topics: ['vneid'], outcome: 'done', notes: 'Hẹn chiều thứ Bảy' });
    const entries = [
      { mid: 'mid-1', seq: 1, entity: 'household', op: 'create', id: 'h1', baseVersion: null, fields: { headName: 'Nguyễn Văn Bình', address: 'Số 1' }, clientTs: '2026-12-01T08:00:00.000Z', state: 'pending' },
      { mid: 'mid-2', seq: 2, entity: 'household', op: 'patch', id: 'h1', baseVersion: 2, fields: { phone: '0912345678' }, clientTs: '2026-12-04T08:00:00.000Z', state: 'conflict', sent: true, conflict: { fields: ['phone'], server: { phone: '0987654321' }, version: 3 } },
    ];
    await old.table('outbox').bulkAdd(entries);
    await old.table('drafts').put({ key: 'visit:new:h1', data: { notes: 'Bà Lan cần cài VNeID' }, route: '/households/h1/visits/new', updatedAt: '2026-12-05T08:00:00.000Z' });
    old.close();

    const d = new AppDB(name);
    opened.push(d);
    await d.open();
    expect(await rawContent(name)).toContain('Nguyễn Văn Bình');
    await setPin('482916', d, 1_000);

    const stored = await rawContent(name);
    for (const secret of ['Nguyễn Văn Bình', 'nguyen van binh', 'Trần Thị Lan', 'Số 1', '0912345678', '0987654321', 'Hẹn chiều', 'Bà Lan']) {
      expect(stored).not.toContain(secret);
    }
    // Unlocked, the app reads everything as before, the outbox entries included.
    forgetKey();
    expect(await unlock('482916', d)).toEqual({ ok: true });
    expect(await d.households.get('h1')).toMatchObject({ headName: 'Nguyễn Văn Bình', searchText: 'nguyen van binh so 1 thon dong', syncState: 'pending' });
    expect((await membersOf('h1', d))[0]?.fullName).toBe('Trần Thị Lan');
    expect((await d.outbox.orderBy('seq').toArray()).map(({ key: _key, ...e }) => e)).toEqual(entries);
    expect((await d.drafts.get('visit:new:h1'))?.data).toEqual({ notes: 'Bà Lan cần cài VNeID' });
  });
});
