import { defineStore } from 'pinia';
import { ref } from 'vue';
import { readOnly } from './readonlyState';
import { StorageFullError, StorageUnavailableError, ValidationError } from '../db/errors';

export interface Notice {
  id: number;
  kind: 'error' | 'success' | 'info';
  /** i18n key and its values. */
  key: string;
  values?: Record<string, unknown>;
}

/** The i18n key that explains an error in words a person can act on. */
export function errorKey(e: unknown): string {
  if (e instanceof StorageFullError) return 'errors.storageFull';
  if (e instanceof StorageUnavailableError) return 'errors.storageUnavailable';
  if (e instanceof ValidationError) return 'errors.validation';
  return 'errors.unexpected';
}

export const useNoticesStore = defineStore('notices', () => {
  const notices = ref<Notice[]>([]);
  let next = 1;

  function show(kind: Notice['kind'], key: string, values?: Record<string, unknown>, timeoutMs = kind === 'error' ? 0 : 5000): number {
    const id = next++;
    notices.value = [...notices.value, { id, kind, key, values }];
    if (timeoutMs > 0) setTimeout(() => dismiss(id), timeoutMs);
    return id;
  }

  function dismiss(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id);
  }

  return {
    notices: readOnly(notices),
    show,
    dismiss,
    error: (e: unknown) => {
      if (!(e instanceof ValidationError)) console.error(e);
      return show('error', errorKey(e));
    },
    success: (key: string, values?: Record<string, unknown>) => show('success', key, values),
  };
});
