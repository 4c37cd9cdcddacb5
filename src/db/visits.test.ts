import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WhereClause } from 'dexie';
import { AppDB } from './database';
import { createHousehold, deleteHousehold } from './households';
import { createVisit, deleteVisit, getVisit, recentVisits, updateVisit, visitsOf } from './visits';
import { ValidationError } from './errors';
import type { HouseholdRow, VisitRow } from './rows';
import type { VisitFields } from '../domain/schemas';
import { isUuid } from '../domain/ids';

let database: AppDB;
let home: HouseholdRow;

beforeEach(async () => {
  database = new AppDB('t-' + crypto.randomUUID());
  home = await createHousehold(
    {
      neighborhood: 'Tổ dân phố 5',
      address: 'Số 8, ngách 12, phố Hàng Bông',
      headName: 'Hoàng Văn Sơn',
      consent: { recordedAt: '2026-01-05T02:00:00.000Z', recordedBy: 'Vũ Thị Nga', purposes: ['support'], textVersion: 'vi-2026-01' },
    },
    database,
  );
});

afterEach(async () => {
  vi.useRealTimers();
  await database.delete();
});

function visit(over: Partial<VisitFields> = {}): VisitFields {
  return { householdId: home.id, date: '2026-03-02', topics: ['vneid'], outcome: 'done', ...over };
}

async function summary(id = home.id) {
  const h = await database.households.get(id);
  return { lastVisitDate: h?.lastVisitDate, followUpDate: h?.followUpDate };
}

const outbox = () => database.outbox.orderBy('seq').toArray();

describe('createVisit', () => {
  it('stores the visit and queues one create with the validated fields', async () => {
    const fields = visit({ topics: ['vneid', 'scamAwareness'], outcome: 'partial', durationMinutes: 40, notes: 'Bà Nga chưa nhớ mật khẩu.' });
    const v = await createVisit(fields, database);
    expect(await database.visits.get(v.id)).toEqual({
      ...fields,
      id: v.id,
      version: 0,
      deleted: 0,
      syncState: 'pending',
      localUpdatedAt: v.localUpdatedAt,
    });
    const entries = await outbox();
    expect(entries.map((e) => [e.seq, e.entity, e.op])).toEqual([
      [1, 'household', 'create'],
      [2, 'visit', 'create'],
    ]);
    expect(entries[1]).toEqual({
      key: 2,
      mid: entries[1]!.mid,
      seq: 2,
      entity: 'visit',
      op: 'create',
      id: v.id,
      baseVersion: null,
      fields,
      clientTs: entries[1]!.clientTs,
      state: 'pending',
    });
    expect(isUuid(entries[1]!.mid)).toBe(true);
    expect(await getVisit(v.id, database)).toEqual(await database.visits.get(v.id));
  });

  it('refreshing the household summary does not queue a household patch', async () => {
    await createVisit(visit({ outcome: 'notHome' }), database);
    expect((await outbox()).filter((e) => e.entity === 'household')).toHaveLength(1);
  });

  it('throws for a missing or deleted household and writes nothing', async () => {
    await expect(createVisit(visit({ householdId: crypto.randomUUID() }), database)).rejects.toThrow('household not found');
    await deleteHousehold(home.id, database);
    await expect(createVisit(visit(), database)).rejects.toThrow('household not found');
    expect(await database.visits.count()).toBe(0);
    expect(await database.outbox.count()).toBe(2);
  });

  it('rejects invalid fields with a ValidationError and writes nothing', async () => {
    const err = await createVisit(visit({ date: '2026-02-29', topics: [], durationMinutes: 601 }), database).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).errors).toEqual({
      date: 'validation.invalidDate',
      topics: 'validation.chooseOne',
      durationMinutes: 'validation.outOfRange',
    });
    expect(await database.visits.count()).toBe(0);
    expect(await database.outbox.count()).toBe(1);
    expect(await summary()).toEqual({ lastVisitDate: '', followUpDate: '' });
  });

});

describe('visitsOf / recentVisits', () => {
  it("returns a household's live visits, newest first", async () => {
    const other = await createHousehold({ ...pickFields(home), headName: 'Lý Thị Hạnh', address: 'Số 10' }, database);
    const a = await createVisit(visit({ date: '2026-02-10' }), database);
    const b = await createVisit(visit({ date: '2026-03-15' }), database);
    const c = await createVisit(visit({ date: '2025-12-30' }), database);
    const d = await createVisit(visit({ date: '2026-03-01' }), database);
    await createVisit(visit({ householdId: other.id, date: '2026-03-20' }), database);
    await deleteVisit(d.id, database);
    expect((await visitsOf(home.id, database)).map((v) => v.id)).toEqual([b.id, a.id, c.id]);
    expect((await visitsOf(other.id, database)).map((v) => v.date)).toEqual(['2026-03-20']);
    expect(await visitsOf(crypto.randomUUID(), database)).toEqual([]);
  });

  it('recentVisits lists all households, newest first, up to the limit', async () => {
    const other = await createHousehold({ ...pickFields(home), headName: 'Lý Thị Hạnh', address: 'Số 10' }, database);
    await createVisit(visit({ date: '2026-02-10' }), database);
    await createVisit(visit({ householdId: other.id, date: '2026-03-20' }), database);
    const gone = await createVisit(visit({ date: '2026-03-25' }), database);
    await createVisit(visit({ date: '2026-03-15' }), database);
    await deleteVisit(gone.id, database);
    expect((await recentVisits(2, database)).map((v) => v.date)).toEqual(['2026-03-20', '2026-03-15']);
    expect((await recentVisits(10, database)).map((v) => v.date)).toEqual(['2026-03-20', '2026-03-15', '2026-02-10']);
  });

  it('recentVisits gives what every visit sorted by date (then id, newest first) gives, across many households', async () => {
    const households = [home];
    for (let i = 0; i < 11; i++) households.push(await createHousehold({ ...pickFields(home), headName: `Hộ ${i}`, address: `Số ${i}` }, database));
    // A household's older visits sit below other households' newer ones; dates tie across
    // households; one household's newest visit is deleted, so its last visit is an older one.
    const dates = ['2026-01-05', '2026-03-01', '2026-03-01', '2026-02-11', '2026-03-09', '2025-12-31', '2026-03-01', '2026-02-28'];
    let n = 0;
    for (const h of households) {
      for (let k = 0; k < 3; k++) await createVisit(visit({ householdId: h.id, date: dates[n++ % dates.length]! }), database);
    }
    const newest = await createVisit(visit({ householdId: households[4]!.id, date: '2026-04-01' }), database);
    await deleteVisit(newest.id, database);
    const all = (await database.visits.toArray()).filter((v) => !v.deleted);
    const expected = all.sort((a, b) => (a.date !== b.date ? (a.date > b.date ? -1 : 1) : a.id > b.id ? -1 : 1)).map((v) => v.id);
    for (const limit of [1, 3, 5, 9, 40]) expect((await recentVisits(limit, database)).map((v) => v.id)).toEqual(expected.slice(0, limit));
  });

  it('recentVisits walks only the households whose last visit can be among the newest', async () => {
    const others = [];
    for (let i = 0; i < 30; i++) others.push(await createHousehold({ ...pickFields(home), headName: `Hộ ${i}`, address: `Số ${i}` }, database));
    for (const h of others) await createVisit(visit({ householdId: h.id, date: '2025-06-01' }), database);
    for (let k = 0; k < 5; k++) await createVisit(visit({ date: `2026-03-0${k + 1}` }), database);
    const original = database.visits.where;
    const where = (index: string): WhereClause<VisitRow, string> => Reflect.apply(original, database.visits, [index]) as WhereClause<VisitRow, string>;
    let reads = 0;
    const counted = (index: string) => {
      reads++;
      return where(index);
    };
    vi.spyOn(database.visits, 'where').mockImplementation(counted as unknown as typeof database.visits.where);
    expect((await recentVisits(5, database)).map((v) => v.date)).toEqual(['2026-03-05', '2026-03-04', '2026-03-03', '2026-03-02', '2026-03-01']);
    // Only the household holding the five newest: the next one's last visit is older than all of them.
    expect(reads).toBe(1);
  });
});

describe("the household's lastVisitDate and followUpDate", () => {
  it('are empty before any visit', async () => {
    expect(await summary()).toEqual({ lastVisitDate: '', followUpDate: '' });
  });

  it("a done visit: last visit set, nothing to follow up", async () => {
    await createVisit(visit({ date: '2026-03-02', outcome: 'done' }), database);
    expect(await summary()).toEqual({ lastVisitDate: '2026-03-02', followUpDate: '' });
  });

  it.each(['partial', 'followUp', 'notHome'] as const)('a %s visit without a date: follow up from the visit date', async (outcome) => {
    await createVisit(visit({ date: '2026-03-04', outcome }), database);
    expect(await summary()).toEqual({ lastVisitDate: '2026-03-04', followUpDate: '2026-03-04' });
  });

  it("an open visit with a followUpDate: that date", async () => {
    await createVisit(visit({ date: '2026-03-04', outcome: 'followUp', followUpDate: '2026-03-11' }), database);
    expect(await summary()).toEqual({ lastVisitDate: '2026-03-04', followUpDate: '2026-03-11' });
  });

  it('follow the newest visit, not the last one entered', async () => {
    await createVisit(visit({ date: '2026-03-10', outcome: 'done' }), database);
    await createVisit(visit({ date: '2026-03-01', outcome: 'notHome' }), database);
    expect(await summary()).toEqual({ lastVisitDate: '2026-03-10', followUpDate: '' });
    await createVisit(visit({ date: '2026-03-12', outcome: 'partial', followUpDate: '2026-03-19' }), database);
    expect(await summary()).toEqual({ lastVisitDate: '2026-03-12', followUpDate: '2026-03-19' });
  });

  it('on the same date, the visit changed last wins', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-04T02:00:00.000Z'));
    const morning = await createVisit(visit({ date: '2026-03-04', outcome: 'notHome' }), database);
    vi.setSystemTime(new Date('2026-03-04T09:00:00.000Z'));
    await createVisit(visit({ date: '2026-03-04', outcome: 'done' }), database);
    expect(await summary()).toEqual({ lastVisitDate: '2026-03-04', followUpDate: '' });
    vi.setSystemTime(new Date('2026-03-04T10:00:00.000Z'));
    await updateVisit(morning.id, { notes: 'Chiều quay lại, vẫn vắng nhà.' }, database);
    expect(await summary()).toEqual({ lastVisitDate: '2026-03-04', followUpDate: '2026-03-04' });
  });

  it('follow edits of the newest visit', async () => {
    const v = await createVisit(visit({ date: '2026-03-04', outcome: 'followUp', followUpDate: '2026-03-11' }), database);
    await updateVisit(v.id, { followUpDate: '' }, database);
    expect(await summary()).toEqual({ lastVisitDate: '2026-03-04', followUpDate: '2026-03-04' });
    await updateVisit(v.id, { outcome: 'done' }, database);
    expect(await summary()).toEqual({ lastVisitDate: '2026-03-04', followUpDate: '' });
    await updateVisit(v.id, { date: '2026-03-06' }, database);
    expect(await summary()).toEqual({ lastVisitDate: '2026-03-06', followUpDate: '' });
  });

  it('fall back to the previous visit when the newest is deleted, and clear when none is left', async () => {
    const old = await createVisit(visit({ date: '2026-02-20', outcome: 'partial', followUpDate: '2026-02-27' }), database);
    const newest = await createVisit(visit({ date: '2026-03-04', outcome: 'done' }), database);
    await deleteVisit(newest.id, database);
    expect(await summary()).toEqual({ lastVisitDate: '2026-02-20', followUpDate: '2026-02-27' });
    await deleteVisit(old.id, database);
    expect(await summary()).toEqual({ lastVisitDate: '', followUpDate: '' });
  });

  // BUG (visits.ts:8-13): the hooks refresh only row.householdId, i.e. the NEW household, so
  // moving a visit to another household leaves the old one's lastVisitDate/followUpDate
  // pointing at a visit it no longer has. Fix: in `after: (row, before)`, also
  // refreshHousehold(database, before.householdId) when it differs.
  it('moving a visit to another household refreshes both households', async () => {
    const other = await createHousehold({ ...pickFields(home), headName: 'Lý Thị Hạnh', address: 'Số 10' }, database);
    const v = await createVisit(visit({ date: '2026-03-04', outcome: 'notHome' }), database);
    await updateVisit(v.id, { householdId: other.id }, database);
    expect(await summary(other.id)).toEqual({ lastVisitDate: '2026-03-04', followUpDate: '2026-03-04' });
    expect(await summary(home.id)).toEqual({ lastVisitDate: '', followUpDate: '' });
  });
});

describe('updateVisit / deleteVisit', () => {
  it('queues only the changed fields with baseVersion = row.version', async () => {
    const v = await createVisit(visit({ topics: ['vneid'], durationMinutes: 20 }), database);
    await database.visits.update(v.id, { version: 4 });
    const updated = await updateVisit(v.id, { topics: ['vneid'], durationMinutes: 35, outcome: 'done' }, database);
    expect(updated.durationMinutes).toBe(35);
    const entries = await outbox();
    expect(entries).toHaveLength(3);
    expect(entries[2]).toMatchObject({ seq: 3, entity: 'visit', op: 'patch', id: v.id, baseVersion: 4, fields: { durationMinutes: 35 } });
    expect(Object.keys(entries[2]!.fields!)).toEqual(['durationMinutes']);
  });

  it('rejects clearing a required field', async () => {
    const v = await createVisit(visit(), database);
    await expect(updateVisit(v.id, { outcome: undefined }, database)).rejects.toMatchObject({ errors: { outcome: 'validation.required' } });
    expect(await database.outbox.count()).toBe(2);
  });

  it('delete marks the row and queues a delete without fields', async () => {
    const v = await createVisit(visit(), database);
    await deleteVisit(v.id, database);
    expect((await database.visits.get(v.id))?.deleted).toBe(1);
    expect(await getVisit(v.id, database)).toBeUndefined();
    const [, , del] = await outbox();
    expect(del).toMatchObject({ entity: 'visit', op: 'delete', id: v.id, baseVersion: 0, seq: 3 });
    expect(del).not.toHaveProperty('fields');
    await expect(updateVisit(v.id, { notes: 'x' }, database)).rejects.toThrow('not found');
  });
});

function pickFields(h: HouseholdRow) {
  return { neighborhood: h.neighborhood, address: h.address, headName: h.headName, consent: h.consent };
}
