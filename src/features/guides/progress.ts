/** A citizen's progress through a guide: on this device only, no account, never synced. */
import { STORAGE_KEYS } from '../../storageKeys';

export interface GuideProgress {
  done: string[];
  /** Index of the step to resume at. */
  current: number;
  updatedAt: string;
}

function readAll(): Record<string, GuideProgress> {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEYS.guideProgress) ?? '{}') as Record<string, GuideProgress>;
  } catch {
    return {};
  }
}

export function getProgress(guideId: string): GuideProgress {
  return readAll()[guideId] ?? { done: [], current: 0, updatedAt: '' };
}

export function saveProgress(guideId: string, progress: Omit<GuideProgress, 'updatedAt'>): void {
  const all = readAll();
  all[guideId] = { ...progress, updatedAt: new Date().toISOString() };
  try {
    localStorage.setItem(STORAGE_KEYS.guideProgress, JSON.stringify(all));
  } catch {
    // Private mode or a full disk: progress lasts for this visit only.
  }
}
