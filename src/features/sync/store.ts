/**
 * Wires the sync engine to the app: when to sync (start, a local write, back online, the tab
 * shown again, every minute while visible, "Sync now"), and the state people see.
 */
import { defineStore } from 'pinia';
import { computed, readonly, ref, shallowRef } from 'vue';
import type { Subscription } from 'dexie';
import type { SyncEngine, SyncStatus } from '../../sync/engine';
import type { EnrollResponse } from '../../sync/transport';
import type { DeviceMembership as DeviceSession } from '../../sync/membership';

// Everything that touches the database loads after the first paint: the header never waits.
const data = async () => {
  const [{ liveQuery }, { db }, membership, progress, counts, users] = await Promise.all([
    import('dexie'),
    import('../../db/database'),
    import('../../sync/membership'),
    import('../../sync/progress'),
    import('../../sync/outboxCounts'),
    import('../../db/users'),
  ]);
  return { liveQuery, db, getSession: membership.getMembership, saveSession: membership.saveMembership, getLastSync: progress.getLastSync, ...counts, ...users };
};

// The engine and the HTTP client load on the first sync, after the first paint.
const loadEngine = () => import('../../sync/engine');
const loadTransport = () => import('../../sync/transport');

const WRITE_DEBOUNCE_MS = 2000;
const PERIODIC_MS = 60_000;
const ROSTER_EVERY_MS = 10 * 60_000;
let rosterAt = 0;

function deviceLabel(): string {
  const ua = navigator.userAgent;
  const android = /Android [\d.]+; ([^;)]+)/.exec(ua)?.[1];
  if (android) return android.trim().slice(0, 200);
  if (/iPhone/.test(ua)) return 'iPhone';
  return (navigator.platform || 'Browser').slice(0, 200);
}

export const useSyncStore = defineStore('sync', () => {
  const status = shallowRef<SyncStatus>({ phase: 'idle' });
  const session = shallowRef<DeviceSession | undefined>();
  const waiting = ref(0);
  const attention = ref(0);
  const lastSyncAt = ref<string | undefined>();
  let engine: SyncEngine | undefined;
  let started = false;
  let writeTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let periodic: ReturnType<typeof setInterval> | undefined;
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
        if (retryTimer) clearTimeout(retryTimer);
        if (s.retryAt) retryTimer = setTimeout(() => void syncNow(), Math.max(0, s.retryAt - Date.now()));
        if (s.phase === 'revoked' || s.phase === 'needsJoin') void loadSession();
        // The roster (facilitators of sessions) follows the team, checked every few minutes.
        if (s.phase === 'idle' && Date.now() - rosterAt > ROSTER_EVERY_MS) {
          rosterAt = Date.now();
          void refreshRoster();
        }
      },
    });
    return engine;
  }

  async function loadSession(): Promise<DeviceSession | undefined> {
    session.value = await (await data()).getSession();
    return session.value;
  }

  async function syncNow(): Promise<SyncStatus> {
    if (!session.value?.team) return status.value;
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      status.value = { ...status.value, phase: 'offline' };
      return status.value;
    }
    return (await getEngine()).sync();
  }

  function scheduleAfterWrite(): void {
    if (writeTimer) clearTimeout(writeTimer);
    writeTimer = setTimeout(() => void syncNow(), WRITE_DEBOUNCE_MS);
  }

  /** Starts the triggers once, at app start. */
  async function start(): Promise<void> {
    if (started) return;
    started = true;
    const { getLastSync, liveQuery, pendingCount, attentionCount } = await data();
    lastSyncAt.value = await getLastSync().catch(() => undefined);
    await loadSession();
    let previous = -1;
    subs.push(
      liveQuery(() => pendingCount()).subscribe((n) => {
        // A local write queued something new: send it soon.
        if (previous >= 0 && n > previous) scheduleAfterWrite();
        previous = n;
        waiting.value = n;
      }),
      liveQuery(() => attentionCount()).subscribe((n) => (attention.value = n)),
    );
    window.addEventListener('online', () => {
      void getEngine().then((e) => {
        e.resetBackoff();
        return syncNow();
      });
    });
    window.addEventListener('offline', () => (status.value = { ...status.value, phase: 'offline' }));
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') void syncNow();
    });
    periodic = setInterval(() => {
      if (document.visibilityState === 'visible') void syncNow();
    }, PERIODIC_MS);
    void syncNow();
  }

  function stop(): void {
    for (const s of subs.splice(0)) s.unsubscribe();
    if (periodic) clearInterval(periodic);
    started = false;
  }

  /** Joins a team with an invite code; the device keeps working offline afterwards. */
  async function join(code: string, name: string): Promise<EnrollResponse> {
    const { Transport } = await loadTransport();
    const transport = new Transport();
    const res = await transport.enroll(code.trim(), name.trim(), deviceLabel());
    const s: DeviceSession = { token: res.token, user: res.user, team: res.team, commune: res.commune, joinedAt: new Date().toISOString() };
    await (await data()).saveSession(s);
    session.value = s;
    await refreshRoster();
    void syncNow();
    return res;
  }

  /** The team's roster from the server (also the facilitators of sessions). */
  async function refreshRoster(): Promise<void> {
    const s = session.value;
    if (!s?.team) return;
    try {
      const { Transport } = await loadTransport();
      const team = await new Transport({ token: () => s.token }).team();
      if (team.users) await (await data()).replaceRoster(team.users, s.user.id);
    } catch {
      // Offline: the roster on the device stays as it was.
    }
  }

  /** Tries to send everything first; reports what would be lost instead of wiping silently. */
  async function prepareSignOut(): Promise<number> {
    await syncNow();
    const { pendingCount, attentionCount } = await data();
    return (await pendingCount()) + (await attentionCount());
  }

  async function signOut(): Promise<void> {
    const { wipeTeamData } = await import('../../sync/teamWipe');
    await wipeTeamData();
    session.value = undefined;
    status.value = { phase: 'notJoined' };
  }

  const joined = computed(() => !!session.value?.team && !session.value.needsRejoin);
  const isHead = computed(() => session.value?.user.role === 'head');

  return {
    status: readonly(status),
    session: readonly(session),
    waiting: readonly(waiting),
    attention: readonly(attention),
    lastSyncAt: readonly(lastSyncAt),
    joined,
    isHead,
    start,
    stop,
    syncNow,
    join,
    refreshRoster,
    prepareSignOut,
    signOut,
    loadSession,
  };
});
