/**
 * The app lock: whether a PIN is set, whether the app is unlocked, and locking after a time
 * without use. The team's screens and sync wait while locked; the citizen guides never do. The
 * keys themselves are lock/vault.ts', loaded when first needed.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { readOnly } from '../../stores/readonlyState';
import { STORAGE_KEYS } from '../../storageKeys';
import { useMembershipStore } from '../team/store';
import { useSyncStore } from '../sync/store';
import { afterPaint, whenIdle } from '../../modules/afterPaint';

const vault = () => import('../../lock/vault');
const pins = () => import('../../lock/pin');

export const LOCK_AFTER_CHOICES = [1, 2, 5, 10, 15, 30] as const;
const DEFAULT_LOCK_AFTER = 5;

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Private mode: the database check below still finds the PIN.
  }
}

export type PinProblem = 'lock.errors.format' | 'lock.errors.simple' | 'lock.errors.mismatch';

export const useLockStore = defineStore('lock', () => {
  const pinSet = ref(read(STORAGE_KEYS.pinSet) === '1');
  const unlocked = ref(false);
  /** Read from the device: joined a team but no PIN yet (set after `refresh`). */
  const needsPin = ref(false);
  const lockAfterMinutes = ref(Number(read(STORAGE_KEYS.lockAfterMinutes)) || DEFAULT_LOCK_AFTER);
  let lastActive = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let removeListeners: (() => void) | undefined;

  const locked = computed(() => pinSet.value && !unlocked.value);

  function markPinSet(on: boolean): void {
    pinSet.value = on;
    write(STORAGE_KEYS.pinSet, on ? '1' : null);
  }

  /** Reads the device: is there a PIN, and does a joined phone still need one? */
  async function refresh(): Promise<void> {
    const stored = !!(await (await vault()).getVault());
    if (stored !== pinSet.value) {
      markPinSet(stored);
      if (!stored) unlocked.value = false;
    }
    const membership = useMembershipStore();
    if (!membership.membership) await membership.load();
    needsPin.value = membership.joined && !stored;
  }

  /** What is wrong with a new PIN and its confirmation, if anything. */
  async function checkNewPin(pin: string, confirm: string): Promise<PinProblem | undefined> {
    const { isValidPin, isTooSimple } = await pins();
    if (!isValidPin(pin)) return 'lock.errors.format';
    if (isTooSimple(pin)) return 'lock.errors.simple';
    if (pin !== confirm) return 'lock.errors.mismatch';
    return undefined;
  }

  async function setPin(pin: string): Promise<void> {
    await (await vault()).setPin(pin);
    markPinSet(true);
    needsPin.value = false;
    unlocked.value = true;
    touch();
    // The screen asked for is painted first; the sync it would compete with waits for that.
    void afterPaint()
      .then(() => whenIdle(1000))
      .then(() => useSyncStore().syncNow());
  }

  /** `undefined` when unlocked; otherwise when the next try is allowed (0: now). */
  async function unlock(pin: string): Promise<{ waitUntil: number } | undefined> {
    const result = await (await vault()).unlock(pin);
    if (!result.ok) return { waitUntil: result.waitUntil };
    unlocked.value = true;
    touch();
    // The screen asked for is painted first; the sync it would compete with waits for that.
    // Then, offline too, a head's dashboard records are built in idle time when none are kept.
    void afterPaint()
      .then(() => whenIdle(1000))
      .then(() => useSyncStore().syncNow())
      .finally(() => void import('../reports/idleBuild').then((m) => m.scheduleReportBuild()).catch(() => undefined));
    return undefined;
  }

  async function nextTryAt(): Promise<number> {
    return (await vault()).nextTryAt();
  }

  async function changePin(oldPin: string, newPin: string): Promise<boolean> {
    return (await vault()).changePin(oldPin, newPin);
  }

  function lock(): void {
    if (!pinSet.value) return;
    unlocked.value = false;
    void vault().then((v) => v.forgetKey());
  }

  /** "Forgot PIN": the team's data leaves the phone; joining again brings it back from the server. */
  async function forgetAndWipe(): Promise<void> {
    await useMembershipStore().signOut();
    markPinSet(false);
    unlocked.value = false;
    needsPin.value = false;
  }

  function setLockAfter(minutes: number): void {
    lockAfterMinutes.value = minutes;
    write(STORAGE_KEYS.lockAfterMinutes, String(minutes));
    touch();
  }

  /** Someone used the app: the inactivity clock starts again. */
  function touch(now = Date.now()): void {
    lastActive = now;
    if (timer) clearTimeout(timer);
    if (!pinSet.value || !unlocked.value) return;
    timer = setTimeout(() => lock(), lockAfterMinutes.value * 60_000);
  }

  /** Locks when the app comes back after longer than the setting (timers sleep in a hidden tab). */
  function checkIdle(now = Date.now()): void {
    if (now - lastActive >= lockAfterMinutes.value * 60_000) lock();
    else touch(now);
  }

  /** Watches for use of the app: taps, keys, and the tab coming back into view. */
  function watchActivity(): () => void {
    removeListeners?.();
    const onUse = () => touch();
    const onVisibility = () => {
      if (document.visibilityState === 'visible') checkIdle();
    };
    for (const type of ['pointerdown', 'keydown']) window.addEventListener(type, onUse, { passive: true });
    document.addEventListener('visibilitychange', onVisibility);
    touch();
    removeListeners = () => {
      for (const type of ['pointerdown', 'keydown']) window.removeEventListener(type, onUse);
      document.removeEventListener('visibilitychange', onVisibility);
      if (timer) clearTimeout(timer);
      timer = undefined;
      removeListeners = undefined;
    };
    return removeListeners;
  }

  return {
    pinSet: readOnly(pinSet),
    unlocked: readOnly(unlocked),
    needsPin: readOnly(needsPin),
    lockAfterMinutes: readOnly(lockAfterMinutes),
    locked,
    refresh,
    checkNewPin,
    setPin,
    unlock,
    nextTryAt,
    changePin,
    lock,
    forgetAndWipe,
    setLockAfter,
    touch,
    checkIdle,
    watchActivity,
  };
});
