import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { reactive } from 'vue';
import { AppDB } from './database';
import { allDrafts, deleteDraft, getDraft, saveDraft } from './drafts';
import { StorageFullError } from './errors';
import { isIsoDateTime } from '../domain/dates';

let name: string;
let database: AppDB;

beforeEach(() => {
  name = 't-' + crypto.randomUUID();
  database = new AppDB(name);
});

afterEach(async () => {
  vi.useRealTimers();
  await database.delete();
});

const visitDraft = {
  date: '2026-03-02',
  topics: ['vneid', 'eHealth'],
  outcome: 'partial',
  notes: 'Bà Tư chưa có số điện thoại riêng.',
};

describe('drafts', () => {
  it('save, get and delete round trip', async () => {
    const key = 'visit:new:0194b2a0-7c1e-7a3b-9c4d-5e6f70818293';
    await saveDraft(key, visitDraft, '/households/0194b2a0-7c1e-7a3b-9c4d-5e6f70818293/visit', database);
    const d = await getDraft(key, database);
    expect(d).toEqual({
      key,
      data: visitDraft,
      route: '/households/0194b2a0-7c1e-7a3b-9c4d-5e6f70818293/visit',
      updatedAt: d!.updatedAt,
    });
    expect(isIsoDateTime(d!.updatedAt)).toBe(true);
    await deleteDraft(key, database);
    expect(await getDraft(key, database)).toBeUndefined();
    expect(await database.drafts.count()).toBe(0);
  });

  it('saving again replaces the draft', async () => {
    await saveDraft('household:new', { headName: 'Ngô Văn' }, '/households/new', database);
    await saveDraft('household:new', { headName: 'Ngô Văn Tư', phone: '0912' }, '/households/new', database);
    expect((await getDraft('household:new', database))?.data).toEqual({ headName: 'Ngô Văn Tư', phone: '0912' });
    expect(await database.drafts.count()).toBe(1);
  });

  it('stores Vue reactive objects as plain JSON data', async () => {
    const form = reactive({ headName: 'Đoàn Thị Lụa', members: [{ fullName: 'Đoàn Văn Tùng', birthYear: 1999 }], skip: undefined });
    await saveDraft('household:new', form, '/households/new', database);
    const data = (await getDraft('household:new', database))?.data;
    expect(data).toEqual({ headName: 'Đoàn Thị Lụa', members: [{ fullName: 'Đoàn Văn Tùng', birthYear: 1999 }] });
    expect(data).not.toHaveProperty('skip');
  });

  it('never enter the outbox', async () => {
    await saveDraft('visit:new:x', visitDraft, '/x', database);
    expect(await database.outbox.count()).toBe(0);
  });

  it('survive closing and reopening the database', async () => {
    await saveDraft('household:edit:abc', { address: 'Số 3, ngõ Chợ' }, '/households/abc/edit', database);
    database.close();
    const reopened = new AppDB(name);
    try {
      expect(await getDraft('household:edit:abc', reopened)).toMatchObject({
        key: 'household:edit:abc',
        data: { address: 'Số 3, ngõ Chợ' },
        route: '/households/abc/edit',
      });
    } finally {
      reopened.close();
    }
    database = new AppDB(name);
  });

  it('allDrafts lists the most recently saved first', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-02T01:00:00.000Z'));
    await saveDraft('a', { n: 1 }, '/a', database);
    vi.setSystemTime(new Date('2026-03-02T03:00:00.000Z'));
    await saveDraft('b', { n: 2 }, '/b', database);
    vi.setSystemTime(new Date('2026-03-02T02:00:00.000Z'));
    await saveDraft('c', { n: 3 }, '/c', database);
    const all = await allDrafts(database);
    expect(all.map((d) => [d.key, d.updatedAt])).toEqual([
      ['b', '2026-03-02T03:00:00.000Z'],
      ['c', '2026-03-02T02:00:00.000Z'],
      ['a', '2026-03-02T01:00:00.000Z'],
    ]);
  });

  it('a full disk surfaces as StorageFullError', async () => {
    vi.spyOn(database.drafts, 'put').mockRejectedValue(new DOMException('full', 'QuotaExceededError'));
    await expect(saveDraft('a', { n: 1 }, '/a', database)).rejects.toBeInstanceOf(StorageFullError);
    expect(await database.drafts.count()).toBe(0);
  });

  it('other errors pass through unchanged', async () => {
    const boom = new Error('disk on fire');
    vi.spyOn(database.drafts, 'put').mockRejectedValue(boom);
    await expect(saveDraft('a', { n: 1 }, '/a', database)).rejects.toBe(boom);
  });
});
