const formatters = new Map<string, Intl.DateTimeFormat>();

const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * Formats a `YYYY-MM-DD` date for people, in the current language, without time-zone shifts:
 * `9/3/2026` in Vietnamese, `9 March 2026` in English (day first, the month spelled, so nobody
 * reads 9 March as 3 September), the year always in full. The app's two languages are written by
 * hand (a unit test checks them against Intl): creating the first Intl formatter costs tens of
 * milliseconds on a cheap phone, inside the first paint of the Today screen.
 */
export function formatDate(date: string, locale: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (!y || !m || !d) return date;
  if (locale === 'vi') return `${d}/${m}/${y}`;
  if (locale === 'en') return `${d} ${EN_MONTHS[m - 1]} ${y}`;
  // Any other locale: creating a formatter is slow, so each is made once.
  let f = formatters.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric' });
    formatters.set(locale, f);
  }
  return f.format(new Date(y, m - 1, d));
}

/** A moment (an ISO timestamp) in the phone's time: `14:05 9/3/2026`, `14:05, 9 March 2026`. */
export function formatDateTime(iso: string, locale: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const time = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  const day = formatDate(`${at.getFullYear()}-${at.getMonth() + 1}-${at.getDate()}`, locale);
  return locale === 'vi' ? `${time} ${day}` : `${time}, ${day}`;
}
