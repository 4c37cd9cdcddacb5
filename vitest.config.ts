import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import { localeCorePlugin } from './build/localeCore';

export default defineConfig({
  plugins: [vue(), localeCorePlugin()],
  define: { __APP_VERSION__: JSON.stringify('test') },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'tests/unit/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
    restoreMocks: true,
  },
});
