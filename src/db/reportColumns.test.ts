// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { fromColumns, isColumns, toColumns, type Row } from './reportColumns';

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
});
