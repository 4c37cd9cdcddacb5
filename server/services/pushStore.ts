/**
 * What the push rules (push.ts) read and write, behind one interface with two implementations:
 * `sqlStore` here, one query per question (the per-mutation path, under a savepoint each), and
 * `BatchStore` (pushBatch.ts), which answers from a prefetched view and writes once per batch.
 * The rules are the same code either way, so both paths give the same answers.
 */
import type { Queryable } from '../db/adapter';
import { childrenOf, deletedAmong, findRecord, idUsedByOtherTeam, insertRecord, updateRecord, type RecordRow } from './records';
import type { Outcome } from './push';

export interface NewRecord {
  id: string;
  entity: string;
  data: Record<string, unknown>;
  fieldVersions: Record<string, number>;
  serverSeq: number;
}

export interface RecordChange {
  id: string;
  version: number;
  deleted: boolean;
  data: Record<string, unknown> | null;
  fieldVersions: Record<string, number>;
  serverSeq: number;
}

export interface AuditEntry {
  serverSeq: number;
  recordId: string;
  entity: string;
  op: string;
  /** The names of the fields written, sorted; never their values. */
  fields: string[] | undefined;
  mid: string | null;
  clientTs: string | null;
}

export interface MutationEntry {
  /** Lowercase. */
  mid: string;
  seq: number;
  entity: string;
  recordId: string;
  result: Outcome;
}

/** One caller's view of its team's records and answered mutations, inside the push transaction. */
export interface PushStore {
  find(id: string): Promise<RecordRow | undefined>;
  usedByOtherTeam(id: string): Promise<boolean>;
  anyDeleted(ids: string[]): Promise<boolean>;
  /** Live records of `entity` whose `field` is one of `ids` (as text, like `data->>field`). */
  children(entity: string, field: 'householdId' | 'memberId', ids: string[]): Promise<RecordRow[]>;
  insert(r: NewRecord): Promise<void>;
  update(r: RecordChange): Promise<void>;
  audit(e: AuditEntry): Promise<void>;
  /** The answer stored for a mid (lowercase) already seen in this scope. */
  answered(mid: string): Promise<Outcome | undefined>;
  /** Whether this device already sent a mutation with this seq. */
  seqTaken(seq: number): Promise<boolean>;
  remember(e: MutationEntry): Promise<void>;
}

export interface StoreScope {
  /** The caller's team, or the nil UUID for callers without one (their mutations are remembered there). */
  scope: string;
  /** The caller's team ('' for admins). */
  teamId: string;
  userId: string;
  /** The authenticated device (its token), as the audit records it. */
  deviceId: string;
  /**
   * The key this installation's `seq`s are kept under: derived from the authenticated device and
   * the `deviceId` the body names, so a teammate naming another installation's id cannot use up
   * or collide with that installation's numbers (seqKey() in push.ts).
   */
  seqKey: string;
}

/** Every question is a query on the transaction: the per-mutation path. */
export function sqlStore(tx: Queryable, s: StoreScope): PushStore {
  return {
    find: (id) => findRecord(tx, s.teamId, id),
    usedByOtherTeam: (id) => idUsedByOtherTeam(tx, s.teamId, id),
    anyDeleted: (ids) => deletedAmong(tx, s.teamId, ids),
    children: (entity, field, ids) => childrenOf(tx, s.teamId, entity, field, ids),
    insert: (r) => insertRecord(tx, { ...r, teamId: s.teamId, userId: s.userId }),
    update: (r) => updateRecord(tx, { ...r, teamId: s.teamId, userId: s.userId }),
    async audit(e) {
      await tx.query(
        `insert into audit_log (team_id, server_seq, record_id, entity, op, fields, user_id, device_id, mid, client_ts)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [s.teamId, e.serverSeq, e.recordId, e.entity, e.op, e.fields === undefined ? null : JSON.stringify(e.fields), s.userId, s.deviceId, e.mid, e.clientTs],
      );
    },
    async answered(mid) {
      const rows = await tx.query<{ result: Outcome }>('select result from mutations where team_id = $1 and mid = $2', [s.scope, mid]);
      return rows[0]?.result;
    },
    async seqTaken(seq) {
      const rows = await tx.query('select 1 from mutations where team_id = $1 and device_id = $2 and seq = $3', [s.scope, s.seqKey, seq]);
      return rows.length > 0;
    },
    async remember(e) {
      await tx.query('insert into mutations (team_id, mid, device_id, seq, entity, record_id, result) values ($1, $2, $3, $4, $5, $6, $7)', [
        s.scope,
        e.mid,
        s.seqKey,
        e.seq,
        e.entity,
        e.recordId,
        JSON.stringify(e.result),
      ]);
    },
  };
}
