import { vi } from 'vitest';

/**
 * The app's i18next with only the first-paint strings, and a spy on the store's `added` event
 * (the one that re-renders every component showing text). i18next is one per test file, so a
 * test that needs this state has a file of its own.
 */
export async function firstPaintI18n() {
  const mod = await import('../../src/modules/i18n');
  const i18next = await mod.initI18n('vi');
  const added = vi.fn();
  i18next.store.on('added', added);
  return { ...mod, i18next, added };
}
