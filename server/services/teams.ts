import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/adapter';
import type { DeviceInfo, InviteResponse, Named, Role, SessionUser, TeamResponse } from '../../src/domain/wire';
import type { Caller } from './auth';
import { hashInviteCode, newInviteCode } from './tokens';

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

export async function createInvite(db: Queryable, spec: InviteSpec): Promise<InviteResponse> {
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

/** A team user sees its team and users (a head also the devices); an admin the commune's teams. */
export async function teamOverview(db: Queryable, caller: Caller): Promise<TeamResponse> {
  if (caller.role === 'admin' || !caller.teamId) {
    const commune = (await db.query<Named>('select id, name from communes where id = $1', [caller.communeId]))[0]!;
    const teams = await db.query<Named>('select id, name from teams where commune_id = $1 order by name', [caller.communeId]);
    return { commune, teams };
  }
  const team = (await db.query<Named>('select id, name from teams where id = $1', [caller.teamId]))[0]!;
  const users = await db.query<SessionUser>('select id, name, role from users where team_id = $1 order by name', [caller.teamId]);
  if (caller.role !== 'head') return { team, users };
  const devices = await db.query<Omit<DeviceInfo, 'lastSeenAt'> & { lastSeenAt: string | Date | null }>(
    `select id, user_id as "userId", label, last_seen_at as "lastSeenAt", revoked_at is not null as revoked
     from devices where team_id = $1 order by created_at`,
    [caller.teamId],
  );
  return { team, users, devices: devices.map((d) => ({ ...d, lastSeenAt: d.lastSeenAt ? new Date(d.lastSeenAt).toISOString() : null })) };
}

export async function teamInCommune(db: Queryable, teamId: string, communeId: string): Promise<boolean> {
  const rows = await db.query('select 1 from teams where id = $1 and commune_id = $2', [teamId, communeId]);
  return rows.length > 0;
}

/** Revokes a device of the team (again is harmless); false when the team has no such device. */
export async function revokeDevice(db: Queryable, teamId: string, deviceId: string): Promise<boolean> {
  const rows = await db.query('update devices set revoked_at = coalesce(revoked_at, now()) where id = $1 and team_id = $2 returning id', [deviceId, teamId]);
  return rows.length > 0;
}
