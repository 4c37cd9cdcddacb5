import { ref } from 'vue';
import { afterPaint } from './afterPaint';

/** True when a new version is waiting; the app shows "Update" (never a silent reload). */
export const updateReady = ref(false);
let applyUpdate: (() => Promise<void>) | undefined;

export function installPwa(): void {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV && import.meta.env.VITE_PWA_DEV !== '1') return;
  // Registered once the page has loaded, painted its first screen and gone idle, so it never competes with the first paint.
  const whenIdle = (fn: () => void) =>
    'requestIdleCallback' in window ? requestIdleCallback(fn, { timeout: 3000 }) : setTimeout(fn, 1000);
  const start = () => void afterPaint().then(() => whenIdle(register));
  if (document.readyState === 'complete') start();
  else window.addEventListener('load', start, { once: true });
}

function register(): void {
  void import('virtual:pwa-register').then(({ registerSW }) => {
    const update = registerSW({
      onNeedRefresh() {
        updateReady.value = true;
      },
      onRegisteredSW(_url, registration) {
        if (!registration) return;
        // Look for a new version every hour and when the person comes back to the app.
        setInterval(() => void registration.update(), 60 * 60 * 1000);
        document.addEventListener('visibilitychange', () => {
          if (document.visibilityState === 'visible') void registration.update();
        });
      },
    });
    applyUpdate = () => update(true);
  });
}

export async function acceptUpdate(beforeReload: () => Promise<void>): Promise<void> {
  await beforeReload();
  await applyUpdate?.();
}
