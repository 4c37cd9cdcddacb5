import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/adapter';
import { hashInviteCode, newInviteCode } from './tokens';

export type Role = 'member' | 'head' | 'admin';

export async function communeByName(db: Queryable, name: string): Promise<string> {
  const found = await db.query<{ id: string }>('select id from communes where name = $1', [name]);
  if (found[0]) return found[0].id;
  const id = randomUUID();
  await db.query('insert into communes (id, name) values ($1, $2) on conflict (name) do nothing', [id, name]);
  const again = await db.query<{ id: string }>('select id from communes where name = $1', [name]);
  return again[0]!.id;
}

export interface InviteSpec {
  communeId: string;
  teamId: string | null;
  role: Role;
  maxUses: number;
  ttlHours: number;
  createdBy?: string;
}

export async function createInvite(db: Queryable, spec: InviteSpec): Promise<{ code: string; expiresAt: string }> {
  const code = newInviteCode();
  const expiresAt = new Date(Date.now() + spec.ttlHours * 3600_000).toISOString();
  await db.query(
    'insert into invites (code_hash, commune_id, team_id, role, max_uses, expires_at, created_by) values ($1, $2, $3, $4, $5, $6, $7)',
    [hashInviteCode(code), spec.communeId, spec.teamId, spec.role, spec.maxUses, expiresAt, spec.createdBy ?? null],
  );
  return { code, expiresAt };
}

/** A new team in a commune (created when no commune has that name) and a head invite for it. */
export async function createTeam(db: Database, commune: string, name: string): Promise<{ communeId: string; teamId: string; inviteCode: string }> {
  return db.transaction(async (tx) => {
    const communeId = await communeByName(tx, commune);
    const teamId = randomUUID();
    await tx.query('insert into teams (id, commune_id, name) values ($1, $2, $3)', [teamId, communeId, name]);
    await tx.query('insert into team_counters (team_id) values ($1)', [teamId]);
    const invite = await createInvite(tx, { communeId, teamId, role: 'head', maxUses: 5, ttlHours: 24 * 30 });
    return { communeId, teamId, inviteCode: invite.code };
  });
}

export async function createAdminInvite(db: Database, commune: string): Promise<{ communeId: string; inviteCode: string }> {
  return db.transaction(async (tx) => {
    const communeId = await communeByName(tx, commune);
    const invite = await createInvite(tx, { communeId, teamId: null, role: 'admin', maxUses: 1, ttlHours: 24 * 7 });
    return { communeId, inviteCode: invite.code };
  });
}

export async function countTeams(db: Queryable): Promise<number> {
  const rows = await db.query<{ n: number | string }>('select count(*) as n from teams');
  return Number(rows[0]?.n ?? 0);
}
