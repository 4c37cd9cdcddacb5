/**
 * Fields computed from other fields of the same record. They are never a choice of their own (a
 * conflict offers the fields they come from), and the device and the server recompute them the
 * same way, so a record cannot contradict itself.
 */
import type { EntityName } from './vocab';

/** The household's address as people read and search it: "7A, Xóm Đình". */
export function composeAddress(houseNumber: unknown, lane: unknown): string {
  const part = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  return [part(houseNumber), part(lane)].filter(Boolean).join(', ');
}

export const DERIVED_FIELDS: Readonly<Partial<Record<EntityName, readonly string[]>>> = {
  household: ['address'],
};

export function isDerivedField(entity: string, field: string): boolean {
  return (DERIVED_FIELDS[entity as EntityName] ?? []).includes(field);
}

/**
 * The derived values `data` determines. A household registered before the address had parts
 * has none, and keeps the address as it was typed.
 */
export function deriveFields(entity: string, data: Record<string, unknown>): Record<string, unknown> {
  if (entity !== 'household') return {};
  const address = composeAddress(data.houseNumber, data.lane);
  return address ? { address } : {};
}

/** `data` with its derived fields recomputed. */
export function withDerived<T extends Record<string, unknown>>(entity: string, data: T): T {
  return { ...data, ...deriveFields(entity, data) };
}
