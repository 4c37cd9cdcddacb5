/**
 * A head erases a household, or one person of it, on the server when they ask for it (Law
 * 91/2025). Online only and never queued; this phone loses the records with the pull that follows,
 * the team's other phones with their next sync. Answers the i18n key of what went wrong, if anything.
 */
import type { ErasedEntity } from '../../sync/eraseApi';
import { useMembershipStore } from '../team/store';
import { useSyncStore } from '../sync/store';

const loadApi = () => Promise.all([import('../../sync/eraseApi'), import('../../sync/transport')]);

export type ErasureProblem = 'household.eraseOffline' | 'household.eraseNotAllowed' | 'household.eraseNotOnServer' | 'household.eraseFailed';

export function isOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

export function useErasure() {
  const membership = useMembershipStore();
  const sync = useSyncStore();

  async function erase(entity: ErasedEntity, id: string): Promise<ErasureProblem | undefined> {
    if (!membership.joined || !membership.isHead) return 'household.eraseNotAllowed';
    if (isOffline()) return 'household.eraseOffline';
    const [{ eraseApi }, { SyncHttpError }] = await loadApi();
    // What this phone has not sent about the record goes first: nothing queued here can bring
    // back, after the erasure, a value the erasure blanked.
    await sync.syncNow();
    try {
      await eraseApi({ token: () => membership.membership?.token }).erase(entity, id);
    } catch (e) {
      if (!(e instanceof SyncHttpError)) throw e;
      if (e.status === 0) return 'household.eraseOffline';
      if (e.status === 404) return 'household.eraseNotOnServer';
      if (e.status === 403) return 'household.eraseNotAllowed';
      return 'household.eraseFailed';
    }
    // The pull brings the tombstones: the records leave this phone now. Not awaited: the page
    // showing the record must hear of the erasure before the record leaves it.
    void sync.syncNow();
    return undefined;
  }

  return { erase };
}
