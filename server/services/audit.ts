/**
 * The audit log: who did what and when, for every record change (written by the push, push.ts)
 * and for the events below. It keeps the names of the fields written, never their values, so it
 * holds no personal data beyond the team accounts that acted (Law 91/2025: minimisation).
 */
import type { Queryable } from '../db/adapter';
import type { AuditEntry, AuditOp, AuditPage, Named } from '../../src/domain/wire';
import { AUDIT_LIMIT } from '../../src/domain/wire';
import type { Caller } from './auth';

export interface AuditEvent {
  /** The acting account; its team (null for a commune admin) and commune scope the row. */
  actor: Pick<Caller, 'userId' | 'deviceId' | 'teamId' | 'communeId'>;
  entity: string;
  op: AuditOp;
  recordId?: string | null;
  /** Field names only. */
  fields?: string[];
}

/** A commune admin's own events are kept under the nil UUID: the table stays keyed by team. */
const NO_TEAM = '00000000-0000-0000-0000-000000000000';

export async function recordEvent(db: Queryable, e: AuditEvent): Promise<void> {
  await db.query(
    `insert into audit_log (team_id, commune_id, record_id, entity, op, fields, user_id, device_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [e.actor.teamId ?? NO_TEAM, e.actor.communeId, e.recordId ?? null, e.entity, e.op, e.fields ? JSON.stringify([...e.fields].sort()) : null, e.actor.userId, e.actor.deviceId],
  );
}

interface Row {
  id: string | number;
  at: string | Date;
  team_id: string;
  entity: string;
  op: AuditOp;
  record_id: string | null;
  fields: unknown;
  user_id: string | null;
  user_name: string | null;
  device_id: string | null;
}

/**
 * A page of the audit, newest first: a head's team, or every team and the commune's own events
 * for an admin. The cursor is the last row's id; rows committed after a page was read appear on a
 * fresh first page, never in the middle of one already read.
 */
export async function auditPage(db: Queryable, caller: Pick<Caller, 'role' | 'teamId' | 'communeId'>, cursor: string | undefined, limit: number = AUDIT_LIMIT.default): Promise<AuditPage> {
  const byTeam = caller.role !== 'admin' && caller.teamId !== null;
  const rows = await db.query<Row>(
    `select a.id, a.at, a.team_id, a.entity, a.op, a.record_id, a.fields, a.user_id, u.name as user_name, a.device_id
     from audit_log a left join users u on u.id = a.user_id
     where ${byTeam ? 'a.team_id' : 'a.commune_id'} = $1 and ($2::bigint is null or a.id < $2::bigint)
     order by a.id desc
     limit $3`,
    [byTeam ? caller.teamId : caller.communeId, cursor ?? null, limit + 1],
  );
  const page = rows.slice(0, limit);
  const entries: AuditEntry[] = page.map((r) => ({
    id: String(r.id),
    at: new Date(r.at).toISOString(),
    teamId: r.team_id === NO_TEAM ? null : r.team_id,
    entity: r.entity,
    op: r.op,
    recordId: r.record_id,
    fields: Array.isArray(r.fields) ? r.fields.filter((f): f is string => typeof f === 'string') : [],
    user: r.user_id ? ({ id: r.user_id, name: r.user_name ?? '' } satisfies Named) : null,
    deviceId: r.device_id,
  }));
  return { entries, cursor: rows.length > limit ? String(page[page.length - 1]!.id) : null };
}
