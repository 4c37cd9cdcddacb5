/**
 * Retention of push answers. A conflict answer holds the server's values and a rejected one what
 * was refused; both are kept only so that a device re-sending a mutation whose answer it lost gets
 * the same answer. After `days` they are deleted: a device silent that long re-sends and the rules
 * decide again (the same conflicts, since field versions only grow; nothing applies twice).
 * Applied answers hold no values and stay, so an applied mutation is never applied again.
 * A conflict answer also loses its values as soon as its record is deleted (the trigger in
 * migration 20261206194000).
 */
import type { Queryable } from '../db/adapter';

const DAY_MS = 24 * 3600_000;
/** Often enough that nothing outlives its time by more than an hour. */
export const PRUNE_EVERY_MS = 3600_000;

/** Deletes the conflict and rejected answers received more than `days` before `now`; how many. */
export async function pruneAnswers(db: Queryable, days: number, now: Date = new Date()): Promise<number> {
  const before = new Date(now.getTime() - days * DAY_MS).toISOString();
  // The predicate is the partial index's (mutations_unapplied_received), so only those rows are read.
  const rows = await db.query(`delete from mutations where result->>'status' <> 'applied' and received_at < $1 returning 1`, [before]);
  return rows.length;
}

/** Prunes now and then every hour until stopped; the timer never keeps the process alive. */
export function startRetention(db: Queryable, days: number, onError: (e: unknown) => void): () => void {
  const run = () => void pruneAnswers(db, days).catch(onError);
  run();
  const timer = setInterval(run, PRUNE_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
