// @vitest-environment node
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createHousehold, deleteHousehold, updateHousehold } from '../db/households';
import { createHouseholdWithMembers } from '../db/householdWithMembers';
import { createMember } from '../db/members';
import { applyPushResults, takeBatch } from './outbox';
import { Transport } from './transport';
import { deviceId } from '../db/meta';
import { setup, hh, serverCount, serverRecord, addOutboxEntry, jsonResponse, isPush } from '../../tests/unit/syncHarness';

describe('engine push: lost answers and duplicates', () => {
  it('network drops after the server applied a push: the entries stay (sent), a re-send gets duplicate, each record exists once', async () => {
    const { server, team, net, tap, clock, a, b, ea, eb } = await setup();
    const h = await createHouseholdWithMembers(hh(), [
      { fullName: 'Nguyễn Văn Bình', birthYear: 1960 },
      { fullName: 'Trần Thị Hoa', birthYear: 1965 },
    ], a);
    net.intercept = (url) => (isPush(url) ? 'drop-after' : undefined);
    const s1 = await ea.sync();
    expect(s1.phase).toBe('offline');
    expect(s1.errorKey).toBe('sync.errors.offline');
    expect(s1.retryAt).toBe(clock.t + 1000);
    // The server did the work…
    expect(await serverCount(server, team.teamId)).toBe(3);
    // …but the device does not know: everything waits, marked as sent.
    const waiting = await a.outbox.orderBy('seq').toArray();
    expect(waiting).toHaveLength(3);
    expect(waiting.every((e) => e.sent === true && e.state === 'pending')).toBe(true);
    expect((await a.households.get(h.id))?.syncState).toBe('pending');
    expect((await a.households.get(h.id))?.version).toBe(0);

    net.intercept = undefined;
    const s2 = await ea.sync();
    expect(s2.phase).toBe('idle');
    expect(s2.retryAt).toBeUndefined();
    expect(tap.pushes).toHaveLength(2);
    const [first, second] = tap.pushes;
    expect(second!.mutations.map((m) => m.mid)).toEqual(first!.mutations.map((m) => m.mid));
    expect(second!.mutations.map((m) => m.seq)).toEqual(first!.mutations.map((m) => m.seq));
    expect(second!.results?.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(second!.results?.map((r) => (r as { version: number }).version)).toEqual([1, 1, 1]);
    expect(await a.outbox.count()).toBe(0);
    expect((await a.households.get(h.id))).toMatchObject({ syncState: 'synced', version: 1 });
    for (const m of await a.members.toArray()) expect(m).toMatchObject({ syncState: 'synced', version: 1 });
    expect(await serverCount(server, team.teamId)).toBe(3);

    // Another device sees each record exactly once.
    expect((await eb.sync()).phase).toBe('idle');
    expect(await b.households.count()).toBe(1);
    expect(await b.members.count()).toBe(2);
    expect(await b.outbox.count()).toBe(0);
  });

  it('re-running applyPushResults with the same answer has no second effect', async () => {
    const { server, team, net, a } = await setup();
    const h = await createHousehold(hh(), a);
    const batch = await takeBatch(500, a);
    const transport = new Transport({ fetch: net.fetch, token: () => team.headToken });
    const { results } = await transport.push(await deviceId(a), 'test', batch);
    expect(results.map((r) => r.status)).toEqual(['applied']);
    await applyPushResults(batch, results, a);
    const once = await a.households.get(h.id);
    expect(once).toMatchObject({ syncState: 'synced', version: 1 });
    await applyPushResults(batch, results, a);
    expect(await a.households.get(h.id)).toEqual(once);
    expect(await a.outbox.count()).toBe(0);

    // A late copy of the old answer does not touch a newer waiting edit.
    await updateHousehold(h.id, { notes: 'Cần hỗ trợ VNeID' }, a);
    const waitingBefore = await a.outbox.toArray();
    await applyPushResults(batch, results, a);
    expect(await a.outbox.toArray()).toEqual(waitingBefore);
    expect(await a.households.get(h.id)).toMatchObject({ syncState: 'pending', version: 1, notes: 'Cần hỗ trợ VNeID' });

    // The server also answers the same request twice without a second effect.
    const again = await transport.push(await deviceId(a), 'test', batch);
    expect(again.results).toEqual([{ mid: batch[0]!.mid, status: 'duplicate', version: 1 }]);
    expect(await serverCount(server, team.teamId)).toBe(1);
    expect((await serverRecord(server, team.teamId, h.id))?.version).toBe(1);
  });

  it('a stale answer replayed for a later push changes nothing; the change goes out on the next sync', async () => {
    const { server, team, net, tap, a, ea } = await setup();
    const h = await createHousehold(hh(), a);
    await ea.sync();
    const oldAnswer = tap.pushes[0]!.results!;
    await updateHousehold(h.id, { phone: '0987654321' }, a);
    // A broken proxy answers the new push with the old response.
    net.intercept = (url) => (isPush(url) ? jsonResponse(200, { results: oldAnswer }) : undefined);
    const s = await ea.sync();
    expect(s.phase).toBe('idle');
    const row = await a.households.get(h.id);
    expect(row).toMatchObject({ version: 1, syncState: 'pending', phone: '0987654321' });
    expect(await a.outbox.count()).toBe(1);
    expect((await serverRecord(server, team.teamId, h.id))?.data?.phone).toBe('0912345678');
    net.intercept = undefined;
    await ea.sync();
    expect(await a.outbox.count()).toBe(0);
    expect(await a.households.get(h.id)).toMatchObject({ version: 2, syncState: 'synced', phone: '0987654321' });
    expect((await serverRecord(server, team.teamId, h.id))?.data?.phone).toBe('0987654321');
  });

  it('a delete confirmed twice (replayed answer) is harmless', async () => {
    const { server, team, tap, a, ea } = await setup();
    const h = await createHousehold(hh(), a);
    await ea.sync();
    await deleteHousehold(h.id, a);
    const batch = await a.outbox.toArray();
    await ea.sync();
    expect(await a.households.get(h.id)).toBeUndefined();
    const answer = tap.pushes[1]!.results!;
    expect(answer[0]!.status).toBe('applied');
    await applyPushResults(batch.map((e) => ({ ...e, sent: true })), answer, a);
    expect(await a.households.get(h.id)).toBeUndefined();
    expect(await a.outbox.count()).toBe(0);
    expect((await serverRecord(server, team.teamId, h.id))?.deleted).toBe(true);
  });

  // Spec, "What the device does with answers": the device folds its pending changes "so it never
  // conflicts with itself". After a lost answer, the re-sent create is followed in the same batch by
  // a later edit whose baseVersion (0) predates the create's version (1): the server reports a
  // conflict between the person's own two edits.
  it('BUG: an edit made after a lost answer does not conflict with the re-sent create', async () => {
    const { server, team, net, a, ea } = await setup();
    const h = await createHousehold(hh({ headName: 'Nguyen Van Binh' }), a);
    net.intercept = (url) => (isPush(url) ? 'drop-after' : undefined);
    expect((await ea.sync()).phase).toBe('offline');
    net.intercept = undefined;
    // The person fixes the spelling while the create's answer is unknown.
    await updateHousehold(h.id, { headName: 'Nguyễn Văn Bình' }, a);
    await ea.sync();
    const left = await a.outbox.toArray();
    expect(left.filter((e) => e.state === 'conflict')).toEqual([]);
    expect(await a.households.get(h.id)).toMatchObject({ syncState: 'synced', headName: 'Nguyễn Văn Bình' });
    expect((await serverRecord(server, team.teamId, h.id))?.data?.headName).toBe('Nguyễn Văn Bình');
  });

  it('BUG: a second edit of the same field after a lost patch answer does not conflict with itself', async () => {
    const { net, a, ea } = await setup();
    const h = await createHousehold(hh(), a);
    await ea.sync();
    await updateHousehold(h.id, { phone: '0911111111' }, a);
    net.intercept = (url) => (isPush(url) ? 'drop-after' : undefined);
    await ea.sync();
    net.intercept = undefined;
    await updateHousehold(h.id, { phone: '0922222222' }, a);
    await ea.sync();
    expect((await a.outbox.toArray()).map((e) => e.state)).toEqual([]);
    expect(await a.households.get(h.id)).toMatchObject({ syncState: 'synced', phone: '0922222222' });
  });
});

describe('engine push: rejected mutations and HTTP answers', () => {
  it('a rejected mutation stays visible and does not block the rest of the queue', async () => {
    const { server, team, tap, a, ea } = await setup();
    const h1 = await createHousehold(hh({ headName: 'Hộ Một' }), a);
    const m = await createMember({ householdId: h1.id, fullName: 'Lê Văn Cường', birthYear: 1990 }, a);
    await ea.sync();
    expect(await a.outbox.count()).toBe(0);

    // An invalid patch (birth year out of range) and a patch to a record nobody has, queued by hand
    // between valid changes.
    await updateHousehold(h1.id, { notes: 'Trước' }, a);
    const badMid = await addOutboxEntry(a, { entity: 'member', op: 'patch', id: m.id, baseVersion: 1, fields: { birthYear: 1800 } });
    const ghost = crypto.randomUUID();
    const ghostMid = await addOutboxEntry(a, { entity: 'household', op: 'patch', id: ghost, baseVersion: 1, fields: { notes: 'x' } });
    const h2 = await createHousehold(hh({ headName: 'Hộ Hai', address: 'Số 2' }), a);

    const s = await ea.sync();
    expect(s.phase).toBe('idle');
    const pushed = tap.pushes.at(-1)!;
    const byMid = new Map(pushed.results!.map((r) => [r.mid, r]));
    expect(byMid.get(badMid)).toMatchObject({ status: 'rejected', code: 'VALIDATION' });
    expect(byMid.get(ghostMid)).toMatchObject({ status: 'rejected', code: 'NOT_FOUND' });

    expect(await a.households.get(h1.id)).toMatchObject({ syncState: 'synced', version: 2, notes: 'Trước' });
    expect(await a.households.get(h2.id)).toMatchObject({ syncState: 'synced', version: 1 });
    expect((await a.members.get(m.id))?.syncState).toBe('rejected');
    const left = await a.outbox.orderBy('seq').toArray();
    expect(left.map((e) => e.mid)).toEqual([badMid, ghostMid]);
    expect(left[0]).toMatchObject({ state: 'rejected', error: { code: 'VALIDATION' } });
    expect(left[1]).toMatchObject({ state: 'rejected', error: { code: 'NOT_FOUND' } });
    expect(await ea.waiting()).toBe(0);
    expect(await serverCount(server, team.teamId)).toBe(3);
    expect((await serverRecord(server, team.teamId, m.id))?.data?.birthYear).toBe(1990);

    // The next sync does not send them again, and new work still goes through.
    const pushesBefore = tap.pushes.length;
    await ea.sync();
    expect(tap.pushes.length).toBe(pushesBefore);
    await updateHousehold(h2.id, { notes: 'Sau' }, a);
    await ea.sync();
    expect(tap.pushes.length).toBe(pushesBefore + 1);
    expect(tap.pushes.at(-1)!.mutations.map((x) => x.mid)).not.toContain(badMid);
    expect(tap.pushes.at(-1)!.mutations.map((x) => x.mid)).not.toContain(ghostMid);
    expect((await a.outbox.toArray()).map((e) => e.state)).toEqual(['rejected', 'rejected']);
    expect((await a.members.get(m.id))?.syncState).toBe('rejected');
  });

  it('413: the engine halves its batch and succeeds', async () => {
    const { server, team, net, tap, a, engine } = await setup();
    const ea = engine(a, { pushBatchSize: 4 });
    for (let i = 0; i < 4; i++) await createHousehold(hh({ headName: `Hộ ${i}`, address: `Số ${i}` }), a);
    let first = true;
    net.intercept = (url) => {
      if (isPush(url) && first) {
        first = false;
        return jsonResponse(413, { error: { code: 'PAYLOAD_TOO_LARGE', message: 'too large' } });
      }
      return undefined;
    };
    const s = await ea.sync();
    expect(s.phase).toBe('idle');
    expect(tap.pushes.map((p) => [p.status, p.mutations.length])).toEqual([
      [413, 4],
      [200, 2],
      [200, 2],
    ]);
    expect(await a.outbox.count()).toBe(0);
    expect((await a.households.toArray()).every((h) => h.syncState === 'synced')).toBe(true);
    expect(await serverCount(server, team.teamId)).toBe(4);
  });

  it('426: phase upgradeRequired, nothing lost, nothing pulled', async () => {
    const { net, tap, a, ea } = await setup();
    await createHousehold(hh(), a);
    net.intercept = (url) => (isPush(url) ? jsonResponse(426, { error: { code: 'UPGRADE_REQUIRED', message: 'update' } }) : undefined);
    const s = await ea.sync();
    expect(s.phase).toBe('upgradeRequired');
    expect(s.errorKey).toBe('sync.errors.upgrade');
    expect(s.retryAt).toBeUndefined();
    expect(await a.outbox.count()).toBe(1);
    expect(tap.pulls).toHaveLength(0);
  });

  it('400 on a push: phase error (app bug), the batch is kept and not retried in a loop', async () => {
    const { net, tap, a, ea } = await setup();
    const h = await createHousehold(hh(), a);
    net.intercept = (url) => (isPush(url) ? jsonResponse(400, { error: { code: 'BAD_REQUEST', message: 'bad' } }) : undefined);
    const s = await ea.sync();
    expect(s.phase).toBe('error');
    expect(s.errorKey).toBe('sync.errors.appBug');
    expect(s.retryAt).toBeUndefined();
    expect(tap.pushes).toHaveLength(1);
    expect(tap.pulls).toHaveLength(0);
    expect(await a.outbox.count()).toBe(1);
    expect((await a.outbox.toArray())[0]).toMatchObject({ state: 'pending', op: 'create', id: h.id });
    expect((await a.households.get(h.id))?.syncState).toBe('pending');
    // When the app is fixed (here: the server accepts), the same batch goes through.
    net.intercept = undefined;
    expect((await ea.sync()).phase).toBe('idle');
    expect(tap.pushes).toHaveLength(2);
    expect(tap.pushes[1]!.mutations[0]!.mid).toBe(tap.pushes[0]!.mutations[0]!.mid);
    expect(await a.outbox.count()).toBe(0);
  });

  it('403 on a push: shown, nothing lost', async () => {
    const { net, a, ea } = await setup();
    await createHousehold(hh(), a);
    net.intercept = (url) => (isPush(url) ? jsonResponse(403, { error: { code: 'FORBIDDEN', message: 'no' } }) : undefined);
    const s = await ea.sync();
    expect(s.phase).toBe('error');
    expect(s.errorKey).toBe('sync.errors.forbidden');
    expect(await a.outbox.count()).toBe(1);
  });
});
