/**
 * The dashboard's kept records (db/reportData.ts) stored by column. Structured clone reads 140,000
 * small objects back one property at a time (about a second on a phone); the same rows as a few
 * typed arrays and one JSON text per field read back at memory speed, and building the objects
 * again in a loop costs tens of milliseconds.
 *
 * Each field is a dictionary of its distinct values (one JSON text) and, per row, the index of its
 * value (-1: the row has no such field). A field with a value JSON would not give back as it was
 * (a date object, a binary, `NaN`, `-0`, an `undefined` inside an object) is kept as a plain list.
 */

import type { CodedColumn, CodedTable } from '../domain/indicators';

export type Row = Record<string, unknown>;

type Column = { dict: string; codes: Int32Array } | { values: unknown[] };

export interface Columns {
  n: number;
  /** In the order the rows' fields were given: the rows come back with their fields in that order. */
  fields: string[];
  columns: Column[];
}

/** Whether `JSON.parse(JSON.stringify(value))` gives back an equal value. */
function faithful(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!(i in value) || !faithful(value[i])) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      for (const v of Object.values(value)) if (!faithful(v)) return false;
      return true;
    }
    default:
      return false;
  }
}

function encodeColumn(rows: readonly Row[], field: string): Column {
  const codes = new Int32Array(rows.length);
  const dict: unknown[] = [];
  const primitives = new Map<unknown, number>();
  const objects = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) {
    const value = rows[i]![field];
    if (value === undefined) {
      codes[i] = -1;
      continue;
    }
    let code: number | undefined;
    if (typeof value === 'object' && value !== null) {
      if (!faithful(value)) return { values: rows.map((r) => r[field]) };
      const text = JSON.stringify(value);
      code = objects.get(text);
      if (code === undefined) objects.set(text, (code = dict.push(value) - 1));
    } else {
      code = primitives.get(value);
      if (code === undefined) {
        if (!faithful(value)) return { values: rows.map((r) => r[field]) };
        primitives.set(value, (code = dict.push(value) - 1));
      }
    }
    codes[i] = code;
  }
  return { dict: JSON.stringify(dict), codes };
}

/** `rows` by column, each row's `fields` only (an undefined field is left out, as when absent). */
export function toColumns(rows: readonly Row[], fields: readonly string[]): Columns {
  return { n: rows.length, fields: [...fields], columns: fields.map((f) => encodeColumn(rows, f)) };
}

/**
 * The rows again, each a new object with its fields in the order given. Rows with equal object
 * values (two visits with the same results) share that value: the rows are read, never changed.
 */
export function fromColumns(c: Columns): Row[] {
  const k = c.fields.length;
  const dicts: unknown[][] = [];
  const codes: (Int32Array | undefined)[] = [];
  const plain: (unknown[] | undefined)[] = [];
  for (const column of c.columns) {
    if ('values' in column) {
      dicts.push([]);
      codes.push(undefined);
      plain.push(column.values);
    } else {
      dicts.push(JSON.parse(column.dict) as unknown[]);
      codes.push(column.codes);
      plain.push(undefined);
    }
  }
  const rows: Row[] = new Array<Row>(c.n);
  for (let i = 0; i < c.n; i++) {
    const row: Row = {};
    for (let j = 0; j < k; j++) {
      const list = plain[j];
      if (list) {
        if (list[i] !== undefined) row[c.fields[j]!] = list[i];
        continue;
      }
      const code = codes[j]![i]!;
      if (code >= 0) row[c.fields[j]!] = dicts[j]![code];
    }
    rows[i] = row;
  }
  return rows;
}

/** Whether `value` is what `toColumns` made (kept records of another shape are read again). */
export function isColumns(value: unknown): value is Columns {
  const c = value as Columns | undefined;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.n === 'number' &&
    Array.isArray(c.fields) &&
    Array.isArray(c.columns) &&
    c.columns.length === c.fields.length &&
    c.columns.every((col) => ('values' in col ? Array.isArray(col.values) && col.values.length === c.n : typeof col.dict === 'string' && col.codes instanceof Int32Array && col.codes.length === c.n))
  );
}

/** Up to this many entries, a dictionary is searched for a written row's value before adding it. */
const SHARED_MAX = 4096;

/** Each kept column's dictionary once parsed: a table is counted several times after one read. */
const parsed = new WeakMap<object, unknown[]>();

function dictOf(column: { dict: string }): unknown[] {
  let dict = parsed.get(column);
  if (!dict) parsed.set(column, (dict = JSON.parse(column.dict) as unknown[]));
  return dict;
}

/**
 * The table as the indicators count it (src/domain/indicators.ts), without building a row: the
 * codes as kept, each dictionary parsed only when a count first reads it (the visits' ids, one per
 * row, only to break a tie on the latest date).
 */
export function codedTable(c: Columns): CodedTable {
  const columns: Record<string, CodedColumn> = {};
  c.fields.forEach((field, j) => {
    const column = c.columns[j]!;
    if ('values' in column) {
      columns[field] = { dict: column.values, codes: Int32Array.from(column.values, (v, i) => (v === undefined ? -1 : i)) };
    } else {
      columns[field] = {
        codes: column.codes,
        get dict() {
          return dictOf(column);
        },
      };
    }
  });
  return { n: c.n, columns };
}

/**
 * `c` with the rows written since it was kept: those whose `id` is in `ids` taken out, `rows` (as
 * they are now; a row removed since is not among them) added after the others. The columns stay
 * columns: what is kept again and counted is this, with no row built.
 */
export function replaceRows(c: Columns, ids: readonly string[], rows: readonly Row[]): Columns {
  const wanted = new Set(ids);
  const idColumn = c.columns[c.fields.indexOf('id')];
  let gone: (i: number) => boolean = () => false;
  if (idColumn && 'values' in idColumn) gone = (i) => wanted.has(idColumn.values[i] as string);
  else if (idColumn) {
    const drop = dictOf(idColumn).map((id) => wanted.has(id as string));
    gone = (i) => idColumn.codes[i]! >= 0 && drop[idColumn.codes[i]!]!;
  }
  const kept: number[] = [];
  for (let i = 0; i < c.n; i++) if (!gone(i)) kept.push(i);
  const n = kept.length + rows.length;
  const columns = c.columns.map((column, j): Column => {
    const added = rows.map((r) => r[c.fields[j]!]);
    if ('values' in column) return { values: [...kept.map((i) => column.values[i]), ...added] };
    const dict = dictOf(column);
    if (!added.every((v) => v === undefined || faithful(v))) return { values: [...kept.map((i) => (column.codes[i]! >= 0 ? dict[column.codes[i]!] : undefined)), ...added] };
    const codes = new Int32Array(n);
    kept.forEach((i, k) => (codes[k] = column.codes[i]!));
    const extra: unknown[] = [];
    // A small dictionary (dates, outcomes, people) gives a value it holds its code again, so that
    // kept again after each write it does not grow; ids, one per row, are added as they come.
    const known = dict.length <= SHARED_MAX ? new Map(dict.flatMap((v, code) => (typeof v === 'object' && v !== null ? [] : [[v, code] as const]))) : undefined;
    added.forEach((v, k) => {
      const code = v === undefined ? -1 : (known?.get(v) ?? dict.length + extra.push(v) - 1);
      if (known && v !== undefined && (typeof v !== 'object' || v === null)) known.set(v, code);
      codes[kept.length + k] = code;
    });
    if (extra.length === 0) {
      const next = { dict: column.dict, codes };
      parsed.set(next, dict);
      return next;
    }
    // The dictionary's text with the new values after the others: not parsed and written again whole.
    const text = `${column.dict.slice(0, -1)}${dict.length > 0 ? ',' : ''}${extra.map((v) => JSON.stringify(v)).join(',')}]`;
    const next = { dict: text, codes };
    parsed.set(next, [...dict, ...extra]);
    return next;
  });
  return { n, fields: [...c.fields], columns };
}
