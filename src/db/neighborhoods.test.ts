import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppDB } from './database';
import {
  allNeighborhoods,
  createNeighborhood,
  deleteNeighborhood,
  kindOf,
  linkHouseholdsToNeighborhoods,
  neighborhoodKey,
  neighborhoodsFromHouseholds,
  seedNeighborhoodsFromHouseholds,
  updateNeighborhood,
} from './neighborhoods';
import { createHousehold } from './households';
import { ValidationError } from './errors';

let database: AppDB;

beforeEach(() => {
  database = new AppDB('t-' + crypto.randomUUID());
});

afterEach(async () => {
  await database.delete();
});

const outbox = () => database.outbox.orderBy('seq').toArray();

describe('createNeighborhood', () => {
  it('stores the row and queues one create', async () => {
    const n = await createNeighborhood({ name: 'Thôn Đông', kind: 'thon', notes: '85 hộ, 2 xóm.' }, database);
    expect(await database.neighborhoods.get(n.id)).toEqual({
      id: n.id,
      name: 'Thôn Đông',
      kind: 'thon',
      notes: '85 hộ, 2 xóm.',
      version: 0,
      deleted: 0,
      syncState: 'pending',
      localUpdatedAt: n.localUpdatedAt,
    });
    const entries = await outbox();
    expect(entries).toEqual([
      {
        key: 1,
        mid: entries[0]!.mid,
        seq: 1,
        entity: 'neighborhood',
        op: 'create',
        id: n.id,
        baseVersion: null,
        fields: { name: 'Thôn Đông', kind: 'thon', notes: '85 hộ, 2 xóm.' },
        clientTs: entries[0]!.clientTs,
        state: 'pending',
      },
    ]);
  });

  it('rejects an unknown kind or an over-long name, writing nothing', async () => {
    const err = await createNeighborhood({ name: 'Ấ'.repeat(101), kind: 'xa' as never }, database).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).errors).toEqual({ name: 'validation.tooLong', kind: 'validation.required' });
    expect(await database.neighborhoods.count()).toBe(0);
    expect(await database.outbox.count()).toBe(0);
  });

  it('a name of 100 decomposed letters is accepted (NFC code points)', async () => {
    const name = 'Ộ'.normalize('NFD').repeat(100);
    const n = await createNeighborhood({ name, kind: 'toDanPho' }, database);
    expect((await database.neighborhoods.get(n.id))?.name).toBe(name);
  });

});

describe('updateNeighborhood / deleteNeighborhood', () => {
  it('queues only the changed field with baseVersion', async () => {
    const n = await createNeighborhood({ name: 'Thôn Đông', kind: 'thon' }, database);
    await database.neighborhoods.update(n.id, { version: 9 });
    await updateNeighborhood(n.id, { name: 'Thôn Đông Hòa', kind: 'thon' }, database);
    const [, patch] = await outbox();
    expect(patch).toMatchObject({ seq: 2, op: 'patch', entity: 'neighborhood', id: n.id, baseVersion: 9, fields: { name: 'Thôn Đông Hòa' } });
    expect(Object.keys(patch!.fields!)).toEqual(['name']);
    expect((await database.neighborhoods.get(n.id))?.name).toBe('Thôn Đông Hòa');
  });

  it('rejects clearing the name', async () => {
    const n = await createNeighborhood({ name: 'Thôn Đông', kind: 'thon' }, database);
    await expect(updateNeighborhood(n.id, { name: '' }, database)).rejects.toMatchObject({ errors: { name: 'validation.required' } });
  });

  it('delete tombstones and queues a delete without fields', async () => {
    const n = await createNeighborhood({ name: 'Thôn Đông', kind: 'thon' }, database);
    await deleteNeighborhood(n.id, database);
    expect((await database.neighborhoods.get(n.id))?.deleted).toBe(1);
    const [, del] = await outbox();
    expect(del).toMatchObject({ op: 'delete', entity: 'neighborhood', id: n.id, baseVersion: 0 });
    expect(del).not.toHaveProperty('fields');
  });
});

describe('allNeighborhoods', () => {
  it('lists live neighborhoods in Vietnamese alphabetical order', async () => {
    for (const [name, kind] of [
      ['Thôn Đông', 'thon'],
      ['Tổ dân phố 2', 'toDanPho'],
      ['Thôn Bắc', 'thon'],
      ['Thôn Dưới', 'thon'],
      ['Thôn Cao', 'thon'],
      ['Thôn Ải', 'thon'],
    ] as const) {
      await createNeighborhood({ name, kind }, database);
    }
    const gone = await createNeighborhood({ name: 'Thôn Anh', kind: 'thon' }, database);
    await deleteNeighborhood(gone.id, database);
    expect((await allNeighborhoods(database)).map((n) => n.name)).toEqual([
      'Thôn Ải',
      'Thôn Bắc',
      'Thôn Cao',
      'Thôn Dưới',
      'Thôn Đông',
      'Tổ dân phố 2',
    ]);
  });
});

describe('one list without duplicates, seeded from the households', () => {
  const consent = { recordedAt: '2026-03-01T08:00:00.000Z', recordedBy: 'Hoa', purposes: ['support' as const], textVersion: 'vi-2026-12' };
  const household = (neighborhood: string) => createHousehold({ neighborhood, address: 'Số 1', headName: 'Nguyễn Văn Bình', consent }, database);

  it('refuses a name already on the list, compared without diacritics or case, on add and on rename', async () => {
    await createNeighborhood({ name: 'Thôn Đông', kind: 'thon' }, database);
    const tay = await createNeighborhood({ name: 'Thôn Tây', kind: 'thon' }, database);
    await expect(createNeighborhood({ name: 'thon dong', kind: 'thon' }, database)).rejects.toMatchObject({ errors: { name: 'neighborhoods.duplicate' } });
    await expect(updateNeighborhood(tay.id, { name: 'THÔN ĐÔNG' }, database)).rejects.toBeInstanceOf(ValidationError);
    // Renaming a neighborhood to another spelling of itself is fine.
    await updateNeighborhood(tay.id, { name: 'Thôn TÂY' }, database);
    expect((await allNeighborhoods(database)).map((n) => n.name)).toEqual(['Thôn Đông', 'Thôn TÂY']);
  });

  it('offers the names typed on households that the list lacks, once each, in the spelling typed most', async () => {
    await createNeighborhood({ name: 'Thôn Đông', kind: 'thon' }, database);
    await household('thon dong');
    await household('Xóm Chùa');
    await household('xom chua');
    await household('Xóm Chùa');
    await household('Tổ dân phố 5');
    expect(await neighborhoodsFromHouseholds(database)).toEqual(['Tổ dân phố 5', 'Xóm Chùa']);
    expect(await seedNeighborhoodsFromHouseholds(database)).toBe(2);
    const list = await allNeighborhoods(database);
    expect(list.map((n) => [n.name, n.kind])).toEqual([
      ['Thôn Đông', 'thon'],
      ['Tổ dân phố 5', 'toDanPho'],
      ['Xóm Chùa', 'thon'],
    ]);
    expect(await neighborhoodsFromHouseholds(database)).toEqual([]);
  });

  it('links the households to the neighborhoods seeded from them, each by an ordinary patch queued after the create', async () => {
    const dong = await createNeighborhood({ name: 'Thôn Đông', kind: 'thon' }, database);
    const typedDong = await household('thon dong');
    const chua1 = await household('Xóm Chùa');
    const chua2 = await household('  xom   CHUA ');
    const chua3 = await household('Xóm Chùa');
    const elsewhere = await household('Thôn Tây');
    await database.households.update(elsewhere.id, { deleted: 1 });
    const seqBefore = (await outbox()).length;

    expect(await seedNeighborhoodsFromHouseholds(database)).toBe(1);

    const chua = (await allNeighborhoods(database)).find((n) => n.name === 'Xóm Chùa')!;
    expect((await database.households.get(chua1.id))?.neighborhoodId).toBe(chua.id);
    expect((await database.households.get(chua2.id))?.neighborhoodId).toBe(chua.id);
    expect((await database.households.get(chua3.id))?.neighborhoodId).toBe(chua.id);
    // A name typed before the list had it is linked too.
    expect((await database.households.get(typedDong.id))?.neighborhoodId).toBe(dong.id);
    expect((await database.households.get(elsewhere.id))?.neighborhoodId).toBeUndefined();
    expect((await database.households.get(chua1.id))?.syncState).toBe('pending');

    const queued = (await outbox()).slice(seqBefore);
    expect(queued.map((e) => [e.entity, e.op, e.id])).toEqual([
      ['neighborhood', 'create', chua.id],
      ['household', 'patch', typedDong.id],
      ['household', 'patch', chua1.id],
      ['household', 'patch', chua2.id],
      ['household', 'patch', chua3.id],
    ]);
    for (const e of queued.slice(1)) {
      expect(e.fields).toEqual({ neighborhoodId: e.id === typedDong.id ? dong.id : chua.id });
      expect(e.baseVersion).toBe(0);
    }
  });

  it('leaves a household linked to a listed neighborhood as it is, and relinks one whose neighborhood was deleted', async () => {
    const dong = await createNeighborhood({ name: 'Thôn Đông', kind: 'thon' }, database);
    const tay = await createNeighborhood({ name: 'Thôn Tây', kind: 'thon' }, database);
    const chosen = await createHousehold({ neighborhood: 'Thôn Đông', neighborhoodId: tay.id, address: 'Số 2', headName: 'Lê Thị Hoa', consent }, database);
    const gone = await createNeighborhood({ name: 'Thôn Cũ', kind: 'thon' }, database);
    const orphan = await createHousehold({ neighborhood: 'thôn đông', neighborhoodId: gone.id, address: 'Số 3', headName: 'Lê Văn Tám', consent }, database);
    await deleteNeighborhood(gone.id, database);
    const before = (await outbox()).length;

    expect(await linkHouseholdsToNeighborhoods(database)).toBe(1);

    expect((await database.households.get(chosen.id))?.neighborhoodId).toBe(tay.id);
    expect((await database.households.get(orphan.id))?.neighborhoodId).toBe(dong.id);
    expect((await outbox()).slice(before).map((e) => [e.op, e.id, e.fields])).toEqual([['patch', orphan.id, { neighborhoodId: dong.id }]]);
    // Run again, nothing is left to link and nothing is queued.
    expect(await linkHouseholdsToNeighborhoods(database)).toBe(0);
    expect(await outbox()).toHaveLength(before + 1);
  });

  it('tells a tổ dân phố from a thôn by its name', () => {
    expect(kindOf('TDP 3')).toBe('toDanPho');
    expect(kindOf('to dan pho Bac')).toBe('toDanPho');
    expect(kindOf('Thôn 3')).toBe('thon');
    expect(neighborhoodKey(' Thôn  Đông ')).toBe('thon dong');
  });
});
