import { defineStore } from 'pinia';
import type { VisitFields } from '../../domain/schemas';
import { createVisit, deleteVisit, getVisit, updateVisit } from '../../db/visits';

/** Visits to households, as the visit form reads and writes them. */
export const useVisitsStore = defineStore('visits', () => ({
  get: (id: string) => getVisit(id),
  create: (fields: VisitFields) => createVisit(fields),
  update: (id: string, changes: Partial<VisitFields>) => updateVisit(id, changes),
  remove: (id: string) => deleteVisit(id),
}));
