/** Types of the sync contract (../shared/spec/sync-protocol.md), shared by app and server. */
import type { EntityName } from './vocab';

export type MutationOp = 'create' | 'patch' | 'delete';

export interface Mutation {
  mid: string;
  seq: number;
  entity: EntityName;
  op: MutationOp;
  id: string;
  baseVersion?: number | null;
  fields?: Record<string, unknown>;
  clientTs: string;
}

export type SyncState = 'pending' | 'synced' | 'conflict' | 'rejected';
