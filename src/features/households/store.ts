import { defineStore } from 'pinia';
import { computed, readonly, ref, shallowRef } from 'vue';
import { liveQuery, type Subscription } from 'dexie';
import type { HouseholdRow } from '../../db/rows';
import type { HouseholdFields, MemberFields } from '../../domain/schemas';
import {
  allHouseholds,
  deleteHousehold,
  exportHousehold,
  firstHouseholds,
  updateHousehold,
  withdrawConsent,
  type HouseholdSort,
} from '../../db/households';
import { createHouseholdWithMembers } from '../../db/householdWithMembers';
import { foldForSearch, matchesQuery } from '../../domain/text';
import { requestPersistence } from '../../platform/storage';

const FIRST_PAINT_ROWS = 30;

/** Households of this device: the whole list stays in memory so search is instant. */
export const useHouseholdsStore = defineStore('households', () => {
  const rows = shallowRef<HouseholdRow[]>([]);
  const complete = ref(false);
  const query = ref('');
  const neighborhood = ref('');
  const followUpOnly = ref(false);
  const sort = ref<HouseholdSort>('name');
  let loading: Promise<void> | undefined;
  let subscription: Subscription | undefined;

  /** Paints the first rows quickly, then keeps the whole list live (local writes, later sync). */
  function load(): Promise<void> {
    loading ??= (async () => {
      if (!complete.value) rows.value = await firstHouseholds(sort.value, FIRST_PAINT_ROWS);
      await new Promise<void>((resolve, reject) => {
        subscription = liveQuery(allHouseholds).subscribe({
          next: (all) => {
            rows.value = all;
            complete.value = true;
            resolve();
          },
          error: reject,
        });
      });
    })();
    return loading;
  }

  function stop(): void {
    subscription?.unsubscribe();
    subscription = undefined;
    loading = undefined;
  }

  const sorted = computed(() => {
    const list = [...rows.value];
    if (sort.value === 'name') list.sort((a, b) => (a.nameKey < b.nameKey ? -1 : a.nameKey > b.nameKey ? 1 : 0));
    else list.sort((a, b) => (a.lastVisitDate > b.lastVisitDate ? -1 : a.lastVisitDate < b.lastVisitDate ? 1 : a.nameKey < b.nameKey ? -1 : 1));
    return list;
  });

  const results = computed(() => {
    const q = foldForSearch(query.value);
    const hood = neighborhood.value;
    return sorted.value.filter(
      (h) =>
        (!hood || h.neighborhood === hood) &&
        (!followUpOnly.value || h.followUpDate !== '') &&
        matchesQuery(h.searchText, q),
    );
  });

  const neighborhoods = computed(() => [...new Set(rows.value.map((h) => h.neighborhood))].sort((a, b) => a.localeCompare(b, 'vi')));

  async function create(fields: HouseholdFields, members: Omit<MemberFields, 'householdId'>[]): Promise<HouseholdRow> {
    const row = await createHouseholdWithMembers(fields, members);
    // The first real record is the moment it matters that the browser keeps our data.
    void requestPersistence();
    return row;
  }

  return {
    rows: readonly(rows),
    complete: readonly(complete),
    query,
    neighborhood,
    followUpOnly,
    sort,
    results,
    neighborhoods,
    load,
    stop,
    create,
    update: updateHousehold,
    remove: deleteHousehold,
    withdrawConsent,
    exportOne: exportHousehold,
  };
});
