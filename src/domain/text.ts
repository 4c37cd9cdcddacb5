/**
 * Vietnamese text helpers shared by the app and the server. Pure functions: no DOM, no Node.
 */

const COMBINING_MARKS = /[\u0300-\u036f]/g;

/**
 * Folds a string for search: diacritics removed (composed or decomposed input alike),
 * đ/Đ → d, lower case, whitespace collapsed. "Nguyễn Văn Đức" → "nguyen van duc".
 */
export function foldForSearch(input: string): string {
  return input
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every folded word of the query must appear somewhere in the folded haystack. */
export function matchesQuery(foldedHaystack: string, foldedQuery: string): boolean {
  if (!foldedQuery) return true;
  for (const word of foldedQuery.split(' ')) {
    if (!foldedHaystack.includes(word)) return false;
  }
  return true;
}

/** Length in Unicode code points after NFC, as the sync spec counts it. */
export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value.normalize('NFC')) n++;
  return n;
}

/**
 * Sort key that orders Vietnamese full names the way people expect: by given name (the last
 * word), then by the rest. "Nguyễn Văn An" sorts under "An".
 */
export function personSortKey(fullName: string): string {
  const words = fullName.trim().split(/\s+/);
  const given = words.pop() ?? '';
  return `${foldForSearch(given)} ${foldForSearch(words.join(' '))}`.trim();
}
