import type { Ref } from 'vue';
import { useLiveQuery } from '../../composables/useLiveQuery';
import { attentionItems, discardRejected, resendRejected, resolveConflict, type AttentionItem } from '../../sync/attention';
import { useSyncStore } from '../sync/store';

export type { AttentionItem };

/**
 * The changes waiting for a person's decision, following the outbox, and the decisions: each one
 * settled is sent at once.
 */
export function useAttention(): {
  items: Ref<AttentionItem[] | undefined>;
  loading: Ref<boolean>;
  settle: (item: AttentionItem, choices: Record<string, 'mine' | 'theirs'>) => Promise<void>;
  resend: (item: AttentionItem) => Promise<void>;
  discard: (item: AttentionItem) => Promise<void>;
} {
  const sync = useSyncStore();
  const { data: items, loading } = useLiveQuery(() => attentionItems(), [], []);
  const thenSync = async (decide: Promise<void>) => {
    await decide;
    void sync.syncNow();
  };
  return {
    items,
    loading,
    settle: (item, choices) => thenSync(resolveConflict(item.entry.key!, choices)),
    resend: (item) => thenSync(resendRejected(item.entry.key!)),
    discard: (item) => thenSync(discardRejected(item.entry.key!)),
  };
}
