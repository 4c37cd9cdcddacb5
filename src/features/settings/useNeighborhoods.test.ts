import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { effectScope } from 'vue';
import { Dexie } from 'dexie';
import { resetDbInstance } from '../../db/database';
import { allNeighborhoods } from '../../db/neighborhoods';
import { DB_NAMES } from '../../storageKeys';
import { useNeighborhoods } from './useNeighborhoods';

let scope = effectScope();
beforeEach(async () => {
  scope = effectScope();
  resetDbInstance();
  await Dexie.delete(DB_NAMES.main);
});
afterEach(() => {
  scope.stop();
  resetDbInstance();
});

describe('useNeighborhoods', () => {
  it('adds a neighborhood with its name trimmed and lists it', async () => {
    const hoods = scope.run(() => useNeighborhoods())!;
    expect(await hoods.add('  Thôn Đông ', 'thon')).toBeUndefined();
    expect((await allNeighborhoods()).map((n) => n.name)).toEqual(['Thôn Đông']);
    await expect.poll(() => hoods.hoods.value?.map((n) => n.name)).toEqual(['Thôn Đông']);
  });

  it('answers what is wrong with a name it refuses, and stores nothing', async () => {
    const hoods = scope.run(() => useNeighborhoods())!;
    expect(await hoods.add('   ', 'thon')).toMatch(/^validation\./);
    expect(await allNeighborhoods()).toEqual([]);
  });

  it('renames and removes', async () => {
    const hoods = scope.run(() => useNeighborhoods())!;
    await hoods.add('Thôn Đông', 'thon');
    const [n] = await allNeighborhoods();
    await hoods.rename(n!.id, ' Thôn Tây ');
    expect((await allNeighborhoods()).map((x) => x.name)).toEqual(['Thôn Tây']);
    await hoods.remove(n!.id);
    expect(await allNeighborhoods()).toEqual([]);
  });
});

describe('useNeighborhoods: duplicates', () => {
  it('answers why a duplicate name is refused, on add and rename', async () => {
    const hoods = scope.run(() => useNeighborhoods())!;
    await hoods.add('Thôn Đông', 'thon');
    await hoods.add('Thôn Tây', 'thon');
    expect(await hoods.add('thôn đông', 'thon')).toBe('neighborhoods.duplicate');
    const tay = (await allNeighborhoods()).find((n) => n.name === 'Thôn Tây')!;
    expect(await hoods.rename(tay.id, 'Thon Dong')).toBe('neighborhoods.duplicate');
  });
});
