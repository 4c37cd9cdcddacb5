import { computed } from 'vue';
import { useLiveQuery } from '../../composables/useLiveQuery';
import { allNeighborhoods, neighborhoodKey } from '../../db/neighborhoods';

/** The team's neighborhood names, for pickers; and the id of a typed name when it is one of them. */
export function useNeighborhoodOptions() {
  const { data } = useLiveQuery(() => allNeighborhoods(), [], []);
  const names = computed(() => (data.value ?? []).map((n) => n.name));
  // "thon dong" typed on a household is the team's "Thôn Đông".
  const idOf = (name: string) => (data.value ?? []).find((n) => neighborhoodKey(n.name) === neighborhoodKey(name))?.id;
  return { neighborhoods: data, names, idOf };
}
