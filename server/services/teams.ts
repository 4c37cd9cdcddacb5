import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/adapter';
import type { DeviceInfo, InviteInfo, InviteResponse, Named, Role, SessionUser, TeamResponse } from '../../src/domain/wire';
import type { Caller, TokenCache } from './auth';
import { newInviteCode } from './tokens';
import type { InviteKey } from './inviteKey';

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
  /** The device it was made on: removing that device cancels it. */
  createdByDevice?: string;
}

export async function createInvite(db: Queryable, key: InviteKey, spec: InviteSpec): Promise<InviteResponse> {
  const code = newInviteCode();
  const expiresAt = new Date(Date.now() + spec.ttlHours * 3600_000).toISOString();
  await db.query(
    'insert into invites (code_hash, commune_id, team_id, role, max_uses, expires_at, created_by, created_by_device) values ($1, $2, $3, $4, $5, $6, $7, $8)',
    [key.hash(code), spec.communeId, spec.teamId, spec.role, spec.maxUses, expiresAt, spec.createdBy ?? null, spec.createdByDevice ?? null],
  );
  return { code, expiresAt, role: spec.role };
}

/**
 * A new team in a commune (created when no commune has that name) and a head invite for it, good
 * for `headInviteUses` people.
 */
export async function createTeam(db: Database, key: InviteKey, commune: string, name: string, headInviteUses = 5): Promise<{ communeId: string; teamId: string; inviteCode: string }> {
  return db.transaction(async (tx) => {
    const communeId = await communeByName(tx, commune);
    const teamId = randomUUID();
    await tx.query('insert into teams (id, commune_id, name) values ($1, $2, $3)', [teamId, communeId, name]);
    await tx.query('insert into team_counters (team_id) values ($1)', [teamId]);
    const invite = await createInvite(tx, key, { communeId, teamId, role: 'head', maxUses: headInviteUses, ttlHours: 24 * 30 });
    return { communeId, teamId, inviteCode: invite.code };
  });
}

/**
 * A new one-use head invite for an existing team, named by its id or its exact name: the way back
 * in when the demo's invite was used or lost. Undefined when no team, or more than one, matches.
 */
export async function headInviteFor(db: Queryable, key: InviteKey, team: string): Promise<{ teamId: string; teamName: string; inviteCode: string } | undefined> {
  const rows = await db.query<{ id: string; name: string; commune_id: string }>(
    'select id, name, commune_id from teams where id::text = $1 or name = $1',
    [team.trim()],
  );
  if (rows.length !== 1) return undefined;
  const found = rows[0]!;
  const invite = await createInvite(db, key, { communeId: found.commune_id, teamId: found.id, role: 'head', maxUses: 1, ttlHours: 24 * 7 });
  return { teamId: found.id, teamName: found.name, inviteCode: invite.code };
}

export async function createAdminInvite(db: Database, key: InviteKey, commune: string): Promise<{ communeId: string; inviteCode: string }> {
  return db.transaction(async (tx) => {
    const communeId = await communeByName(tx, commune);
    const invite = await createInvite(tx, key, { communeId, teamId: null, role: 'admin', maxUses: 1, ttlHours: 24 * 7 });
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
  const thisDevice = (await db.query<{ id: string; label: string }>('select id, label from devices where id = $1', [caller.deviceId]))[0];
  if (caller.role !== 'head') return { team, users, ...(thisDevice ? { thisDevice } : {}) };
  const devices = await db.query<Omit<DeviceInfo, 'lastSeenAt'> & { lastSeenAt: string | Date | null }>(
    `select id, user_id as "userId", label, last_seen_at as "lastSeenAt", revoked_at is not null as revoked, id = $2 as current
     from devices where team_id = $1 order by created_at`,
    [caller.teamId, caller.deviceId],
  );
  return { team, users, ...(thisDevice ? { thisDevice } : {}), devices: devices.map((d) => ({ ...d, lastSeenAt: d.lastSeenAt ? new Date(d.lastSeenAt).toISOString() : null })) };
}

export async function teamInCommune(db: Queryable, teamId: string, communeId: string): Promise<boolean> {
  const rows = await db.query('select 1 from teams where id = $1 and commune_id = $2', [teamId, communeId]);
  return rows.length > 0;
}

/**
 * Revokes a device of the team (again is harmless), and cancels the invites made on it: a lost
 * phone's codes stop working with it. False when the team has no such device.
 */
export async function revokeDevice(db: Queryable, teamId: string, deviceId: string, tokens?: TokenCache): Promise<boolean> {
  const rows = await db.query('update devices set revoked_at = coalesce(revoked_at, now()) where id = $1 and team_id = $2 returning id', [deviceId, teamId]);
  // This process refuses the device from its next request on, whatever it checked before.
  tokens?.forgetDevice(deviceId);
  if (rows.length === 0) return false;
  await db.query('update invites set expires_at = least(expires_at, now()) where team_id = $1 and created_by_device = $2', [teamId, deviceId]);
  return true;
}

/** The team's invites that can still be used, newest first. */
export async function liveInvites(db: Queryable, teamId: string): Promise<InviteInfo[]> {
  const rows = await db.query<{ id: string; role: 'member' | 'head'; usesLeft: number | string; expiresAt: string | Date; createdAt: string | Date; userId: string | null; userName: string | null }>(
    `select i.id, i.role, i.max_uses - i.uses as "usesLeft", i.expires_at as "expiresAt", i.created_at as "createdAt",
            u.id as "userId", u.name as "userName"
     from invites i left join users u on u.id = i.created_by
     where i.team_id = $1 and i.expires_at > now() and i.uses < i.max_uses
     order by i.created_at desc, i.id`,
    [teamId],
  );
  return rows.map((r) => ({
    id: r.id,
    role: r.role,
    usesLeft: Number(r.usesLeft),
    expiresAt: new Date(r.expiresAt).toISOString(),
    createdAt: new Date(r.createdAt).toISOString(),
    createdBy: r.userId ? { id: r.userId, name: r.userName ?? '' } : null,
  }));
}

/** Cancels a live invite of the team; false when the team has no such invite. */
export async function cancelInvite(db: Queryable, teamId: string, id: string): Promise<boolean> {
  const rows = await db.query('update invites set expires_at = least(expires_at, now()) where id = $1 and team_id = $2 returning id', [id, teamId]);
  return rows.length > 0;
}

/** Renames a device: its own user may, and the team's head. False when neither applies. */
export async function labelDevice(db: Queryable, caller: Caller, deviceId: string, label: string): Promise<boolean> {
  const rows = await db.query(
    `update devices set label = $3 where id = $1 and team_id = $2 and revoked_at is null and (user_id = $4 or $5) returning id`,
    [deviceId, caller.teamId, label, caller.userId, caller.role === 'head'],
  );
  return rows.length > 0;
}
