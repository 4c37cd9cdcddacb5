/**
 * What every repository of a synced entity promises, checked once over all of them: a write commits
 * with its outbox entry or not at all, a full disk is the storage error a person can act on, demo
 * data never enters the outbox, a patch that changes nothing queues nothing, and a cleared field is
 * sent as null and leaves the row. Each repository's own tests cover what only it does.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Table } from 'dexie';
import { AppDB } from './database';
import { StorageFullError } from './errors';
import { createHousehold, deleteHousehold, updateHousehold } from './households';
import { createMember, deleteMember, updateMember } from './members';
import { createVisit, deleteVisit, updateVisit } from './visits';
import { createSession, deleteSession, updateSession } from './sessions';
import { createNeighborhood, deleteNeighborhood, updateNeighborhood } from './neighborhoods';
import { setStep } from './checklist';
import { checklistStepId } from '../domain/checklist';
import type { HouseholdFields } from '../domain/schemas';
import type { EntityName } from '../domain/vocab';
import type { RecordMeta } from './rows';

const consent = { recordedAt: '2026-01-05T02:00:00.000Z', recordedBy: 'Vũ Thị Nga', purposes: ['support' as const], textVersion: 'vi-2026-01' };
const home: HouseholdFields = { neighborhood: 'Tổ dân phố 5', address: 'Số 8, ngách 12, phố Hàng Bông', headName: 'Hoàng Văn Sơn', consent, notes: 'Nhà ba thế hệ.' };

async function householdIn(d: AppDB): Promise<string> {
  return (await createHousehold(home, d)).id;
}

async function memberIn(d: AppDB): Promise<string> {
  return (await createMember({ householdId: await householdIn(d), fullName: 'Hoàng Thị Mai', birthYear: 1958, notes: 'Mắt kém.' }, d)).id;
}

interface Subject {
  entity: EntityName;
  table: (d: AppDB) => Table<RecordMeta, string>;
  /** Writes what the record needs first (its household, its member). */
  parents?: (d: AppDB) => Promise<string>;
  create: (d: AppDB, parent: string) => Promise<string>;
  /** A patch that changes one field. */
  change: (d: AppDB, id: string, parent: string) => Promise<unknown>;
  /** The same values as created. */
  same: (d: AppDB, id: string, parent: string) => Promise<unknown>;
  /** Clears the optional `cleared` field. */
  clear: (d: AppDB, id: string, parent: string) => Promise<unknown>;
  cleared: string;
  /** Checklist steps have no delete of their own: they go with their member. */
  remove?: (d: AppDB, id: string) => Promise<void>;
}

const STEP = 'prereq.smartphone';

const subjects: Subject[] = [
  {
    entity: 'household',
    table: (d) => d.households,
    create: (d) => householdIn(d),
    change: (d, id) => updateHousehold(id, { phone: '0912345678' }, d),
    same: (d, id) => updateHousehold(id, { headName: home.headName, address: home.address, phone: '' }, d),
    clear: (d, id) => updateHousehold(id, { notes: '' }, d),
    cleared: 'notes',
    remove: (d, id) => deleteHousehold(id, d),
  },
  {
    entity: 'member',
    table: (d) => d.members,
    parents: householdIn,
    create: async (d, householdId) => (await createMember({ householdId, fullName: 'Hoàng Thị Mai', birthYear: 1958, notes: 'Mắt kém.' }, d)).id,
    change: (d, id) => updateMember(id, { hasSmartphone: true }, d),
    same: (d, id) => updateMember(id, { fullName: 'Hoàng Thị Mai', birthYear: 1958, gender: undefined }, d),
    clear: (d, id) => updateMember(id, { notes: undefined }, d),
    cleared: 'notes',
    remove: (d, id) => deleteMember(id, d),
  },
  {
    entity: 'visit',
    table: (d) => d.visits,
    parents: householdIn,
    create: async (d, householdId) => (await createVisit({ householdId, date: '2026-03-02', topics: ['vneid'], outcome: 'followUp', followUpDate: '2026-03-09' }, d)).id,
    change: (d, id) => updateVisit(id, { outcome: 'done' }, d),
    same: (d, id) => updateVisit(id, { date: '2026-03-02', topics: ['vneid'], notes: '' }, d),
    clear: (d, id) => updateVisit(id, { followUpDate: '' }, d),
    cleared: 'followUpDate',
    remove: (d, id) => deleteVisit(id, d),
  },
  {
    entity: 'session',
    table: (d) => d.sessions,
    create: async (d) => (await createSession({ date: '2026-03-07', place: 'Nhà văn hóa', topics: ['vneid'], attendees: 38, results: { vneidInstalled: 4 }, notes: 'Mưa.' }, d)).id,
    change: (d, id) => updateSession(id, { attendees: 40 }, d),
    same: (d, id) => updateSession(id, { attendees: 38, results: { vneidInstalled: 4 } }, d),
    clear: (d, id) => updateSession(id, { notes: '' }, d),
    cleared: 'notes',
    remove: (d, id) => deleteSession(id, d),
  },
  {
    entity: 'neighborhood',
    table: (d) => d.neighborhoods,
    create: async (d) => (await createNeighborhood({ name: 'Thôn Phú Mỹ', kind: 'thon', notes: 'Ven sông.' }, d)).id,
    change: (d, id) => updateNeighborhood(id, { kind: 'toDanPho' }, d),
    same: (d, id) => updateNeighborhood(id, { name: 'Thôn Phú Mỹ', kind: 'thon' }, d),
    clear: (d, id) => updateNeighborhood(id, { notes: '' }, d),
    cleared: 'notes',
    remove: (d, id) => deleteNeighborhood(id, d),
  },
  {
    entity: 'checklistStep',
    table: (d) => d.checklistSteps,
    parents: memberIn,
    create: async (d, memberId) => {
      await setStep(memberId, STEP, true, d);
      return checklistStepId(memberId, STEP);
    },
    // Un-ticking changes the status and, with it, clears the day it was done.
    change: (d, _id, memberId) => setStep(memberId, STEP, false, d),
    same: (d, _id, memberId) => setStep(memberId, STEP, true, d),
    clear: (d, _id, memberId) => setStep(memberId, STEP, false, d),
    cleared: 'doneOn',
  },
];

/** Every row of every table, to show that a failed write left nothing behind. */
async function snapshot(d: AppDB): Promise<Record<string, unknown[]>> {
  const entries = await Promise.all(d.tables.map(async (t) => [t.name, await t.toArray()] as const));
  return Object.fromEntries(entries);
}

const quotaError = () => new DOMException('The disk is full', 'QuotaExceededError');

let database: AppDB;

beforeEach(() => {
  database = new AppDB('t-' + crypto.randomUUID());
});

afterEach(async () => {
  vi.restoreAllMocks();
  await database.delete();
});

describe.each(subjects)('the $entity repository', (s) => {
  async function created(d = database): Promise<{ id: string; parent: string }> {
    const parent = s.parents ? await s.parents(d) : '';
    return { id: await s.create(d, parent), parent };
  }

  it('queues one entry with each write, in the same transaction', async () => {
    const { id, parent } = await created();
    const own = () => database.outbox.where('[entity+id]').equals([s.entity, id]).toArray();
    expect((await own()).map((e) => [e.op, e.baseVersion])).toEqual([['create', null]]);
    await s.change(database, id, parent);
    expect((await own()).map((e) => e.op)).toEqual(['create', 'patch']);
    expect((await s.table(database).get(id))?.syncState).toBe('pending');
  });

  it('is atomic: when its outbox entry cannot be added, neither the record nor anything derived is written', async () => {
    const parent = s.parents ? await s.parents(database) : '';
    const before = await snapshot(database);
    vi.spyOn(database.outbox, 'add').mockImplementation(() => {
      throw new Error('outbox broke');
    });
    await expect(s.create(database, parent)).rejects.toThrow('outbox broke');
    expect(await snapshot(database)).toEqual(before);
  });

  it('is atomic for a patch too: a failed entry leaves the row as it was', async () => {
    const { id, parent } = await created();
    const before = await snapshot(database);
    vi.spyOn(database.outbox, 'add').mockRejectedValue(new Error('outbox broke'));
    await expect(s.change(database, id, parent)).rejects.toThrow('outbox broke');
    expect(await snapshot(database)).toEqual(before);
  });

  it('turns a full disk (QuotaExceededError) into StorageFullError and writes nothing', async () => {
    const parent = s.parents ? await s.parents(database) : '';
    const before = await snapshot(database);
    vi.spyOn(s.table(database), 'put').mockImplementation(() => {
      throw quotaError();
    });
    const err = await s.create(database, parent).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageFullError);
    expect((err as Error).message).toBe('storage-full');
    expect(await snapshot(database)).toEqual(before);
  });

  it('a full disk met by the outbox entry is the same StorageFullError', async () => {
    const parent = s.parents ? await s.parents(database) : '';
    const before = await snapshot(database);
    vi.spyOn(database.outbox, 'add').mockRejectedValue(quotaError());
    await expect(s.create(database, parent)).rejects.toBeInstanceOf(StorageFullError);
    expect(await snapshot(database)).toEqual(before);
  });

  it('in demo mode writes the record as synced and never queues it', async () => {
    const demo = new AppDB('t-' + crypto.randomUUID(), true);
    try {
      const { id, parent } = await created(demo);
      await s.change(demo, id, parent);
      await s.remove?.(demo, id);
      const row = await s.table(demo).get(id);
      expect(row?.syncState).toBe('synced');
      expect(row?.deleted).toBe(s.remove ? 1 : 0);
      expect(await demo.outbox.count()).toBe(0);
      expect(await demo.meta.get('seq')).toBeUndefined();
    } finally {
      await demo.delete();
    }
  });

  it('a patch that changes nothing queues nothing and leaves the row alone', async () => {
    const { id, parent } = await created();
    const before = await snapshot(database);
    await s.same(database, id, parent);
    expect(await snapshot(database)).toEqual(before);
  });

  it('clearing an optional field queues null and removes it from the row', async () => {
    const { id, parent } = await created();
    expect(await s.table(database).get(id)).toHaveProperty(s.cleared);
    await s.clear(database, id, parent);
    expect(await s.table(database).get(id)).not.toHaveProperty(s.cleared);
    const last = await database.outbox.orderBy('seq').last();
    expect(last).toMatchObject({ entity: s.entity, id, op: 'patch' });
    expect(last?.fields?.[s.cleared]).toBeNull();
  });
});
