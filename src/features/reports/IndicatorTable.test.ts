import { afterEach, describe, expect, it } from 'vitest';
import IndicatorTable from './IndicatorTable.vue';
import { emptyIndicators } from '../../domain/indicators';
import { mountComponent, resetApp, type Mounted } from '../../../tests/unit/mountWithApp';

let app: Mounted | undefined;
afterEach(async () => {
  await app?.unmount();
  app = undefined;
  await resetApp();
});

describe('IndicatorTable', () => {
  it('shows the chosen period’s figures while the previous period’s are still being counted', async () => {
    const current = { ...emptyIndicators(), visits: 7 };
    app = await mountComponent(IndicatorTable, { keys: ['visits'], current, previous: undefined, targets: {} });
    const row = app.wrapper.find('[data-testid="indicator-visits"]');
    expect(row.find('[data-testid="value"]').text()).toBe('7');
    const previous = row.findAll('td').at(-1)!;
    expect(previous.text()).toBe('…');
    expect(previous.attributes('aria-busy')).toBe('true');
    await app.wrapper.setProps({ previous: { ...emptyIndicators(), visits: 3 } });
    expect(row.findAll('td').at(-1)!.text()).toBe('3');
    expect(row.findAll('td').at(-1)!.attributes('aria-busy')).toBeUndefined();
  });
});
