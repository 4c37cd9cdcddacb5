import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { Dexie } from 'dexie';
import { watch } from 'vue';
import { db, resetDbInstance } from '../../db/database';
import { createHousehold, deleteHousehold, updateHousehold } from '../../db/households';
import { createVisit } from '../../db/visits';
import { LIST_HEAD_ROWS, readListHead } from '../../db/listHead';
import { openSeal, resetSeal } from '../../db/seal';
import { DB_NAMES } from '../../storageKeys';
import type { HouseholdFields } from '../../domain/schemas';
import { useHouseholdsStore } from './store';
import { eventually } from '../../../tests/unit/mountWithApp';

const household = (headName: string): HouseholdFields => ({
  neighborhood: 'Thôn Đông',
  address: 'Số 12, ngõ 3',
  headName,
  consent: { recordedAt: '2026-01-10T08:15:00.000Z', recordedBy: 'Lê Thị Hoa', purposes: ['support'], textVersion: 'vi-2026-01' },
});

const name = (i: number) => `Hộ ${String(i).padStart(3, '0')}`;

beforeEach(async () => {
  resetDbInstance();
  await Dexie.delete(DB_NAMES.main);
  openSeal(crypto.getRandomValues(new Uint8Array(32)));
  setActivePinia(createPinia());
});
afterEach(() => {
  useHouseholdsStore().stop();
  resetSeal();
  resetDbInstance();
});

/** Loads the list in a new store (as after a restart), noting every list it showed, in order. */
async function loadNoting(): Promise<string[][]> {
  setActivePinia(createPinia());
  const store = useHouseholdsStore();
  const shown: string[][] = [];
  watch(
    () => store.results,
    (rows) => shown.push(rows.map((h) => h.headName)),
  );
  await store.load();
  await eventually(() => expect(store.complete).toBe(true));
  await eventually(() => expect(shown.at(-1)).toHaveLength(store.rows.length));
  store.stop();
  return shown;
}

describe('households store: the first page', { timeout: 60_000 }, () => {
  it('paints the kept first page before the whole list, and keeps it again once the list is read', async () => {
    const ids: string[] = [];
    for (let i = LIST_HEAD_ROWS + 5; i > 0; i--) ids.push((await createHousehold(household(name(i)))).id);
    const first = await loadNoting();
    // Nothing kept yet: the whole list is the first paint (read once, not twice).
    expect(first.map((l) => l.length)).toEqual([LIST_HEAD_ROWS + 5]);
    await eventually(async () => expect(await readListHead(db())).toHaveLength(LIST_HEAD_ROWS));

    const second = await loadNoting();
    expect(second.map((l) => l.length)).toEqual([LIST_HEAD_ROWS, LIST_HEAD_ROWS + 5]);
    expect(second[0]).toEqual(second[1]!.slice(0, LIST_HEAD_ROWS));
  });

  it('never paints a kept page after a household in it was edited or deleted', async () => {
    const first = await createHousehold(household(name(1)));
    const second = await createHousehold(household(name(2)));
    await createHousehold(household(name(3)));
    await loadNoting();
    await eventually(async () => expect(await readListHead(db())).toHaveLength(3));

    await updateHousehold(first.id, { headName: name(9) });
    await deleteHousehold(second.id);
    const shown = await loadNoting();
    expect(shown).toEqual([[name(3), name(9)]]);
  });

  it('follows the households changed after the list was read, and keeps the page of the list it shows', async () => {
    const a = await createHousehold(household(name(1)));
    const store = useHouseholdsStore();
    await store.load();
    await eventually(() => expect(store.results.map((h) => h.headName)).toEqual([name(1)]));
    await createHousehold(household(name(2)));
    await updateHousehold(a.id, { headName: name(3) });
    await eventually(() => expect(store.results.map((h) => h.headName)).toEqual([name(2), name(3)]));
    await eventually(async () => expect((await readListHead(db()))?.map((h) => h.headName)).toEqual([name(2), name(3)]));
  });
});

describe('households store: a household whose summary a first sync has not computed yet', { timeout: 60_000 }, () => {
  it('counts as never visited, with nothing to follow up: last in the last-visit order, left out by the follow-up filter', async () => {
    const visited = await createHousehold(household(name(2)));
    await createVisit({ householdId: visited.id, date: '2026-02-20', topics: ['vneid'], outcome: 'followUp', followUpDate: '2026-03-10' });
    const never = await createHousehold(household(name(3)));
    // As a first sync stores a household before its summary: no last visit, no follow-up date.
    const pulled = await createHousehold(household(name(1)));
    const { lastVisitDate: _l, followUpDate: _f, ...bare } = (await db().households.get(pulled.id))!;
    await db().households.put(bare);
    expect(await db().households.get(pulled.id)).not.toHaveProperty('lastVisitDate');
    const store = useHouseholdsStore();
    store.sort = 'lastVisit';
    await store.load();
    await eventually(() => expect(store.complete).toBe(true));
    await eventually(() => expect(store.results.map((h) => h.headName)).toEqual([name(2), name(1), name(3)]));
    store.followUpOnly = true;
    expect(store.results.map((h) => h.headName)).toEqual([name(2)]);
    expect(never.lastVisitDate).toBe('');
  });
});
