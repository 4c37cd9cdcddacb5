import { describe, expect, it } from 'vitest';
import { firstPaintI18n } from '../../tests/unit/firstPaintI18n';
import { eventually } from '../../tests/unit/mountWithApp';

describe('a string outside the first-paint part', () => {
  it('brings the whole locale by itself (a citizen\'s phone does not load it otherwise)', async () => {
    const { i18next, added } = await firstPaintI18n();
    expect(i18next.t('settings.title')).toBe('settings.title');
    await eventually(() => expect(i18next.t('settings.title')).not.toBe('settings.title'));
    expect(added).toHaveBeenCalledTimes(1);
  });
});
