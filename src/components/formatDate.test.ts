import { describe, expect, it } from 'vitest';
import { formatDate } from './formatDate';
import { LANGUAGES } from '../modules/i18n';

describe('formatDate', () => {
  it('writes every date of two years exactly as Intl does, in each app language', () => {
    for (const lng of LANGUAGES) {
      const intl = new Intl.DateTimeFormat(lng, { day: 'numeric', month: 'numeric', year: 'numeric' });
      for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2027, 0, 1); t += 86_400_000) {
        const iso = new Date(t).toISOString().slice(0, 10);
        const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
        expect(formatDate(iso, lng), `${lng} ${iso}`).toBe(intl.format(new Date(y, m - 1, d)));
      }
    }
  });

  it('keeps the calendar day whatever the time zone, and leaves a malformed date as it is', () => {
    expect(formatDate('2026-01-09', 'vi')).toBe('9/1/2026');
    expect(formatDate('2026-01-09', 'en')).toBe('1/9/2026');
    expect(formatDate('2026-01-09', 'fr')).toBe(new Intl.DateTimeFormat('fr', { day: 'numeric', month: 'numeric', year: 'numeric' }).format(new Date(2026, 0, 9)));
    expect(formatDate('not a date', 'vi')).toBe('not a date');
  });
});
