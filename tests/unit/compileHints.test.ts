import { describe, expect, it } from 'vitest';
import { firstPaintChunks } from '../../build/compileHints';

const chunk = (fileName: string, imports: string[] = [], extra: { isEntry?: boolean; facadeModuleId?: string | null } = {}) => ({
  fileName,
  imports,
  isEntry: extra.isEntry ?? false,
  facadeModuleId: extra.facadeModuleId ?? null,
});

describe('firstPaintChunks', () => {
  const chunks = [
    chunk('index.js', ['vue.js', 'core.js'], { isEntry: true }),
    chunk('vue.js'),
    chunk('core.js', ['helpers.js']),
    chunk('helpers.js'),
    chunk('GuidePage.js', ['vue.js', 'catalog.js'], { facadeModuleId: '/repo/src/features/guides/GuidePage.vue' }),
    chunk('catalog.js'),
    chunk('data.js', ['dexie.js'], { facadeModuleId: '/repo/src/db/database.ts' }),
    chunk('dexie.js'),
    chunk('ReportsPage.js', ['vue.js', 'data.js'], { facadeModuleId: '/repo/src/features/reports/ReportsPage.vue' }),
  ];

  it('takes the entry and the entry screens with what they import statically, and nothing loaded later', () => {
    const marked = firstPaintChunks(chunks, ['/repo/src/features/guides/GuidePage.vue']);
    expect([...marked].sort()).toEqual(['GuidePage.js', 'catalog.js', 'core.js', 'helpers.js', 'index.js', 'vue.js']);
  });

  it('matches a screen by its whole path, not by the end of it', () => {
    const marked = firstPaintChunks(chunks, ['GuidePage.vue', '/other/src/features/guides/GuidePage.vue']);
    expect(marked.has('GuidePage.js')).toBe(false);
  });
});
