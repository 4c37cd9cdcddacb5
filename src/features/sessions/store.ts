import { defineStore } from 'pinia';
import type { SessionFields } from '../../domain/schemas';
import { useLiveQuery } from '../../composables/useLiveQuery';
import { allSessions, createSession, deleteSession, getSession, updateSession } from '../../db/sessions';
import { roster } from '../../db/users';

/** Group support sessions, as the session form reads and writes them. */
export const useSessionsStore = defineStore('sessions', () => ({
  get: (id: string) => getSession(id),
  create: (fields: SessionFields) => createSession(fields),
  update: (id: string, changes: Partial<SessionFields>) => updateSession(id, changes),
  remove: (id: string) => deleteSession(id),
}));

/** Every session, newest first, kept live. */
export function useSessionList() {
  const { data: sessions, loading } = useLiveQuery(() => allSessions(), [], []);
  return { sessions, loading };
}

/** The team's people, who may have led a session. */
export function useFacilitatorOptions() {
  const { data: users } = useLiveQuery(() => roster(), [], []);
  return users;
}
