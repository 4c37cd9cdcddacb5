import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { Dexie } from 'dexie';
import { resetDbInstance } from '../../db/database';
import { DB_NAMES, STORAGE_KEYS } from '../../storageKeys';
import { saveMembership } from '../../sync/membership';
import { getVault } from '../../lock/vault';
import { useLockStore } from './store';
import { useSyncStore } from '../sync/store';

const MEMBER = { token: 'tok', user: { id: 'u2', name: 'Chị Lan', role: 'member' as const }, team: { id: 't1', name: 'Tổ 3' }, joinedAt: '2026-11-01T00:00:00.000Z' };

beforeEach(async () => {
  resetDbInstance();
  await Dexie.delete(DB_NAMES.main);
  localStorage.clear();
  setActivePinia(createPinia());
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  resetDbInstance();
});

describe('lock store', { timeout: 60_000 }, () => {
  it('a joined phone without a PIN is asked for one; once set, a new start is locked and does not sync', async () => {
    await saveMembership(MEMBER);
    const lock = useLockStore();
    await lock.refresh();
    expect(lock.needsPin).toBe(true);
    expect(await lock.checkNewPin('12345', '12345')).toBe('lock.errors.format');
    expect(await lock.checkNewPin('123456', '123456')).toBe('lock.errors.simple');
    expect(await lock.checkNewPin('482916', '482917')).toBe('lock.errors.mismatch');
    expect(await lock.checkNewPin('482916', '482916')).toBeUndefined();
    vi.spyOn(useSyncStore(), 'syncNow').mockResolvedValue({ phase: 'idle' });
    await lock.setPin('482916');
    expect(lock.needsPin).toBe(false);
    expect(lock.locked).toBe(false);
    expect(await getVault()).toBeDefined();

    // The app starts again (a new Pinia, as after a reload): locked from the first frame.
    setActivePinia(createPinia());
    const again = useLockStore();
    expect(again.locked).toBe(true);
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    await useSyncStore().syncNow();
    expect(fetch).not.toHaveBeenCalled();
    expect(await again.unlock('000000')).toEqual({ waitUntil: 0 });
    expect(again.locked).toBe(true);
    const syncNow = vi.spyOn(useSyncStore(), 'syncNow').mockResolvedValue({ phase: 'idle' });
    expect(await again.unlock('482916')).toBeUndefined();
    expect(again.locked).toBe(false);
    await vi.waitFor(() => expect(syncNow).toHaveBeenCalled());
  });

  it('locking in the middle of a sync stops it before its next request, and the team is not asked for its roster', async () => {
    await saveMembership({ ...MEMBER, joinedAt: new Date().toISOString() });
    const lock = useLockStore();
    await lock.refresh();
    vi.spyOn(useSyncStore(), 'syncNow').mockResolvedValueOnce({ phase: 'idle' });
    await lock.setPin('482916');
    vi.restoreAllMocks();
    const asked: string[] = [];
    // The phone locks while the first page of a long pull is on its way.
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        asked.push(new URL(url, 'http://x').pathname);
        lock.lock();
        return new Response(JSON.stringify({ changes: [], cursor: 'c1', hasMore: true }), { status: 200, headers: { 'content-type': 'application/json' } });
      }),
    );
    const status = await useSyncStore().syncNow();
    expect(status.phase).toBe('idle');
    expect(status.errorKey).toBeUndefined();
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toEqual(['/api/sync/pull']);
  });

  it('locks after the chosen minutes without use, and when coming back after longer', async () => {
    await saveMembership(MEMBER);
    const lock = useLockStore();
    vi.spyOn(useSyncStore(), 'syncNow').mockResolvedValue({ phase: 'idle' });
    await lock.setPin('482916');
    vi.useFakeTimers();
    lock.setLockAfter(2);
    const stop = lock.watchActivity();
    vi.advanceTimersByTime(90_000);
    window.dispatchEvent(new Event('pointerdown'));
    vi.advanceTimersByTime(90_000);
    expect(lock.locked).toBe(false);
    vi.advanceTimersByTime(31_000);
    expect(lock.locked).toBe(true);
    stop();
    expect(localStorage.getItem(STORAGE_KEYS.lockAfterMinutes)).toBe('2');

    vi.useRealTimers();
    expect(await lock.unlock('482916')).toBeUndefined();
    // A fixed instant: the store is given the times, so nothing here depends on the clock or the machine.
    const t = Date.parse('2026-12-06T08:00:00Z');
    lock.touch(t);
    lock.checkIdle(t + 60_000);
    expect(lock.locked).toBe(false);
    lock.checkIdle(t + 60_000 + 121_000);
    expect(lock.locked).toBe(true);
  });

  it('"forgot PIN" wipes the team’s data and the PIN, and nothing is locked any more', async () => {
    await saveMembership(MEMBER);
    const lock = useLockStore();
    vi.spyOn(useSyncStore(), 'syncNow').mockResolvedValue({ phase: 'idle' });
    await lock.setPin('482916');
    lock.lock();
    expect(lock.locked).toBe(true);
    await lock.forgetAndWipe();
    expect(lock.locked).toBe(false);
    expect(await getVault()).toBeUndefined();
    expect(localStorage.getItem(STORAGE_KEYS.pinSet)).toBeNull();
    await lock.refresh();
    expect(lock.needsPin).toBe(false);
  });
});
