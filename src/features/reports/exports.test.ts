// @vitest-environment node
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { buildCsv, buildXlsx, type ReportDocument } from './exports';

const doc: ReportDocument = {
  fileName: 'bao-cao-2026-11',
  title: 'Báo cáo tổ công nghệ số',
  header: [
    ['Xã', 'Xã Tân Lập'],
    ['Tổ', 'Tổ CNSCĐ thôn 3, "Đông"'],
    ['Kỳ', '01/11/2026 – 30/11/2026'],
  ],
  columns: { indicator: 'Chỉ tiêu', value: 'Kết quả', target: 'Mục tiêu', previous: 'Kỳ trước' },
  rows: [
    { key: 'householdsRegistered', label: 'Hộ đã đăng ký', value: 212, target: 250, previous: 200 },
    { key: 'results.onlineDossiers', label: 'Hồ sơ trực tuyến đã nộp', value: 31, previous: 0 },
  ],
  breakdown: {
    title: 'Theo thôn, tổ dân phố',
    headers: ['Thôn', 'Hộ đã đăng ký', 'Hồ sơ trực tuyến đã nộp'],
    rows: [
      ['Thôn 3', 150, 20],
      ['Thôn Đông', 62, 11],
    ],
  },
};

/** A small RFC 4180 reader, enough to check the file parses back into the same cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    }
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('buildXlsx', () => {
  it('reads back with exceljs: header, every indicator with value, target and previous, and the second sheet', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await buildXlsx(doc));
    const [main, second] = wb.worksheets;
    expect(main!.getCell('A1').value).toBe('Báo cáo tổ công nghệ số');
    expect(main!.getRow(3).values).toEqual([undefined, 'Tổ', 'Tổ CNSCĐ thôn 3, "Đông"']);
    const values = (n: number) => (main!.getRow(n).values as unknown[]).slice(1);
    expect(values(6)).toEqual(['Chỉ tiêu', 'Kết quả', 'Mục tiêu', 'Kỳ trước']);
    expect(values(7)).toEqual(['Hộ đã đăng ký', 212, 250, 200]);
    expect(values(8)).toEqual(['Hồ sơ trực tuyến đã nộp', 31, undefined, 0]);
    expect(second!.name).toBe('Theo thôn, tổ dân phố');
    expect((second!.getRow(2).values as unknown[]).slice(1)).toEqual(['Thôn 3', 150, 20]);
    expect((second!.getRow(3).values as unknown[]).slice(1)).toEqual(['Thôn Đông', 62, 11]);
  });
});

describe('buildCsv', () => {
  it('starts with a BOM and parses back into the same cells', () => {
    const csv = buildCsv(doc);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(csv.slice(1));
    expect(rows[2]).toEqual(['Tổ', 'Tổ CNSCĐ thôn 3, "Đông"']);
    expect(rows[5]).toEqual(['Chỉ tiêu', 'Kết quả', 'Mục tiêu', 'Kỳ trước']);
    expect(rows[6]).toEqual(['Hộ đã đăng ký', '212', '250', '200']);
    expect(rows[7]).toEqual(['Hồ sơ trực tuyến đã nộp', '31', '', '0']);
    expect(rows.at(-1)).toEqual(['Thôn Đông', '62', '11']);
  });
});
