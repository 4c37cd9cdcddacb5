/** Every key this app keeps outside IndexedDB, in one place. */
export const STORAGE_KEYS = {
  language: 'cds.language',
  largeText: 'cds.largeText',
  demoMode: 'cds.demoMode',
  guideProgress: 'cds.guideProgress',
  installDismissedAt: 'cds.installDismissedAt',
  fieldWork: 'cds.fieldWork',
  teamSide: 'cds.teamSide',
} as const;

export const DB_NAMES = {
  main: 'cong-dong-so',
  demo: 'cong-dong-so-demo',
} as const;
