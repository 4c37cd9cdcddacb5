/**
 * This device's membership of a team: joining with an invite, the roster, the team's users and
 * devices, invites, removing a device, and signing out. Network and database code load on first
 * use, after the first paint. Actions that reach the server answer the i18n key of what went
 * wrong, or `undefined`.
 */
import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import { readOnly } from '../../stores/readonlyState';
import type { DeviceMembership } from '../../sync/membership';
import type { Removal } from '../../sync/teamWipe';
import type { InviteInfo, TeamResponse, Transport } from '../../sync/transport';
import { useSyncStore } from '../sync/store';

const data = async () => {
  const [membership, users, wipe] = await Promise.all([import('../../sync/membership'), import('../../db/users'), import('../../sync/teamWipe')]);
  return { ...membership, ...users, ...wipe };
};
const loadTransport = () => import('../../sync/transport');

const ROSTER_EVERY_MS = 10 * 60_000;

export interface Invite {
  code: string;
  expiresAt: string;
  role: 'member' | 'head' | 'admin';
}

function deviceLabel(): string {
  const ua = navigator.userAgent;
  const android = /Android [\d.]+; ([^;)]+)/.exec(ua)?.[1];
  if (android) return android.trim().slice(0, 200);
  if (/iPhone/.test(ua)) return 'iPhone';
  return (navigator.platform || 'Browser').slice(0, 200);
}

export const useMembershipStore = defineStore('membership', () => {
  const membership = shallowRef<DeviceMembership | undefined>();
  /** Set when the team removed this phone: the app explains why it is empty. */
  const removal = shallowRef<Removal | undefined>();
  const team = shallowRef<TeamResponse | undefined>();
  const invite = shallowRef<Invite | undefined>();
  /** The team's open invites, for a head. */
  const invites = shallowRef<InviteInfo[]>([]);
  let rosterAt = 0;

  const joined = computed(() => !!membership.value?.team && !membership.value.needsRejoin);
  const isHead = computed(() => membership.value?.user.role === 'head');

  async function transport(): Promise<Transport> {
    const { Transport } = await loadTransport();
    return new Transport({ token: () => membership.value?.token });
  }

  /** Reads the membership stored on this device. */
  async function load(): Promise<DeviceMembership | undefined> {
    const d = await data();
    [membership.value, removal.value] = await Promise.all([d.getMembership(), d.getRemoval()]);
    return membership.value;
  }

  /** The person has read why the phone is empty. */
  async function dismissRemoval(): Promise<void> {
    await (await data()).clearRemoval();
    removal.value = undefined;
  }

  /**
   * The key of what went wrong with a call to the server: offline, or `failed`. A call answered
   * "this device was removed" wipes the team's data at once, as a sync would.
   */
  async function problemKey(e: unknown, failed: string, offline: string): Promise<string> {
    const { SyncHttpError } = await loadTransport();
    if (e instanceof SyncHttpError && e.status === 401 && e.code === 'DEVICE_REVOKED') {
      await (await data()).wipeTeamData(undefined, { removed: true });
      await load();
      team.value = undefined;
      invite.value = undefined;
      invites.value = [];
      return 'sync.errors.revoked';
    }
    return e instanceof SyncHttpError && e.status === 0 ? offline : failed;
  }

  /** Joins a team with an invite code; the device keeps working offline afterwards. */
  async function join(code: string, name: string): Promise<string | undefined> {
    const { Transport, SyncHttpError } = await loadTransport();
    try {
      const res = await new Transport().enroll(code.trim(), name.trim(), deviceLabel());
      const joinedNow: DeviceMembership = { token: res.token, user: res.user, team: res.team, commune: res.commune, joinedAt: new Date().toISOString() };
      const d = await data();
      await d.saveMembership(joinedNow);
      await d.clearRemoval();
      membership.value = joinedNow;
      removal.value = undefined;
    } catch (e) {
      if (e instanceof SyncHttpError && e.code === 'INVITE_INVALID') return 'join.invalid';
      if (e instanceof SyncHttpError && e.status === 429) return 'join.tooMany';
      return problemKey(e, 'join.failed', 'join.offline');
    }
    await refreshRoster();
    void useSyncStore().syncNow();
    return undefined;
  }

  /** The team's roster from the server (also the facilitators of sessions). */
  async function refreshRoster(): Promise<void> {
    const m = membership.value;
    if (!m?.team) return;
    try {
      const answer = await (await transport()).team();
      if (answer.users) await (await data()).replaceRoster(answer.users, m.user.id);
    } catch {
      // Offline: the roster on the device stays as it was.
    }
  }

  /** Refreshes the roster when the last refresh is more than a few minutes old. */
  function refreshRosterIfDue(): void {
    if (Date.now() - rosterAt <= ROSTER_EVERY_MS) return;
    rosterAt = Date.now();
    void refreshRoster();
  }

  /** The team's users and devices, for the team screen. */
  async function loadTeam(): Promise<string | undefined> {
    try {
      team.value = await (await transport()).team();
    } catch (e) {
      return problemKey(e, 'team.loadFailed', 'team.offline');
    }
    await refreshRoster();
    // The team is shown either way; an invite list that did not load stays as it was.
    if (isHead.value) await loadInvites();
    return undefined;
  }

  async function loadInvites(): Promise<string | undefined> {
    try {
      invites.value = (await (await transport()).invites()).invites;
      return undefined;
    } catch (e) {
      return problemKey(e, 'team.loadFailed', 'team.offline');
    }
  }

  /** Cancels an open invite: nobody joins with its code any more. */
  async function cancelInvite(id: string): Promise<string | undefined> {
    try {
      await (await transport()).cancelInvite(id);
    } catch (e) {
      return problemKey(e, 'team.cancelFailed', 'team.offline');
    }
    invites.value = invites.value.filter((i) => i.id !== id);
    return undefined;
  }

  /** Names a phone's model as its person calls it. */
  async function labelDevice(id: string, label: string): Promise<string | undefined> {
    try {
      const saved = await (await transport()).labelDevice(id, label.trim());
      const t = team.value;
      if (t?.team) {
        team.value = {
          ...t,
          ...(t.thisDevice?.id === id ? { thisDevice: { id, label: saved.label } } : {}),
          ...(t.devices ? { devices: t.devices.map((d) => (d.id === id ? { ...d, label: saved.label } : d)) } : {}),
        };
      }
      return undefined;
    } catch (e) {
      return problemKey(e, 'team.modelFailed', 'team.offline');
    }
  }

  async function createInvite(role: 'member' | 'head', maxUses: number, validDays: number): Promise<string | undefined> {
    try {
      invite.value = await (await transport()).createInvite(role, maxUses, validDays * 24);
      await loadInvites();
      return undefined;
    } catch (e) {
      return problemKey(e, 'team.inviteFailed', 'team.offline');
    }
  }

  /** Removes a device from the team: its team data is wiped on its next sync. */
  async function revokeDevice(id: string): Promise<string | undefined> {
    try {
      await (await transport()).revokeDevice(id);
      return undefined;
    } catch (e) {
      return problemKey(e, 'team.revokeFailed', 'team.offline');
    }
  }

  /** Tries to send everything first; reports what would be lost instead of wiping silently. */
  async function prepareSignOut(): Promise<number> {
    const sync = useSyncStore();
    await sync.syncNow();
    return sync.unsentCount();
  }

  /**
   * Wipes this device: the team's data and everything else the app stored (sync/teamWipe.ts
   * wipeDevice). The caller then restarts the app (restart.ts) so nothing stays in memory.
   */
  async function signOut(): Promise<void> {
    const sync = useSyncStore();
    // No trigger may start a sync against the database being deleted.
    sync.stop();
    const { wipeDevice } = await import('../../sync/teamWipe');
    await wipeDevice();
    membership.value = undefined;
    removal.value = undefined;
    team.value = undefined;
    invite.value = undefined;
    invites.value = [];
    sync.signedOut();
  }

  return {
    membership: readOnly(membership),
    removal: readOnly(removal),
    team: readOnly(team),
    invite: readOnly(invite),
    invites: readOnly(invites),
    joined,
    isHead,
    load,
    dismissRemoval,
    join,
    refreshRoster,
    refreshRosterIfDue,
    loadTeam,
    createInvite,
    loadInvites,
    cancelInvite,
    labelDevice,
    revokeDevice,
    prepareSignOut,
    signOut,
  };
});
