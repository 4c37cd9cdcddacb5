import type { Ref } from 'vue';
import { useLiveQuery } from '../../composables/useLiveQuery';
import { allNeighborhoods, createNeighborhood, deleteNeighborhood, updateNeighborhood } from '../../db/neighborhoods';
import { ValidationError } from '../../db/errors';
import type { NeighborhoodRow } from '../../db/rows';

/** The team's neighborhoods (thôn / tổ dân phố), following the database, and their edits. */
export function useNeighborhoods(): {
  hoods: Ref<NeighborhoodRow[] | undefined>;
  /** Adds one; answers the i18n key of what is wrong with the name, if it is refused. */
  add: (name: string, kind: NeighborhoodRow['kind']) => Promise<string | undefined>;
  rename: (id: string, name: string) => Promise<void>;
  remove: (id: string) => Promise<void>;
} {
  const { data: hoods } = useLiveQuery(() => allNeighborhoods(), [], []);
  return {
    hoods,
    add: async (name, kind) => {
      try {
        await createNeighborhood({ name: name.trim(), kind });
        return undefined;
      } catch (e) {
        if (e instanceof ValidationError) return e.errors.name ?? 'validation.invalid';
        throw e;
      }
    },
    rename: async (id, name) => {
      await updateNeighborhood(id, { name: name.trim() });
    },
    remove: (id) => deleteNeighborhood(id),
  };
}
