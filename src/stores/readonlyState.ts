import { computed, readonly, type ComputedRef, type DeepReadonly, type Ref } from 'vue';

/**
 * A store's state that only the store's own actions change, exposed read-only as a getter.
 *
 * Pinia takes every ref a setup store returns, read-only ones too, for state, and writes the last
 * values back into it when the store is set up again on the same Pinia (after `$dispose`): a
 * read-only ref refuses that with a Vue warning. A computed is a getter, which Pinia leaves alone.
 */
export function readOnly<T>(source: Ref<T>): ComputedRef<DeepReadonly<T>> {
  const view = readonly(source);
  return computed(() => view.value);
}
