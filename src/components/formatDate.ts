const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Formats a `YYYY-MM-DD` date for people, in the current language, without time-zone shifts.
 * The app's two languages are written by hand (`d/m/yyyy` in Vietnamese, `m/d/yyyy` in English,
 * exactly what Intl writes, a unit test checks it): creating the first Intl formatter costs tens
 * of milliseconds on a cheap phone, inside the first paint of the Today screen.
 */
export function formatDate(date: string, locale: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (!y || !m || !d) return date;
  if (locale === 'vi') return `${d}/${m}/${y}`;
  if (locale === 'en') return `${m}/${d}/${y}`;
  // Any other locale: creating a formatter is slow, so each is made once.
  let f = formatters.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'numeric', year: 'numeric' });
    formatters.set(locale, f);
  }
  return f.format(new Date(y, m - 1, d));
}
