import type { App } from 'vue';
import i18next from 'i18next';
import I18NextVue from 'i18next-vue';
import viCore from 'virtual:locale-core/vi';
import { STORAGE_KEYS } from '../storageKeys';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

type Strings = Record<string, unknown>;

/**
 * The first paint ships only the strings the entry screens need (build/localeCore.ts); the full
 * file of the language in use loads right after, and before any other screen opens.
 */
const full: Record<Language, () => Promise<{ default: Strings }>> = {
  vi: () => import('../locales/vi/translation.json'),
  en: () => import('../locales/en/translation.json'),
};
const loaded = new Map<Language, Promise<void>>();
/**
 * Whether a string outside the first-paint part was asked for. Only then does the arrival of the
 * whole locale re-render the screen (every component that shows text): otherwise it would only
 * repaint what is already right, in a long task just after the first paint.
 */
let missedCore = false;

function storedLanguage(): Language {
  try {
    const v = localStorage.getItem(STORAGE_KEYS.language);
    return (LANGUAGES as readonly string[]).includes(v ?? '') ? (v as Language) : 'vi';
  } catch {
    return 'vi';
  }
}

/** Loads the whole locale of `lng` (once). */
export function loadFullLocale(lng: Language = (i18next.language as Language) || 'vi'): Promise<void> {
  let p = loaded.get(lng);
  if (!p) {
    p = full[lng]().then((mod) => {
      i18next.addResourceBundle(lng, 'translation', mod.default, true, true, { silent: !missedCore, skipCopy: false });
    });
    loaded.set(lng, p);
    p.catch(() => loaded.delete(lng));
  }
  return p;
}

export async function setLanguage(lng: Language): Promise<void> {
  await loadFullLocale(lng);
  await i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
  try {
    localStorage.setItem(STORAGE_KEYS.language, lng);
  } catch {
    // Private mode: the choice lasts for this visit only.
  }
}

export async function initI18n(lng: Language = storedLanguage(), options: { full?: boolean } = {}): Promise<typeof i18next> {
  if (!i18next.isInitialized) {
    await i18next.init({
      lng: 'vi',
      fallbackLng: 'vi',
      supportedLngs: [...LANGUAGES],
      resources: { vi: { translation: viCore } },
      interpolation: { escapeValue: false },
      returnNull: false,
      // Not saved anywhere: only noted, see `missedCore`, and the whole locale fetched (on a
      // citizen's phone it is otherwise loaded only for a screen outside the first-paint set).
      saveMissing: true,
      missingKeyHandler: () => {
        missedCore = true;
        void loadFullLocale().catch(() => undefined);
      },
    });
  }
  if (options.full) await loadFullLocale('vi');
  if (lng !== i18next.language) await setLanguage(lng);
  else document.documentElement.lang = lng;
  return i18next;
}

export async function installI18n(app: App): Promise<void> {
  await initI18n();
  app.use(I18NextVue, { i18next });
}
