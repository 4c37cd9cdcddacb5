import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';
import globals from 'globals';

/** The start of a relative import that reaches src/ from a file `depth` folders below it. */
const upToSrc = (depth) => (depth === 0 ? '\\./' : `(\\.\\./){${depth}}`);
const upToSrcNoSlash = (depth) => (depth === 0 ? '\\..' : `(\\.\\..){${depth}}`);
const UI_IMPORTS = { group: ['vue', 'pinia', '**/features/*', '**/components/*'], message: 'Repositories and sync have no UI imports.' };
const DEXIE = { group: ['dexie'], message: 'Pages and components reach data through a feature store or composable.' };

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'dist-v2/**', 'node_modules/**', 'data/**', 'coverage/**', '.tmp/**', '.scratch/**', 'tests/bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
  },
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node, __APP_VERSION__: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'vue/multi-word-component-names': 'off',
      // Formatting is not lint's business here.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/attributes-order': 'off',
    },
  },
  // The layering (README): data flows page → store/composable → repository → Dexie; pages and
  // components reach neither repositories nor sync, whether by import, dynamic import() or fetch.
  // Import paths are relative, so a rule names src/db and src/sync by how many folders up they
  // are from the file (features/sync, a feature, stays allowed).
  ...[0, 1, 2, 3, 4].map((depth) => ({
    files: [`src/${'*/'.repeat(depth)}*.vue`],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [
        DEXIE,
        {
          regex: `^${upToSrc(depth)}(db|sync)(/|$)`,
          allowTypeImports: true,
          message: 'Pages and components reach repositories and sync through a feature store or composable (type imports aside).',
        },
      ] }],
      'no-restricted-syntax': ['error', {
        // esquery's regular expressions cannot hold a slash: `.` stands for it.
        selector: `ImportExpression[source.value=/^${upToSrcNoSlash(depth)}(db|sync)(.|$)/]`,
        message: 'Pages and components load repositories and sync through a feature store or composable, not import().',
      }],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'Pages and components call the server through a feature store or composable.' }],
      'no-restricted-properties': ['error', ...['window', 'globalThis', 'self'].map((object) => ({
        object,
        property: 'fetch',
        message: 'Pages and components call the server through a feature store or composable.',
      }))],
    },
  })),
  {
    // The server shares only the pure domain code with the app.
    files: ['server/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [
        { regex: '^(\\.\\./)+src/(?!domain/)', message: 'Server code imports nothing from src/ but src/domain.' },
      ] }],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['vue', 'pinia', 'dexie', 'i18next', 'node:*', '**/db/*', '**/features/*', '**/sync/*'], message: 'src/domain is pure TypeScript shared with the server.' },
      ] }],
    },
  },
  {
    files: ['src/db/**/*.ts', 'src/sync/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [UI_IMPORTS] }],
    },
  },
  {
    // The database and its repositories know nothing of the outbox's journey to the server.
    files: ['src/db/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        UI_IMPORTS,
        { regex: '^(\\.\\./)+sync(/|$)', message: 'src/db never imports src/sync: sync uses the repositories, not the reverse.' },
      ] }],
    },
  },
);
