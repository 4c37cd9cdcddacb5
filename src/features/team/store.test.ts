import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { Dexie } from 'dexie';
import { db, resetDbInstance } from '../../db/database';
import { DB_NAMES } from '../../storageKeys';
import { META_KEYS } from '../../db/metaKeys';
import { roster } from '../../db/users';
import { getMembership, saveMembership, type DeviceMembership } from '../../sync/membership';
import { useMembershipStore } from './store';
import { useSyncStore } from '../sync/store';
import { settle } from '../../../tests/unit/mountWithApp';

const HEAD: DeviceMembership = {
  token: 'tok',
  user: { id: 'u1', name: 'Trưởng thôn Bình', role: 'head' },
  team: { id: 't1', name: 'Tổ 3' },
  joinedAt: '2026-11-01T00:00:00.000Z',
};
const USERS = [
  { id: 'u1', name: 'Trưởng thôn Bình', role: 'head' },
  { id: 'u2', name: 'Chị Lan', role: 'member' },
];

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A server answering by path; `null` drops the connection. */
function serve(routes: Record<string, Response | null>) {
  const fetch = vi.fn(async (url: string) => {
    const path = new URL(url, 'http://device.test').pathname;
    const answer = routes[path];
    if (answer === null) throw new TypeError('Failed to fetch');
    return answer?.clone() ?? json(404, { error: { code: 'NOT_FOUND' } });
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

beforeEach(async () => {
  resetDbInstance();
  await Dexie.delete(DB_NAMES.main);
  setActivePinia(createPinia());
});
afterEach(() => {
  vi.unstubAllGlobals();
  resetDbInstance();
});

describe('membership store', () => {
  it('joining saves the membership, takes the team’s roster and starts a sync', async () => {
    serve({
      '/api/auth/enroll': json(200, { token: 'tok', user: HEAD.user, team: HEAD.team }),
      '/api/team': json(200, { team: HEAD.team, users: USERS }),
    });
    const membership = useMembershipStore();
    const syncNow = vi.spyOn(useSyncStore(), 'syncNow').mockResolvedValue({ phase: 'idle' });
    expect(await membership.join(' ABCDE-12345 ', ' Trưởng thôn Bình ')).toBeUndefined();
    expect(membership.joined).toBe(true);
    expect(membership.isHead).toBe(true);
    expect(await getMembership()).toMatchObject({ token: 'tok', team: HEAD.team });
    expect((await roster()).map((u) => u.name)).toEqual(['Chị Lan', 'Trưởng thôn Bình']);
    expect(syncNow).toHaveBeenCalled();
  });

  it('answers join.invalid for an invite the server refuses, and saves nothing', async () => {
    serve({ '/api/auth/enroll': json(400, { error: { code: 'INVITE_INVALID', message: 'no' } }) });
    const membership = useMembershipStore();
    expect(await membership.join('WRONG', 'Lan')).toBe('join.invalid');
    expect(membership.joined).toBe(false);
    expect(await getMembership()).toBeUndefined();
  });

  it('answers join.tooMany when the server limits tries (429), and saves nothing', async () => {
    serve({ '/api/auth/enroll': json(429, { error: { code: 'RATE_LIMITED', message: 'wait' } }) });
    expect(await useMembershipStore().join('WRONG', 'Lan')).toBe('join.tooMany');
    expect(await getMembership()).toBeUndefined();
  });

  it('answers join.offline without a connection and join.failed for another problem', async () => {
    serve({ '/api/auth/enroll': null });
    expect(await useMembershipStore().join('CODE', 'Lan')).toBe('join.offline');
    serve({ '/api/auth/enroll': json(500, {}) });
    expect(await useMembershipStore().join('CODE', 'Lan')).toBe('join.failed');
  });

  it('loads the team’s users and devices with this device’s token', async () => {
    await saveMembership(HEAD);
    const fetch = serve({ '/api/team': json(200, { team: HEAD.team, users: USERS, devices: [] }) });
    const membership = useMembershipStore();
    await membership.load();
    expect(await membership.loadTeam()).toBeUndefined();
    expect(membership.team?.users?.map((u) => u.name)).toEqual(['Trưởng thôn Bình', 'Chị Lan']);
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer tok');
  });

  it('says the team could not be loaded offline, and keeps what it showed', async () => {
    await saveMembership(HEAD);
    serve({ '/api/team': null });
    const membership = useMembershipStore();
    await membership.load();
    expect(await membership.loadTeam()).toBe('team.offline');
    expect(membership.team).toBeUndefined();
  });

  it('creates an invite valid for the days asked, in hours', async () => {
    await saveMembership(HEAD);
    const fetch = serve({ '/api/invites': json(200, { code: 'ABCDE-12345', expiresAt: '2026-11-08T00:00:00.000Z' }) });
    const membership = useMembershipStore();
    await membership.load();
    expect(await membership.createInvite('member', 5, 7)).toBeUndefined();
    expect(membership.invite).toEqual({ code: 'ABCDE-12345', expiresAt: '2026-11-08T00:00:00.000Z' });
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(JSON.parse(String(init.body))).toEqual({ role: 'member', maxUses: 5, ttlHours: 168 });
  });

  it('answers team.revokeFailed when the server refuses to remove a device', async () => {
    await saveMembership(HEAD);
    serve({ '/api/devices/d1/revoke': json(403, { error: { code: 'FORBIDDEN' } }) });
    const membership = useMembershipStore();
    await membership.load();
    expect(await membership.revokeDevice('d1')).toBe('team.revokeFailed');
  });

  it('before signing out, tries to send everything and counts what would be lost', async () => {
    await saveMembership(HEAD);
    await db().outbox.bulkAdd([
      { mid: 'm1', seq: 1, entity: 'household', op: 'patch', id: 'h1', fields: {}, clientTs: HEAD.joinedAt, state: 'pending' },
      { mid: 'm2', seq: 2, entity: 'household', op: 'patch', id: 'h2', fields: {}, clientTs: HEAD.joinedAt, state: 'rejected' },
    ]);
    const syncNow = vi.spyOn(useSyncStore(), 'syncNow').mockResolvedValue({ phase: 'error' });
    expect(await useMembershipStore().prepareSignOut()).toBe(2);
    expect(syncNow).toHaveBeenCalled();
  });

  it('signing out wipes the team’s data and leaves nothing to sync', async () => {
    await saveMembership(HEAD);
    await db().meta.put({ key: META_KEYS.repullNeeded, value: true });
    const membership = useMembershipStore();
    await membership.load();
    await membership.signOut();
    expect(membership.membership).toBeUndefined();
    expect(membership.joined).toBe(false);
    expect(await getMembership()).toBeUndefined();
    expect(await db().meta.get(META_KEYS.repullNeeded)).toBeUndefined();
    expect(useSyncStore().status.phase).toBe('notJoined');
  });

  it('refreshes the roster at most once every ten minutes when asked whether it is due', async () => {
    await saveMembership(HEAD);
    const fetch = serve({ '/api/team': json(200, { users: USERS }) });
    const membership = useMembershipStore();
    await membership.load();
    const now = vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-02T08:00:00.000Z'));
    membership.refreshRosterIfDue();
    membership.refreshRosterIfDue();
    now.mockReturnValue(Date.parse('2026-11-02T08:11:00.000Z'));
    membership.refreshRosterIfDue();
    await settle();
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('a call answered DEVICE_REVOKED wipes the team’s data at once and keeps why, across a reload', async () => {
    await saveMembership(HEAD);
    await db().households.put({ id: 'h1', headName: 'Bình', version: 1, deleted: 0, syncState: 'synced', localUpdatedAt: HEAD.joinedAt } as never);
    serve({ '/api/team': json(401, { error: { code: 'DEVICE_REVOKED', message: 'revoked' } }) });
    const membership = useMembershipStore();
    await membership.load();
    expect(await membership.loadTeam()).toBe('sync.errors.revoked');
    expect(membership.joined).toBe(false);
    expect(await db().households.count()).toBe(0);
    expect(membership.removal?.teamName).toBe('Tổ 3');
    // A reload: a new store reads the reason back from the device.
    setActivePinia(createPinia());
    const reloaded = useMembershipStore();
    await reloaded.load();
    expect(reloaded.removal?.teamName).toBe('Tổ 3');
    await reloaded.dismissRemoval();
    expect(reloaded.removal).toBeUndefined();
    setActivePinia(createPinia());
    const again = useMembershipStore();
    await again.load();
    expect(again.removal).toBeUndefined();
  });

  it('joining again forgets that the phone had been removed', async () => {
    await saveMembership(HEAD);
    serve({ '/api/team': json(401, { error: { code: 'DEVICE_REVOKED', message: 'revoked' } }) });
    const membership = useMembershipStore();
    await membership.load();
    await membership.loadTeam();
    expect(membership.removal).toBeDefined();
    serve({
      '/api/auth/enroll': json(200, { token: 'tok2', user: HEAD.user, team: HEAD.team }),
      '/api/team': json(200, { team: HEAD.team, users: USERS }),
    });
    vi.spyOn(useSyncStore(), 'syncNow').mockResolvedValue({ phase: 'idle' });
    expect(await membership.join('ABCDE-12345', 'Bình')).toBeUndefined();
    expect(membership.removal).toBeUndefined();
    await membership.load();
    expect(membership.removal).toBeUndefined();
  });
});
