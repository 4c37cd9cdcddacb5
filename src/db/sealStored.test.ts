// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppDB } from './database';
import { createHousehold } from './households';
import { openSeal, resetSeal } from './seal';
import { holdWarming, listsWarmed, readStoredHouseholds, warmLists } from './sealStored';
import { eventually } from '../../tests/unit/mountWithApp';

let database: AppDB;
let dataKey: Uint8Array;
beforeEach(async () => {
  database = new AppDB('seal-stored-' + crypto.randomUUID());
  dataKey = crypto.getRandomValues(new Uint8Array(32));
  openSeal(dataKey.slice());
  for (const headName of ['Nguyễn Văn Bình', 'Trần Thị Ánh', 'Đỗ Văn An']) {
    await createHousehold(
      {
        neighborhood: 'Thôn Đông',
        address: 'Số 12, ngõ 3',
        headName,
        consent: { recordedAt: '2026-01-10T08:15:00.000Z', recordedBy: 'Lê Thị Hoa', purposes: ['support'], textVersion: 'vi-2026-01' },
      },
      database,
    );
  }
  // As after a new unlock: nothing opened yet.
  openSeal(dataKey.slice());
});
afterEach(async () => {
  vi.restoreAllMocks();
  resetSeal();
  await database.delete();
});

describe('opening the households after unlocking', () => {
  it('waits until the list asks for them, then opens every household', async () => {
    const decrypt = vi.spyOn(crypto.subtle, 'decrypt');
    const read = vi.fn(() => readStoredHouseholds(database));
    warmLists(database, read);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Not even read yet: that read would queue ahead of the list's first page.
    expect(read).not.toHaveBeenCalled();
    expect(decrypt).not.toHaveBeenCalled();
    await listsWarmed();
    expect(read).toHaveBeenCalledTimes(1);
    expect(decrypt).toHaveBeenCalledTimes(3);
  });

  it('opens them a moment later when no list asks', async () => {
    const decrypt = vi.spyOn(crypto.subtle, 'decrypt');
    warmLists(database);
    await eventually(() => expect(decrypt.mock.calls.length).toBeGreaterThanOrEqual(3), 10_000);
  });
});

describe('the warming held back by the screen in front of the person', () => {
  it('waits past its moment until the held work settles, and a list asking starts it at once', async () => {
    const read = vi.fn(() => readStoredHouseholds(database));
    warmLists(database, read);
    let finish = () => {};
    holdWarming(new Promise<void>((resolve) => (finish = resolve)));
    // Well past the moment it would start on its own.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(read).not.toHaveBeenCalled();
    finish();
    await eventually(() => expect(read).toHaveBeenCalledTimes(1), 10_000);

    const again = vi.fn(() => readStoredHouseholds(database));
    warmLists(database, again);
    holdWarming(new Promise<void>(() => {}));
    await listsWarmed();
    expect(again).toHaveBeenCalledTimes(1);
  });
});
