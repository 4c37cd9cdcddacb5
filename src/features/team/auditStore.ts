/**
 * The audit screen's state: who did what and when in the team (a head) or the commune (an admin),
 * read from the server page by page. It holds no personal values: the server keeps none.
 */
import { defineStore } from 'pinia';
import { readonly, ref, shallowRef } from 'vue';
import type { AuditEntry } from '../../domain/wire';
import type { AuditApi } from '../../sync/auditApi';
import { useMembershipStore } from './store';

const loadApi = () => import('../../sync/auditApi');

export const useAuditStore = defineStore('audit', () => {
  const membership = useMembershipStore();
  let api: AuditApi | undefined;
  const entries = shallowRef<AuditEntry[]>([]);
  const cursor = ref<string | null>(null);
  const busy = ref(false);
  /** An i18n key when the last load failed. */
  const error = ref('');
  let loading: Promise<void> | undefined;

  /** Tests give a fake server. */
  function useApi(a: AuditApi): void {
    api = a;
  }

  async function server(): Promise<AuditApi> {
    api ??= (await loadApi()).auditApi({ token: () => membership.membership?.token });
    return api;
  }

  /** Loads a page (the first when `more` is false); a load already running is reused. */
  function load(more = false): Promise<void> {
    loading ??= (async () => {
      busy.value = true;
      try {
        const page = await (await server()).page(more ? (cursor.value ?? undefined) : undefined);
        entries.value = more ? [...entries.value, ...page.entries] : page.entries;
        cursor.value = page.cursor;
        error.value = '';
      } catch (e) {
        error.value = (e as { status?: number }).status === 0 ? 'audit.offline' : 'audit.loadFailed';
      } finally {
        busy.value = false;
        loading = undefined;
      }
    })();
    return loading;
  }

  return {
    entries: readonly(entries),
    cursor: readonly(cursor),
    busy: readonly(busy),
    error: readonly(error),
    useApi,
    refresh: () => load(false),
    more: () => load(true),
  };
});
