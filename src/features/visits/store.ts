import { defineStore } from 'pinia';
import type { VisitFields } from '../../domain/schemas';
import { createVisit, deleteVisit, getVisit, updateVisit } from '../../db/visits';
import { currentUser, roster } from '../../db/users';
import { useLiveQuery } from '../../composables/useLiveQuery';

/** Visits to households, as the visit form reads and writes them. */
export const useVisitsStore = defineStore('visits', () => ({
  get: (id: string) => getVisit(id),
  create: (fields: VisitFields) => createVisit(fields),
  update: (id: string, changes: Partial<VisitFields>) => updateVisit(id, changes),
  remove: (id: string) => deleteVisit(id),
}));

/**
 * The name of whoever recorded a record. The server stamps `createdBy` on what it sends; a record
 * without it was made on this phone and not yet sent back, so by this phone's person.
 */
export function useRecorderName() {
  const { data } = useLiveQuery(async () => ({ users: await roster(), me: await currentUser() }), []);
  return (row: { createdBy?: string }): string | undefined => {
    const known = data.value;
    if (!known) return undefined;
    if (!row.createdBy) return known.me?.name;
    return known.users.find((u) => u.id === row.createdBy)?.name;
  };
}
