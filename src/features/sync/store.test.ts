import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { Dexie } from 'dexie';
import { db, resetDbInstance } from '../../db/database';
import { DB_NAMES } from '../../storageKeys';
import { getMembership, saveMembership, type DeviceMembership } from '../../sync/membership';
import { useSyncStore } from './store';
import { useMembershipStore } from '../team/store';
import { settle } from '../../../tests/unit/mountWithApp';

const MEMBER: DeviceMembership = {
  token: 'tok',
  user: { id: 'u2', name: 'Chị Lan', role: 'member' },
  team: { id: 't1', name: 'Tổ 3' },
  joinedAt: '2026-11-01T00:00:00.000Z',
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** Counts the listeners and intervals added and removed while `body` runs and afterwards. */
function watchInstalls() {
  const added = new Set<string>();
  const removed = new Set<string>();
  const key = (target: string, type: string, l: unknown) => `${target}:${type}:${String(l)}`;
  for (const [name, target] of [['window', window], ['document', document]] as const) {
    const add = target.addEventListener.bind(target);
    const remove = target.removeEventListener.bind(target);
    vi.spyOn(target, 'addEventListener').mockImplementation((type: string, l: EventListenerOrEventListenerObject, o?: boolean | AddEventListenerOptions) => {
      added.add(key(name, type, l));
      add(type, l, o);
    });
    vi.spyOn(target, 'removeEventListener').mockImplementation((type: string, l: EventListenerOrEventListenerObject, o?: boolean | EventListenerOptions) => {
      removed.add(key(name, type, l));
      remove(type, l, o);
    });
  }
  const intervals = new Set<unknown>();
  const cleared = new Set<unknown>();
  const setI = globalThis.setInterval;
  const clearI = globalThis.clearInterval;
  vi.spyOn(globalThis, 'setInterval').mockImplementation(((fn: () => void, ms?: number) => {
    const id = setI(fn, ms);
    intervals.add(id);
    return id;
  }) as typeof setInterval);
  vi.spyOn(globalThis, 'clearInterval').mockImplementation(((id?: Parameters<typeof clearInterval>[0]) => {
    cleared.add(id);
    clearI(id);
  }) as typeof clearInterval);
  return { added, removed, intervals, cleared };
}

beforeEach(async () => {
  resetDbInstance();
  await Dexie.delete(DB_NAMES.main);
  setActivePinia(createPinia());
});
afterEach(() => {
  useSyncStore().stop();
  vi.unstubAllGlobals();
  resetDbInstance();
});

describe('sync store', () => {
  it('stop() removes every listener and timer start() installed', async () => {
    const installs = watchInstalls();
    const sync = useSyncStore();
    await sync.start();
    expect([...installs.added].filter((k) => /online|offline|visibilitychange/.test(k))).toHaveLength(3);
    expect(installs.intervals.size).toBe(1);
    sync.stop();
    expect([...installs.added].every((k) => installs.removed.has(k))).toBe(true);
    expect([...installs.intervals].every((id) => installs.cleared.has(id))).toBe(true);
  });

  it('after stop(), the waiting count no longer follows the outbox', async () => {
    const sync = useSyncStore();
    await sync.start();
    await db().outbox.add({ mid: 'm1', seq: 1, entity: 'household', op: 'patch', id: 'h1', fields: {}, clientTs: MEMBER.joinedAt, state: 'pending' });
    await vi.waitFor(() => expect(sync.waiting).toBe(1));
    sync.stop();
    await db().outbox.add({ mid: 'm2', seq: 2, entity: 'household', op: 'patch', id: 'h2', fields: {}, clientTs: MEMBER.joinedAt, state: 'pending' });
    await settle();
    expect(sync.waiting).toBe(1);
  });

  it('a start stopped before its reads finish installs nothing', async () => {
    const installs = watchInstalls();
    const sync = useSyncStore();
    const starting = sync.start();
    sync.stop();
    await starting;
    expect(installs.added.size).toBe(0);
    expect(installs.intervals.size).toBe(0);
  });

  it('does not reach the server before the device joined a team', async () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    const sync = useSyncStore();
    await sync.start();
    expect((await sync.syncNow()).phase).toBe('idle');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('says offline without reaching the server when the phone has no connection', async () => {
    await saveMembership(MEMBER);
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    await useMembershipStore().load();
    expect((await useSyncStore().syncNow()).phase).toBe('offline');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('a removed device shows it, and its membership is gone from the screens too', async () => {
    await saveMembership(MEMBER);
    vi.stubGlobal('fetch', vi.fn(async () => json(401, { error: { code: 'DEVICE_REVOKED', message: 'revoked' } })));
    const membership = useMembershipStore();
    await membership.load();
    const status = await useSyncStore().syncNow();
    expect(status.phase).toBe('revoked');
    expect(await getMembership()).toBeUndefined();
    await vi.waitFor(() => expect(membership.membership).toBeUndefined());
    expect(useSyncStore().status.errorKey).toBe('sync.errors.revoked');
    await vi.waitFor(() => expect(membership.removal?.teamName).toBe(MEMBER.team?.name));
  });
});
