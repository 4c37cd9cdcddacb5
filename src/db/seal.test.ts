// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { AppDB } from './database';
import { allHouseholds, createHousehold, deleteHousehold, findSimilarHouseholds, firstHouseholds, getHousehold, updateHousehold } from './households';
import { createMember, membersOf } from './members';
import { createVisit, visitsOf } from './visits';
import { createSession, getSession } from './sessions';
import { getDraft, saveDraft } from './drafts';
import { LockedError, lockSeal, openFields, openSeal, openValue, openValueAsync, presealedStats, presealRows, resetSeal, sealFields, sealMode, sealValue, sealValueAsync, warmOpened } from './seal';
import { foldForSearch, matchesQuery } from '../domain/text';
import { applyPushResults, takeBatch } from '../sync/outbox';
import type { HouseholdFields } from '../domain/schemas';

const key = () => crypto.getRandomValues(new Uint8Array(32));

let database: AppDB;
let dataKey: Uint8Array;
beforeEach(() => {
  database = new AppDB('seal-' + crypto.randomUUID());
  dataKey = key();
  // Locking wipes the bytes it was given.
  openSeal(dataKey.slice());
});
afterEach(async () => {
  resetSeal();
  await database.delete();
});

/** Every stored row of every table as JSON, read past the app's layers. */
async function rawContent(): Promise<string> {
  const raw = new Dexie(database.name);
  await raw.open();
  const tables = await Promise.all(raw.tables.map((t) => t.toArray()));
  raw.close();
  return JSON.stringify(tables);
}

async function rawRow(table: string, id: string): Promise<Record<string, unknown>> {
  const raw = new Dexie(database.name);
  await raw.open();
  const row = (await raw.table(table).get(id)) as Record<string, unknown>;
  raw.close();
  return row;
}

const household = (over: Partial<HouseholdFields> = {}): HouseholdFields => ({
  neighborhood: 'Thôn Đông',
  address: 'Số 12, ngõ 3, đường Lê Lợi',
  headName: 'Nguyễn Văn Bình',
  phone: '0912345678',
  notes: 'Ông Bình mắt kém',
  consent: { recordedAt: '2026-01-10T08:15:00.000Z', recordedBy: 'Lê Thị Hoa', purposes: ['support'], textVersion: 'vi-2026-01' },
  ...over,
});

const SECRETS = ['Nguyễn Văn Bình', 'nguyen van binh', 'binh', 'Lê Lợi', 'le loi', '0912345678', 'mắt kém', 'Lê Thị Hoa', 'Phạm Thị Mai', 'mai', 'Cần cài VNeID', 'Nhà văn hoá'];

function expectNoSecret(stored: string) {
  for (const s of SECRETS) expect(stored.toLowerCase()).not.toContain(s.toLowerCase());
}

describe('the sealing layer', () => {
  it('round-trips every personal field, and stores none of them, folded or not, in the clear', async () => {
    const h = await createHousehold(household(), database);
    await createMember({ householdId: h.id, fullName: 'Phạm Thị Mai', birthYear: 1990, notes: 'Cần cài VNeID' }, database);
    await createVisit({ householdId: h.id, date: '2026-12-01', topics: ['vneid'], outcome: 'done', notes: 'Cần cài VNeID' }, database);
    const s = await createSession({ date: '2026-12-02', place: 'Nhà văn hoá', topics: ['vneid'], attendees: 12, notes: 'Cần cài VNeID' }, database);
    await saveDraft('household:edit:' + h.id, { headName: 'Nguyễn Văn Bình' }, '/households/' + h.id + '/edit', database);

    expectNoSecret(await rawContent());
    const stored = await rawRow('households', h.id);
    expect(stored.sealed).toBeInstanceOf(Uint8Array);
    // What the lists, indexes and indicators need stays readable.
    expect(stored).toMatchObject({ id: h.id, neighborhood: 'Thôn Đông', syncState: 'pending', deleted: 0 });

    expect(await getHousehold(h.id, database)).toMatchObject({ ...household(), searchText: expect.stringContaining('nguyen van binh') });
    expect((await membersOf(h.id, database))[0]).toMatchObject({ fullName: 'Phạm Thị Mai', notes: 'Cần cài VNeID' });
    expect((await visitsOf(h.id, database))[0]?.notes).toBe('Cần cài VNeID');
    expect(await getSession(s.id, database)).toMatchObject({ place: 'Nhà văn hoá', notes: 'Cần cài VNeID' });
    expect((await getDraft('household:edit:' + h.id, database))?.data).toEqual({ headName: 'Nguyễn Văn Bình' });
  });

  it('finds households by folded words and prefixes as they are typed, and sorts them by name', async () => {
    await createHousehold(household(), database);
    await createHousehold(household({ headName: 'Trần Thị Ánh', address: 'Số 4, Xóm Đình', phone: '0987000111' }), database);
    const rows = await allHouseholds(database);
    const find = (typed: string) => rows.filter((h) => matchesQuery(h.searchText, foldForSearch(typed))).map((h) => h.headName);
    expect(find('nguyen van binh')).toEqual(['Nguyễn Văn Bình']);
    expect(find('tran th')).toEqual(['Trần Thị Ánh']);
    expect(find('xom dinh')).toEqual(['Trần Thị Ánh']);
    expect(find('0987')).toEqual(['Trần Thị Ánh']);
    expect((await firstHouseholds('name', 1, database)).map((h) => h.headName)).toEqual(['Trần Thị Ánh']);
    expect(await findSimilarHouseholds({ headName: 'nguyen van binh', neighborhood: 'Thôn Đông', address: '' }, undefined, database)).toHaveLength(1);
  });

  it('keeps patches, cascades and the outbox working, and gives sync the plain values to send', async () => {
    const h = await createHousehold(household(), database);
    await updateHousehold(h.id, { phone: '0911222333', notes: '' }, database);
    expect(await getHousehold(h.id, database)).toMatchObject({ phone: '0911222333' });
    expect((await getHousehold(h.id, database))?.notes).toBeUndefined();
    const stored = await rawContent();
    expect(stored).not.toContain('0911222333');
    const batch = await takeBatch(10, database);
    expect(batch.map((e) => e.fields)).toEqual([expect.objectContaining({ headName: 'Nguyễn Văn Bình', phone: '0912345678' }), { phone: '0911222333', notes: null }]);
    await deleteHousehold(h.id, database);
    expect(await getHousehold(h.id, database)).toBeUndefined();
  });

  it('seals the server’s values a conflict brings, which the review screen reads back in the clear', async () => {
    const h = await createHousehold(household(), database);
    await updateHousehold(h.id, { phone: '0911222333' }, database);
    const batch = await takeBatch(10, database);
    const patch = batch[1]!;
    await applyPushResults(
      batch,
      [
        { mid: batch[0]!.mid, status: 'applied', version: 1, serverSeq: 1 },
        { mid: patch.mid, status: 'conflict', version: 2, fields: ['phone'], server: { phone: '0977888999' } },
      ],
      database,
    );
    expect(await rawContent()).not.toContain('0977888999');
    expect((await database.outbox.get(patch.key!))?.conflict).toEqual({ fields: ['phone'], server: { phone: '0977888999' }, version: 2 });
  });

  it('refuses another key: a blob opens only with its key and on its own row', () => {
    const k = key();
    const blob = sealFields(k, 'households', { id: 'h1' }, { headName: 'Nguyễn Văn Bình' });
    expect(openFields(k, 'households', { id: 'h1' }, blob)).toEqual({ headName: 'Nguyễn Văn Bình' });
    expect(() => openFields(key(), 'households', { id: 'h1' }, blob)).toThrow();
    expect(() => openFields(k, 'households', { id: 'h2' }, blob)).toThrow();
    const altered = blob.slice();
    altered[20] = altered[20]! ^ 1;
    expect(() => openFields(k, 'households', { id: 'h1' }, altered)).toThrow();
  });

  it('opens blobs with WebCrypto into the cache the reads use, and refuses one that is not its row’s', async () => {
    const k = key();
    openSeal(k.slice());
    const blob = sealFields(k, 'households', { id: 'h1' }, { headName: 'Nguyễn Văn Bình' });
    await database.open();
    const raw = new Dexie(database.name);
    await raw.open();
    await raw.table('households').bulkPut([
      { id: 'h1', deleted: 0, neighborhood: 'Thôn Đông', sealed: blob },
      { id: 'h2', deleted: 0, neighborhood: 'Thôn Đông', sealed: blob },
    ]);
    raw.close();
    await warmOpened('households', [{ id: 'h1', sealed: blob }]);
    expect((await database.households.get('h1'))?.headName).toBe('Nguyễn Văn Bình');
    await expect(warmOpened('households', [{ id: 'h2', sealed: blob }])).rejects.toThrow();
    // Opened and cached for h1, the blob still does not open on h2.
    await expect(database.households.get('h2')).rejects.toThrow();
  });

  it('writes a blob sealed ahead with WebCrypto only for the very fields it holds, once, and forgets them when locked', async () => {
    const row = (headName: string) => ({ id: 'h-ahead', version: 1, deleted: 0, syncState: 'synced', localUpdatedAt: '2026-03-01T08:00:00.000Z', ...household({ headName }), searchText: 'x', nameKey: 'k', lastVisitDate: '', followUpDate: '' });
    const { taken } = presealedStats();
    await presealRows('households', [row('Nguyễn Văn Bình')]);
    expect(presealedStats()).toEqual({ waiting: 1, taken });
    await database.households.put(row('Nguyễn Văn Bình') as never);
    expect(presealedStats()).toEqual({ waiting: 0, taken: taken + 1 });
    const stored = await rawRow('households', 'h-ahead');
    expect(stored.headName).toBeUndefined();
    expect(openFields(dataKey, 'households', stored, stored.sealed as Uint8Array)).toMatchObject({ headName: 'Nguyễn Văn Bình', address: 'Số 12, ngõ 3, đường Lê Lợi' });

    // Written with other values than sealed ahead: sealed at the write, the blob ahead dropped.
    await presealRows('households', [row('Nguyễn Văn Bình')]);
    await database.households.put(row('Lê Văn Cường') as never);
    expect(presealedStats()).toEqual({ waiting: 0, taken: taken + 1 });
    const again = await rawRow('households', 'h-ahead');
    expect(openFields(dataKey, 'households', again, again.sealed as Uint8Array)).toMatchObject({ headName: 'Lê Văn Cường' });
    expect(await getHousehold('h-ahead', database)).toMatchObject({ headName: 'Lê Văn Cường' });

    await presealRows('households', [row('Nguyễn Văn Bình')]);
    lockSeal();
    expect(presealedStats().waiting).toBe(0);
  });

  it('fails to read rows sealed under another data key', async () => {
    const h = await createHousehold(household(), database);
    openSeal(key());
    await expect(getHousehold(h.id, database)).rejects.toThrow();
  });

  it('while locked, reads no personal field, writes none, and loses nothing written back', async () => {
    const h = await createHousehold(household(), database);
    lockSeal();
    expect(sealMode()).toBe('locked');
    const row = await database.households.get(h.id);
    expect(row?.headName).toBeUndefined();
    expect(row?.neighborhood).toBe('Thôn Đông');
    await expect(createHousehold(household({ headName: 'Người khác' }), database)).rejects.toBeInstanceOf(LockedError);
    await database.households.put(row!);
    await database.households.delete('absent');
    expect(await database.outbox.count()).toBe(1);
    openSeal(dataKey.slice());
    expect(await getHousehold(h.id, database)).toMatchObject({ headName: 'Nguyễn Văn Bình' });
  });
});

describe('a value sealed whole', () => {
  afterEach(() => resetSeal());

  it('through WebCrypto gives the blob the synchronous cipher opens, and back; another label or key opens nothing', async () => {
    const key = crypto.getRandomValues(new Uint8Array(32));
    openSeal(key);
    const value = { ids: ['a', 'b'], consent: { purposes: ['reporting'] } };
    const blob = (await sealValueAsync('label', value))!;
    expect(openValue('label', blob)).toEqual(value);
    expect(await openValueAsync('label', sealValue('label', value)!)).toEqual(value);
    expect(await openValueAsync('other', blob)).toBeUndefined();
    openSeal(crypto.getRandomValues(new Uint8Array(32)));
    expect(await openValueAsync('label', blob)).toBeUndefined();
    lockSeal();
    expect(await sealValueAsync('label', value)).toBeUndefined();
  });
});
