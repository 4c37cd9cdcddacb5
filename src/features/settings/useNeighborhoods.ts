import type { Ref } from 'vue';
import { useLiveQuery } from '../../composables/useLiveQuery';
import { allNeighborhoods, createNeighborhood, deleteNeighborhood, neighborhoodsFromHouseholds, seedNeighborhoodsFromHouseholds, updateNeighborhood } from '../../db/neighborhoods';
import { ValidationError } from '../../db/errors';
import type { NeighborhoodRow } from '../../db/rows';

/** The team's neighborhoods (thôn / tổ dân phố), following the database, and their edits. */
export function useNeighborhoods(): {
  hoods: Ref<NeighborhoodRow[] | undefined>;
  /** Names typed on households that the list lacks (compared without diacritics). */
  typedOnHouseholds: Ref<string[] | undefined>;
  /** Adds those names to the list; answers how many. */
  seed: () => Promise<number>;
  /** Adds one; answers the i18n key of what is wrong with the name, if it is refused. */
  add: (name: string, kind: NeighborhoodRow['kind']) => Promise<string | undefined>;
  /** Renames one; answers the i18n key of what is wrong with the name, if it is refused. */
  rename: (id: string, name: string) => Promise<string | undefined>;
  remove: (id: string) => Promise<void>;
} {
  const { data: hoods } = useLiveQuery(() => allNeighborhoods(), [], []);
  const { data: typedOnHouseholds } = useLiveQuery(() => neighborhoodsFromHouseholds(), [], []);
  return {
    hoods,
    typedOnHouseholds,
    seed: () => seedNeighborhoodsFromHouseholds(),
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
      try {
        await updateNeighborhood(id, { name: name.trim() });
        return undefined;
      } catch (e) {
        if (e instanceof ValidationError) return e.errors.name ?? 'validation.invalid';
        throw e;
      }
    },
    remove: (id) => deleteNeighborhood(id),
  };
}
