import { createApp } from 'vue';
import App from './App.vue';
import { installPinia } from './modules/pinia';
import { installI18n } from './modules/i18n';
import { installRouter } from './modules/router';
import { installPwa } from './modules/pwa';
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
  // The database, sync and the rest of the strings start after the first paint, and only on a
  // phone that needs them (App.vue, modules/teamStart.ts).
  installPwa();
}

void start();
