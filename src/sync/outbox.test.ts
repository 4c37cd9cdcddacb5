// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { AppDB } from '../db/database';
import type { OutboxRow } from '../db/rows';
import { createHousehold, deleteHousehold, updateHousehold } from '../db/households';
import { foldOutbox, takeBatch } from './outbox';
import { CONSENT_TEXT_VERSION } from '../domain/vocab';

const dbs: AppDB[] = [];
afterEach(() => {
  for (const d of dbs.splice(0)) d.close();
});
function fresh(): AppDB {
  const d = new AppDB('outbox-' + crypto.randomUUID());
  dbs.push(d);
  return d;
}

describe('foldOutbox (with the repositories)', () => {
  const household = () => ({
    neighborhood: 'Thôn Đông',
    address: 'Số 1',
    headName: 'Nguyễn Văn Bình',
    phone: '0912345678',
    consent: { recordedAt: '2026-03-01T08:00:00.000Z', recordedBy: 'H', purposes: ['support' as const], textVersion: CONSENT_TEXT_VERSION },
  });

  it('a created household edited twice (one edit clearing the phone) leaves one create', async () => {
    const d = fresh();
    const h = await createHousehold(household(), d);
    await updateHousehold(h.id, { notes: 'Ghi chú' }, d);
    await updateHousehold(h.id, { phone: '' }, d);
    expect(await d.outbox.count()).toBe(3);
    await foldOutbox(d);
    const rows = await d.outbox.toArray();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.op).toBe('create');
    expect(rows[0]!.fields).toMatchObject({ headName: 'Nguyễn Văn Bình', notes: 'Ghi chú' });
    expect(rows[0]!.fields).not.toHaveProperty('phone');
  });

  it('a created-then-deleted household leaves nothing to send', async () => {
    const d = fresh();
    const h = await createHousehold(household(), d);
    await updateHousehold(h.id, { notes: 'x' }, d);
    await deleteHousehold(h.id, d);
    await foldOutbox(d);
    expect(await d.outbox.count()).toBe(0);
  });
});

describe('takeBatch', () => {
  const entry = (seq: number, id: string, sent = false): OutboxRow => ({ mid: `m${seq}`, seq, entity: 'household', op: 'patch', id, fields: {}, clientTs: '2026-03-01T00:00:00.000Z', state: 'pending', sent });

  it('takes the oldest pending entries up to the limit and marks them sent', async () => {
    const d = fresh();
    await d.outbox.bulkAdd([entry(1, 'h1'), entry(2, 'h2'), entry(3, 'h3')]);
    const batch = await takeBatch(2, d);
    expect(batch.map((e) => e.seq)).toEqual([1, 2]);
    expect((await d.outbox.toArray()).map((e) => !!e.sent)).toEqual([true, true, false]);
  });

  it('sends nothing after a record’s entry still waiting for its answer', async () => {
    const d = fresh();
    await d.outbox.bulkAdd([entry(1, 'h1', true), entry(2, 'h1'), entry(3, 'h2')]);
    const batch = await takeBatch(10, d);
    expect(batch.map((e) => e.seq)).toEqual([1, 3]);
  });
});
