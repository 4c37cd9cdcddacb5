/**
 * Every key of the `meta` table, in one place. Each says whether it belongs to the team: leaving
 * the team (a confirmed sign-out, or a revoked device) deletes every key marked `team`, so a new
 * key cannot be forgotten by the wipe.
 */
const META = {
  /** The UUID this installation sends as `deviceId`: the server remembers this device's numbers. */
  deviceId: { key: 'deviceId', team: false },
  /** The last per-device mutation sequence number; it never goes back, even across teams. */
  seq: { key: 'seq', team: false },
  /** The latest publication number of the guides the server published (guides are public). */
  guidesSince: { key: 'guidesSince', team: false },
  /**
   * That the team removed this phone (its data was wiped): kept across the wipe and reloads, so
   * the app can say why it is empty until the person joins again or dismisses it.
   */
  removal: { key: 'removal', team: false },
  /** Who uses this phone (a team user once joined). */
  currentUserId: { key: 'currentUserId', team: true },
  /** The device's membership of a team; stored under its first name, so joined devices keep it. */
  membership: { key: 'session', team: true },
  pullCursor: { key: 'pullCursor', team: true },
  lastSyncAt: { key: 'lastSyncAt', team: true },
  /** A discarded edit asks for the team's data again from the beginning. */
  repullNeeded: { key: 'repullNeeded', team: true },
  /** The re-pull after a server restore in progress (it survives an interrupted sync). */
  resetMarker: { key: 'resetMarker', team: true },
  /** The app lock: the data key wrapped by the PIN (lock/pin.ts). The team's data goes with it. */
  lockVault: { key: 'lockVault', team: true },
  /** When the rows written before the PIN were sealed (src/db/sealStored.ts): done once. */
  sealedAt: { key: 'sealedAt', team: true },
  /**
   * The household list's first page by name, sealed, with the change token it was read at
   * (db/listHead.ts): after unlocking, the first rows come from one decryption.
   */
  listHead: { key: 'listHead', team: true },
  /** Wrong PINs in a row and when the last was typed: the wait survives a reload. */
  lockFailures: { key: 'lockFailures', team: true },
  /** The last copy of the commune's report indicators and targets, for the dashboard offline. */
  reportSettings: { key: 'reportSettings', team: true },
  /** Changes with every write to the records the indicators count (db/changeToken.ts). */
  reportDataToken: { key: 'reportDataToken', team: true },
  /** The dashboard's last figures, with the token they were counted at (db/reportData.ts). */
  reportKept: { key: 'reportKept', team: true },
  /**
   * The records the dashboard counts, only the fields it reads (the households' consent sealed),
   * with the token they were read at (db/reportData.ts); and the ids written since (db/changeToken.ts).
   */
  reportRecords: { key: 'reportRecords', team: true },
  reportChanges: { key: 'reportChanges', team: true },
} as const satisfies Record<string, { key: string; team: boolean }>;

type MetaName = keyof typeof META;

/** The stored key of each `meta` entry, by name. */
export const META_KEYS = Object.fromEntries(Object.entries(META).map(([name, d]) => [name, d.key])) as {
  readonly [N in MetaName]: (typeof META)[N]['key'];
};

export type MetaKey = (typeof META)[MetaName]['key'];

/** The keys that belong to the team, which leaving it deletes. */
export const TEAM_META_KEYS: readonly MetaKey[] = Object.values(META)
  .filter((d) => d.team)
  .map((d) => d.key);
