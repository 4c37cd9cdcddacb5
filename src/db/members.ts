/** The member repository (people in a household). */
import { db, type AppDB } from './database';
import type { MemberRow } from './rows';
import type { MemberFields } from '../domain/schemas';
import { personSortKey } from '../domain/text';
import { alive, createRecord, deleteRecord, patchRecord, type Hooks } from './records';
import { refreshHousehold } from './derived';

function hooks(database: AppDB): Hooks<'member', MemberRow> {
  return {
    derive: (row) => ({ ...row, nameKey: personSortKey(row.fullName) }),
    extraTables: [database.households, database.visits],
    after: async (row, before) => {
      await refreshHousehold(database, row.householdId);
      // A record moved to another household leaves the old one to be refreshed too.
      if (before && before.householdId !== row.householdId) await refreshHousehold(database, before.householdId);
    },
  };
}

export async function membersOf(householdId: string, database: AppDB = db()): Promise<MemberRow[]> {
  const rows = await database.members.where('householdId').equals(householdId).toArray();
  return rows.filter((m) => !m.deleted).sort((a, b) => a.birthYear - b.birthYear);
}

export async function getMember(id: string, database: AppDB = db()): Promise<MemberRow | undefined> {
  const m = await database.members.get(id);
  return alive(m) ? m : undefined;
}

export async function createMember(fields: MemberFields, database: AppDB = db()): Promise<MemberRow> {
  const household = await database.households.get(fields.householdId);
  if (!alive(household)) throw new Error('household not found');
  return createRecord(database, 'member', database.members, fields, hooks(database));
}

export async function updateMember(id: string, changes: Partial<MemberFields>, database: AppDB = db()): Promise<MemberRow> {
  return patchRecord(database, 'member', database.members, id, changes, hooks(database));
}

export async function deleteMember(id: string, database: AppDB = db()): Promise<void> {
  await deleteRecord(database, 'member', database.members, id, hooks(database));
}
