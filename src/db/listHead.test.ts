// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { AppDB } from './database';
import { createHousehold, deleteHousehold, updateHousehold } from './households';
import { createVisit } from './visits';
import { householdsWithToken, keepListHead, LIST_HEAD_ROWS, readListHead } from './listHead';
import { META_KEYS } from './metaKeys';
import { lockSeal, openSeal, resetSeal } from './seal';
import type { HouseholdFields } from '../domain/schemas';

let database: AppDB;
let dataKey: Uint8Array;
beforeEach(() => {
  database = new AppDB('list-head-' + crypto.randomUUID());
  dataKey = crypto.getRandomValues(new Uint8Array(32));
  openSeal(dataKey.slice());
});
afterEach(async () => {
  resetSeal();
  await database.delete();
});

const household = (headName: string, over: Partial<HouseholdFields> = {}): HouseholdFields => ({
  neighborhood: 'Thôn Đông',
  address: 'Số 12, ngõ 3, đường Lê Lợi',
  headName,
  phone: '0912345678',
  consent: { recordedAt: '2026-01-10T08:15:00.000Z', recordedBy: 'Lê Thị Hoa', purposes: ['support'], textVersion: 'vi-2026-01' },
  ...over,
});

/** Reads the list with its token and keeps its first page, as the list's store does. */
async function keep(): Promise<void> {
  const { rows, token } = await householdsWithToken(database);
  await keepListHead(rows, token, database);
}

async function storedMeta(): Promise<string> {
  const raw = new Dexie(database.name);
  await raw.open();
  const rows = await raw.table('meta').toArray();
  raw.close();
  return JSON.stringify(rows, (_k, v: unknown) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : v));
}

const names = (rows: { headName: string }[] | undefined) => rows?.map((h) => h.headName);

describe('the list first page kept sealed', () => {
  it('gives the first households by name from one sealed blob, with nothing personal in the clear', async () => {
    await createHousehold(household('Trần Thị Ánh'), database);
    await createHousehold(household('Nguyễn Văn Bình', { address: 'Số 7, xóm Chùa' }), database);
    await createHousehold(household('Đỗ Văn An'), database);
    expect(await readListHead(database)).toBeUndefined();
    await keep();
    // By given name, as the list sorts.
    expect(names(await readListHead(database))).toEqual(['Đỗ Văn An', 'Trần Thị Ánh', 'Nguyễn Văn Bình']);
    expect((await readListHead(database))?.[2]?.address).toBe('Số 7, xóm Chùa');
    const stored = await storedMeta();
    expect(stored).toContain(META_KEYS.listHead);
    for (const secret of ['Bình', 'Ánh', 'xóm Chùa', '0912345678', 'nguyen van binh']) expect(stored).not.toContain(secret);
  });

  it('holds only the first page, in the order of the list', async () => {
    for (let i = LIST_HEAD_ROWS + 5; i > 0; i--) await createHousehold(household(`Hộ ${String(i).padStart(3, '0')}`), database);
    await keep();
    const head = await readListHead(database);
    expect(head).toHaveLength(LIST_HEAD_ROWS);
    expect(head?.[0]?.headName).toBe('Hộ 001');
    expect(head?.[LIST_HEAD_ROWS - 1]?.headName).toBe(`Hộ ${String(LIST_HEAD_ROWS).padStart(3, '0')}`);
  });

  it('is never given once a household was edited, deleted or added, nor after a visit changed its summary', async () => {
    const a = await createHousehold(household('Đỗ Văn An'), database);
    const b = await createHousehold(household('Nguyễn Văn Bình'), database);
    await keep();
    await updateHousehold(a.id, { headName: 'Đỗ Văn Anh' }, database);
    expect(await readListHead(database)).toBeUndefined();
    await keep();
    expect(names(await readListHead(database))).toEqual(['Đỗ Văn Anh', 'Nguyễn Văn Bình']);
    await deleteHousehold(b.id, database);
    expect(await readListHead(database)).toBeUndefined();
    await keep();
    expect(names(await readListHead(database))).toEqual(['Đỗ Văn Anh']);
    await createHousehold(household('Lê Thị An'), database);
    expect(await readListHead(database)).toBeUndefined();
    await keep();
    expect(names(await readListHead(database))).toEqual(['Lê Thị An', 'Đỗ Văn Anh']);
    await createVisit({ householdId: a.id, date: '2026-03-02', topics: ['vneid'], outcome: 'done' }, database);
    expect(await readListHead(database)).toBeUndefined();
  });

  it('a page cut from a list read before a write is not taken for the list after it', async () => {
    const a = await createHousehold(household('Đỗ Văn An'), database);
    const before = await householdsWithToken(database);
    await deleteHousehold(a.id, database);
    await keepListHead(before.rows, before.token, database);
    expect(await readListHead(database)).toBeUndefined();
  });

  it('is neither written nor read without the key, and another key does not open it', async () => {
    await createHousehold(household('Đỗ Văn An'), database);
    await keep();
    lockSeal();
    expect(await readListHead(database)).toBeUndefined();
    const { rows, token } = await householdsWithToken(database);
    await database.meta.delete(META_KEYS.listHead);
    await keepListHead(rows, token, database);
    expect(await database.meta.get(META_KEYS.listHead)).toBeUndefined();
    openSeal(dataKey.slice());
    await keep();
    openSeal(crypto.getRandomValues(new Uint8Array(32)));
    expect(await readListHead(database)).toBeUndefined();
  });
});
