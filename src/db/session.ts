/** The device's membership of a team: token, user, team, and the pull cursor. */
import { db, type AppDB } from './database';
import { getMeta, setMeta } from './meta';
import type { SessionUser } from '../sync/transport';

export interface DeviceSession {
  token: string;
  user: SessionUser;
  team: { id: string; name: string } | null;
  commune?: { id: string; name: string };
  joinedAt: string;
  /** Set when the server said the token is no longer valid (not revoked): ask to join again. */
  needsRejoin?: boolean;
}

const SESSION = 'session';
const CURSOR = 'pullCursor';
const LAST_SYNC = 'lastSyncAt';

export function getSession(database: AppDB = db()): Promise<DeviceSession | undefined> {
  return getMeta<DeviceSession>(SESSION, database);
}

export function saveSession(session: DeviceSession, database: AppDB = db()): Promise<void> {
  return setMeta(SESSION, session, database);
}

export function getCursor(database: AppDB = db()): Promise<string | undefined> {
  return getMeta<string>(CURSOR, database);
}

export function getLastSync(database: AppDB = db()): Promise<string | undefined> {
  return getMeta<string>(LAST_SYNC, database);
}

export function setLastSync(at: string, database: AppDB = db()): Promise<void> {
  return setMeta(LAST_SYNC, at, database);
}

export const META_KEYS = { session: SESSION, cursor: CURSOR, lastSync: LAST_SYNC } as const;
