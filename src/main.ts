import { createApp } from 'vue';
import App from './App.vue';
import { installPinia } from './modules/pinia';
import { installI18n, loadFullLocale } from './modules/i18n';
import { installRouter } from './modules/router';
import { installPwa } from './modules/pwa';
import { afterPaint } from './modules/afterPaint';
import { installInstallPrompt } from './modules/install';
import './styles.css';

async function start(): Promise<void> {
  const app = createApp(App);
  installPinia(app);
  await installI18n(app);
  installRouter(app);
  installInstallPrompt();
  const router = app.config.globalProperties.$router;
  // The first frame shows the whole screen, shell and page together: nothing jumps in after it,
  // and nothing else starts loading before it. A page that cannot load (or is slow to) still
  // gets the shell.
  await Promise.race([router.isReady().catch(() => undefined), new Promise((r) => setTimeout(r, 3000))]);
  app.mount('#app');
  const idle = (fn: () => void) => ('requestIdleCallback' in window ? requestIdleCallback(fn, { timeout: 2000 }) : setTimeout(fn, 500));
  void afterPaint().then(() => {
      // The database opens once the first screen is up (and says so plainly if it cannot);
      // the rest of the strings follow when the browser is idle.
      void import('./modules/storage').then((m) => m.installStorage());
      idle(() => void loadFullLocale());
    });
  installPwa();
}

void start();
