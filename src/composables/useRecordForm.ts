import { nextTick, onMounted, ref, shallowRef, watch, type Ref } from 'vue';
import { useRouter } from 'vue-router';
import type { FieldErrors } from '../domain/schemas';
import type { DraftKey } from '../storageKeys';
import { useNoticesStore } from '../stores/notices';
import { useDraft } from './useDraft';

export interface RecordFormOptions<Form, Row, Saved> {
  /** The form's values, saved as a draft while the person types. */
  model: Ref<Form>;
  draft: {
    key: () => DraftKey | null;
    /** Where the draft is resumed. */
    route: () => string;
    /** False while nothing may be stored yet (a household before its consent is recorded). */
    enabled?: () => boolean;
  };
  /** Reads the record being edited; undefined for a new one (or one that is gone). */
  load?: () => Promise<Row | undefined>;
  /** The form's values for the loaded record. */
  toForm?: (row: Row) => Form;
  /** The form's errors as they stand, by field; empty when it may be saved. */
  validate: (original: Row | undefined) => FieldErrors;
  /** Writes the record (`original` is the loaded one, if any). */
  save: (original: Row | undefined) => Promise<Saved>;
  /** The i18n key of the notice shown once saved. */
  savedNotice: string;
  /** How the loaded record is deleted, and the notice shown once it is. */
  remove?: { run: (original: Row) => Promise<void>; notice: string };
  /** The page to go to after a save, a delete or a cancel. */
  leaveTo: (saved?: Saved) => string;
}

/**
 * The lifecycle every record form shares: load the record into the form, keep a draft, validate and
 * move to the first error, save once however often the button is tapped, say it is saved (or
 * deleted), and leave. Each page states only what differs.
 */
export function useRecordForm<Form, Row, Saved = unknown>(options: RecordFormOptions<Form, Row, Saved>) {
  const router = useRouter();
  const notices = useNoticesStore();
  const original = shallowRef<Row>();
  const loaded = ref(!options.load);
  const errors = ref<FieldErrors>({});
  const saving = ref(false);
  const confirmDelete = ref(false);
  const draft = useDraft({ key: options.draft.key, route: options.draft.route, enabled: options.draft.enabled, model: options.model });

  // Once a save has shown errors, each one goes away as soon as its field is corrected (and its
  // message follows what is typed); fields nobody has been told about yet are not flagged early.
  watch(
    options.model,
    () => {
      const shown = errors.value;
      if (Object.keys(shown).length === 0) return;
      const now = options.validate(original.value);
      errors.value = Object.fromEntries(Object.entries(now).filter(([field]) => field in shown));
    },
    { deep: true },
  );

  onMounted(async () => {
    if (!options.load) return;
    try {
      original.value = await options.load();
      if (original.value && options.toForm) draft.load(options.toForm(original.value));
    } catch (e) {
      notices.error(e);
    } finally {
      loaded.value = true;
    }
  });

  /** Runs `write` unless another write of this form is under way (a double tap saves once). */
  async function guarded(write: () => Promise<void>): Promise<void> {
    if (saving.value) return;
    saving.value = true;
    try {
      await write();
    } catch (e) {
      notices.error(e);
    } finally {
      saving.value = false;
    }
  }

  function submit(): Promise<void> {
    return guarded(async () => {
      errors.value = options.validate(original.value);
      if (Object.keys(errors.value).length > 0) {
        await nextTick();
        focusFirstError();
        return;
      }
      const saved = await options.save(original.value);
      await draft.clear();
      notices.success(options.savedNotice);
      await router.replace(options.leaveTo(saved));
    });
  }

  function remove(): Promise<void> {
    confirmDelete.value = false;
    const row = original.value;
    const del = options.remove;
    if (!row || !del) return Promise.resolve();
    return guarded(async () => {
      await del.run(row);
      await draft.clear();
      notices.success(del.notice);
      await router.replace(options.leaveTo());
    });
  }

  async function cancel(): Promise<void> {
    await draft.discard();
    await router.push(options.leaveTo());
  }

  return { original, loaded, errors, saving, confirmDelete, draft, submit, remove, cancel };
}

/**
 * Scrolls the first error into view and puts the cursor there: on the invalid field, or for a
 * group's message (topics, outcome) on the group's first choice.
 */
export function focusFirstError(root: ParentNode = document): void {
  const first = root.querySelector<HTMLElement>('[aria-invalid="true"], .error');
  if (!first) return;
  const control = first.matches('[aria-invalid="true"]')
    ? first
    : first.closest('fieldset, .field')?.querySelector<HTMLElement>('input, select, textarea');
  first.scrollIntoView({ block: 'center' });
  control?.focus({ preventScroll: true });
}
