import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import I18NextVue from 'i18next-vue';
import { Dexie } from 'dexie';
import { initI18n } from '../../modules/i18n';
import { resetDbInstance } from '../../db/database';
import { currentUser } from '../../db/users';
import { DB_NAMES, STORAGE_KEYS } from '../../storageKeys';
import { useSettingsStore } from './store';

/** The store reads the language through i18next-vue: it is created inside an app with both plugins. */
async function freshStore() {
  const i18next = await initI18n('vi', { full: true });
  const app = createApp({ render: () => null });
  app.use(createPinia()).use(I18NextVue, { i18next });
  return app.runWithContext(() => useSettingsStore());
}

beforeEach(async () => {
  localStorage.clear();
  document.documentElement.classList.remove('large-text');
  resetDbInstance();
  await Dexie.delete(DB_NAMES.main);
});
afterEach(() => {
  resetDbInstance();
});

describe('settings store', () => {
  it('large text is applied to the page and remembered for the next visit', async () => {
    const settings = await freshStore();
    expect(settings.largeText).toBe(false);
    settings.setLargeText(true);
    expect(document.documentElement.classList.contains('large-text')).toBe(true);
    expect(localStorage.getItem(STORAGE_KEYS.largeText)).toBe('1');
    expect((await freshStore()).largeText).toBe(true);
  });

  it('remembers demo mode for the next start', async () => {
    const settings = await freshStore();
    settings.setDemoMode(true);
    expect(settings.demoMode).toBe(true);
    expect((await freshStore()).demoMode).toBe(true);
  });

  it('names the person using this phone, trimmed, and keeps the name on the device', async () => {
    const settings = await freshStore();
    await settings.setUserName('  Chị Lan  ');
    expect(settings.user?.name).toBe('Chị Lan');
    expect((await currentUser())?.name).toBe('Chị Lan');
    const again = await freshStore();
    expect((await again.loadUser())?.name).toBe('Chị Lan');
  });
});
