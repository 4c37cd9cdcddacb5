import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import { db } from '../db/database';
import { saveDraft } from '../db/drafts';
import { StorageFullError } from '../db/errors';
import type { FieldErrors } from '../domain/schemas';
import { useNoticesStore } from '../stores/notices';
import { useRecordForm, type RecordFormOptions } from './useRecordForm';
import { eventually, mountComponent, resetApp, settle, type Mounted } from '../../tests/unit/mountWithApp';

interface Form {
  place: string;
  topics: string[];
}
interface Row {
  id: string;
  place: string;
}

const ROW: Row = { id: '0194b2a0-7c1e-7a3b-9c4d-5e6f70818293', place: 'Nhà văn hóa thôn Đông' };

let app: Mounted;
let api!: ReturnType<typeof useRecordForm<Form, Row>>;

/** A form page reduced to what the composable needs: a text field and a group of choices. */
async function mountForm(options: Partial<RecordFormOptions<Form, Row, unknown>> = {}): Promise<void> {
  const Host = defineComponent({
    setup() {
      const model = ref<Form>({ place: '', topics: [] });
      api = useRecordForm<Form, Row>({
        model,
        draft: { key: () => 'session:new', route: () => '/sessions/new' },
        validate: () => ({}),
        save: async () => undefined,
        savedNotice: 'session.saved',
        leaveTo: () => '/sessions',
        ...options,
      });
      return () =>
        h('form', [
          h('label', { class: 'field' }, [h('input', { 'data-testid': 'date' })]),
          h('label', { class: 'field' }, [h('input', { 'data-testid': 'place', 'aria-invalid': api.errors.value.place ? 'true' : undefined })]),
          h('fieldset', { class: 'field' }, [
            h('input', { type: 'checkbox', 'data-testid': 'topic-vneid' }),
            api.errors.value.topics ? h('p', { class: 'error' }, 'pick one') : null,
          ]),
        ]);
    },
  });
  app = await mountComponent(Host);
}

const notices = () => useNoticesStore(app.pinia).notices.map((n) => [n.kind, n.key]);
const byTestId = (id: string) => app.wrapper.get(`[data-testid="${id}"]`).element;

/** A save that finishes only when the test says so. */
function pendingSave() {
  let finish!: () => void;
  const save = vi.fn(() => new Promise<undefined>((resolve) => (finish = () => resolve(undefined))));
  return { save, finish: () => finish() };
}

beforeEach(async () => {
  await resetApp();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await resetApp();
});

describe('useRecordForm', () => {
  it('a double tap on save saves once, says so once and leaves for the next page', async () => {
    const { save, finish } = pendingSave();
    await mountForm({ save });
    const first = api.submit();
    const second = api.submit();
    expect(api.saving.value).toBe(true);
    finish();
    await Promise.all([first, second]);
    await settle();
    expect(save).toHaveBeenCalledTimes(1);
    expect(notices()).toEqual([['success', 'session.saved']]);
    expect(app.router.currentRoute.value.path).toBe('/sessions');
    expect(api.saving.value).toBe(false);
  });

  it('scrolls to the first invalid field and puts the cursor there, saving nothing', async () => {
    const scrolled: Element[] = [];
    vi.spyOn(HTMLElement.prototype, 'scrollIntoView').mockImplementation(function (this: HTMLElement) {
      scrolled.push(this);
    });
    const save = vi.fn(async () => undefined);
    await mountForm({ save, validate: (): FieldErrors => ({ place: 'validation.required', topics: 'validation.minOne' }) });
    await api.submit();
    expect(scrolled).toEqual([byTestId('place')]);
    expect(document.activeElement).toBe(byTestId('place'));
    expect(api.errors.value).toEqual({ place: 'validation.required', topics: 'validation.minOne' });
    expect(save).not.toHaveBeenCalled();
    expect(notices()).toEqual([]);
  });

  it("for a group's message (no invalid field before it), scrolls to the message and focuses the group's first choice", async () => {
    const scrolled: Element[] = [];
    vi.spyOn(HTMLElement.prototype, 'scrollIntoView').mockImplementation(function (this: HTMLElement) {
      scrolled.push(this);
    });
    await mountForm({ validate: (): FieldErrors => ({ topics: 'validation.minOne' }) });
    await api.submit();
    expect(scrolled).toEqual([app.wrapper.get('.error').element]);
    expect(document.activeElement).toBe(byTestId('topic-vneid'));
  });

  it('a failed save shows the error in words, keeps the form and its draft, and can be tried again', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const save = vi.fn().mockRejectedValueOnce(new StorageFullError()).mockResolvedValueOnce(undefined);
    await saveDraft('session:new', { place: 'Nhà văn hóa', topics: [] }, '/sessions/new');
    await mountForm({ save });
    await api.submit();
    expect(notices()).toEqual([['error', 'errors.storageFull']]);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(app.router.currentRoute.value.path).toBe('/');
    expect(await db().drafts.get('session:new')).toBeDefined();
    await api.submit();
    await settle();
    expect(save).toHaveBeenCalledTimes(2);
    expect(await db().drafts.get('session:new')).toBeUndefined();
    expect(app.router.currentRoute.value.path).toBe('/sessions');
  });

  it('loads the record into the form and hands it to save', async () => {
    const save = vi.fn(async () => undefined);
    await mountForm({ load: async () => ROW, toForm: (r) => ({ place: r.place, topics: ['vneid'] }), save });
    await eventually(() => expect(api.loaded.value).toBe(true));
    expect(api.original.value).toEqual(ROW);
    await api.submit();
    expect(save).toHaveBeenCalledWith(ROW);
  });

  it('deleting runs once however often confirmed, says it is deleted, clears the draft and leaves', async () => {
    const { save: run, finish } = pendingSave();
    await saveDraft('session:new', { place: 'x', topics: [] }, '/sessions/new');
    await mountForm({ load: async () => ROW, remove: { run, notice: 'session.deleted' } });
    await eventually(() => expect(api.loaded.value).toBe(true));
    api.confirmDelete.value = true;
    const first = api.remove();
    const second = api.remove();
    expect(api.confirmDelete.value).toBe(false);
    finish();
    await Promise.all([first, second]);
    await settle();
    expect(run).toHaveBeenCalledTimes(1);
    expect(run).toHaveBeenCalledWith(ROW);
    expect(notices()).toEqual([['success', 'session.deleted']]);
    expect(await db().drafts.count()).toBe(0);
    expect(app.router.currentRoute.value.path).toBe('/sessions');
  });

  it('cancel drops the draft and leaves without saving', async () => {
    const save = vi.fn(async () => undefined);
    await saveDraft('session:new', { place: 'x', topics: [] }, '/sessions/new');
    await mountForm({ save });
    await api.cancel();
    await settle();
    expect(save).not.toHaveBeenCalled();
    expect(await db().drafts.count()).toBe(0);
    expect(app.router.currentRoute.value.path).toBe('/sessions');
    expect(notices()).toEqual([]);
  });

  it('after a failed save, each error goes as its field is corrected, and no field is flagged before a save', async () => {
    let now: FieldErrors = { place: 'validation.required', topics: 'validation.chooseOne' };
    const save = vi.fn(async () => undefined);
    await mountForm({ validate: () => now, save });
    await api.submit();
    expect(api.errors.value).toEqual(now);
    now = { topics: 'validation.chooseOne', date: 'validation.invalidDate' };
    api.draft.load({ place: 'Nhà văn hóa thôn Đông', topics: [] });
    await settle();
    // The place is put right; the date was never reported, so it waits for the next save.
    expect(api.errors.value).toEqual({ topics: 'validation.chooseOne' });
    now = {};
    api.draft.load({ place: 'Nhà văn hóa thôn Đông', topics: ['vneid'] });
    await settle();
    expect(api.errors.value).toEqual({});
    expect(save).not.toHaveBeenCalled();
  });
});
