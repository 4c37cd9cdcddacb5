import type { TFunction } from 'i18next';
import type { PullProgress } from '../../sync/progress';

/** The words beside the sync's progress bar: records received, of how many, and about how long is left. */
export function progressWords(p: PullProgress, t: TFunction, language: string): string {
  const count = (n: number) => n.toLocaleString(language);
  if (p.total === undefined) return t('sync.receivedSoFar', { received: count(p.received) });
  const received = t('sync.received', { received: count(p.received), total: count(p.total) });
  if (p.etaMs === undefined) return received;
  const seconds = Math.ceil(p.etaMs / 1000);
  const left = seconds < 60 ? t('sync.secondsLeft', { count: Math.max(1, seconds) }) : t('sync.minutesLeft', { count: Math.ceil(seconds / 60) });
  return `${received} · ${left}`;
}
