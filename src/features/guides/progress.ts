/** A citizen's progress through a guide: on this device only, no account, never synced. */
import { STORAGE_KEYS } from '../../storageKeys';

export interface GuideProgress {
  done: string[];
  /** Index of the step to resume at. */
  current: number;
  updatedAt: string;
  /** What "continue where you left off" shows without loading the guide (absent before 2026-12). */
  slug?: string;
  title?: { vi: string; en: string };
  total?: number;
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

/** Whether the person has been through this guide before: it reopens where they left it. */
export function hasProgress(guideId: string): boolean {
  const p = readAll()[guideId];
  return !!p && (p.current > 0 || p.done.length > 0);
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

export interface UnfinishedGuide {
  id: string;
  slug: string;
  title: { vi: string; en: string };
  /** The step to continue at, counted from 1. */
  step: number;
  total: number;
}

/** Guides started and not finished, the most recent first. */
export function unfinishedGuides(limit = 3): UnfinishedGuide[] {
  return Object.entries(readAll())
    .filter(([, p]) => p.slug && p.title && p.total && p.done.length < p.total && (p.current > 0 || p.done.length > 0))
    .sort(([, a], [, b]) => b.updatedAt.localeCompare(a.updatedAt))
    .slice(0, limit)
    .map(([id, p]) => ({ id, slug: p.slug!, title: p.title!, step: Math.min(p.current + 1, p.total!), total: p.total! }));
}
