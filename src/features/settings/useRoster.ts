import type { Ref } from 'vue';
import { useLiveQuery } from '../../composables/useLiveQuery';
import { addRosterUser, removeRosterUser, roster } from '../../db/users';
import type { UserRow } from '../../db/rows';

/** The people of a team kept on this phone before it joins one (facilitators of sessions). */
export function useRoster(): { users: Ref<UserRow[] | undefined>; add: (name: string) => Promise<void>; remove: (id: string) => Promise<void> } {
  const { data: users } = useLiveQuery(() => roster(), [], []);
  return {
    users,
    add: async (name) => {
      if (name.trim()) await addRosterUser(name.trim());
    },
    remove: (id) => removeRosterUser(id),
  };
}
