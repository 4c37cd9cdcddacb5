import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Dexie } from 'dexie';
import { AppDB } from './database';
import { changedFields, commitChange, compact, newMeta, nowIso } from './write';
import { guardQuota, isQuotaError, StorageFullError, ValidationError } from './errors';
import { createNeighborhood } from './neighborhoods';
import type { NeighborhoodRow } from './rows';
import { isIsoDateTime } from '../domain/dates';
import { isUuid } from '../domain/ids';

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

const PHU_MY = { name: 'Thôn Phú Mỹ', kind: 'thon' };

function neighborhoodRow(over: Partial<NeighborhoodRow> = {}): NeighborhoodRow {
  return { ...newMeta(), name: 'Thôn Phú Mỹ', kind: 'thon', ...over };
}

describe('commitChange', () => {
  it('puts the row and one pending outbox entry in the same transaction', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-02T04:05:06.789Z'));
    const row = neighborhoodRow({ syncState: 'synced' });
    await commitChange(database, {
      entity: 'neighborhood',
      table: database.neighborhoods,
      op: 'create',
      row,
      fields: { name: 'Thôn Phú Mỹ', kind: 'thon' },
    });
    expect(await database.neighborhoods.get(row.id)).toEqual({ ...row, syncState: 'pending' });
    const [e] = await database.outbox.toArray();
    expect(e).toEqual({
      key: 1,
      mid: e!.mid,
      seq: 1,
      entity: 'neighborhood',
      op: 'create',
      id: row.id,
      baseVersion: null,
      fields: { name: 'Thôn Phú Mỹ', kind: 'thon' },
      clientTs: '2026-03-02T04:05:06.789Z',
      state: 'pending',
    });
    expect(isUuid(e!.mid)).toBe(true);
    expect(e!.mid[14]).toBe('7');
  });

  it('a patch carries the row version as baseVersion; a delete carries no fields', async () => {
    const row = neighborhoodRow({ version: 12 });
    await commitChange(database, { entity: 'neighborhood', table: database.neighborhoods, op: 'patch', row, fields: { kind: 'toDanPho' } });
    await commitChange(database, { entity: 'neighborhood', table: database.neighborhoods, op: 'delete', row: { ...row, deleted: 1 }, fields: { x: 1 } });
    const [patch, del] = await database.outbox.orderBy('seq').toArray();
    expect(patch).toMatchObject({ seq: 1, op: 'patch', baseVersion: 12, fields: { kind: 'toDanPho' } });
    expect(del).toMatchObject({ seq: 2, op: 'delete', baseVersion: 12 });
    expect(del).not.toHaveProperty('fields');
  });

  it('a patch without fields queues an empty fields object', async () => {
    const row = neighborhoodRow();
    await commitChange(database, { entity: 'neighborhood', table: database.neighborhoods, op: 'patch', row });
    expect((await database.outbox.toArray())[0]?.fields).toEqual({});
  });

  it('gives every mutation a fresh mid and the next seq, even after reopening', async () => {
    await createNeighborhood({ name: 'Thôn 1', kind: 'thon' }, database);
    await createNeighborhood({ name: 'Thôn 2', kind: 'thon' }, database);
    database.close();
    database = new AppDB(name);
    await createNeighborhood({ name: 'Thôn 3', kind: 'thon' }, database);
    const entries = await database.outbox.orderBy('seq').toArray();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(new Set(entries.map((e) => e.mid)).size).toBe(3);
  });

  it('keeps seq increasing after earlier entries leave the outbox', async () => {
    await createNeighborhood({ name: 'Thôn 1', kind: 'thon' }, database);
    await createNeighborhood({ name: 'Thôn 2', kind: 'thon' }, database);
    await database.outbox.clear();
    await createNeighborhood({ name: 'Thôn 3', kind: 'thon' }, database);
    expect((await database.outbox.toArray()).map((e) => e.seq)).toEqual([3]);
  });

  it('runs `also` inside the transaction: its failure rolls back row, outbox and seq', async () => {
    const row = neighborhoodRow();
    await expect(
      commitChange(database, {
        entity: 'neighborhood',
        table: database.neighborhoods,
        op: 'create',
        row,
        fields: PHU_MY,
        extraTables: [database.households],
        also: async () => {
          await database.households.put({ id: 'x' } as never);
          throw new Error('derived update failed');
        },
      }),
    ).rejects.toThrow('derived update failed');
    expect(await database.neighborhoods.count()).toBe(0);
    expect(await database.households.count()).toBe(0);
    expect(await database.outbox.count()).toBe(0);
    expect(await database.meta.count()).toBe(0);
  });

  it('a failing outbox add rolls back the row', async () => {
    vi.spyOn(database.outbox, 'add').mockImplementation(() => {
      throw new Error('outbox broke');
    });
    const row = neighborhoodRow();
    await expect(
      commitChange(database, { entity: 'neighborhood', table: database.neighborhoods, op: 'create', row, fields: PHU_MY }),
    ).rejects.toThrow('outbox broke');
    expect(await database.neighborhoods.count()).toBe(0);
    expect(await database.meta.count()).toBe(0);
  });

  it('a QuotaExceededError from put becomes StorageFullError, keeping the cause', async () => {
    const quota = new DOMException('full', 'QuotaExceededError');
    vi.spyOn(database.neighborhoods, 'put').mockImplementation(() => {
      throw quota;
    });
    const err = await commitChange(database, {
      entity: 'neighborhood',
      table: database.neighborhoods,
      op: 'create',
      row: neighborhoodRow(),
      fields: {},
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageFullError);
    expect((err as StorageFullError).name).toBe('StorageFullError');
    expect(isQuotaError((err as StorageFullError).cause)).toBe(true);
    expect(await database.outbox.count()).toBe(0);
    expect(await database.meta.count()).toBe(0);
  });

  it('checks the queued fields against the entity schema: an invalid create or patch writes nothing', async () => {
    const row = neighborhoodRow();
    const create = commitChange(database, { entity: 'neighborhood', table: database.neighborhoods, op: 'create', row, fields: { name: 'Thôn Phú Mỹ' } });
    await expect(create).rejects.toMatchObject({ name: 'ValidationError', errors: { kind: 'validation.required' } });
    const patch = commitChange(database, { entity: 'neighborhood', table: database.neighborhoods, op: 'patch', row, fields: { name: null, colour: 'red' } });
    await expect(patch).rejects.toBeInstanceOf(ValidationError);
    expect(await database.neighborhoods.count()).toBe(0);
    expect(await database.outbox.count()).toBe(0);
    expect(await database.meta.count()).toBe(0);
  });

  it('in a demo database: row marked synced, no outbox entry, no seq', async () => {
    const demo = new AppDB('t-' + crypto.randomUUID(), true);
    try {
      const row = neighborhoodRow();
      let alsoRan = false;
      await commitChange(demo, {
        entity: 'neighborhood',
        table: demo.neighborhoods,
        op: 'create',
        row,
        fields: {},
        also: async () => {
          alsoRan = true;
        },
      });
      expect(alsoRan).toBe(true);
      expect(await demo.neighborhoods.get(row.id)).toEqual({ ...row, syncState: 'synced' });
      expect(await demo.outbox.count()).toBe(0);
      expect(await demo.meta.count()).toBe(0);
    } finally {
      await demo.delete();
    }
  });
});

describe('changedFields', () => {
  it('returns only keys whose value differs', () => {
    expect(changedFields({ headName: 'Lê Văn Tám', phone: '0912345678' }, { headName: 'Lê Văn Tám', phone: '0987654321' })).toEqual({
      phone: '0987654321',
    });
  });

  it('compares arrays and objects deeply', () => {
    const before = { topics: ['vneid', 'eHealth'], results: { vneidInstalled: 3 } };
    expect(changedFields(before, { topics: ['vneid', 'eHealth'], results: { vneidInstalled: 3 } })).toEqual({});
    expect(changedFields(before, { topics: ['eHealth', 'vneid'] })).toEqual({ topics: ['eHealth', 'vneid'] });
    expect(changedFields(before, { results: { vneidInstalled: 4 } })).toEqual({ results: { vneidInstalled: 4 } });
  });

  it('treats null vs absent as a change and ignores keys not in `after`', () => {
    const before: { notes?: string | null; name: string } = { name: 'Thôn Đông' };
    expect(changedFields(before, { notes: null })).toEqual({ notes: null });
    expect(changedFields({ name: 'A', notes: 'x' }, {})).toEqual({});
  });
});

describe('compact', () => {
  it("drops undefined, '' and null but keeps 0 and false", () => {
    expect(compact({ a: undefined, b: '', c: null, d: 0, e: false, f: 'Hà Giang', g: [] as string[] })).toEqual({
      d: 0,
      e: false,
      f: 'Hà Giang',
      g: [],
    });
  });

  it('does not touch nested objects', () => {
    expect(compact({ consent: { withdrawnAt: '' } })).toEqual({ consent: { withdrawnAt: '' } });
  });
});

describe('newMeta / nowIso', () => {
  it('starts a record at version 0, alive and pending', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-02T00:00:00.000Z'));
    const m = newMeta();
    expect(m).toEqual({ id: m.id, version: 0, deleted: 0, syncState: 'pending', localUpdatedAt: '2026-03-02T00:00:00.000Z' });
    expect(isUuid(m.id)).toBe(true);
    expect(parseInt(m.id.slice(0, 8) + m.id.slice(9, 13), 16)).toBe(Date.parse('2026-03-02T00:00:00.000Z'));
    expect(newMeta('0194b2a0-7c1e-7a3b-9c4d-5e6f70818293').id).toBe('0194b2a0-7c1e-7a3b-9c4d-5e6f70818293');
  });

  it('nowIso is an ISO datetime in UTC', () => {
    const s = nowIso();
    expect(isIsoDateTime(s)).toBe(true);
    expect(s.endsWith('Z')).toBe(true);
  });
});

describe('isQuotaError / guardQuota', () => {
  it('recognises quota errors directly or wrapped (inner / cause)', () => {
    expect(isQuotaError(new DOMException('full', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError({ name: 'QuotaExceeded' })).toBe(true);
    expect(isQuotaError(new Dexie.AbortError('aborted', new DOMException('full', 'QuotaExceededError')))).toBe(true);
    expect(isQuotaError(new Error('wrapped', { cause: { name: 'QuotaExceededError' } }))).toBe(true);
    expect(isQuotaError({ name: 'AbortError', inner: { name: 'X', cause: { name: 'QuotaExceededError' } } })).toBe(true);
  });

  it('does not treat other errors as quota errors', () => {
    expect(isQuotaError(new Error('QuotaExceededError'))).toBe(false);
    expect(isQuotaError(new DOMException('x', 'AbortError'))).toBe(false);
    expect(isQuotaError(undefined)).toBe(false);
    expect(isQuotaError(null)).toBe(false);
    expect(isQuotaError('QuotaExceededError')).toBe(false);
  });

  it('guardQuota passes values and other errors through', async () => {
    await expect(guardQuota(async () => 42)).resolves.toBe(42);
    const boom = new TypeError('nope');
    await expect(guardQuota(async () => Promise.reject(boom))).rejects.toBe(boom);
    const err = await guardQuota(async () => Promise.reject(new DOMException('full', 'QuotaExceededError'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageFullError);
    expect((err as Error).message).toBe('storage-full');
  });
});
