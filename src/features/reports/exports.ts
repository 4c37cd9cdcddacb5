/**
 * The monthly report as files: .xlsx (exceljs, loaded only when exporting) and CSV (UTF-8 with a
 * BOM, so that Excel shows Vietnamese). Both are built from one `ReportDocument` whose words are
 * already translated, so the files read in the language the person uses.
 */
import type { IndicatorKey } from '../../domain/indicators';

export interface ReportRow {
  key: IndicatorKey;
  label: string;
  value: number;
  /** The commune's target, when it set one. */
  target?: number;
  previous: number;
}

export interface ReportTable {
  title: string;
  headers: string[];
  rows: (string | number)[][];
}

export interface ReportDocument {
  /** The file name without extension. */
  fileName: string;
  title: string;
  /** Commune, team, period, previous period, who made it and when: label and value pairs. */
  header: [string, string][];
  columns: { indicator: string; value: string; target: string; previous: string };
  rows: ReportRow[];
  /** The second sheet: per neighborhood (a team) or per team (a commune). */
  breakdown: ReportTable;
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Excel's sheet names: at most 31 characters, none of []:*?/\ . */
function sheetName(name: string): string {
  return name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Sheet';
}

export async function buildXlsx(doc: ReportDocument): Promise<ArrayBuffer> {
  // The package is CommonJS: its namespace arrives as the default export in some bundles.
  const mod = (await import('exceljs')) as typeof import('exceljs') & { default?: typeof import('exceljs') };
  const ExcelJS = mod.default ?? mod;
  const wb = new ExcelJS.Workbook();
  wb.created = new Date();
  const main = wb.addWorksheet(sheetName(doc.title));
  main.addRow([doc.title]).font = { bold: true, size: 14 };
  for (const [label, value] of doc.header) main.addRow([label, value]);
  main.addRow([]);
  const head = main.addRow([doc.columns.indicator, doc.columns.value, doc.columns.target, doc.columns.previous]);
  head.font = { bold: true };
  for (const r of doc.rows) main.addRow([r.label, r.value, r.target ?? null, r.previous]);
  main.getColumn(1).width = 48;
  for (const c of [2, 3, 4]) main.getColumn(c).width = 16;

  const second = wb.addWorksheet(sheetName(doc.breakdown.title));
  second.addRow(doc.breakdown.headers).font = { bold: true };
  for (const row of doc.breakdown.rows) second.addRow(row);
  second.getColumn(1).width = 28;
  const buffer = await wb.xlsx.writeBuffer();
  return buffer as ArrayBuffer;
}

function csvCell(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvLine = (cells: (string | number | undefined)[]): string => cells.map(csvCell).join(',');

/** RFC 4180 CSV with a BOM: the header, the indicators, then the breakdown after a blank line. */
export function buildCsv(doc: ReportDocument): string {
  const lines = [
    csvLine([doc.title]),
    ...doc.header.map(([label, value]) => csvLine([label, value])),
    '',
    csvLine([doc.columns.indicator, doc.columns.value, doc.columns.target, doc.columns.previous]),
    ...doc.rows.map((r) => csvLine([r.label, r.value, r.target, r.previous])),
    '',
    csvLine([doc.breakdown.title]),
    csvLine(doc.breakdown.headers),
    ...doc.breakdown.rows.map(csvLine),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export async function xlsxFile(doc: ReportDocument): Promise<File> {
  return new File([await buildXlsx(doc)], `${doc.fileName}.xlsx`, { type: XLSX_TYPE });
}

export function csvFile(doc: ReportDocument): File {
  return new File([buildCsv(doc)], `${doc.fileName}.csv`, { type: 'text/csv;charset=utf-8' });
}
