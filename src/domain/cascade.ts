/**
 * What a delete takes with it. The device and the server read the same table, so a household
 * deleted on the phone and the same delete applied by the server leave the same tombstones.
 * Only the deleted record's own delete is queued: the server cascades it again from this table.
 */
import type { EntityName } from './vocab';

export type ParentField = 'householdId' | 'memberId';

export interface CascadeLink {
  /** The dependent records… */
  entity: EntityName;
  /** …found by this field pointing at the deleted record. */
  field: ParentField;
}

/**
 * Deleting a household tombstones its members (and, through them, their checklist steps) and
 * its visits; deleting a member tombstones its checklist steps. A session only lists households
 * (`householdIds`) and outlives them.
 */
export const CASCADE: Readonly<Partial<Record<EntityName, readonly CascadeLink[]>>> = {
  household: [
    { entity: 'member', field: 'householdId' },
    { entity: 'visit', field: 'householdId' },
  ],
  member: [{ entity: 'checklistStep', field: 'memberId' }],
};

/** Every entity a delete of `entity` may tombstone, however deep (the tables its transaction needs). */
export function cascadeEntities(entity: EntityName): EntityName[] {
  const out: EntityName[] = [];
  for (const link of CASCADE[entity] ?? []) {
    for (const e of [link.entity, ...cascadeEntities(link.entity)]) if (!out.includes(e)) out.push(e);
  }
  return out;
}

/** Live records of `entity` whose `field` is one of `parentIds`. */
export type ChildrenLookup<R extends { id: string }> = (entity: EntityName, field: ParentField, parentIds: string[]) => Promise<R[]>;

/**
 * Every live record a delete of `entity` records `ids` takes with it, depth first in the order of
 * `CASCADE` (for a household: its members, their checklist steps, then its visits), so both sides
 * tombstone them in the same order.
 */
export async function cascadeOf<R extends { id: string }>(entity: EntityName, ids: string[], children: ChildrenLookup<R>): Promise<R[]> {
  const out: R[] = [];
  if (ids.length === 0) return out;
  for (const link of CASCADE[entity] ?? []) {
    const found = await children(link.entity, link.field, ids);
    out.push(...found);
    out.push(...(await cascadeOf(link.entity, found.map((r) => r.id), children)));
  }
  return out;
}
