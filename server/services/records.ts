/** Row access for synced records, always scoped by team. */
import type { Queryable } from '../db/adapter';

export interface RecordRow {
  team_id: string;
  id: string;
  entity: string;
  version: number;
  deleted: boolean;
  data: Record<string, unknown> | null;
  field_versions: Record<string, number>;
  server_seq: number;
  created_by: string | null;
  updated_by: string | null;
  updated_at: string | Date;
}

export async function findRecord(tx: Queryable, teamId: string, id: string): Promise<RecordRow | undefined> {
  const rows = await tx.query<RecordRow>('select * from records where team_id = $1 and id = $2', [teamId, id]);
  const r = rows[0];
  return r ? { ...r, version: Number(r.version), server_seq: Number(r.server_seq) } : undefined;
}

export async function idUsedByOtherTeam(tx: Queryable, teamId: string, id: string): Promise<boolean> {
  const rows = await tx.query('select 1 from records where id = $1 and team_id <> $2 limit 1', [id, teamId]);
  return rows.length > 0;
}

export async function insertRecord(
  tx: Queryable,
  r: { teamId: string; id: string; entity: string; data: Record<string, unknown>; fieldVersions: Record<string, number>; serverSeq: number; userId: string },
): Promise<void> {
  await tx.query(
    `insert into records (team_id, id, entity, version, deleted, data, field_versions, server_seq, created_by, updated_by)
     values ($1, $2, $3, 1, false, $4, $5, $6, $7, $7)`,
    [r.teamId, r.id, r.entity, JSON.stringify(r.data), JSON.stringify(r.fieldVersions), r.serverSeq, r.userId],
  );
}

export async function updateRecord(
  tx: Queryable,
  r: { teamId: string; id: string; version: number; deleted: boolean; data: Record<string, unknown> | null; fieldVersions: Record<string, number>; serverSeq: number; userId: string },
): Promise<void> {
  await tx.query(
    `update records set version = $3, deleted = $4, data = $5, field_versions = $6, server_seq = $7, updated_by = $8, updated_at = now()
     where team_id = $1 and id = $2`,
    [r.teamId, r.id, r.version, r.deleted, r.data === null ? null : JSON.stringify(r.data), JSON.stringify(r.fieldVersions), r.serverSeq, r.userId],
  );
}

/**
 * Live records of the team whose `field` (householdId, memberId) is one of `ids`, in the order
 * they last changed (a cascade tombstones them in that order; change numbers are unique in a team).
 */
export async function childrenOf(tx: Queryable, teamId: string, entity: string, field: 'householdId' | 'memberId', ids: string[]): Promise<RecordRow[]> {
  if (ids.length === 0) return [];
  // One probe of records_household / records_member per parent (see the note in pushBatch.ts):
  // the probe states the index's condition (`data ? field`), without which the index cannot serve
  // it, and the entity is filtered outside, where no (team, entity) index can be chosen instead —
  // each would read every live record of the entity in the team.
  const rows = await tx.query<RecordRow>(
    `select r.* from unnest($3::text[]) q(parent)
       cross join lateral (select * from records where team_id = $1 and data ? '${field}' and data->>'${field}' = q.parent and not deleted offset 0) r
     where r.entity = $2 order by r.server_seq`,
    [teamId, entity, [...new Set(ids)]],
  );
  return rows.map((r) => ({ ...r, version: Number(r.version), server_seq: Number(r.server_seq) }));
}

export async function deletedAmong(tx: Queryable, teamId: string, ids: string[]): Promise<boolean> {
  if (ids.length === 0) return false;
  const rows = await tx.query('select 1 from records where team_id = $1 and id = any($2::uuid[]) and deleted limit 1', [teamId, ids]);
  return rows.length > 0;
}
