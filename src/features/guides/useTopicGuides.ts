import { computed, onMounted, shallowRef } from 'vue';
import type { Guide } from '../../domain/guides';
import type { Topic } from '../../domain/vocab';
import { allGuides } from './catalog';

/** The guides that help with each visit topic, so a visit can point to the right one. */
export function useTopicGuides() {
  const guides = shallowRef<Guide[]>([]);
  onMounted(async () => {
    guides.value = await allGuides();
  });
  const byTopic = computed(() => {
    const map = new Map<Topic, Guide[]>();
    for (const g of guides.value) {
      for (const topic of new Set([g.topic, ...(g.alsoTopics ?? [])])) map.set(topic, [...(map.get(topic) ?? []), g]);
    }
    return map;
  });
  return { guidesFor: (topic: Topic) => byTopic.value.get(topic) ?? [] };
}
