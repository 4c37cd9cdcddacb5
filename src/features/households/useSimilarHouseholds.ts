import { ref, watch } from 'vue';
import { findSimilarHouseholds } from '../../db/households';
import type { HouseholdRow } from '../../db/rows';
import { composeAddress, type HouseholdForm } from './forms';

/** Households that look like the one being typed, so the person can open it instead. */
export function useSimilarHouseholds(form: () => HouseholdForm, excludeId?: string) {
  const similar = ref<HouseholdRow[]>([]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(
    () => [form().headName, form().neighborhood, form().houseNumber, form().lane],
    () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(async () => {
        const f = form();
        similar.value = f.neighborhood.trim()
          ? await findSimilarHouseholds({ headName: f.headName, neighborhood: f.neighborhood, address: composeAddress(f) }, excludeId)
          : [];
      }, 300);
    },
    // Opening a form on saved values (an edit, a resumed draft) checks them too.
    { immediate: true },
  );
  return similar;
}
