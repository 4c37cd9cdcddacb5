import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, nextTick, ref, type Ref } from 'vue';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { Dexie } from 'dexie';
import { db, resetDbInstance } from '../db/database';
import { getDraft, saveDraft } from '../db/drafts';
import { DB_NAMES } from '../storageKeys';
import { flushAllDrafts, useDraft, type DraftOptions } from './useDraft';

interface Form {
  notes: string;
  topics: string[];
}

const KEY = 'visit:new:0194b2a0-7c1e-7a3b-9c4d-5e6f70818293';
const ROUTE = '/households/0194b2a0-7c1e-7a3b-9c4d-5e6f70818293/visits/new';

let wrapper: VueWrapper | undefined;

/** Lets fake-indexeddb (which schedules with the real setImmediate) finish its work. */
async function idle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await flushPromises();
    await new Promise<void>((r) => setImmediate(r));
  }
}

async function host(options: Partial<DraftOptions<Form>> = {}) {
  const model: Ref<Form> = ref({ notes: '', topics: [] });
  let api!: ReturnType<typeof useDraft<Form>>;
  const Host = defineComponent({
    setup() {
      api = useDraft<Form>({ key: () => KEY, model, route: () => ROUTE, ...options });
      return () => h('div');
    },
  });
  wrapper = mount(Host);
  await idle();
  return { model, api };
}

async function stored(): Promise<Form | undefined> {
  return (await getDraft(KEY))?.data as Form | undefined;
}

function setVisibility(state: 'hidden' | 'visible'): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
}

beforeEach(async () => {
  resetDbInstance();
  await Dexie.delete(DB_NAMES.main);
  // Dexie's open() schedules with setTimeout: open the database before faking timers.
  await db().open();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(async () => {
  wrapper?.unmount();
  wrapper = undefined;
  await idle();
  vi.useRealTimers();
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
  resetDbInstance();
});

describe('useDraft', () => {
  it('saves 400 ms after the last change, not before', async () => {
    const { model } = await host();
    model.value.notes = 'Bà';
    await nextTick();
    await vi.advanceTimersByTimeAsync(399);
    await idle();
    expect(await db().drafts.count()).toBe(0);

    model.value.notes = 'Bà Tư';
    await nextTick();
    await vi.advanceTimersByTimeAsync(399);
    await idle();
    // The second keystroke restarted the wait.
    expect(await db().drafts.count()).toBe(0);

    await vi.advanceTimersByTimeAsync(1);
    await idle();
    const row = await getDraft(KEY);
    expect(row?.data).toEqual({ notes: 'Bà Tư', topics: [] });
    expect(row?.route).toBe(ROUTE);
    expect(await db().drafts.count()).toBe(1);
  });

  it('honours a custom delay and sees deep changes (an array push)', async () => {
    const { model } = await host({ delayMs: 100 });
    model.value.topics.push('vneid');
    await nextTick();
    await vi.advanceTimersByTimeAsync(100);
    await idle();
    expect(await stored()).toEqual({ notes: '', topics: ['vneid'] });
  });

  it('saves at once when the page becomes hidden, and not when it becomes visible', async () => {
    const { model } = await host();
    model.value.notes = 'gõ dở';
    await nextTick();
    setVisibility('visible');
    await idle();
    expect(await db().drafts.count()).toBe(0);

    setVisibility('hidden');
    await idle();
    expect(await stored()).toEqual({ notes: 'gõ dở', topics: [] });
    // The pending debounce was cancelled: nothing more happens later.
    await db().drafts.clear();
    await vi.advanceTimersByTimeAsync(1000);
    await idle();
    expect(await db().drafts.count()).toBe(0);
  });

  it('saves at once on pagehide', async () => {
    const { model } = await host();
    model.value.notes = 'sắp đóng';
    await nextTick();
    window.dispatchEvent(new Event('pagehide'));
    await idle();
    expect(await stored()).toEqual({ notes: 'sắp đóng', topics: [] });
  });

  it('load() fills the form without creating a draft; the next real change is saved', async () => {
    const { model, api } = await host();
    api.load({ notes: 'đã lưu', topics: ['eHealth'] });
    await nextTick();
    expect(model.value).toEqual({ notes: 'đã lưu', topics: ['eHealth'] });
    await vi.advanceTimersByTimeAsync(1000);
    setVisibility('hidden');
    await idle();
    expect(await db().drafts.count()).toBe(0);

    setVisibility('visible');
    model.value.notes = 'đã lưu, sửa';
    await nextTick();
    await vi.advanceTimersByTimeAsync(400);
    await idle();
    expect(await stored()).toEqual({ notes: 'đã lưu, sửa', topics: ['eHealth'] });
  });

  it('clear() removes the saved draft and cancels a pending save', async () => {
    const { model, api } = await host();
    model.value.notes = 'một';
    await nextTick();
    await vi.advanceTimersByTimeAsync(400);
    await idle();
    expect(await db().drafts.count()).toBe(1);

    model.value.notes = 'hai';
    await nextTick();
    await api.clear();
    await idle();
    expect(await getDraft(KEY)).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1000);
    wrapper!.unmount();
    wrapper = undefined;
    await idle();
    expect(await db().drafts.count()).toBe(0);
  });

  it('with `enabled: () => false` nothing is stored: not by typing, hiding, touch(), flushAllDrafts() or unmounting', async () => {
    const { model, api } = await host({ enabled: () => false });
    model.value.notes = 'trước khi hộ đồng ý';
    await nextTick();
    await vi.advanceTimersByTimeAsync(1000);
    setVisibility('hidden');
    api.touch();
    await flushAllDrafts();
    wrapper!.unmount();
    wrapper = undefined;
    await idle();
    expect(await db().drafts.count()).toBe(0);
  });

  it('stores what was typed once `enabled` turns true and touch() is called', async () => {
    const allowed = ref(false);
    const { model, api } = await host({ enabled: () => allowed.value });
    model.value.notes = 'đã gõ';
    await nextTick();
    await vi.advanceTimersByTimeAsync(1000);
    await idle();
    expect(await db().drafts.count()).toBe(0);
    allowed.value = true;
    api.touch();
    await idle();
    expect(await stored()).toEqual({ notes: 'đã gõ', topics: [] });
  });

  it('flushAllDrafts() saves pending input immediately', async () => {
    const { model } = await host();
    model.value.notes = 'trước khi cập nhật';
    await nextTick();
    await flushAllDrafts();
    expect(await stored()).toEqual({ notes: 'trước khi cập nhật', topics: [] });
  });

  it('flushAllDrafts() forgets forms that were closed', async () => {
    const { model } = await host();
    wrapper!.unmount();
    wrapper = undefined;
    await idle();
    model.value.notes = 'sau khi đóng';
    await nextTick();
    await flushAllDrafts();
    await idle();
    expect(await db().drafts.count()).toBe(0);
  });

  it('offers a saved draft on opening; resume() restores it, discard() deletes it', async () => {
    await saveDraft(KEY, { notes: 'hôm qua', topics: ['vneid'] }, ROUTE);
    const first = await host();
    expect(first.api.pending.value?.data).toEqual({ notes: 'hôm qua', topics: ['vneid'] });
    expect(first.model.value.notes).toBe('');
    first.api.resume();
    expect(first.model.value).toEqual({ notes: 'hôm qua', topics: ['vneid'] });
    expect(first.api.pending.value).toBeNull();
    wrapper!.unmount();
    await idle();

    const second = await host();
    expect(second.api.pending.value).not.toBeNull();
    await second.api.discard();
    expect(second.api.pending.value).toBeNull();
    expect(await getDraft(KEY)).toBeUndefined();
  });
});
