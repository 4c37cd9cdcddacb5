// @vitest-environment node
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coreLocale } from '../../build/localeCore';

/** Screens that paint before the full locale has loaded (routes with `meta.core`, and the shell). */
const FIRST_PAINT_FILES = [
  'src/App.vue',
  'src/components/AppHeader.vue',
  'src/components/AppNav.vue',
  'src/components/NoticeArea.vue',
  'src/components/UpdatePrompt.vue',
  'src/components/NotFoundPage.vue',
  'src/components/SyncBadge.vue',
  'src/features/demo/DemoBanner.vue',
  'src/features/sync/SyncStatusLine.vue',
  'src/features/sync/SyncCard.vue',
  'src/features/today/TodayPage.vue',
  'src/features/households/HouseholdListPage.vue',
  'src/features/team/JoinPage.vue',
  'src/features/guides/GuideListPage.vue',
  'src/features/guides/GuidePage.vue',
  'src/features/guides/ScamWarning.vue',
  'src/features/guides/ReadAloud.vue',
  'src/features/guides/ShareGuide.vue',
  'src/features/install/InstallCard.vue',
  'src/features/today/TodayData.vue',
];

function has(obj: Record<string, unknown>, key: string): boolean {
  const parts = key.split('.');
  let cur: unknown = obj;
  for (const [i, p] of parts.entries()) {
    if (typeof cur !== 'object' || cur === null) return false;
    const o = cur as Record<string, unknown>;
    if (i === parts.length - 1) return p in o || `${p}_other` in o;
    cur = o[p];
  }
  return false;
}

describe('first-paint strings', () => {
  for (const lng of ['vi', 'en']) {
    it(`every key the first-paint screens use is in the ${lng} core bundle`, () => {
      const core = coreLocale(lng);
      const missing: string[] = [];
      for (const file of FIRST_PAINT_FILES) {
        const src = readFileSync(file, 'utf8');
        for (const m of src.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) if (!has(core, m[1]!)) missing.push(`${file}: ${m[1]}`);
        for (const m of src.matchAll(/`(syncState|outcomes|sync\.errors)\.\$\{/g)) if (!has(core, m[1]!.split('.')[0]!)) missing.push(`${file}: ${m[1]}`);
      }
      expect(missing).toEqual([]);
    });
  }

  it('leaves the form strings out of the first paint', () => {
    const core = coreLocale('vi');
    expect(core.consent).toBeUndefined();
    expect(core.fields).toBeUndefined();
    expect(core.team).toEqual({ title: 'Tổ của tôi' });
  });
});
