import { describe, expect, it } from 'vitest';
import type { OutboxRow } from '../db/rows';
import type { PullChange } from './transport';
import type { SyncedRow } from '../db/tables';
import { planPulledChange, touchedHouseholds } from './pullPlan';

const NOW = '2026-03-01T08:00:00.000Z';

function change(over: Partial<PullChange> = {}): PullChange {
  return { entity: 'member', id: 'm1', version: 3, deleted: false, data: { householdId: 'h1', fullName: 'Trần Thị Lan', teamId: 't1', updatedAt: '2026-02-01T00:00:00.000Z' }, ...over };
}

function row(over: Partial<SyncedRow> = {}): SyncedRow {
  return { id: 'm1', householdId: 'h1', fullName: 'Trần Thị Lan', version: 2, deleted: 0, syncState: 'synced', localUpdatedAt: NOW, ...over };
}

function entry(over: Partial<OutboxRow> = {}): OutboxRow {
  return { key: 1, mid: 'x', seq: 1, entity: 'member', op: 'patch', id: 'm1', fields: { phone: '0912345678' }, clientTs: NOW, state: 'pending', ...over };
}

describe('planPulledChange', () => {
  it('writes the server’s row as synced, with its local sort key and the server’s meta apart', () => {
    const action = planPulledChange('member', change(), { before: undefined, local: [], now: NOW });
    expect(action).toEqual({
      kind: 'put',
      row: expect.objectContaining({ id: 'm1', fullName: 'Trần Thị Lan', version: 3, deleted: 0, syncState: 'synced', teamId: 't1', localUpdatedAt: '2026-02-01T00:00:00.000Z', nameKey: expect.any(String) }),
    });
  });

  it('lays the device’s waiting changes on top of the server’s values', () => {
    const action = planPulledChange('member', change(), { before: row(), local: [entry()], now: NOW });
    expect(action).toMatchObject({ kind: 'put', row: { phone: '0912345678', syncState: 'pending', version: 3 } });
  });

  it('deletes a record the server deleted when nothing of it waits on the device', () => {
    expect(planPulledChange('member', change({ deleted: true, data: null }), { before: row(), local: [], now: NOW })).toEqual({ kind: 'delete' });
  });

  it('keeps a deleted record as a tombstone while changes of it still wait', () => {
    const action = planPulledChange('member', change({ deleted: true, data: null }), { before: row(), local: [entry({ state: 'conflict' })], now: NOW });
    expect(action).toMatchObject({ kind: 'put', row: { deleted: 1, version: 3, syncState: 'conflict' } });
  });

  it('does nothing for a deleted record the device does not have but still has changes of', () => {
    expect(planPulledChange('member', change({ deleted: true, data: null }), { before: undefined, local: [entry()], now: NOW })).toEqual({ kind: 'none' });
  });

  it('after a server restore, keeps a newer local record and asks to send it again', () => {
    const action = planPulledChange('member', change({ version: 1 }), { before: row({ version: 4 }), local: [], resetMarker: 'mark', now: NOW });
    expect(action).toEqual({ kind: 'requeue', row: expect.objectContaining({ version: 1, resyncMark: 'mark' }) });
  });

  it('after a server restore, stamps what the server still has with the marker', () => {
    const action = planPulledChange('member', change(), { before: row(), local: [], resetMarker: 'mark', now: NOW });
    expect(action).toMatchObject({ kind: 'put', row: { resyncMark: 'mark', version: 3 } });
  });

  it('keeps a household’s derived summaries until they are recomputed', () => {
    const before = row({ id: 'h1', headName: 'Bình', searchText: 'binh', lastVisitDate: '2026-01-01', followUpDate: '2026-04-01' });
    const action = planPulledChange('household', { entity: 'household', id: 'h1', version: 3, deleted: false, data: { headName: 'Bình' } }, { before, local: [], now: NOW });
    expect(action).toMatchObject({ kind: 'put', row: { searchText: 'binh', lastVisitDate: '2026-01-01', followUpDate: '2026-04-01', localUpdatedAt: NOW } });
  });

  it('gives a household new to the device a search text of its own fields before its summary is recomputed', () => {
    const data = { headName: 'Nguyễn Văn Bình', address: 'Số 12 ngõ 3', neighborhood: 'Thôn Đông', phone: '0912345678' };
    const action = planPulledChange('household', { entity: 'household', id: 'h1', version: 1, deleted: false, data }, { before: undefined, local: [], now: NOW });
    expect(action).toMatchObject({ kind: 'put', row: { searchText: 'nguyen van binh so 12 ngo 3 thon dong 0912345678' } });
    // No visit dates until the summary: no entries in their indexes meanwhile.
    expect(action.kind === 'put' && action.row).not.toHaveProperty('lastVisitDate');
    expect(action.kind === 'put' && action.row).not.toHaveProperty('followUpDate');
  });
});

describe('touchedHouseholds', () => {
  it('names the household a member moves from and the one it moves to', () => {
    expect(touchedHouseholds('member', change({ data: { householdId: 'h2' } }), row())).toEqual(['h1', 'h2']);
  });

  it('names a household changed itself', () => {
    expect(touchedHouseholds('household', { entity: 'household', id: 'h9', version: 1, deleted: false, data: {} }, undefined)).toEqual(['h9']);
  });
});
