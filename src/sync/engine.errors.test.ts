// @vitest-environment node
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { AppDB } from '../db/database';
import { SyncEngine } from './engine';
import { fakeNetwork } from './testing';
import { getMembership, saveMembership } from './membership';
import { getCursor } from './progress';
import { getRemoval } from './teamWipe';
import { createHousehold, updateHousehold } from '../db/households';
import { createHouseholdWithMembers } from '../db/householdWithMembers';
import { deviceId } from '../db/meta';
import { cleanups, T0, membershipOf, setup, hh, jsonResponse, isPush, isPull } from '../../tests/unit/syncHarness';

/** An engine whose network never reaches a server: every request fails, or gets `answer`. */
async function offlineEngine(random: () => number, answer?: (url: string) => Response) {
  const d = new AppDB('x-' + crypto.randomUUID());
  cleanups.push(() => d.close());
  await saveMembership(membershipOf('token', crypto.randomUUID(), crypto.randomUUID()), d);
  const net = fakeNetwork({
    inject: async () => {
      throw new Error('no server in this test');
    },
  });
  net.intercept = (url) => answer?.(url);
  const clock = { t: T0 };
  const engine = new SyncEngine({ db: d, fetch: net.fetch, locks: null, sleep: async () => {}, random, now: () => clock.t });
  return { d, net, clock, engine };
}

const EMPTY_PAGE = { changes: [], cursor: 'c0', hasMore: false, reset: false };

describe('engine: Retry-After', () => {
  it('503 with Retry-After: retryAt = now + 7000 exactly, nothing lost, then success', async () => {
    const { net, tap, clock, a, ea } = await setup();
    const h = await createHousehold(hh(), a);
    clock.t = T0 + 123_456;
    net.intercept = (url) =>
      isPush(url) ? new Response(JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'x' } }), { status: 503, headers: { 'retry-after': '7' } }) : undefined;
    const s = await ea.sync();
    expect(s.phase).toBe('error');
    expect(s.errorKey).toBe('sync.errors.server');
    expect(s.retryAt).toBe(T0 + 123_456 + 7000);
    expect(tap.pulls).toHaveLength(0);
    expect(await a.outbox.count()).toBe(1);
    expect((await a.households.get(h.id))?.syncState).toBe('pending');

    net.intercept = undefined;
    clock.t += 7000;
    const ok = await ea.sync();
    expect(ok.phase).toBe('idle');
    expect(ok.retryAt).toBeUndefined();
    expect(ok.errorKey).toBeUndefined();
    expect(ok.lastSyncAt).toBe(new Date(clock.t).toISOString());
    expect(await a.outbox.count()).toBe(0);
    expect(await a.households.get(h.id)).toMatchObject({ syncState: 'synced', version: 1 });
  });

  it('429 with Retry-After (on a pull): retryAt honours it, nothing lost, then success', async () => {
    const { net, clock, a, b, ea, eb } = await setup();
    await createHouseholdWithMembers(hh(), [{ fullName: 'Trần Thị Hoa', birthYear: 1970 }], a);
    await ea.sync();
    net.intercept = (url) => (isPull(url) ? jsonResponse(429, { error: { code: 'RATE_LIMITED', message: 'slow down' } }, { 'retry-after': '3' }) : undefined);
    const s = await eb.sync();
    expect(s.phase).toBe('error');
    expect(s.errorKey).toBe('sync.errors.busy');
    expect(s.retryAt).toBe(clock.t + 3000);
    expect(await b.households.count()).toBe(0);
    expect(await getCursor(b)).toBeUndefined();
    net.intercept = undefined;
    expect((await eb.sync()).phase).toBe('idle');
    expect(await b.households.count()).toBe(1);
    expect(await b.members.count()).toBe(1);
  });

  it('429 on a push keeps the batch; a Retry-After does not count as a backoff step', async () => {
    const { net, clock, a, ea } = await setup();
    await createHousehold(hh(), a);
    net.intercept = (url) => (isPush(url) ? jsonResponse(429, { error: { code: 'RATE_LIMITED', message: 'x' } }, { 'retry-after': '7' }) : undefined);
    const s = await ea.sync();
    expect(s).toMatchObject({ phase: 'error', errorKey: 'sync.errors.busy', retryAt: clock.t + 7000 });
    expect(await a.outbox.count()).toBe(1);
    expect((await a.outbox.toArray())[0]!.state).toBe('pending');
    net.intercept = undefined;
    expect((await ea.sync()).phase).toBe('idle');
    expect(await a.outbox.count()).toBe(0);
  });
});

describe('engine: exponential backoff with full jitter', () => {
  const FULL = [1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000, 300000, 300000];

  it('network errors: 1 s, 2 s, 4 s … capped at 5 min (random = 1)', async () => {
    const { net, clock, engine } = await offlineEngine(() => 1);
    net.online = false;
    const delays: number[] = [];
    for (let i = 0; i < FULL.length; i++) {
      const s = await engine.sync();
      expect(s.phase).toBe('offline');
      expect(s.errorKey).toBe('sync.errors.offline');
      delays.push(s.retryAt! - clock.t);
    }
    expect(delays).toEqual(FULL);
  });

  it('with random = 0.5 the delays are half; resetBackoff() starts again at the beginning', async () => {
    const { net, clock, engine } = await offlineEngine(() => 0.5);
    net.online = false;
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) delays.push((await engine.sync()).retryAt! - clock.t);
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000]);
    engine.resetBackoff();
    expect((await engine.sync()).retryAt! - clock.t).toBe(500);
    expect((await engine.sync()).retryAt! - clock.t).toBe(1000);
  });

  it('full jitter: the delay is random × the exponential cap', async () => {
    const values = [0.25, 0.9, 0, 0.999];
    let i = 0;
    const { net, clock, engine } = await offlineEngine(() => values[i++ % values.length]!);
    net.online = false;
    const delays: number[] = [];
    for (let k = 0; k < 4; k++) delays.push((await engine.sync()).retryAt! - clock.t);
    expect(delays).toEqual([250, 1800, 0, Math.floor(0.999 * 8000)]);
    const next = values[i % values.length]!;
    expect(engine.backoffDelay(20)).toBe(Math.floor(next * 300000));
  });

  it('other 5xx answers back off the same way (phase error); 503 without Retry-After too', async () => {
    let status = 500;
    const { clock, engine } = await offlineEngine(() => 1, () => jsonResponse(status, { error: { code: 'INTERNAL', message: 'x' } }));
    const seen: [string, string | undefined, number][] = [];
    for (const st of [500, 502, 503, 504, 500]) {
      status = st;
      const s = await engine.sync();
      seen.push([s.phase, s.errorKey, s.retryAt! - clock.t]);
    }
    expect(seen).toEqual([
      ['error', 'sync.errors.server', 1000],
      ['error', 'sync.errors.server', 2000],
      ['error', 'sync.errors.server', 4000],
      ['error', 'sync.errors.server', 8000],
      ['error', 'sync.errors.server', 16000],
    ]);
  });

  it('a success resets the backoff', async () => {
    let up = false;
    const { clock, engine } = await offlineEngine(
      () => 1,
      (url) => (up && isPull(url) ? jsonResponse(200, EMPTY_PAGE) : jsonResponse(502, { error: { code: 'BAD_GATEWAY', message: 'x' } })),
    );
    for (let i = 0; i < 4; i++) await engine.sync();
    expect(engine.status.retryAt! - clock.t).toBe(8000);
    up = true;
    const ok = await engine.sync();
    expect(ok.phase).toBe('idle');
    expect(ok.retryAt).toBeUndefined();
    up = false;
    expect((await engine.sync()).retryAt! - clock.t).toBe(1000);
  });
});

describe('engine: 401', () => {
  it('DEVICE_REVOKED: the team data is wiped from that device, phase revoked', async () => {
    const { server, team, lan, a, b, ea, eb, net } = await setup();
    await createHouseholdWithMembers(hh(), [{ fullName: 'Trần Thị Hoa', birthYear: 1970 }], a);
    await ea.sync();
    await eb.sync();
    expect(await b.households.count()).toBe(1);
    const hid = (await b.households.toArray())[0]!.id;
    await updateHousehold(hid, { notes: 'chưa gửi' }, b);
    const installation = await deviceId(b);

    const teamInfo = await server.inject({ method: 'GET', url: '/api/team', token: team.headToken });
    const lanDevice = (teamInfo.json() as { devices: { id: string; userId: string }[] }).devices.find((d) => d.userId === lan.userId)!;
    expect(lanDevice).toBeDefined();
    const r = await server.inject({ method: 'POST', url: `/api/devices/${lanDevice.id}/revoke`, token: team.headToken, payload: {} });
    expect(r.statusCode).toBe(200);

    const s = await eb.sync();
    expect(s.phase).toBe('revoked');
    expect(s.errorKey).toBe('sync.errors.revoked');
    expect(net.calls.at(-1)).toMatchObject({ status: 401 });
    expect(await b.households.count()).toBe(0);
    expect(await b.members.count()).toBe(0);
    expect(await b.outbox.count()).toBe(0);
    expect(await getMembership(b)).toBeUndefined();
    expect(await getCursor(b)).toBeUndefined();
    // Why the phone is empty stays, for the app to say so after a reload.
    expect(await getRemoval(b)).toMatchObject({ teamName: expect.any(String) });
    // The installation id stays (the server remembers this device's numbers).
    expect(await deviceId(b)).toBe(installation);
    // Without a session the engine does not call the server any more.
    const calls = net.calls.length;
    expect((await eb.sync()).phase).toBe('notJoined');
    expect(net.calls.length).toBe(calls);
    // The head's device is unaffected.
    expect((await ea.sync()).phase).toBe('idle');
    expect(await a.households.count()).toBe(1);
  });

  it('any other 401 keeps the data, phase needsJoin, the membership is marked needsRejoin', async () => {
    const { team, a, ea, net } = await setup();
    const h = await createHousehold(hh(), a);
    await ea.sync();
    await updateHousehold(h.id, { notes: 'chưa gửi' }, a);
    const before = await getMembership(a);
    await saveMembership({ ...before!, token: 'garbage-token' }, a);
    const s = await ea.sync();
    expect(s.phase).toBe('needsJoin');
    expect(s.errorKey).toBe('sync.errors.needsJoin');
    expect(net.calls.at(-1)).toMatchObject({ status: 401 });
    expect(await a.households.count()).toBe(1);
    expect(await a.outbox.count()).toBe(1);
    expect((await a.households.get(h.id))?.notes).toBe('chưa gửi');
    const after = await getMembership(a);
    expect(after).toMatchObject({ needsRejoin: true, team: { id: team.teamId } });
    expect(await getCursor(a)).toBeDefined();
    // It waits for a new join instead of knocking again.
    const calls = net.calls.length;
    expect((await ea.sync()).phase).toBe('needsJoin');
    expect(net.calls.length).toBe(calls);
  });
});
