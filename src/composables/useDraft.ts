import { onBeforeUnmount, onMounted, ref, shallowRef, toRaw, watch, type Ref } from 'vue';
import { deleteDraft, getDraft, saveDraft } from '../db/drafts';
import type { DraftKey } from '../storageKeys';

const flushers = new Set<() => Promise<void>>();

/** Saves every open form's draft now (before an update reloads the page, for example). */
export async function flushAllDrafts(): Promise<void> {
  await Promise.all([...flushers].map((f) => f()));
}

export interface DraftOptions<T> {
  /** e.g. `visit:new:<householdId>`; null while there is none yet. */
  key: () => DraftKey | null;
  /** False while nothing may be stored yet (a household before its consent is recorded). */
  enabled?: () => boolean;
  model: Ref<T>;
  route: () => string;
  delayMs?: number;
}

/**
 * Saves a form as the person types (debounced) and when the page is hidden, so a reload or a
 * killed app loses nothing. Offers the saved draft back instead of silently overwriting.
 */
export function useDraft<T>(options: DraftOptions<T>) {
  const { model, delayMs = 400 } = options;
  const pending = shallowRef<{ data: T; updatedAt: string } | null>(null);
  const saveError = ref<unknown>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dirty = false;
  let armed = false;
  let suppressNext = false;

  async function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const key = options.key();
    if (!dirty || !key || options.enabled?.() === false) return;
    dirty = false;
    try {
      await saveDraft(key, toRaw(model.value), options.route());
      saveError.value = null;
    } catch (e) {
      dirty = true;
      saveError.value = e;
    }
  }

  watch(
    model,
    () => {
      if (suppressNext) {
        suppressNext = false;
        return;
      }
      if (!armed) return;
      dirty = true;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void flush(), delayMs);
    },
    { deep: true },
  );

  const onHide = (e: Event) => {
    if (e.type === 'pagehide' || document.visibilityState === 'hidden') void flush();
  };

  onMounted(async () => {
    const key = options.key();
    if (key) {
      const existing = await getDraft(key);
      if (existing) pending.value = { data: existing.data as T, updatedAt: existing.updatedAt };
    }
    armed = true;
    flushers.add(flush);
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onHide);
  });

  onBeforeUnmount(() => {
    void flush();
    flushers.delete(flush);
    document.removeEventListener('visibilitychange', onHide);
    window.removeEventListener('pagehide', onHide);
  });

  return {
    /** A saved draft found on opening the form, waiting for "Resume" or "Discard". */
    pending,
    saveError,
    resume(): void {
      if (pending.value) model.value = pending.value.data;
      pending.value = null;
    },
    async discard(): Promise<void> {
      pending.value = null;
      const key = options.key();
      if (key) await deleteDraft(key);
    },
    /** Fills the form with saved values (not a change of the person's, so no draft is written). */
    load(value: T): void {
      suppressNext = true;
      model.value = value;
    },
    /** Call after the record is saved. */
    async clear(): Promise<void> {
      if (timer) clearTimeout(timer);
      dirty = false;
      const key = options.key();
      if (key) await deleteDraft(key);
    },
    /** Call when a key becomes available (after consent) to store what is already typed. */
    touch(): void {
      dirty = true;
      void flush();
    },
    flush,
  };
}
