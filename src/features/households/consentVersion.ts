import { consentTextMonth } from '../../domain/vocab';

/**
 * A consent text version as people say it: "12/2026" in Vietnamese, "December 2026" in English.
 * A version that names no month is shown as stored.
 */
export function consentVersionLabel(version: string, language: string): string {
  const month = consentTextMonth(version);
  if (!month) return version;
  if (!language.startsWith('en')) return `${month.month}/${month.year}`;
  return new Date(Date.UTC(month.year, month.month - 1, 1)).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}
