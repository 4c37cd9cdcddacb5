/**
 * The device's membership of a team: its token, user and team. Not to be confused with support
 * sessions (`db/sessions.ts`), the group meetings a team records.
 */
import { db, type AppDB } from '../db/database';
import { getMeta, setMeta } from '../db/meta';
import { META_KEYS } from '../db/metaKeys';
import type { SessionUser } from './transport';

export interface DeviceMembership {
  token: string;
  user: SessionUser;
  team: { id: string; name: string } | null;
  commune?: { id: string; name: string };
  joinedAt: string;
  /** When this device received `token` (its clock); `joinedAt` until the first renewal. */
  tokenIssuedAt?: string;
  /** Set when the server said the token is no longer valid (not revoked): ask to join again. */
  needsRejoin?: boolean;
  /** Why: the phone was unused for so long that its token expired (`401 TOKEN_EXPIRED`). */
  rejoinReason?: 'tokenExpired';
}

export function getMembership(database: AppDB = db()): Promise<DeviceMembership | undefined> {
  return getMeta<DeviceMembership>(META_KEYS.membership, database);
}

export function saveMembership(membership: DeviceMembership, database: AppDB = db()): Promise<void> {
  return setMeta(META_KEYS.membership, membership, database);
}
