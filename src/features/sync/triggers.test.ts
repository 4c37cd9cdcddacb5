import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installSyncTriggers, type SyncTriggerOptions } from './triggers';

/** A window and a document whose listeners can be counted. */
function fakeHost() {
  const listeners = new Map<string, Set<EventListenerOrEventListenerObject>>();
  const target = {
    addEventListener: (type: string, l: EventListenerOrEventListenerObject) => {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type)!.add(l);
    },
    removeEventListener: (type: string, l: EventListenerOrEventListenerObject) => void listeners.get(type)?.delete(l),
  };
  const fire = (type: string) => {
    for (const l of listeners.get(type) ?? []) (typeof l === 'function' ? l : l.handleEvent)(new Event(type));
  };
  const count = () => [...listeners.values()].reduce((n, s) => n + s.size, 0);
  const doc = { ...target, visibilityState: 'visible' as DocumentVisibilityState };
  return { window: target, document: doc, fire, count };
}

let host: ReturnType<typeof fakeHost>;
let calls: { sync: number; online: number; offline: number };
let options: SyncTriggerOptions;

beforeEach(() => {
  vi.useFakeTimers();
  host = fakeHost();
  calls = { sync: 0, online: 0, offline: 0 };
  options = {
    sync: () => calls.sync++,
    online: () => calls.online++,
    offline: () => calls.offline++,
    writeDebounceMs: 2000,
    periodicMs: 60_000,
    window: host.window,
    document: host.document,
    now: () => Date.now(),
  };
});
afterEach(() => {
  vi.useRealTimers();
});

describe('installSyncTriggers', () => {
  it('reports going online and offline', () => {
    installSyncTriggers(options);
    host.fire('online');
    host.fire('offline');
    expect(calls).toEqual({ sync: 0, online: 1, offline: 1 });
  });

  it('syncs when the tab is shown again, not when it is hidden', () => {
    installSyncTriggers(options);
    host.document.visibilityState = 'hidden';
    host.fire('visibilitychange');
    expect(calls.sync).toBe(0);
    host.document.visibilityState = 'visible';
    host.fire('visibilitychange');
    expect(calls.sync).toBe(1);
  });

  it('syncs every minute while the tab is visible', () => {
    installSyncTriggers(options);
    vi.advanceTimersByTime(60_000);
    expect(calls.sync).toBe(1);
    host.document.visibilityState = 'hidden';
    vi.advanceTimersByTime(60_000);
    expect(calls.sync).toBe(1);
  });

  it('syncs once, two seconds after the last of several quick writes', () => {
    const triggers = installSyncTriggers(options);
    triggers.afterWrite();
    vi.advanceTimersByTime(1500);
    triggers.afterWrite();
    vi.advanceTimersByTime(1500);
    expect(calls.sync).toBe(0);
    vi.advanceTimersByTime(500);
    expect(calls.sync).toBe(1);
  });

  it('syncs when a retry is due; a new retry replaces the earlier one and none cancels it', () => {
    const triggers = installSyncTriggers(options);
    triggers.retryAt(Date.now() + 5000);
    triggers.retryAt(Date.now() + 10_000);
    vi.advanceTimersByTime(9999);
    expect(calls.sync).toBe(0);
    vi.advanceTimersByTime(1);
    expect(calls.sync).toBe(1);
    triggers.retryAt(Date.now() + 1000);
    triggers.retryAt(undefined);
    vi.advanceTimersByTime(2000);
    expect(calls.sync).toBe(1);
  });

  it('remove() leaves no listener and no timer behind', () => {
    const triggers = installSyncTriggers(options);
    triggers.afterWrite();
    triggers.retryAt(Date.now() + 5000);
    expect(host.count()).toBe(3);
    expect(vi.getTimerCount()).toBe(3);
    triggers.remove();
    expect(host.count()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('after remove(), a late write or retry starts no timer', () => {
    const triggers = installSyncTriggers(options);
    triggers.remove();
    triggers.afterWrite();
    triggers.retryAt(Date.now() + 1000);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(120_000);
    expect(calls.sync).toBe(0);
  });
});
