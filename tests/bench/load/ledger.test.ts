// @vitest-environment node
/**
 * The load benchmark's checker (ledger.ts) must catch what it exists to catch: a cursor that
 * repeats or skips a record, and a final state with a record twice, missing, stale or wrong.
 */
import { describe, expect, it } from 'vitest';
import { CursorFollower, TeamLedger, Violations, sameJson, verifyTeam, type FinalChange } from './ledger';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';

function setup() {
  const ledger = new TeamLedger();
  const violations = new Violations();
  const follower = new CursorFollower('phone 1', ledger, violations);
  return { ledger, violations, follower };
}

const live = (id: string, version: number, data: Record<string, unknown>): FinalChange => ({ id, version, deleted: false, data });

describe('CursorFollower', () => {
  it('accepts a cursor that delivers each version once, with jumps over versions it never saw', () => {
    const { ledger, violations, follower } = setup();
    ledger.observe(A, 1, 10);
    ledger.observe(A, 2, 11);
    ledger.observe(A, 3, 12);
    follower.page([{ id: A, version: 1 }], false);
    follower.page([{ id: A, version: 3 }], false);
    follower.caughtUp(20);
    expect(violations.total).toBe(0);
  });

  it('reports a repeat: the same version delivered again', () => {
    const { violations, follower } = setup();
    follower.page([{ id: A, version: 2 }], false);
    follower.page([{ id: A, version: 2 }], false);
    expect(violations.summary()).toEqual({ repeat: 1 });
  });

  it('reports a repeat: an older version after a newer one', () => {
    const { violations, follower } = setup();
    follower.page([{ id: A, version: 3 }], false);
    follower.page([{ id: A, version: 1 }], false);
    expect(violations.summary()).toEqual({ repeat: 1 });
  });

  it('reports a repeat: one record twice in one page', () => {
    const { violations, follower } = setup();
    follower.page([{ id: A, version: 1 }, { id: A, version: 1 }], false);
    expect(violations.summary()).toEqual({ repeat: 1 });
  });

  it('reports a skip: a version acknowledged before the last page was asked for, never delivered', () => {
    const { ledger, violations, follower } = setup();
    ledger.observe(A, 1, 10);
    ledger.observe(B, 1, 11);
    follower.page([{ id: A, version: 1 }], false);
    follower.caughtUp(20);
    expect(violations.summary()).toEqual({ skip: 1 });
    expect(violations.examples[0]).toMatchObject({ kind: 'skip', id: B, device: 'phone 1' });
  });

  it('reports a skip when the cursor delivered an older version than the one acknowledged', () => {
    const { ledger, violations, follower } = setup();
    ledger.observe(A, 2, 10);
    follower.page([{ id: A, version: 1 }], false);
    follower.caughtUp(20);
    expect(violations.summary()).toEqual({ skip: 1 });
  });

  it('does not ask for a version acknowledged after the last page was asked for', () => {
    const { ledger, violations, follower } = setup();
    ledger.observe(A, 1, 10);
    ledger.observe(B, 1, 30);
    follower.page([{ id: A, version: 1 }], false);
    follower.caughtUp(20);
    expect(violations.total).toBe(0);
    // …but does once a later pass ends without it.
    follower.caughtUp(40);
    expect(violations.summary()).toEqual({ skip: 1 });
  });

  it('reports a reset', () => {
    const { violations, follower } = setup();
    follower.page([], true);
    expect(violations.summary()).toEqual({ reset: 1 });
  });
});

describe('verifyTeam', () => {
  function acknowledged() {
    const s = setup();
    s.ledger.observe(A, 1, 1, { id: A, version: 1, op: 'create', fields: { name: 'Thôn Đông', kind: 'thon', notes: 'một' } });
    // Answers arrive out of version order (two devices): the fold follows versions.
    s.ledger.observe(A, 3, 3, { id: A, version: 3, op: 'patch', fields: { notes: 'ba' } });
    s.ledger.observe(A, 2, 2, { id: A, version: 2, op: 'patch', fields: { notes: 'hai', name: 'Thôn Tây' } });
    s.ledger.observe(B, 1, 4, { id: B, version: 1, op: 'create', fields: { name: 'Thôn Bắc', kind: 'thon' } });
    s.ledger.observe(B, 2, 5, { id: B, version: 2, op: 'delete' });
    s.follower.page([{ id: A, version: 3 }, { id: B, version: 2 }], false);
    return s;
  }
  const good = (): FinalChange[] => [live(A, 3, { kind: 'thon', name: 'Thôn Tây', notes: 'ba', teamId: 't' }), { id: B, version: 2, deleted: true, data: null }];

  it('passes when every acknowledged record is there once, at its last version, with its last values', () => {
    const { ledger, violations, follower } = acknowledged();
    expect(verifyTeam(ledger, good(), [follower], violations)).toEqual({ records: 2, acknowledged: 2 });
    expect(violations.total).toBe(0);
  });

  it('reports a record listed twice by one pass from the beginning', () => {
    const { ledger, violations, follower } = acknowledged();
    verifyTeam(ledger, [...good(), good()[0]!], [follower], violations);
    expect(violations.summary()).toEqual({ 'twice-in-final-pull': 1 });
  });

  it('reports a missing record, and the device that holds it', () => {
    const { ledger, violations, follower } = acknowledged();
    verifyTeam(ledger, good().slice(0, 1), [follower], violations);
    expect(violations.summary()).toEqual({ missing: 1, 'device-behind': 1 });
  });

  it('reports a stale version and a value that is not the last one', () => {
    const { ledger, violations } = acknowledged();
    verifyTeam(ledger, [live(A, 2, { kind: 'thon', name: 'Thôn Tây', notes: 'hai' }), good()[1]!], [], violations);
    expect(violations.summary()).toEqual({ 'wrong-version': 1, 'wrong-value': 1 });
  });

  it('reports a deleted record that came back, and a record no answer acknowledged', () => {
    const { ledger, violations } = acknowledged();
    verifyTeam(ledger, [good()[0]!, live(B, 2, { name: 'Thôn Bắc', kind: 'thon' }), live('cccccccc-0000-4000-8000-000000000003', 1, {})], [], violations);
    expect(violations.summary()).toEqual({ 'wrong-deleted': 1, 'unknown-record': 1 });
  });

  it('reports a device whose cursor ends behind the server', () => {
    const { ledger, violations } = acknowledged();
    const behind = new CursorFollower('phone 2', ledger, violations);
    behind.page([{ id: A, version: 2 }, { id: B, version: 2 }], false);
    verifyTeam(ledger, good(), [behind], violations);
    expect(violations.summary()).toEqual({ 'device-behind': 1 });
  });

  it('leaves out records whose batch was never answered', () => {
    const { ledger, violations } = acknowledged();
    ledger.markUnresolved([A, 'cccccccc-0000-4000-8000-000000000003']);
    verifyTeam(ledger, [live(A, 7, { name: 'khác' }), good()[1]!, live('cccccccc-0000-4000-8000-000000000003', 1, {})], [], violations);
    expect(violations.total).toBe(0);
  });
});

describe('sameJson', () => {
  it('ignores object key order (jsonb reorders keys) and nothing else', () => {
    expect(sameJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameJson(null, {})).toBe(false);
  });
});
