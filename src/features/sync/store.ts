/**
 * The sync state people see, and the engine wired to its triggers (start, a local write, back
 * online, the tab shown again, every minute while visible, "Sync now"). The team itself — joining,
 * the roster, signing out — is the membership store's (features/team/store.ts).
 */
import { defineStore } from 'pinia';
import { readonly, ref, shallowRef } from 'vue';
import type { Subscription } from 'dexie';
import type { SyncEngine, SyncStatus } from '../../sync/engine';
import { useMembershipStore } from '../team/store';
import { useLockStore } from '../lock/store';
import type { SyncTriggers } from './triggers';

// Everything that touches the database loads after the first paint: the header never waits.
const data = async () => {
  const [{ liveQuery }, { db }, progress, counts] = await Promise.all([
    import('dexie'),
    import('../../db/database'),
    import('../../sync/progress'),
    import('../../sync/outboxCounts'),
  ]);
  return { liveQuery, db, ...progress, ...counts };
};

// The engine and the HTTP client load on the first sync, the triggers at start: after the first paint.
const loadEngine = () => import('../../sync/engine');
const loadTriggers = () => import('./triggers');

export const useSyncStore = defineStore('sync', () => {
  const membership = useMembershipStore();
  const status = shallowRef<SyncStatus>({ phase: 'idle' });
  const waiting = ref(0);
  const attention = ref(0);
  const lastSyncAt = ref<string | undefined>();
  let engine: SyncEngine | undefined;
  let triggers: SyncTriggers | undefined;
  let started = false;
  /** Counts starts, so that a start stopped halfway installs nothing once its reads finish. */
  let starts = 0;
  const subs: Subscription[] = [];

  async function getEngine(): Promise<SyncEngine> {
    if (engine) return engine;
    const [{ SyncEngine }, { db }] = await Promise.all([loadEngine(), data()]);
    engine ??= new SyncEngine({
      db: db(),
      appVersion: __APP_VERSION__,
      onStatus: (s) => {
        status.value = s;
        if (s.lastSyncAt) lastSyncAt.value = s.lastSyncAt;
        triggers?.retryAt(s.retryAt);
        if (s.phase === 'revoked' || s.phase === 'needsJoin') void membership.load();
        // The PIN left with the team's data.
        if (s.phase === 'revoked') void useLockStore().refresh();
        // The roster (facilitators of sessions) follows the team, checked every few minutes.
        if (s.phase === 'idle' && !useLockStore().locked) {
          membership.refreshRosterIfDue();
          // A head's dashboard records, built in idle time when the sync left none kept.
          void import('../reports/idleBuild').then((m) => m.scheduleReportBuild()).catch(() => undefined);
        }
      },
      // The team screens call the server with the membership they read: the new token, from now on.
      onTokenRenewed: () => void membership.load(),
      // Locking the phone mid-sync stops it before its next request; unlocking starts a sync.
      halted: () => useLockStore().locked,
    });
    return engine;
  }

  async function syncNow(): Promise<SyncStatus> {
    if (!membership.membership?.team) return status.value;
    // A locked phone does not sync: unlocking starts a sync.
    if (useLockStore().locked) return status.value;
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      status.value = { ...status.value, phase: 'offline' };
      return status.value;
    }
    return (await getEngine()).sync();
  }

  /** Starts the triggers once, at app start. */
  async function start(): Promise<void> {
    if (started) return;
    started = true;
    const mine = ++starts;
    const [{ getLastSync, liveQuery, pendingCount, attentionCount }, { installSyncTriggers }] = await Promise.all([data(), loadTriggers()]);
    lastSyncAt.value = await getLastSync().catch(() => undefined);
    await membership.load();
    if (!started || starts !== mine) return;
    let previous = -1;
    subs.push(
      liveQuery(() => pendingCount()).subscribe((n) => {
        // A local write queued something new: send it soon.
        if (previous >= 0 && n > previous) triggers?.afterWrite();
        previous = n;
        waiting.value = n;
      }),
      liveQuery(() => attentionCount()).subscribe((n) => (attention.value = n)),
    );
    triggers = installSyncTriggers({
      sync: () => void syncNow(),
      online: () =>
        void getEngine().then((e) => {
          e.resetBackoff();
          return syncNow();
        }),
      offline: () => (status.value = { ...status.value, phase: 'offline' }),
    });
    void syncNow();
  }

  /** Removes every trigger, timer and live count that `start` installed. */
  function stop(): void {
    started = false;
    for (const s of subs.splice(0)) s.unsubscribe();
    triggers?.remove();
    triggers = undefined;
  }

  /** The team's data left the device: nothing to sync until the next join. */
  function signedOut(): void {
    status.value = { phase: 'notJoined' };
  }

  /** Changes that would be lost by wiping the device now: waiting ones and those needing a person. */
  async function unsentCount(): Promise<number> {
    const { pendingCount, attentionCount } = await data();
    return (await pendingCount()) + (await attentionCount());
  }

  return {
    status: readonly(status),
    waiting: readonly(waiting),
    attention: readonly(attention),
    lastSyncAt: readonly(lastSyncAt),
    start,
    stop,
    syncNow,
    signedOut,
    unsentCount,
  };
});
