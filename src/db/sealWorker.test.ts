// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { AppDB } from './database';
import { getHousehold } from './households';
import { lockSeal, openFields, openSeal, presealedStats, presealRows, resetSeal } from './seal';
import { sealBatch, type SealBatch, type SealedBatch } from './sealWorker';

/**
 * `presealRows` with a worker: Node has no `Worker`, so a stand-in runs sealWorker.ts's own
 * `sealBatch` on each message, as the worker does (its key zeroed after, as the worker zeroes it).
 */
class FakeWorker {
  static made = 0;
  static fail = false;
  static keys: Uint8Array[] = [];
  onmessage: ((e: { data: SealedBatch }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor() {
    FakeWorker.made++;
  }
  postMessage(batch: SealBatch): void {
    FakeWorker.keys.push(batch.key);
    setTimeout(() => {
      if (FakeWorker.fail) return this.onerror?.();
      const out = sealBatch(batch);
      batch.key.fill(0);
      this.onmessage?.({ data: out });
    }, 0);
  }
  terminate(): void {}
}

const household = (id: string, headName: string) => ({
  id,
  version: 1,
  deleted: 0,
  syncState: 'synced',
  localUpdatedAt: '2026-03-01T08:00:00.000Z',
  headName,
  address: 'Số 12, ngõ 3, đường Lê Lợi',
  neighborhood: 'n1',
  searchText: 'x',
  nameKey: 'k',
  lastVisitDate: '',
  followUpDate: '',
});

async function rawRow(database: AppDB, id: string): Promise<Record<string, unknown>> {
  const raw = new Dexie(database.name);
  await raw.open();
  const row = (await raw.table('households').get(id)) as Record<string, unknown>;
  raw.close();
  return row;
}

let database: AppDB;
let dataKey: Uint8Array;
beforeAll(() => {
  (globalThis as { Worker?: unknown }).Worker = FakeWorker;
});
afterAll(() => {
  delete (globalThis as { Worker?: unknown }).Worker;
});
beforeEach(() => {
  database = new AppDB('seal-worker-' + crypto.randomUUID());
  dataKey = crypto.getRandomValues(new Uint8Array(32));
  openSeal(dataKey.slice());
});
afterEach(async () => {
  resetSeal();
  await database.delete();
});

describe('sealing ahead in a worker', () => {
  it('seals the blob the write would have sealed, bound to its row, under a copy of the key', () => {
    const { blobs } = sealBatch({ id: 1, key: dataKey, rows: [{ aad: 'households:h1', text: JSON.stringify({ headName: 'Nguyễn Văn Bình' }) }] });
    expect(openFields(dataKey, 'households', { id: 'h1' }, blobs[0]!)).toEqual({ headName: 'Nguyễn Văn Bình' });
    // Bound to its row: it does not open as another row's.
    expect(() => openFields(dataKey, 'households', { id: 'h2' }, blobs[0]!)).toThrow();
  });

  it('takes the worker blobs at the write, in one message per call, and keeps no personal text in the clear', async () => {
    const rows = [household('h1', 'Nguyễn Văn Bình'), household('h2', 'Lê Thị Hoa')];
    const { taken } = presealedStats();
    const made = FakeWorker.made;
    await presealRows('households', rows);
    expect(FakeWorker.made - made).toBeLessThanOrEqual(1);
    expect(presealedStats()).toEqual({ waiting: 2, taken });
    // The worker got a copy of the key, wiped once used; the seal's own key still works.
    expect(FakeWorker.keys.at(-1)!.every((b) => b === 0)).toBe(true);
    await database.households.bulkPut(rows as never);
    expect(presealedStats()).toEqual({ waiting: 0, taken: taken + 2 });
    const stored = await rawRow(database, 'h2');
    expect(stored.headName).toBeUndefined();
    expect(JSON.stringify(stored)).not.toContain('Hoa');
    expect(openFields(dataKey, 'households', stored, stored.sealed as Uint8Array)).toMatchObject({ headName: 'Lê Thị Hoa', address: 'Số 12, ngõ 3, đường Lê Lợi' });
    expect(await getHousehold('h1', database)).toMatchObject({ headName: 'Nguyễn Văn Bình' });
  });

  it('keeps nothing sealed under a key dropped while the worker sealed', async () => {
    const sealing = presealRows('households', [household('h1', 'Nguyễn Văn Bình')]);
    lockSeal();
    await sealing;
    expect(presealedStats().waiting).toBe(0);
  });

  it('rejects when the worker fails, and seals ahead with WebCrypto from then on', async () => {
    FakeWorker.fail = true;
    try {
      await expect(presealRows('households', [household('h1', 'Nguyễn Văn Bình')])).rejects.toThrow();
    } finally {
      FakeWorker.fail = false;
    }
    const made = FakeWorker.made;
    await presealRows('households', [household('h1', 'Nguyễn Văn Bình')]);
    expect(FakeWorker.made).toBe(made);
    expect(presealedStats().waiting).toBe(1);
    // Written all the same: the write seals what was not sealed ahead.
    await database.households.put(household('h1', 'Nguyễn Văn Bình') as never);
    expect(await getHousehold('h1', database)).toMatchObject({ headName: 'Nguyễn Văn Bình' });
  });
});
