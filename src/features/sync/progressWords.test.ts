// @vitest-environment node
import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import vi from '../../locales/vi/translation.json';
import en from '../../locales/en/translation.json';
import { progressWords } from './progressWords';

async function tOf(lng: 'vi' | 'en') {
  const i = i18next.createInstance();
  await i.init({ lng, resources: { vi: { translation: vi }, en: { translation: en } } });
  return i.t;
}

describe('progressWords', () => {
  it('says how many records arrived, of how many, and about how long is left', async () => {
    const t = await tOf('vi');
    expect(progressWords({ received: 12000, total: 140004, etaMs: 95_000 }, t, 'vi')).toBe('Đã nhận 12.000/140.004 bản ghi · còn khoảng 2 phút');
    expect(progressWords({ received: 9000, total: 10004, etaMs: 1_200 }, t, 'vi')).toBe('Đã nhận 9.000/10.004 bản ghi · còn khoảng 2 giây');
    expect(progressWords({ received: 0, total: 10004 }, t, 'vi')).toBe('Đã nhận 0/10.004 bản ghi');
    expect(progressWords({ received: 1000 }, t, 'vi')).toBe('Đã nhận 1.000 bản ghi');
  });

  it('in English, with its plurals', async () => {
    const t = await tOf('en');
    expect(progressWords({ received: 500, total: 1000, etaMs: 400 }, t, 'en')).toBe('500 of 1,000 records received · about 1 second left');
    expect(progressWords({ received: 500, total: 1000, etaMs: 61_000 }, t, 'en')).toBe('500 of 1,000 records received · about 2 minutes left');
  });
});
