import type { OutboxRow } from '../db/rows';
import type { SyncState } from '../domain/sync';

/** A record's state follows from what still waits in the outbox for it. */
export function stateFrom(entries: OutboxRow[]): SyncState {
  if (entries.some((e) => e.state === 'rejected')) return 'rejected';
  if (entries.some((e) => e.state === 'conflict')) return 'conflict';
  return entries.length ? 'pending' : 'synced';
}
