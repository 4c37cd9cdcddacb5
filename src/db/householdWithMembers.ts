/** Registers a household and its members in one transaction: all saved, or nothing. */
import { db, type AppDB } from './database';
import type { HouseholdRow } from './rows';
import type { HouseholdFields, MemberFields } from '../domain/schemas';
import { createHousehold } from './households';
import { createMember } from './members';
import { loadSchemas } from './validation';

export async function createHouseholdWithMembers(
  fields: HouseholdFields,
  members: Omit<MemberFields, 'householdId'>[],
  database: AppDB = db(),
): Promise<HouseholdRow> {
  await loadSchemas();
  const tables = [database.households, database.members, database.visits, database.outbox, database.meta];
  const id = await database.transaction('rw', tables, async () => {
    const household = await createHousehold(fields, database);
    for (const m of members) await createMember({ ...m, householdId: household.id }, database);
    return household.id;
  });
  const saved = await database.households.get(id);
  if (!saved) throw new Error('household not saved');
  return saved;
}
