import { computed } from 'vue';
import { useLiveQuery } from '../../composables/useLiveQuery';
import { householdsByIds, householdsToFollowUp } from '../../db/households';
import { recentVisits } from '../../db/visits';
import { allDrafts } from '../../db/drafts';
import { addDays, localToday } from '../../domain/dates';

const UPCOMING_DAYS = 7;

/** What the "Today" screen shows; every part updates itself when the data changes. */
export function useToday() {
  const today = localToday();
  const { data: followUps, loading } = useLiveQuery(() => householdsToFollowUp(addDays(today, UPCOMING_DAYS)), [], []);
  const { data: recent } = useLiveQuery(async () => {
    const visits = await recentVisits(5);
    const households = await householdsByIds([...new Set(visits.map((v) => v.householdId))]);
    return visits.map((v) => ({ visit: v, household: households.get(v.householdId) }));
  }, [], []);
  const { data: drafts } = useLiveQuery(() => allDrafts(), [], []);

  const sortedFollowUps = computed(() => [...(followUps.value ?? [])].sort((a, b) => a.followUpDate.localeCompare(b.followUpDate)));
  return {
    today,
    loading,
    overdue: computed(() => sortedFollowUps.value.filter((h) => h.followUpDate < today)),
    dueToday: computed(() => sortedFollowUps.value.filter((h) => h.followUpDate === today)),
    upcoming: computed(() => sortedFollowUps.value.filter((h) => h.followUpDate > today)),
    recent,
    drafts,
  };
}
