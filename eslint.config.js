import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';
import globals from 'globals';

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
  // The layering: data flows page → store/composable → repository → Dexie, never page → Dexie.
  {
    files: ['src/**/*.vue'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['dexie'], message: 'Pages and components reach data through a store, composable or repository.' },
        { group: ['**/db/database'], message: 'Only repositories (src/db/*) touch the Dexie database.' },
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
      'no-restricted-imports': ['error', { patterns: [
        { group: ['vue', 'pinia', '**/features/*', '**/components/*'], message: 'Repositories and sync have no UI imports.' },
      ] }],
    },
  },
);
