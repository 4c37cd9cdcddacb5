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
  app.mount('#app');
  const idle = (fn: () => void) => ('requestIdleCallback' in window ? requestIdleCallback(fn, { timeout: 2000 }) : setTimeout(fn, 500));
  void app.config.globalProperties.$router
    .isReady()
    .then(afterPaint)
    .then(() => {
      // The database opens once the first screen is up (and says so plainly if it cannot);
      // the rest of the strings follow when the browser is idle.
      void import('./modules/storage').then((m) => m.installStorage());
      idle(() => void loadFullLocale());
    });
  installPwa();
}

void start();
