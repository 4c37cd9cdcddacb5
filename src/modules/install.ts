import { ref } from 'vue';

/** The browser's install offer (Android/Chrome), kept until the person chooses to install. */
interface InstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

export const installOffer = ref<InstallPromptEvent | null>(null);
export const installed = ref(false);

export function isStandalone(): boolean {
  return (
    (typeof matchMedia !== 'undefined' && matchMedia('(display-mode: standalone)').matches) ||
    (navigator as Navigator & { standalone?: boolean }).standalone === true
  );
}

/** iPhone and iPad Safari have no install prompt: people add the app from the Share menu. */
export function isIosBrowser(): boolean {
  const ua = navigator.userAgent;
  const ios = /iPhone|iPad|iPod/.test(ua) || (ua.includes('Macintosh') && navigator.maxTouchPoints > 1);
  return ios && !isStandalone();
}

/** Captured at start-up: the event fires once, early. */
export function installInstallPrompt(): void {
  installed.value = isStandalone();
  window.addEventListener('beforeinstallprompt', (e) => {
    e.preventDefault();
    installOffer.value = e as InstallPromptEvent;
  });
  window.addEventListener('appinstalled', () => {
    installed.value = true;
    installOffer.value = null;
  });
}

export async function promptInstall(): Promise<boolean> {
  const offer = installOffer.value;
  if (!offer) return false;
  await offer.prompt();
  const { outcome } = await offer.userChoice;
  installOffer.value = null;
  return outcome === 'accepted';
}
