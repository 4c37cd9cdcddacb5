import { computed, type ComputedRef } from 'vue';
import { useLiveQuery } from '../../composables/useLiveQuery';
import { oldestPendingAt } from '../../sync/outboxCounts';

const STALE_MS = 3 * 24 * 3600_000;

/**
 * True when a change has waited more than three days to be sent: it is at risk if the phone is
 * lost. Follows the outbox as it changes.
 */
export function useStaleChanges(now: () => number = Date.now): ComputedRef<boolean> {
  const { data: oldest } = useLiveQuery(() => oldestPendingAt(), []);
  return computed(() => !!oldest.value && now() - Date.parse(oldest.value) > STALE_MS);
}
