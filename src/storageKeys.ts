/** Every key this app keeps outside IndexedDB, in one place. */
export const STORAGE_KEYS = {
  language: 'cds.language',
  largeText: 'cds.largeText',
  demoMode: 'cds.demoMode',
  guideProgress: 'cds.guideProgress',
  installDismissedAt: 'cds.installDismissedAt',
  fieldWork: 'cds.fieldWork',
  teamSide: 'cds.teamSide',
  /** That this phone has an app-lock PIN (no secret): the lock screen shows before anything reads the database. */
  pinSet: 'cds.pinSet',
  lockAfterMinutes: 'cds.lockAfterMinutes',
} as const;

/**
 * The keys a wipe of the device keeps: display choices that say nothing about anyone. Wiping
 * removes every other key of the app's origin (sync/teamWipe.ts), so a key added later is wiped
 * unless it is listed here.
 */
export const KEPT_ON_WIPE: readonly string[] = [STORAGE_KEYS.language, STORAGE_KEYS.largeText, STORAGE_KEYS.installDismissedAt];

export const DB_NAMES = {
  main: 'cong-dong-so',
  demo: 'cong-dong-so-demo',
} as const;

/**
 * Keys of the forms' drafts (IndexedDB `drafts` table): the form, new or edit, and the record (or,
 * for a new member or visit, the household). Typed so a page cannot invent a key another reads.
 */
export type DraftKey =
  | 'household:new'
  | `household:edit:${string}`
  | `member:new:${string}`
  | `member:edit:${string}`
  | `visit:new:${string}`
  | `visit:edit:${string}`
  | 'session:new'
  | `session:edit:${string}`;
