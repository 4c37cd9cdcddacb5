import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime } from './formatDate';

describe('formatDate', () => {
  it('writes every date of two years exactly as Intl does: d/m/yyyy in Vietnamese, day and spelled month in English', () => {
    const vi = new Intl.DateTimeFormat('vi', { day: 'numeric', month: 'numeric', year: 'numeric' });
    const en = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2027, 0, 1); t += 86_400_000) {
      const iso = new Date(t).toISOString().slice(0, 10);
      const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
      expect(formatDate(iso, 'vi'), `vi ${iso}`).toBe(vi.format(new Date(y, m - 1, d)));
      expect(formatDate(iso, 'en'), `en ${iso}`).toBe(en.format(new Date(y, m - 1, d)));
    }
  });

  it('keeps the calendar day whatever the time zone, and leaves a malformed date as it is', () => {
    expect(formatDate('2026-01-09', 'vi')).toBe('9/1/2026');
    expect(formatDate('2026-01-09', 'en')).toBe('9 January 2026');
    expect(formatDate('not a date', 'vi')).toBe('not a date');
  });
});

describe('formatDateTime', () => {
  it('writes HH:mm then the date, in the phone time zone, with a four-digit year', () => {
    const iso = new Date(2026, 2, 9, 7, 5).toISOString();
    expect(formatDateTime(iso, 'vi')).toBe('07:05 9/3/2026');
    expect(formatDateTime(iso, 'en')).toBe('07:05, 9 March 2026');
    expect(formatDateTime(new Date(2026, 11, 31, 23, 59).toISOString(), 'vi')).toBe('23:59 31/12/2026');
  });
});
