/** Which row keys the server knows: a row's own fields, without local and envelope keys. */
import { localKeysOf } from '../db/rows';
import type { EntityName } from '../domain/vocab';

/** Sent beside the fields (the mutation's id) or stamped by the server, never as fields. */
const ENVELOPE_KEYS = new Set(['id', 'teamId', 'createdBy', 'updatedBy', 'updatedAt']);

/** The entity's own fields of a row, as the server knows them. */
export function syncedFields(row: Record<string, unknown>, entity: EntityName): Record<string, unknown> {
  const local = localKeysOf(entity);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (ENVELOPE_KEYS.has(k) || local.has(k) || v === undefined) continue;
    out[k] = v;
  }
  return out;
}
