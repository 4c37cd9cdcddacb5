const formatters = new Map<string, Intl.DateTimeFormat>();

/** Formats a `YYYY-MM-DD` date for people, in the current language, without time-zone shifts. */
export function formatDate(date: string, locale: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (!y || !m || !d) return date;
  // Creating a formatter is slow; lists format hundreds of dates per keystroke.
  let f = formatters.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'numeric', year: 'numeric' });
    formatters.set(locale, f);
  }
  return f.format(new Date(y, m - 1, d));
}
