import { createApp } from 'vue';
import App from './App.vue';
import { installPinia } from './modules/pinia';
import { installI18n, loadFullLocale } from './modules/i18n';
import { installRouter } from './modules/router';
import { installPwa } from './modules/pwa';
import './styles.css';

async function start(): Promise<void> {
  const app = createApp(App);
  installPinia(app);
  await installI18n(app);
  installRouter(app);
  app.mount('#app');
  // The rest of the strings, once the first screen has painted and the browser is idle.
  const idle = (fn: () => void) => ('requestIdleCallback' in window ? requestIdleCallback(fn, { timeout: 2000 }) : setTimeout(fn, 500));
  void app.config.globalProperties.$router.isReady().then(() =>
    requestAnimationFrame(() => requestAnimationFrame(() => idle(() => void loadFullLocale()))),
  );
  installPwa();
}

void start();
