import { afterEach, describe, expect, it } from 'vitest';
import { AppDB } from '../db/database';
import type { NeighborhoodRow, OutboxRow } from '../db/rows';
import { attentionItems, discardRejected, resendRejected, resolveConflict } from './attention';
import { takeRepullFlag } from './progress';

const T = '2026-03-01T08:00:00.000Z';
const dbs: AppDB[] = [];
afterEach(() => {
  for (const d of dbs.splice(0)) d.close();
});

async function withRecord(row: Partial<NeighborhoodRow>, entry: Partial<OutboxRow>): Promise<{ d: AppDB; key: number }> {
  const d = new AppDB('attention-' + crypto.randomUUID());
  dbs.push(d);
  await d.neighborhoods.put({ id: 'n1', name: 'Thôn Đông', kind: 'thon', version: 2, deleted: 0, syncState: 'conflict', localUpdatedAt: T, ...row });
  const key = await d.outbox.add({ mid: 'm1', seq: 1, entity: 'neighborhood', op: 'patch', id: 'n1', baseVersion: 1, fields: { name: 'Thôn Đông' }, clientTs: T, state: 'pending', sent: true, ...entry });
  return { d, key };
}

const conflict = { state: 'conflict' as const, conflict: { fields: ['name'], server: { name: 'Thôn Tây' }, version: 3 } };

describe('attention', () => {
  it('lists what waits for a decision with the record as the device has it', async () => {
    const { d } = await withRecord({}, conflict);
    const items = await attentionItems(d);
    expect(items).toHaveLength(1);
    expect(items[0]!.record).toMatchObject({ id: 'n1', name: 'Thôn Đông' });
  });

  it('keeping theirs takes the server’s value and leaves nothing to send', async () => {
    const { d, key } = await withRecord({}, conflict);
    await resolveConflict(key, { name: 'theirs' }, d);
    expect(await d.outbox.count()).toBe(0);
    expect(await d.neighborhoods.get('n1')).toMatchObject({ name: 'Thôn Tây', version: 3, syncState: 'synced' });
  });

  it('keeping mine sends the person’s value again on top of the server’s version', async () => {
    const { d, key } = await withRecord({}, conflict);
    await resolveConflict(key, { name: 'mine' }, d);
    const [entry] = await d.outbox.toArray();
    expect(entry).toMatchObject({ state: 'pending', sent: false, baseVersion: 3, fields: { name: 'Thôn Đông' } });
    expect(entry!.mid).not.toBe('m1');
    expect(await d.neighborhoods.get('n1')).toMatchObject({ syncState: 'pending' });
  });

  it('resending a rejected edit sends the record’s current values of the fields it changed', async () => {
    const { d, key } = await withRecord({ name: 'Thôn Đông Mới', syncState: 'rejected' }, { state: 'rejected', error: { code: 'VALIDATION', message: 'bad' } });
    await resendRejected(key, d);
    const [entry] = await d.outbox.toArray();
    expect(entry).toMatchObject({ state: 'pending', baseVersion: 2, fields: { name: 'Thôn Đông Mới' } });
    expect(entry!.error).toBeUndefined();
  });

  it('discarding a create the server never accepted removes the record from the device', async () => {
    const { d, key } = await withRecord({ version: 0, syncState: 'rejected' }, { op: 'create', baseVersion: null, state: 'rejected', error: { code: 'VALIDATION', message: 'bad' } });
    await discardRejected(key, d);
    expect(await d.neighborhoods.get('n1')).toBeUndefined();
    expect(await takeRepullFlag(d)).toBe(false);
  });

  it('discarding a rejected edit asks the next sync to pull the server’s values again', async () => {
    const { d, key } = await withRecord({ syncState: 'rejected' }, { state: 'rejected', error: { code: 'GONE', message: 'gone' } });
    await discardRejected(key, d);
    expect(await d.outbox.count()).toBe(0);
    expect(await d.neighborhoods.get('n1')).toMatchObject({ syncState: 'synced' });
    expect(await takeRepullFlag(d)).toBe(true);
    expect(await takeRepullFlag(d)).toBe(false);
  });
});
