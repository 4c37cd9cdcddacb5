import { describe, expect, it } from 'vitest';
import { firstPaintI18n } from '../../tests/unit/firstPaintI18n';

describe('the whole locale arriving after the first paint', () => {
  it('re-renders nothing when every string shown so far was in the first-paint part', async () => {
    const { i18next, loadFullLocale, added } = await firstPaintI18n();
    expect(i18next.t('today.title')).toBe('Hôm nay');
    await loadFullLocale('vi');
    expect(added).not.toHaveBeenCalled();
    // The strings are there all the same.
    expect(i18next.exists('settings.title')).toBe(true);
  });
});
