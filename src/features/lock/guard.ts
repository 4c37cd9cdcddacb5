import type { RouteLocationNormalized, RouteLocationRaw } from 'vue-router';
import { useLockStore } from './store';
import { isTeamSide } from '../home/teamSide';

/**
 * Whether a screen shows the team's data, and so waits for the PIN. The citizen's screens (the
 * guides, and the home screen of a phone not used for team work) never do; neither do joining
 * and the lock screen itself.
 */
export function behindLock(to: RouteLocationNormalized): boolean {
  if (to.name === 'lock' || to.name === 'join') return false;
  if (to.name === 'today') return isTeamSide();
  return !to.meta.citizen;
}

/** The router's check before a screen: the team's screens wait for the PIN; a joined phone without one sets it first. */
export function lockGuard(to: RouteLocationNormalized): RouteLocationRaw | undefined {
  if (!behindLock(to)) return undefined;
  const lock = useLockStore();
  if (lock.locked) return { name: 'lock', query: { next: to.fullPath } };
  if (lock.needsPin && to.name !== 'pin') return { name: 'pin', query: { next: to.fullPath } };
  return undefined;
}
