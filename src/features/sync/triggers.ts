/**
 * When to sync: back online, the tab shown again, every minute while visible, shortly after a
 * local write, and when a retry is due. Installed at once and removed at once: `remove()` leaves
 * no listener and no timer behind.
 */
export interface SyncTriggerOptions {
  /** Runs a sync (the store checks whether there is anything to do). */
  sync: () => void;
  /** Connectivity came back. */
  online: () => void;
  offline: () => void;
  writeDebounceMs?: number;
  periodicMs?: number;
  window?: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  document?: Pick<Document, 'addEventListener' | 'removeEventListener' | 'visibilityState'>;
  now?: () => number;
}

export interface SyncTriggers {
  /** A local write queued something: sync after a short pause, restarted by each write. */
  afterWrite(): void;
  /** Syncs again at `at` (epoch ms), replacing an earlier retry; `undefined` cancels it. */
  retryAt(at: number | undefined): void;
  /** Removes every listener and timer; later calls of the others do nothing. */
  remove(): void;
}

const WRITE_DEBOUNCE_MS = 2000;
const PERIODIC_MS = 60_000;

export function installSyncTriggers(options: SyncTriggerOptions): SyncTriggers {
  const win = options.window ?? window;
  const doc = options.document ?? document;
  const now = options.now ?? Date.now;
  let removed = false;
  let writeTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const visible = () => doc.visibilityState === 'visible';
  const onOnline = () => options.online();
  const onOffline = () => options.offline();
  const onVisibility = () => {
    if (visible()) options.sync();
  };
  win.addEventListener('online', onOnline);
  win.addEventListener('offline', onOffline);
  doc.addEventListener('visibilitychange', onVisibility);
  const periodic = setInterval(() => {
    if (visible()) options.sync();
  }, options.periodicMs ?? PERIODIC_MS);

  return {
    afterWrite() {
      if (removed) return;
      clearTimeout(writeTimer);
      writeTimer = setTimeout(() => options.sync(), options.writeDebounceMs ?? WRITE_DEBOUNCE_MS);
    },
    retryAt(at) {
      clearTimeout(retryTimer);
      retryTimer = undefined;
      if (removed || at === undefined) return;
      retryTimer = setTimeout(() => options.sync(), Math.max(0, at - now()));
    },
    remove() {
      removed = true;
      win.removeEventListener('online', onOnline);
      win.removeEventListener('offline', onOffline);
      doc.removeEventListener('visibilitychange', onVisibility);
      clearInterval(periodic);
      clearTimeout(writeTimer);
      clearTimeout(retryTimer);
    },
  };
}
