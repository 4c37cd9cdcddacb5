import { createHash, randomBytes, randomInt } from 'node:crypto';

/** A bearer token: 256 random bits, shown once; the server keeps only its hash. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

// Crockford base32: no I, L, O, U, so a code read aloud or typed on a phone is not misread.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** An invite code people can type: 10 characters (50 bits), shown as XXXXX-XXXXX. */
export function newInviteCode(): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

/** Accepts what people type: any case, spaces or dashes, O for 0, I/L for 1. */
export function normalizeInviteCode(code: string): string {
  return code
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

/**
 * How invite codes were stored before they were keyed (bare SHA-256): 50 bits are few enough to
 * try them all against a copy of the table. Invites made then are still accepted until they expire.
 */
export function legacyInviteHash(code: string): string {
  return hashSecret(`invite:${normalizeInviteCode(code)}`);
}
