import { createApp } from 'vue';
import App from './App.vue';
import { installPinia } from './modules/pinia';
import { installI18n, loadFullLocale } from './modules/i18n';
import { installRouter } from './modules/router';
import { installPwa } from './modules/pwa';
import { afterPaint, whenIdle } from './modules/afterPaint';
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
  // Once the first screen is up, in quiet moments: the database check (it says so plainly if
  // there is none), then the rest of the strings.
  void afterPaint().then(async () => {
    await whenIdle();
    await import('./modules/storage').then((m) => m.installStorage()).catch((e: unknown) => console.error(e));
    await whenIdle();
    await loadFullLocale().catch(() => undefined);
  });
  installPwa();
}

void start();
