// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { codedTable, fromColumns, isColumns, replaceRows, toColumns, type Row } from './reportColumns';
import { decodeTable } from '../domain/indicators';

const FIELDS = ['id', 'householdId', 'date', 'memberIds', 'results', 'followUpDate', 'deleted', 'flag'];

/** Through structured clone, as IndexedDB stores and gives back a value. */
const stored = <T>(value: T): T => structuredClone(value);

describe('the kept records by column', () => {
  it('give back every row as it was, fields in the given order, absent fields absent', () => {
    const rows: Row[] = [
      { id: 'v1', householdId: 'h1', date: '2026-11-01', memberIds: ['m1', 'm2'], results: { dossiersSubmitted: 2 }, deleted: 0, flag: true },
      { deleted: 1, id: 'v2', householdId: 'h1', date: '2026-11-01', flag: false },
      { id: 'v3', householdId: 'h2', date: '2026-11-02', memberIds: [], results: { dossiersSubmitted: 2 }, followUpDate: '2026-12-01', deleted: false, flag: null },
      { id: 'v4', householdId: 'h2', date: '2026-11-02', results: {}, deleted: true, unread: 'not a counted field' },
    ];
    const back = fromColumns(stored(toColumns(rows, FIELDS)));
    expect(back).toEqual(rows.map(({ unread: _, ...r }) => r));
    expect(back.map((r) => Object.keys(r))).toEqual([
      ['id', 'householdId', 'date', 'memberIds', 'results', 'deleted', 'flag'],
      ['id', 'householdId', 'date', 'deleted', 'flag'],
      ['id', 'householdId', 'date', 'memberIds', 'results', 'followUpDate', 'deleted', 'flag'],
      ['id', 'householdId', 'date', 'results', 'deleted'],
    ]);
    // `1` and `true`, `0` and `false` are distinct values, not one dictionary entry.
    expect(back.map((r) => r.deleted)).toEqual([0, 1, false, true]);
  });

  it('keep a field JSON would change (NaN, -0, a date, a binary, an undefined inside) as it is', () => {
    const sparse = [1, 2, 3];
    delete sparse[1];
    const rows: Row[] = [
      { id: 'a', n: Number.NaN, at: new Date('2026-11-01T00:00:00Z'), bytes: new Uint8Array([1, 2]), o: { x: undefined }, sparse },
      { id: 'b', n: -0, at: '2026-11-01', bytes: 'text', o: { x: 1 }, sparse: [1, 2, 3] },
      { id: 'c', n: Infinity },
    ];
    const fields = ['id', 'n', 'at', 'bytes', 'o', 'sparse'];
    const columns = stored(toColumns(rows, fields));
    for (const [i, name] of fields.entries()) expect('values' in columns.columns[i]!, name).toBe(name !== 'id');
    const back = fromColumns(columns);
    expect(back).toEqual(rows);
    expect(Object.is(back[1]!.n, -0)).toBe(true);
    expect(back[0]!.at).toBeInstanceOf(Date);
    expect(back[0]!.bytes).toBeInstanceOf(Uint8Array);
    expect(1 in (back[0]!.sparse as unknown[])).toBe(false);
  });

  it('store a field by dictionary and codes, read back by isColumns; anything else is not theirs', () => {
    const rows: Row[] = Array.from({ length: 1000 }, (_, i) => ({ id: `v${i}`, outcome: ['done', 'notHome', 'followUp'][i % 3] }));
    const columns = stored(toColumns(rows, ['id', 'outcome']));
    expect(isColumns(columns)).toBe(true);
    const outcome = columns.columns[1]!;
    expect('dict' in outcome && JSON.parse(outcome.dict)).toEqual(['done', 'notHome', 'followUp']);
    expect(fromColumns(columns)).toEqual(rows);
    expect(fromColumns(toColumns([], ['id']))).toEqual([]);
    expect(isColumns(rows)).toBe(false);
    expect(isColumns(undefined)).toBe(false);
    expect(isColumns({ ...columns, n: 999 })).toBe(false);
  });

  it('are counted as they are kept: the coded table gives the same rows, a dictionary parsed only when read', () => {
    const rows: Row[] = [
      { id: 'v1', householdId: 'h1', date: '2026-11-01', memberIds: ['m1'], results: { onlineDossiers: 2 }, deleted: 0, flag: true },
      { id: 'v2', householdId: 'h1', date: '2026-11-01', deleted: 1, flag: Number.NaN },
    ];
    const columns = stored(toColumns(rows, FIELDS));
    const table = codedTable(columns);
    expect(table.n).toBe(2);
    expect(Array.from(table.columns.date!.codes)).toEqual([0, 0]);
    expect(decodeTable(table)).toEqual(fromColumns(columns));
    expect(decodeTable(table)).toEqual(rows);
  });

  it('take the rows written since in place of the ones kept, and give them back kept again', () => {
    const rows: Row[] = Array.from({ length: 6 }, (_, i) => ({ id: `v${i}`, householdId: `h${i % 2}`, date: '2026-11-0' + (i + 1), memberIds: i % 2 ? ['m1'] : undefined, deleted: 0 }));
    const columns = stored(toColumns(rows, FIELDS));
    const written: Row[] = [
      { id: 'v1', householdId: 'h9', date: '2026-12-01', results: { onlineDossiers: 1 }, deleted: 1 },
      { id: 'v9', householdId: 'h0', date: '2026-12-02', flag: 'new' },
      // A value JSON would change: that column is kept as a plain list from then on.
      { id: 'v8', householdId: 'h0', date: '2026-12-03', flag: Number.NaN },
    ];
    // v3 was removed since: noted, and not among the rows read again.
    const next = replaceRows(columns, ['v1', 'v3', 'v9', 'v8'], written);
    const expected = [...rows.filter((r) => r.id !== 'v1' && r.id !== 'v3'), ...written].map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
    expect(decodeTable(codedTable(next))).toEqual(expected);
    const keptAgain = stored(next);
    expect(isColumns(keptAgain)).toBe(true);
    expect(fromColumns(keptAgain)).toEqual(expected);
    expect('values' in keptAgain.columns[FIELDS.indexOf('flag')]!).toBe(true);
    expect('dict' in keptAgain.columns[FIELDS.indexOf('date')]!).toBe(true);
    expect(fromColumns(replaceRows(toColumns([], FIELDS), [], written.slice(0, 2)))).toEqual(written.slice(0, 2));
    // Written again and again, a date or an outcome already there is not added to the dictionary again.
    let again = next;
    for (let k = 0; k < 5; k++) again = replaceRows(stored(again), ['v9'], [written[1]!]);
    expect(JSON.parse((again.columns[FIELDS.indexOf('householdId')] as { dict: string }).dict)).toEqual(['h0', 'h1', 'h9']);
    const byId = (a: Row, b: Row) => ((a.id as string) < (b.id as string) ? -1 : 1);
    expect(fromColumns(again).sort(byId)).toEqual([...expected].sort(byId));
  });
});
