import { liveQuery, type Subscription } from 'dexie';
import { onScopeDispose, shallowRef, watch, type Ref, type WatchSource } from 'vue';

/**
 * A Dexie live query as a Vue ref. `liveQuery` alone does not re-run when a Vue ref it reads
 * changes (Dexie issue #1528), so the query is re-subscribed whenever `deps` change.
 */
export function useLiveQuery<T>(querier: () => Promise<T>, deps: WatchSource[] = [], initial?: T): {
  data: Ref<T | undefined>;
  error: Ref<unknown>;
  loading: Ref<boolean>;
} {
  const data = shallowRef<T | undefined>(initial);
  const error = shallowRef<unknown>();
  const loading = shallowRef(true);
  let sub: Subscription | undefined;

  const start = () => {
    sub?.unsubscribe();
    loading.value = true;
    sub = liveQuery(querier).subscribe({
      next: (value) => {
        data.value = value;
        error.value = undefined;
        loading.value = false;
      },
      error: (e: unknown) => {
        error.value = e;
        loading.value = false;
      },
    });
  };
  if (deps.length) watch(deps, start, { immediate: true });
  else start();
  onScopeDispose(() => sub?.unsubscribe());
  return { data, error, loading };
}
