import { useLiveQuery } from '../../composables/useLiveQuery';
import { getHousehold } from '../../db/households';
import { membersOf } from '../../db/members';
import { visitsOf } from '../../db/visits';

/** One household with its members and visits, kept live (local writes, later a sync). */
export function useHousehold(id: () => string) {
  const { data: household, loading } = useLiveQuery(() => getHousehold(id()), [id]);
  const { data: members } = useLiveQuery(() => membersOf(id()), [id], []);
  const { data: visits } = useLiveQuery(() => visitsOf(id()), [id], []);
  return { household, loading, members, visits };
}
