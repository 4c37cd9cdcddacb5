import { STORAGE_KEYS } from '../../storageKeys';

/**
 * Whether this phone is used for field work (it is in a team, or has visits or follow-ups), as
 * the Today screen last saw it. Kept outside IndexedDB so the screen can be laid out before the
 * database opens.
 */
export function readFieldWorkHint(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEYS.fieldWork) === '1';
  } catch {
    return false;
  }
}

export function writeFieldWorkHint(on: boolean): void {
  try {
    if (on) localStorage.setItem(STORAGE_KEYS.fieldWork, '1');
    else localStorage.removeItem(STORAGE_KEYS.fieldWork);
  } catch {
    // Private mode: the default layout.
  }
}
