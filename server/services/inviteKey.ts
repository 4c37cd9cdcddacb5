import { createHmac, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/adapter';
import { legacyInviteHash, normalizeInviteCode } from './tokens';

/**
 * The key invite codes are hashed with (HMAC-SHA-256). A code has 50 bits, few enough that a copy
 * of the invites table with bare hashes would give every live code away; keyed, the copy alone
 * gives nothing.
 */
export class InviteKey {
  // A private field, so that logging the context never prints it.
  readonly #secret: Buffer;

  constructor(secret: string) {
    this.#secret = Buffer.from(secret, 'utf8');
  }

  /** What an invite made now stores for its code. */
  hash(code: string): string {
    return createHmac('sha256', this.#secret).update(`invite:${normalizeInviteCode(code)}`).digest('hex');
  }

  /** What a stored invite with this code may hold: this key's hash, or an older invite's bare one. */
  storedForms(code: string): [keyed: string, legacy: string] {
    return [this.hash(code), legacyInviteHash(code)];
  }
}

/**
 * The server's invite key: SERVER_SECRET when set; otherwise a secret generated once and kept in
 * the database, so that every process over one PostgreSQL (and the admin command) shares it.
 */
export async function loadInviteKey(db: Queryable, configured: string | undefined): Promise<InviteKey> {
  if (configured) return new InviteKey(configured);
  await db.query(`insert into server_meta (key, value) values ('invite_secret', $1) on conflict (key) do nothing`, [randomBytes(32).toString('base64url')]);
  const rows = await db.query<{ value: string }>(`select value from server_meta where key = 'invite_secret'`);
  return new InviteKey(rows[0]!.value);
}
