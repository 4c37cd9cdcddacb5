import { defineStore } from 'pinia';
import type { MemberFields } from '../../domain/schemas';
import { createMember, deleteMember, getMember, membersOf, updateMember } from '../../db/members';

/** The people of a household, as the member and visit forms read and write them. */
export const useMembersStore = defineStore('members', () => ({
  get: (id: string) => getMember(id),
  ofHousehold: (householdId: string) => membersOf(householdId),
  create: (fields: MemberFields) => createMember(fields),
  update: (id: string, changes: Partial<MemberFields>) => updateMember(id, changes),
  remove: (id: string) => deleteMember(id),
}));
