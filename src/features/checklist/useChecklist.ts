import { computed } from 'vue';
import { useLiveQuery } from '../../composables/useLiveQuery';
import { getMember } from '../../db/members';
import { setStep, stepsOf } from '../../db/checklist';

/** A member's VNeID checklist, kept live, and the tick that records a step. */
export function useChecklist(memberId: () => string) {
  const { data: member, loading } = useLiveQuery(() => getMember(memberId()), [memberId]);
  const { data: steps } = useLiveQuery(() => stepsOf(memberId()), [memberId], []);
  const byKey = computed(() => new Map((steps.value ?? []).map((s) => [s.stepKey, s])));
  return {
    member,
    loading,
    steps,
    byKey,
    toggle: (stepKey: string, done: boolean) => setStep(memberId(), stepKey, done),
  };
}
