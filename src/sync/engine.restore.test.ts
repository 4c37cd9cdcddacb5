// @vitest-environment node
/**
 * The server restored from a real backup (`npm run admin -- backup|restore`, issue 15): a device
 * that had changes acknowledged after the backup is answered `reset`, pulls again and sends them
 * back, so nothing acknowledged is lost for good and nothing is stored twice.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHousehold, updateHousehold } from '../db/households';
import { backup, restore } from '../../server/services/backup';
import { hh, serverCount, serverRecord, setup } from '../../tests/unit/syncHarness';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cds-restore-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('engine: the server restored from a backup', { timeout: 120_000 }, () => {
  it('pushes A, backup, pushes B (acknowledged), restore: the device is reset, pulls again and re-sends B; the server has A and B once', async () => {
    const { server, team, tap, a, ea, b, eb, device, engine } = await setup({}, { ownServer: true });
    const recordA = await createHousehold(hh({ headName: 'Hộ A', address: 'Số 1' }), a);
    expect((await ea.sync()).phase).toBe('idle');
    const file = join(dir, 'before-b.cds');
    await backup(server.db, file);

    const recordB = await createHousehold(hh({ headName: 'Hộ B', address: 'Số 2' }), a);
    await updateHousehold(recordA.id, { phone: '0912000111' }, a);
    expect((await ea.sync()).phase).toBe('idle');
    // Acknowledged: nothing of B or of the edit is left in the outbox.
    expect(await a.outbox.count()).toBe(0);
    expect(await serverRecord(server, team.teamId, recordB.id)).toMatchObject({ version: 1 });
    // Another phone of the team has B too: after the restore it sends it back as well.
    expect((await eb.sync()).phase).toBe('idle');
    expect(await b.households.count()).toBe(2);

    await restore(server.db, file);
    server.app.ctx.epoch.forget();
    expect(await serverRecord(server, team.teamId, recordB.id)).toBeUndefined();

    const pulls = tap.pulls.length;
    const pushes = tap.pushes.length;
    expect((await ea.sync()).phase).toBe('idle');
    expect(tap.pulls[pulls]!.body!.reset).toBe(true);
    const sent = tap.pushes.slice(pushes).flatMap((p) => p.mutations);
    expect(sent.find((m) => m.id === recordB.id)).toMatchObject({ op: 'create', fields: { headName: 'Hộ B' } });
    expect(sent.find((m) => m.id === recordA.id)).toMatchObject({ op: 'patch', fields: { phone: '0912000111' } });

    expect(await serverCount(server, team.teamId)).toBe(2);
    expect(await serverRecord(server, team.teamId, recordA.id)).toMatchObject({ deleted: false, data: { headName: 'Hộ A', phone: '0912000111' } });
    expect(await serverRecord(server, team.teamId, recordB.id)).toMatchObject({ version: 1, deleted: false, data: { headName: 'Hộ B' } });
    expect(await a.outbox.count()).toBe(0);
    expect((await a.households.toArray()).map((r) => r.syncState)).toEqual(['synced', 'synced']);

    // The other phone's copy of B meets the one already sent back: no conflict, nothing waits.
    expect((await eb.sync()).phase).toBe('idle');
    expect(await b.outbox.toArray()).toEqual([]);
    expect(await serverCount(server, team.teamId)).toBe(2);
    expect(await serverRecord(server, team.teamId, recordB.id)).toMatchObject({ data: { headName: 'Hộ B' } });

    // A third phone of the team sees each once.
    const c = await device();
    expect((await engine(c).sync()).phase).toBe('idle');
    const seen = await c.households.toArray();
    expect(seen.map((r) => r.headName).sort()).toEqual(['Hộ A', 'Hộ B']);
  });

  it('two phones that both hold a record the server lost send it back; the second copy changes nothing and waits for no one', async () => {
    const { server, team, a, ea, b, eb } = await setup({}, { ownServer: true });
    const file = join(dir, 'two-phones.cds');
    await backup(server.db, file);
    const record = await createHousehold(hh({ headName: 'Hộ C', address: 'Số 3' }), a);
    expect((await ea.sync()).phase).toBe('idle');
    expect((await eb.sync()).phase).toBe('idle');

    await restore(server.db, file);
    server.app.ctx.epoch.forget();
    // The phone that did not make it sends it back first, then its author.
    expect((await eb.sync()).phase).toBe('idle');
    expect((await ea.sync()).phase).toBe('idle');
    expect(await a.outbox.toArray()).toEqual([]);
    expect(await b.outbox.toArray()).toEqual([]);
    expect(await serverCount(server, team.teamId)).toBe(1);
    expect(await serverRecord(server, team.teamId, record.id)).toMatchObject({ deleted: false, data: { headName: 'Hộ C' } });
  });
});
