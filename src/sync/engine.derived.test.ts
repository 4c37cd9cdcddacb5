// @vitest-environment node
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createHousehold, updateHousehold } from '../db/households';
import { attentionItems, resolveConflict } from './attention';
import { setup, hh, serverRecord } from '../../tests/unit/syncHarness';

describe('engine: a household stays consistent through a conflict (derived address)', { timeout: 60_000 }, () => {
  it('two devices edit the address parts; mine for one part, theirs for the other; the address follows on both and on the server', async () => {
    const { server, team, a, b, ea, eb } = await setup();
    const h = await createHousehold(hh({ houseNumber: '7A', lane: 'Xóm Đình', address: '7A, Xóm Đình' }), a);
    await ea.sync();
    await eb.sync();

    await updateHousehold(h.id, { houseNumber: '9', lane: 'Xóm Đông' }, a);
    await updateHousehold(h.id, { houseNumber: '7B', lane: 'Xóm Chùa' }, b);
    expect(await b.households.get(h.id)).toMatchObject({ address: '7B, Xóm Chùa' });
    await ea.sync();
    expect((await serverRecord(server, team.teamId, h.id))?.data).toMatchObject({ houseNumber: '9', lane: 'Xóm Đông', address: '9, Xóm Đông' });
    await eb.sync();

    const [item] = await attentionItems(b);
    expect(item!.entry.state).toBe('conflict');
    // The composed address is never a choice of its own.
    expect(item!.choices.sort()).toEqual(['houseNumber', 'lane']);
    expect(item!.entry.conflict!.fields).not.toContain('address');

    await resolveConflict(item!.entry.key!, { houseNumber: 'mine', lane: 'theirs' }, b);
    const local = await b.households.get(h.id);
    expect(local).toMatchObject({ houseNumber: '7B', lane: 'Xóm Đông', address: '7B, Xóm Đông' });
    expect(local!.searchText).toContain('7b, xom dong');
    await eb.sync();
    await ea.sync();

    for (const row of [await a.households.get(h.id), await b.households.get(h.id), (await serverRecord(server, team.teamId, h.id))?.data]) {
      expect(row).toMatchObject({ houseNumber: '7B', lane: 'Xóm Đông', address: '7B, Xóm Đông' });
    }
    expect(await b.outbox.count()).toBe(0);
    expect(await a.outbox.count()).toBe(0);
  });

  it('a patch that sends a stale address with its parts: the server recomputes it from the parts it keeps', async () => {
    const { server, team, a, b, ea, eb } = await setup();
    const h = await createHousehold(hh({ houseNumber: '7A', lane: 'Xóm Đình', address: '7A, Xóm Đình' }), a);
    await ea.sync();
    await eb.sync();
    await updateHousehold(h.id, { lane: 'Xóm Đông' }, a);
    await updateHousehold(h.id, { houseNumber: '12' }, b);
    await ea.sync();
    await eb.sync();
    // Different parts changed on each phone: no conflict, and the address has both.
    expect(await b.outbox.count()).toBe(0);
    expect((await serverRecord(server, team.teamId, h.id))?.data).toMatchObject({ houseNumber: '12', lane: 'Xóm Đông', address: '12, Xóm Đông' });
    await ea.sync();
    await eb.sync();
    expect(await a.households.get(h.id)).toMatchObject({ address: '12, Xóm Đông' });
    expect(await b.households.get(h.id)).toMatchObject({ address: '12, Xóm Đông' });
  });

  it('a household registered before the address had parts keeps the address it was given', async () => {
    const { server, team, a, ea } = await setup();
    const h = await createHousehold(hh({ address: 'Số 1, thôn Đông' }), a);
    await updateHousehold(h.id, { address: 'Số 2, thôn Đông' }, a);
    await ea.sync();
    expect((await serverRecord(server, team.teamId, h.id))?.data).toMatchObject({ address: 'Số 2, thôn Đông' });
  });
});
