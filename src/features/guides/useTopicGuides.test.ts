import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { TOPICS } from '../../domain/vocab';
import { useTopicGuides } from './useTopicGuides';
import { eventually, mountComponent, resetApp, type Mounted } from '../../../tests/unit/mountWithApp';

let app: Mounted;
let guidesFor: ReturnType<typeof useTopicGuides>['guidesFor'] | undefined;

const Probe = defineComponent({
  setup() {
    guidesFor = useTopicGuides().guidesFor;
    return () => h('p');
  },
});

beforeEach(async () => {
  await resetApp();
});

afterEach(async () => {
  await resetApp();
});

describe('useTopicGuides', () => {
  it('offers at least one guide for every visit topic, counting a guide\'s other topics', async () => {
    app = await mountComponent(Probe);
    await eventually(() => expect(guidesFor?.('vneid').length).toBeGreaterThan(0));
    for (const topic of TOPICS) expect(guidesFor?.(topic).length, topic).toBeGreaterThan(0);
    expect(guidesFor?.('feePayment').map((g) => g.id)).toContain('pay-fees-online');
    expect(guidesFor?.('eHealth').map((g) => g.id)).toContain('integrate-documents-vneid');
    expect(app.wrapper.exists()).toBe(true);
  });
});
