import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/adapter';
import { hashSecret, newToken } from './tokens';
import type { InviteKey } from './inviteKey';
import type { EnrollResponse, Role } from '../../src/domain/wire';
import { recordEvent } from './audit';

export interface Caller {
  userId: string;
  userName: string;
  role: Role;
  teamId: string | null;
  communeId: string;
  deviceId: string;
  tokenHash: string;
}

/** Joins a device to a team with an invite code; null when the code is unknown, expired or used up. */
export async function enroll(db: Database, key: InviteKey, code: string, name: string, deviceLabel: string): Promise<EnrollResponse | null> {
  return db.transaction(async (tx) => {
    const invites = await tx.query<{ commune_id: string; team_id: string | null; role: Role; code_hash: string }>(
      `update invites set uses = uses + 1
       where code_hash in ($1, $2) and uses < max_uses and expires_at > now()
       returning commune_id, team_id, role, code_hash`,
      key.storedForms(code),
    );
    const invite = invites[0];
    if (!invite) return null;
    const userId = randomUUID();
    const deviceId = randomUUID();
    const token = newToken();
    await tx.query('insert into users (id, team_id, commune_id, name, role) values ($1, $2, $3, $4, $5)', [
      userId,
      invite.team_id,
      invite.commune_id,
      name,
      invite.role,
    ]);
    await tx.query('insert into devices (id, team_id, user_id, label, token_hash, last_seen_at) values ($1, $2, $3, $4, $5, now())', [
      deviceId,
      invite.team_id,
      userId,
      deviceLabel,
      hashSecret(token),
    ]);
    await recordEvent(tx, { actor: { userId, deviceId, teamId: invite.team_id, communeId: invite.commune_id }, entity: 'device', op: 'enroll', recordId: deviceId });
    const user = { id: userId, name, role: invite.role };
    if (invite.team_id) {
      const team = (await tx.query<{ id: string; name: string }>('select id, name from teams where id = $1', [invite.team_id]))[0]!;
      return { token, user, team };
    }
    const commune = (await tx.query<{ id: string; name: string }>('select id, name from communes where id = $1', [invite.commune_id]))[0]!;
    return { token, user, team: null, commune };
  });
}

export type AuthOutcome = { ok: true; caller: Caller } | { ok: false; code: 'UNAUTHENTICATED' | 'DEVICE_REVOKED' | 'TOKEN_EXPIRED' };

/**
 * Last-seen is for the head's device list, written at most once a minute per device. Whether it is
 * due is read from the device's row together with the token, and the write is conditional, so
 * several server processes write it once between them and none keeps a map of devices in memory.
 */
export class LastSeen {
  constructor(readonly everySeconds = 60) {}

  /** A boolean column `seen_due` for a query over `devices d`; `$param` holds `everySeconds`. */
  dueColumn(param: number): string {
    return `(d.last_seen_at is null or d.last_seen_at < now() - make_interval(secs => $${param})) as seen_due`;
  }

  async write(db: Queryable, deviceId: string): Promise<void> {
    await db.query(`update devices set last_seen_at = now() where id = $1 and (last_seen_at is null or last_seen_at < now() - make_interval(secs => $2))`, [
      deviceId,
      this.everySeconds,
    ]);
  }
}

/**
 * How long the token a renewal replaced keeps working, even once the new one was used: a screen
 * that read the token just before the renewal still gets its answer. Past it, a leaked old token is
 * refused.
 */
export const RENEWAL_GRACE_SECONDS = 60 * 60;

/** The longest a process may keep a token's caller (`TOKEN_CACHE_SECONDS`). */
export const MAX_TOKEN_CACHE_SECONDS = 60;

/**
 * The callers of good tokens this process checked in the last `seconds`, so a device syncing every
 * second costs one token lookup in the database every few seconds instead of one per request.
 *
 * Only a device's current token that was already in use is kept (not one in its renewal grace,
 * whose fate depends on the new token's first use). What this process changes itself takes effect
 * at once: a revoked device (`forgetDevice`, called by the revoke route) and a renewed token
 * (`renewToken`) are dropped before their answer is sent, and a lookup that was running meanwhile
 * is not kept (`invalidations`), so a revoked device's next request here gets 401. A change made
 * elsewhere (another server process, the admin CLI's restore, a row edited by hand) is seen by
 * this process once the entry is `seconds` old: with several processes over one PostgreSQL a
 * device revoked through one of them may still be served by the others for up to that long (5 s by
 * default; 0 turns the cache off). Last-seen is written at the lookups, so it may lag that much
 * more than its minute. Entries expire by time and the map is bounded (`maxEntries`, oldest first).
 */
export class TokenCache {
  private readonly entries = new Map<string, { caller: Caller; until: number }>();
  /** Bumped by every forget: a lookup that began before one is not kept. */
  private invalidations = 0;

  constructor(
    readonly seconds: number,
    private readonly now: () => number = () => performance.now(),
    private readonly maxEntries = 10_000,
  ) {
    if (!(seconds >= 0 && seconds <= MAX_TOKEN_CACHE_SECONDS)) throw new Error(`a token may be kept 0 to ${MAX_TOKEN_CACHE_SECONDS} seconds (got ${seconds})`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(tokenHash: string): Caller | undefined {
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    if (this.now() < entry.until) return entry.caller;
    this.entries.delete(tokenHash);
    return undefined;
  }

  /** A mark to give `put`: the entry is kept only if nothing was forgotten since. */
  mark(): number {
    return this.invalidations;
  }

  put(caller: Caller, mark: number): void {
    if (this.seconds === 0 || mark !== this.invalidations) return;
    this.entries.delete(caller.tokenHash);
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(caller.tokenHash, { caller, until: this.now() + this.seconds * 1000 });
  }

  /** Drops every token of the device (revoked, renewed). */
  forgetDevice(deviceId: string): void {
    this.invalidations++;
    for (const [hash, entry] of this.entries) if (entry.caller.deviceId === deviceId) this.entries.delete(hash);
  }

  /** Drops everything (the database changed under the app: a restore, a test). */
  clear(): void {
    this.invalidations++;
    this.entries.clear();
  }
}

/**
 * The caller behind a bearer token. A device unseen for `idleDays` gets `TOKEN_EXPIRED`; the token a
 * renewal replaced works only until the new one is used or the grace has passed. With `cache`, a
 * token checked good in the last `cache.seconds` is answered from it (see `TokenCache`).
 */
export async function authenticate(db: Queryable, lastSeen: LastSeen, token: string | undefined, idleDays: number, cache?: TokenCache): Promise<AuthOutcome> {
  if (!token) return { ok: false, code: 'UNAUTHENTICATED' };
  const tokenHash = hashSecret(token);
  const cached = cache?.get(tokenHash);
  if (cached) return { ok: true, caller: cached };
  const mark = cache?.mark() ?? 0;
  const rows = await db.query<{
    device_id: string;
    revoked_at: string | null;
    current: boolean;
    token_used: boolean;
    in_grace: boolean;
    idle: boolean;
    user_id: string;
    name: string;
    role: Role;
    team_id: string | null;
    commune_id: string;
    seen_due: boolean;
  }>(
    `select d.id as device_id, d.revoked_at, d.token_hash = $1 as current, d.token_used,
            d.token_issued_at > now() - make_interval(secs => $4) as in_grace,
            coalesce(d.last_seen_at, d.created_at) < now() - make_interval(days => $3) as idle,
            u.id as user_id, u.name, u.role, u.team_id, u.commune_id, ${lastSeen.dueColumn(2)}
     from devices d join users u on u.id = d.user_id where d.token_hash = $1 or d.previous_token_hash = $1`,
    [tokenHash, lastSeen.everySeconds, idleDays, RENEWAL_GRACE_SECONDS],
    // Every private request runs it: parsed and planned once per connection, not per request.
    'authenticate',
  );
  const row = rows[0];
  if (!row) return { ok: false, code: 'UNAUTHENTICATED' };
  if (row.revoked_at) return { ok: false, code: 'DEVICE_REVOKED' };
  if (!row.current && row.token_used && !row.in_grace) return { ok: false, code: 'UNAUTHENTICATED' };
  if (row.idle) return { ok: false, code: 'TOKEN_EXPIRED' };
  if (row.current && !row.token_used) await db.query('update devices set token_used = true where id = $1 and token_hash = $2', [row.device_id, tokenHash]);
  if (row.seen_due) await lastSeen.write(db, row.device_id);
  const caller: Caller = {
    userId: row.user_id,
    userName: row.name,
    role: row.role,
    teamId: row.team_id,
    communeId: row.commune_id,
    deviceId: row.device_id,
    tokenHash,
  };
  if (row.current) cache?.put(caller, mark);
  return { ok: true, caller };
}

/**
 * Replaces the caller's token with a new one (shown once, as at enrollment). The token presented
 * becomes the only previous one, so every token before it stops working at once. Null when the
 * device was revoked meanwhile.
 */
export async function renewToken(db: Queryable, caller: Caller, cache?: TokenCache): Promise<{ token: string } | null> {
  const token = newToken();
  const rows = await db.query(
    `update devices set previous_token_hash = $2, token_hash = $3, token_issued_at = now(), token_used = false
     where id = $1 and revoked_at is null returning id`,
    [caller.deviceId, caller.tokenHash, hashSecret(token)],
  );
  // Every token before the one presented stops working now, and the one presented only lasts
  // until the new one is used: none of them may be answered from memory any more.
  cache?.forgetDevice(caller.deviceId);
  return rows.length ? { token } : null;
}
