import { describe, expect, it } from 'vitest';
import { codePointLength, foldForSearch, matchesQuery, personSortKey } from './text';

describe('foldForSearch', () => {
  it('folds plain, capitalised and accented spellings of a name to the same key', () => {
    expect(foldForSearch('nguyen van a')).toBe('nguyen van a');
    expect(foldForSearch('Nguyen Van A')).toBe('nguyen van a');
    expect(foldForSearch('Nguyễn Văn A')).toBe('nguyen van a');
  });

  it('turns đ and Đ into d', () => {
    expect(foldForSearch('Đặng Đức')).toBe('dang duc');
    expect(foldForSearch('đường Điện Biên Phủ')).toBe('duong dien bien phu');
    expect(foldForSearch('ĐỖ THỊ ĐÀO')).toBe('do thi dao');
  });

  it('strips every Vietnamese tone and vowel mark', () => {
    expect(foldForSearch('àáảãạ ằắẳẵặ ầấẩẫậ')).toBe('aaaaa aaaaa aaaaa');
    expect(foldForSearch('ờớởỡợ ừứửữự ỳýỷỹỵ')).toBe('ooooo uuuuu yyyyy');
    expect(foldForSearch('Trương Thị Hường')).toBe('truong thi huong');
  });

  it('folds composed (NFC) and decomposed (NFD) input alike', () => {
    const nfc = 'Nguyễn Thị Hồng Nhung'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    expect(nfd.length).toBeGreaterThan(nfc.length);
    expect(foldForSearch(nfd)).toBe(foldForSearch(nfc));
    expect(foldForSearch(nfd)).toBe('nguyen thi hong nhung');
    const dNfd = 'Đoàn Văn Được'.normalize('NFD');
    expect(foldForSearch(dNfd)).toBe('doan van duoc');
  });

  it('collapses runs of whitespace and trims the ends', () => {
    expect(foldForSearch('  Lê   Văn\tTám \n ')).toBe('le van tam');
    expect(foldForSearch('Thôn\u00a0Đông')).toBe('thon dong');
    expect(foldForSearch('   ')).toBe('');
    expect(foldForSearch('')).toBe('');
  });

  it('keeps digits and punctuation', () => {
    expect(foldForSearch('Số 12, ngõ 3 — Tổ 5')).toBe('so 12, ngo 3 — to 5');
    expect(foldForSearch('+84912345678')).toBe('+84912345678');
  });
});

describe('matchesQuery', () => {
  const hay = foldForSearch('Nguyễn Văn Bình Số 12 đường Lê Lợi Thôn Đông 0912345678 Trần Thị Mai');

  it('matches when every query word appears, in any order', () => {
    expect(matchesQuery(hay, foldForSearch('binh nguyen'))).toBe(true);
    expect(matchesQuery(hay, foldForSearch('Mai Trần'))).toBe(true);
    expect(matchesQuery(hay, foldForSearch('le loi thon dong'))).toBe(true);
    expect(matchesQuery(hay, foldForSearch('0912'))).toBe(true);
  });

  it('fails when any one query word is missing', () => {
    expect(matchesQuery(hay, foldForSearch('nguyen hung'))).toBe(false);
    expect(matchesQuery(hay, foldForSearch('Phạm'))).toBe(false);
  });

  it('matches word prefixes and inner substrings', () => {
    expect(matchesQuery(hay, 'ngu bin')).toBe(true);
  });

  it('an empty query matches everything', () => {
    expect(matchesQuery(hay, '')).toBe(true);
    expect(matchesQuery('', '')).toBe(true);
    expect(matchesQuery('', 'a')).toBe(false);
  });
});

describe('codePointLength', () => {
  it('counts plain ASCII as its length', () => {
    expect(codePointLength('')).toBe(0);
    expect(codePointLength('Thon 3')).toBe(6);
  });

  it('counts an emoji (a surrogate pair) as 1', () => {
    expect('😀'.length).toBe(2);
    expect(codePointLength('😀')).toBe(1);
    expect(codePointLength('Chào 👋')).toBe(6);
  });

  it('counts a decomposed Vietnamese letter as 1 (NFC first)', () => {
    const e = 'ễ'.normalize('NFD');
    expect(e.length).toBe(3);
    expect(codePointLength(e)).toBe(1);
    expect(codePointLength('Nguyễn'.normalize('NFD'))).toBe(6);
    expect(codePointLength('Nguyễn'.normalize('NFC'))).toBe(6);
  });
});

describe('personSortKey', () => {
  it('puts the given name (last word) first, folded', () => {
    expect(personSortKey('Nguyễn Văn An')).toBe('an nguyen van');
    expect(personSortKey('Đặng Thị Đào')).toBe('dao dang thi');
    expect(personSortKey('  Hùng  ')).toBe('hung');
    expect(personSortKey('')).toBe('');
  });

  it('sorts Vietnamese names by given name, then family and middle names', () => {
    const names = ['Nguyễn Văn Bình', 'Trần Thị An', 'Lê Văn Cường', 'Phạm Thị An', 'Bùi Đức Dũng'];
    const sorted = [...names].sort((a, b) => (personSortKey(a) < personSortKey(b) ? -1 : personSortKey(a) > personSortKey(b) ? 1 : 0));
    expect(sorted).toEqual(['Phạm Thị An', 'Trần Thị An', 'Nguyễn Văn Bình', 'Lê Văn Cường', 'Bùi Đức Dũng']);
  });
});
