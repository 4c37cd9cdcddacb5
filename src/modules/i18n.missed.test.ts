import { describe, expect, it } from 'vitest';
import { firstPaintI18n } from '../../tests/unit/firstPaintI18n';

describe('the whole locale arriving after the first paint', () => {
  it('re-renders once a string outside it was asked for (it showed as a key until now)', async () => {
    const { i18next, loadFullLocale, added } = await firstPaintI18n();
    expect(i18next.exists('settings.title')).toBe(false);
    expect(i18next.t('settings.title')).toBe('settings.title');
    await loadFullLocale('vi');
    expect(added).toHaveBeenCalledTimes(1);
    expect(i18next.t('settings.title')).not.toBe('settings.title');
  });
});
