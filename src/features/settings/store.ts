import { defineStore } from 'pinia';
import { readonly, ref } from 'vue';
import { useTranslation } from 'i18next-vue';
import { STORAGE_KEYS } from '../../storageKeys';
import { setLanguage, type Language } from '../../modules/i18n';
import type { UserRow } from '../../db/rows';

// The database layer loads after the first paint; the shell never waits for it.
const users = () => import('../../db/users');

function readFlag(key: string): boolean {
  try {
    return localStorage.getItem(key) === '1';
  } catch {
    return false;
  }
}

function writeFlag(key: string, on: boolean): void {
  try {
    localStorage.setItem(key, on ? '1' : '0');
  } catch {
    // Private mode: the choice lasts for this visit only.
  }
}

export const useSettingsStore = defineStore('settings', () => {
  const { i18next } = useTranslation();
  const language = ref<Language>((i18next.language as Language) || 'vi');
  const largeText = ref(readFlag(STORAGE_KEYS.largeText));
  const demoMode = ref(readFlag(STORAGE_KEYS.demoMode));
  const user = ref<UserRow | undefined>();

  async function changeLanguage(lng: Language): Promise<void> {
    await setLanguage(lng);
    language.value = lng;
  }

  function applyLargeText(): void {
    document.documentElement.classList.toggle('large-text', largeText.value);
  }

  function setLargeText(on: boolean): void {
    largeText.value = on;
    writeFlag(STORAGE_KEYS.largeText, on);
    applyLargeText();
  }

  async function loadUser(): Promise<UserRow | undefined> {
    user.value = await (await users()).currentUser();
    return user.value;
  }

  async function setUserName(name: string): Promise<UserRow> {
    user.value = await (await users()).setLocalUserName(name.trim());
    return user.value;
  }

  function setDemoMode(on: boolean): void {
    writeFlag(STORAGE_KEYS.demoMode, on);
    demoMode.value = on;
  }

  return {
    language: readonly(language),
    largeText: readonly(largeText),
    demoMode: readonly(demoMode),
    user: readonly(user),
    changeLanguage,
    applyLargeText,
    setLargeText,
    loadUser,
    setUserName,
    setDemoMode,
  };
});
