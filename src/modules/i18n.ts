import type { App } from 'vue';
import i18next from 'i18next';
import I18NextVue from 'i18next-vue';
import vi from '../locales/vi/translation.json';
import { STORAGE_KEYS } from '../storageKeys';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Vietnamese ships in the main bundle; other languages load when chosen. */
const loaders: Record<Exclude<Language, 'vi'>, () => Promise<{ default: Record<string, unknown> }>> = {
  en: () => import('../locales/en/translation.json'),
};

function storedLanguage(): Language {
  try {
    const v = localStorage.getItem(STORAGE_KEYS.language);
    return (LANGUAGES as readonly string[]).includes(v ?? '') ? (v as Language) : 'vi';
  } catch {
    return 'vi';
  }
}

async function ensureLoaded(lng: Language): Promise<void> {
  if (lng === 'vi' || i18next.hasResourceBundle(lng, 'translation')) return;
  const mod = await loaders[lng]();
  i18next.addResourceBundle(lng, 'translation', mod.default, true, true);
}

export async function setLanguage(lng: Language): Promise<void> {
  await ensureLoaded(lng);
  await i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
  try {
    localStorage.setItem(STORAGE_KEYS.language, lng);
  } catch {
    // Private mode: the choice lasts for this visit only.
  }
}

export async function initI18n(lng: Language = storedLanguage()): Promise<typeof i18next> {
  if (!i18next.isInitialized) {
    await i18next.init({
      lng: 'vi',
      fallbackLng: 'vi',
      supportedLngs: [...LANGUAGES],
      resources: { vi: { translation: vi } },
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  }
  if (lng !== i18next.language) await setLanguage(lng);
  else document.documentElement.lang = lng;
  return i18next;
}

export async function installI18n(app: App): Promise<void> {
  await initI18n();
  app.use(I18NextVue, { i18next });
}
