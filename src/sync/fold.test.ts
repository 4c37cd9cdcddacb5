// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { planFold } from './fold';
import type { OutboxRow } from '../db/rows';

let n = 0;
function entry(over: Partial<OutboxRow> = {}): OutboxRow {
  n++;
  return {
    key: n,
    mid: `mid-${n}`,
    seq: n,
    entity: 'household',
    op: 'patch',
    id: 'h1',
    baseVersion: 1,
    fields: {},
    clientTs: '2026-03-01T00:00:00.000Z',
    state: 'pending',
    ...over,
  };
}

/** Deep copies, to check that planning never mutates what it was given. */
const snapshot = (rows: OutboxRow[]) => JSON.parse(JSON.stringify(rows)) as OutboxRow[];

describe('planFold', () => {
  it('folds create + patch + patch into one create with merged fields; null removes the key', () => {
    const c = entry({ op: 'create', baseVersion: null, fields: { headName: 'A', phone: '0912345678', notes: 'x' } });
    const p1 = entry({ baseVersion: 0, fields: { headName: 'B', phone: null } });
    const p2 = entry({ baseVersion: 0, fields: { address: 'Số 2', notes: 'y' } });
    const input = [c, p1, p2];
    const before = snapshot(input);
    const plan = planFold(input);
    expect(plan.update).toHaveLength(1);
    const folded = plan.update[0]!;
    expect(folded.key).toBe(c.key);
    expect(folded.mid).toBe(c.mid);
    expect(folded.op).toBe('create');
    expect(folded.baseVersion ?? null).toBeNull();
    expect(folded.fields).toEqual({ headName: 'B', address: 'Số 2', notes: 'y' });
    expect(folded.fields).not.toHaveProperty('phone');
    expect(plan.remove.sort()).toEqual([p1.key, p2.key].sort());
    expect(input).toEqual(before);
  });

  it('a field cleared and set again in later patches of a create ends up set', () => {
    const c = entry({ op: 'create', baseVersion: null, fields: { phone: '0912345678' } });
    const p1 = entry({ baseVersion: 0, fields: { phone: null } });
    const p2 = entry({ baseVersion: 0, fields: { phone: '0987654321' } });
    const plan = planFold([c, p1, p2]);
    expect(plan.update[0]!.fields).toEqual({ phone: '0987654321' });
  });

  it('folds patch + patch into one patch with the first baseVersion; null is kept as a clear', () => {
    const p1 = entry({ baseVersion: 3, fields: { phone: '0912345678', notes: 'a' } });
    const p2 = entry({ baseVersion: 4, fields: { notes: null, headName: 'C' } });
    const plan = planFold([p1, p2]);
    expect(plan.update).toHaveLength(1);
    const folded = plan.update[0]!;
    expect(folded.key).toBe(p1.key);
    expect(folded.mid).toBe(p1.mid);
    expect(folded.op).toBe('patch');
    expect(folded.baseVersion).toBe(3);
    expect(folded.fields).toEqual({ phone: '0912345678', notes: null, headName: 'C' });
    expect(plan.remove).toEqual([p2.key]);
  });

  it('create + delete cancel out: both removed, nothing sent', () => {
    const c = entry({ op: 'create', baseVersion: null, fields: { headName: 'A' } });
    const d = entry({ op: 'delete', baseVersion: 0, fields: undefined });
    const plan = planFold([c, d]);
    expect(plan.update).toEqual([]);
    expect(plan.remove.sort()).toEqual([c.key, d.key].sort());
  });

  it('create + patch + delete cancel out entirely', () => {
    const c = entry({ op: 'create', baseVersion: null, fields: { headName: 'A' } });
    const p = entry({ baseVersion: 0, fields: { headName: 'B' } });
    const d = entry({ op: 'delete', baseVersion: 0, fields: undefined });
    const plan = planFold([c, p, d]);
    expect(plan.update).toEqual([]);
    expect(plan.remove.sort()).toEqual([c.key, p.key, d.key].sort());
  });

  it('patch + delete becomes a delete (with the first baseVersion, no fields)', () => {
    const p = entry({ baseVersion: 5, fields: { notes: 'x' } });
    const d = entry({ op: 'delete', baseVersion: 5, fields: undefined });
    const plan = planFold([p, d]);
    expect(plan.update).toHaveLength(1);
    expect(plan.update[0]).toMatchObject({ key: p.key, op: 'delete', baseVersion: 5 });
    expect(plan.update[0]!.fields).toBeUndefined();
    expect(plan.remove).toEqual([d.key]);
  });

  it('never folds entries already sent (they may be applied on the server)', () => {
    const sentCreate = entry({ op: 'create', baseVersion: null, fields: { headName: 'A' }, sent: true });
    const p = entry({ baseVersion: 0, fields: { headName: 'B' } });
    expect(planFold([sentCreate, p])).toEqual({ update: [], remove: [] });

    const s1 = entry({ id: 'h2', fields: { notes: 'a' }, sent: true });
    const s2 = entry({ id: 'h2', fields: { notes: 'b' }, sent: true });
    expect(planFold([s1, s2])).toEqual({ update: [], remove: [] });

    // Unsent ones after a sent one still fold among themselves, leaving the sent one alone.
    const s3 = entry({ id: 'h3', fields: { notes: 'a' }, sent: true });
    const u1 = entry({ id: 'h3', fields: { notes: 'b' } });
    const u2 = entry({ id: 'h3', fields: { phone: '0912345678' } });
    const plan = planFold([s3, u1, u2]);
    expect(plan.update.map((e) => e.key)).toEqual([u1.key]);
    expect(plan.update[0]!.fields).toEqual({ notes: 'b', phone: '0912345678' });
    expect(plan.remove).toEqual([u2.key]);
    expect(plan.remove).not.toContain(s3.key);
  });

  it("leaves other records' entries untouched", () => {
    const a1 = entry({ id: 'h1', fields: { notes: 'a' } });
    const b1 = entry({ id: 'h2', fields: { notes: 'b' } });
    const a2 = entry({ id: 'h1', fields: { phone: '0912345678' } });
    const m1 = entry({ entity: 'member', id: 'm1', fields: { fullName: 'X' } });
    const plan = planFold([a1, b1, a2, m1]);
    expect(plan.update.map((e) => e.key)).toEqual([a1.key]);
    expect(plan.update[0]!.fields).toEqual({ notes: 'a', phone: '0912345678' });
    expect(plan.remove).toEqual([a2.key]);
    const touched = new Set([...plan.update.map((e) => e.key), ...plan.remove]);
    expect(touched.has(b1.key)).toBe(false);
    expect(touched.has(m1.key)).toBe(false);
  });

  it('does not merge entries of different entities that share an id', () => {
    const a = entry({ entity: 'household', id: 'same', fields: { notes: 'a' } });
    const b = entry({ entity: 'visit', id: 'same', fields: { notes: 'b' } });
    expect(planFold([a, b])).toEqual({ update: [], remove: [] });
  });

  it('leaves entries in conflict or rejected state untouched', () => {
    const conflict = entry({ fields: { phone: '0912345678' }, state: 'conflict', sent: true, conflict: { fields: ['phone'], server: { phone: '0999999999' }, version: 2 } });
    const rejected = entry({ fields: { notes: 'bad' }, state: 'rejected', sent: true, error: { code: 'VALIDATION', message: 'x' } });
    const p1 = entry({ fields: { headName: 'B' } });
    expect(planFold([conflict, p1])).toEqual({ update: [], remove: [] });
    expect(planFold([rejected, p1])).toEqual({ update: [], remove: [] });

    // Even unsent ones (defensive): only `pending` entries fold.
    const c2 = entry({ id: 'h9', fields: { phone: '0912345678' }, state: 'conflict' });
    const r2 = entry({ id: 'h9', fields: { notes: 'x' }, state: 'rejected' });
    const p2 = entry({ id: 'h9', fields: { notes: 'y' } });
    const p3 = entry({ id: 'h9', fields: { address: 'z' } });
    const plan = planFold([c2, r2, p2, p3]);
    expect(plan.update.map((e) => e.key)).toEqual([p2.key]);
    expect(plan.remove).toEqual([p3.key]);
  });

  it('stops at a delete: nothing after it is merged into it', () => {
    const d = entry({ op: 'delete', fields: undefined });
    const p = entry({ fields: { notes: 'x' } });
    const plan = planFold([d, p]);
    expect(plan.remove).toEqual([]);
    expect(plan.update.map((e) => e.op)).toEqual(['delete']);
    expect(plan.update[0]!.fields).toBeUndefined();
  });

  it('a single entry per record is left as it is', () => {
    expect(planFold([entry({ op: 'create', baseVersion: null, fields: { a: 1 } })])).toEqual({ update: [], remove: [] });
    expect(planFold([])).toEqual({ update: [], remove: [] });
  });
});
