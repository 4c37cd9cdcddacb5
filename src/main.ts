import { createApp } from 'vue';
import App from './App.vue';
import { installPinia } from './modules/pinia';
import { installI18n } from './modules/i18n';
import { installRouter } from './modules/router';
import { installPwa } from './modules/pwa';
import './styles.css';

async function start(): Promise<void> {
  const app = createApp(App);
  installPinia(app);
  await installI18n(app);
  installRouter(app);
  app.mount('#app');
  installPwa();
}

void start();
