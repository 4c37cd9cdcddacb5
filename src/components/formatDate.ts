/** Formats a `YYYY-MM-DD` date for people, in the current language, without time-zone shifts. */
export function formatDate(date: string, locale: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (!y || !m || !d) return date;
  return new Date(y, m - 1, d).toLocaleDateString(locale, { day: 'numeric', month: 'numeric', year: 'numeric' });
}
