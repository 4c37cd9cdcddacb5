import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { VitePWA } from 'vite-plugin-pwa';
import { readFileSync } from 'node:fs';
import { localeCorePlugin } from './build/localeCore';
import { guidesCheckPlugin } from './build/guidesCheck';
import { inlineCssPlugin } from './build/inlineCss';
import { precompressPlugin } from './build/precompress';
import { compileHintsPlugin } from './build/compileHints';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// The data layer: Dexie and the repositories the screens read with, in one chunk that loads right
// after the first paint (the shell and entry screens import it dynamically). Forms, the checklist,
// sync machinery and schemas load with the screen that uses them.
const DATA_LAYER = [
  /\/src\/db\/(database|meta|metaKeys|users|households|visits|drafts|derived|records|tables|write|validation|guides)\.ts$/,
  /\/src\/sync\/(membership|progress|outboxCounts)\.ts$/,
];

export default defineConfig({
  define: {
    // APP_BUILD_ID marks a build apart (the update test serves two builds of one version).
    __APP_VERSION__: JSON.stringify(pkg.version + (process.env.APP_BUILD_ID ? `+${process.env.APP_BUILD_ID}` : '')),
  },
  plugins: [
    localeCorePlugin(),
    guidesCheckPlugin(),
    inlineCssPlugin(),
    // The Options API is not used (script setup everywhere): leaving it out saves bytes on every load.
    vue({ features: { optionsAPI: false } }),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      // The PWA is off in `npm run dev` unless asked for with `npm run dev:pwa`.
      devOptions: { enabled: process.env.PWA_DEV === '1', type: 'module' },
      // The page's icon is a PNG (scripts/make-icons.mjs says why); icon.svg stays the drawing's source.
      includeAssets: ['favicon-48x48.png', 'apple-touch-icon.png'],
      manifest: {
        name: 'Cộng Đồng Số — Tổ công nghệ số cộng đồng',
        short_name: 'Cộng Đồng Số',
        description: 'Sổ tay của tổ công nghệ số cộng đồng: hộ gia đình, lượt hỗ trợ, buổi hỗ trợ — dùng được khi không có mạng.',
        lang: 'vi',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#0b5d4b',
        background_color: '#ffffff',
        categories: ['government', 'productivity', 'utilities'],
        screenshots: [
          { src: 'screenshots/today-narrow.png', sizes: '360x740', type: 'image/png', form_factor: 'narrow', label: 'Hôm nay: hộ cần quay lại, lượt hỗ trợ gần đây' },
          { src: 'screenshots/households-narrow.png', sizes: '360x740', type: 'image/png', form_factor: 'narrow', label: 'Tìm hộ gia đình, gõ không dấu cũng được' },
          { src: 'screenshots/guide-wide.png', sizes: '1280x720', type: 'image/png', form_factor: 'wide', label: 'Hướng dẫn từng bước đăng ký VNeID' },
        ],
        icons: [
          { src: 'pwa-192x192.png', sizes: '192x192', type: 'image/png' },
          { src: 'pwa-512x512.png', sizes: '512x512', type: 'image/png' },
          { src: 'maskable-512x512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,woff2,json}'],
        // Store screenshots are for install dialogs, not for working offline.
        globIgnores: ['screenshots/**'],
        navigateFallback: 'index.html',
        // API calls are never answered from a cache.
        navigateFallbackDenylist: [/^\/api\//],
        cleanupOutdatedCaches: true,
      },
    }),
    // The screens a first visit opens on (a citizen's phone, or joining a team), as in
    // server/services/appShell.ts: their code is compiled while it downloads.
    compileHintsPlugin([
      'src/features/home/HomePage.vue',
      'src/features/guides/CitizenHome.vue',
      'src/features/guides/GuideListPage.vue',
      'src/features/guides/GuidePage.vue',
      'src/features/team/JoinPage.vue',
    ]),
    precompressPlugin(),
  ],
  build: {
    target: 'es2022',
    // One stylesheet for the whole app, inlined into index.html (build/inlineCss.ts): no screen
    // ever waits for CSS.
    cssCodeSplit: false,
    // The server reads it to name, in the page it sends, the files an entry screen needs
    // (server/services/appShell.ts).
    manifest: true,
    sourcemap: false,
    rollupOptions: {
      output: {
        // The data layer (Dexie, repositories, domain helpers) is needed by every screen: one chunk
        // instead of a dozen tiny ones means fewer round trips on 3G and fewer bytes. The entity
        // schemas (zod) stay out: they load on the first write.
        manualChunks(id: string) {
          if (id.includes('/node_modules/dexie/')) return 'data';
          if (DATA_LAYER.some((re) => re.test(id))) return 'data';
          // Small pure helpers both the shell and the data layer use: kept out of the data chunk
          // so that the shell does not pull Dexie in with them.
          if (id.includes('preload-helper')) return 'core';
          // The framework (Vue, the router, Pinia, i18next) with them: every screen runs it before its
          // first paint, and as one file instead of six it comes in one round trip over HTTP/1.1's six
          // connections per host (with the entry, the screen and storage-warmup.js), not two.
          if (/\/node_modules\/(@vue\/[a-z-]+|vue|vue-router|pinia|i18next|i18next-vue)\//.test(id)) return 'core';
          if (/\/src\/(storageKeys\.ts|stores\/readonlyState\.ts|db\/errors\.ts|domain\/(text|vocab|objects|ids|dates|sync)\.ts|features\/home\/showTeamSide\.ts|features\/guides\/ScamWarning\.vue)$/.test(id)) return 'core';
          return undefined;
        },
      },
    },
  },
  preview: {
    host: process.env.HOST ?? '127.0.0.1',
    port: Number(process.env.PORT ?? 8080),
    strictPort: true,
  },
});
