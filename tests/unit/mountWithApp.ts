/**
 * Test helper: mounts a page (through the app's real routes) or a single component with a fresh
 * Pinia, an in-memory router and the Vietnamese i18n, the way main.ts wires the app.
 */
import { defineComponent, h, type Component } from 'vue';
import { mount, flushPromises, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter, RouterView, type Router } from 'vue-router';
import I18NextVue from 'i18next-vue';
import { Dexie } from 'dexie';
import { routes } from '../../src/modules/router';
import { initI18n } from '../../src/modules/i18n';
import { resetDbInstance } from '../../src/db/database';
import { DB_NAMES } from '../../src/storageKeys';

export interface Mounted {
  wrapper: VueWrapper;
  router: Router;
  pinia: Pinia;
  /** Errors thrown by the app's handlers (Vue's errorHandler), so tests can assert there were none. */
  errors: unknown[];
  /** Unmounts the app (flushing open drafts) and stops the stores' live queries. */
  unmount: () => Promise<void>;
}

const mounted = new Set<Mounted>();

async function plugins() {
  const i18next = await initI18n('vi', { full: true });
  const pinia = createPinia();
  setActivePinia(pinia);
  const router = createRouter({ history: createMemoryHistory(), routes });
  const errors: unknown[] = [];
  const global = {
    plugins: [pinia, router, [I18NextVue, { i18next }]] as never,
    config: { errorHandler: (e: unknown) => void errors.push(e) },
  };
  return { global, pinia, router, errors };
}

function track(wrapper: VueWrapper, router: Router, pinia: Pinia, errors: unknown[]): Mounted {
  const m: Mounted = {
    wrapper,
    router,
    pinia,
    errors,
    unmount: async () => {
      if (!mounted.delete(m)) return;
      // Let in-flight work (a save, a navigation to a lazily loaded page) finish first, so it does
      // not run into the closed database of the next test.
      await settle();
      wrapper.unmount();
      const stores = (pinia as unknown as { _s: Map<string, { stop?: () => void; $dispose: () => void }> })._s;
      for (const store of stores.values()) {
        store.stop?.();
        store.$dispose();
      }
      await flushPromises();
    },
  };
  mounted.add(m);
  return m;
}

/** Mounts the app's page for `path` (e.g. `/households/new`) inside a RouterView. */
export async function mountRoute(path: string): Promise<Mounted> {
  const { global, pinia, router, errors } = await plugins();
  await router.push(path);
  await router.isReady();
  const Root = defineComponent({ name: 'TestRoot', render: () => h(RouterView) });
  const host = document.createElement('div');
  document.body.appendChild(host);
  const wrapper = mount(Root, { attachTo: host, global });
  await settle();
  return track(wrapper, router, pinia, errors);
}

/** Mounts one component with the app's plugins. */
export async function mountComponent<C extends Component>(component: C, props: Record<string, unknown> = {}): Promise<Mounted> {
  const { global, pinia, router, errors } = await plugins();
  await router.push('/');
  await router.isReady();
  const host = document.createElement('div');
  document.body.appendChild(host);
  const wrapper = mount(component as Component, { props, attachTo: host, global }) as VueWrapper;
  await settle();
  return track(wrapper, router, pinia, errors);
}

/** Lets IndexedDB reads/writes and Vue updates that follow them finish. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await flushPromises();
    await new Promise<void>((r) => setImmediate(r));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Polls until `check` passes (it throws otherwise) or the time is up. The default is generous: a
 * passing check returns at once, and a busy CI machine must not turn a slow pass into a failure.
 */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() - start > timeoutMs) throw e;
      await sleep(10);
    }
  }
}

/** Unmounts everything mounted by this helper and gives each test an empty app database. */
export async function resetApp(): Promise<void> {
  for (const m of [...mounted]) await m.unmount();
  document.body.innerHTML = '';
  resetDbInstance();
  await Dexie.delete(DB_NAMES.main);
}
