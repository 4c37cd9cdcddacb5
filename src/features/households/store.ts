import { defineStore } from 'pinia';
import { computed, readonly, ref, shallowRef } from 'vue';
import type { Subscription } from 'dexie';
import type { HouseholdRow } from '../../db/rows';
import type { HouseholdFields, MemberFields } from '../../domain/schemas';
import type { HouseholdSort } from '../../db/households';
import { foldForSearch, matchesQuery } from '../../domain/text';
import { requestPersistence } from '../../platform/storage';
import { afterPaint } from '../../modules/afterPaint';

// The repository (and Dexie) load after the page's first paint.
const repo = () => import('../../db/households');

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

  /**
   * Paints the first rows quickly, then keeps the whole list live (local writes, later sync). By
   * name, the first rows are the sealed copy of the list's first page (db/listHead.ts), current
   * only while no household changed; otherwise every household must be opened to sort them, and
   * the full list itself is the first paint.
   */
  function load(): Promise<void> {
    loading ??= (async () => {
      const [{ liveQuery }, { firstHouseholds }, { householdsWithToken, keepListHead, readListHead }, { listsWarmed }] = await Promise.all([
        import('dexie'),
        repo(),
        import('../../db/listHead'),
        import('../../db/sealStored'),
      ]);
      if (!complete.value) {
        if (sort.value !== 'name') rows.value = await firstHouseholds(sort.value, FIRST_PAINT_ROWS);
        else {
          const head = await readListHead();
          if (head && !complete.value) {
            rows.value = head;
            // On screen before the households are opened: that work would hold back this frame.
            await afterPaint();
          }
        }
      }
      // The households opened in the background since the unlock: read before, each would be
      // opened one by one.
      await listsWarmed();
      let kept: string | undefined;
      await new Promise<void>((resolve, reject) => {
        subscription = liveQuery(() => householdsWithToken()).subscribe({
          next: ({ rows: all, token }) => {
            rows.value = all;
            complete.value = true;
            resolve();
            if (token && token !== kept) {
              kept = token;
              keepListHead(all, token).catch(() => (kept = undefined));
            }
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
    else {
      // A household a first sync has just stored has no summary yet: never visited, as far as the list knows.
      const last = (h: HouseholdRow) => h.lastVisitDate ?? '';
      list.sort((a, b) => (last(a) > last(b) ? -1 : last(a) < last(b) ? 1 : a.nameKey < b.nameKey ? -1 : 1));
    }
    return list;
  });

  const results = computed(() => {
    const q = foldForSearch(query.value);
    const hood = neighborhood.value;
    return sorted.value.filter(
      (h) =>
        (!hood || h.neighborhood === hood) &&
        (!followUpOnly.value || !!h.followUpDate) &&
        matchesQuery(h.searchText, q),
    );
  });

  const neighborhoods = computed(() => [...new Set(rows.value.map((h) => h.neighborhood))].sort((a, b) => a.localeCompare(b, 'vi')));

  async function create(fields: HouseholdFields, members: Omit<MemberFields, 'householdId'>[]): Promise<HouseholdRow> {
    const { createHouseholdWithMembers } = await import('../../db/householdWithMembers');
    const row = await createHouseholdWithMembers(fields, members);
    // The first real record is the moment it matters that the browser keeps our data.
    void requestPersistence();
    return row;
  }

  /**
   * For households found by a member's name rather than their own head, address or phone: the
   * names of those members, so the list can say who matched. Only `shown` rows are looked at.
   */
  async function membersMatching(shown: readonly HouseholdRow[], rawQuery: string): Promise<Map<string, string[]>> {
    const words = foldForSearch(rawQuery).split(' ').filter(Boolean);
    const hits = new Map<string, string[]>();
    if (words.length === 0) return hits;
    const [{ householdSearchText }, { membersOf }] = await Promise.all([import('../../db/derived'), import('../../db/members')]);
    for (const h of shown) {
      const own = householdSearchText(h, []);
      const elsewhere = words.filter((w) => !own.includes(w));
      if (elsewhere.length === 0) continue;
      const names = (await membersOf(h.id)).map((m) => m.fullName).filter((name) => elsewhere.some((w) => foldForSearch(name).includes(w)));
      if (names.length) hits.set(h.id, names);
    }
    return hits;
  }

  return {
    membersMatching,
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
    get: async (id: string) => (await repo()).getHousehold(id),
    update: async (id: string, changes: Partial<HouseholdFields>) => (await repo()).updateHousehold(id, changes),
    remove: async (id: string) => (await repo()).deleteHousehold(id),
    withdrawConsent: async (id: string) => (await repo()).withdrawConsent(id),
    exportOne: async (id: string) => (await repo()).exportHousehold(id),
  };
});
