/** The support-session repository (group sessions run by neighborhood heads). */
import { db, type AppDB } from './database';
import type { SessionRow } from './rows';
import type { SessionFields } from '../domain/schemas';
import { alive, createRecord, deleteRecord, patchRecord } from './records';

/** Sessions, newest first. */
export async function allSessions(database: AppDB = db()): Promise<SessionRow[]> {
  return database.sessions.orderBy('date').reverse().filter((s) => !s.deleted).toArray();
}

export async function getSession(id: string, database: AppDB = db()): Promise<SessionRow | undefined> {
  const s = await database.sessions.get(id);
  return alive(s) ? s : undefined;
}

export async function createSession(fields: SessionFields, database: AppDB = db()): Promise<SessionRow> {
  return createRecord(database, 'session', database.sessions, fields);
}

export async function updateSession(id: string, changes: Partial<SessionFields>, database: AppDB = db()): Promise<SessionRow> {
  return patchRecord(database, 'session', database.sessions, id, changes);
}

export async function deleteSession(id: string, database: AppDB = db()): Promise<void> {
  await deleteRecord(database, 'session', database.sessions, id);
}
