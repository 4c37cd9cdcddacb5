import { STORAGE_KEYS } from '../../storageKeys';

/**
 * Whether this phone opens on the team's Today screen rather than the citizen's guides: once it
 * has been used for team work (a team screen opened, joined a team, field work seen on Today) or
 * its owner said "I am a member of the digital-technology team". Kept outside IndexedDB so the
 * first screen is chosen before the database opens.
 */
export function isTeamSide(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEYS.teamSide) === '1' || localStorage.getItem(STORAGE_KEYS.fieldWork) === '1';
  } catch {
    return false;
  }
}

export function markTeamSide(): void {
  try {
    localStorage.setItem(STORAGE_KEYS.teamSide, '1');
  } catch {
    // Private mode: the choice lasts while the app is open.
  }
}
