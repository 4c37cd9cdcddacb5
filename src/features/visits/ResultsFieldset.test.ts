import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { db } from '../../db/database';
import { createHouseholdWithMembers } from '../../db/householdWithMembers';
import type { HouseholdRow } from '../../db/rows';
import { CONSENT_TEXT_VERSION } from '../../domain/vocab';
import { eventually, mountRoute, resetApp, type Mounted } from '../../../tests/unit/mountWithApp';
import { emptyVisit, toVisitFields } from './forms';

let app: Mounted;
let household: HouseholdRow;

beforeEach(async () => {
  await resetApp();
  household = await createHouseholdWithMembers(
    {
      neighborhood: 'Thôn Đông',
      address: '12, ngõ 4 Lê Lợi',
      headName: 'Nguyễn Văn Bình',
      consent: { recordedAt: '2026-01-05T02:00:00.000Z', recordedBy: 'Lê Thị Hoa', purposes: ['support', 'reporting'], textVersion: CONSENT_TEXT_VERSION },
    },
    [],
  );
  app = await mountRoute(`/households/${household.id}/visits/new`);
  await eventually(() => expect(app.wrapper.find('.lead').exists()).toBe(true));
});
afterEach(async () => {
  await app.unmount();
  await resetApp();
});

const topic = (t: string) => app.wrapper.get(`input[name="visit-topics"][value="${t}"]`);

describe('results counts on the visit form', () => {
  it('offers only the counts the chosen topics call for', async () => {
    expect(app.wrapper.find('[data-testid="visit-results"]').exists()).toBe(false);
    await topic('vneid').setValue(true);
    expect(app.wrapper.findAll('[data-testid="visit-results"] input').map((i) => i.attributes('data-testid'))).toEqual(['result-vneidInstalled', 'result-vneidLevel2']);
    await topic('onlineService').setValue(true);
    expect(app.wrapper.find('[data-testid="result-onlineDossiers"]').exists()).toBe(true);
    expect(app.wrapper.find('[data-testid="result-scamTraining"]').exists()).toBe(false);
  });

  it('saves the counts with the visit', async () => {
    await topic('onlineService').setValue(true);
    await app.wrapper.get('[data-testid="result-onlineDossiers"]').setValue('2');
    await app.wrapper.get('[data-testid="outcome-done"]').setValue(true);
    await app.wrapper.get('[data-testid="save-visit"]').trigger('click');
    await eventually(async () => expect((await db().visits.toArray())[0]?.results).toEqual({ onlineDossiers: 2 }));
  });

  it('refuses a count over 10000 next to its field', async () => {
    await topic('feePayment').setValue(true);
    await app.wrapper.get('[data-testid="result-feesPaidOnline"]').setValue('10001');
    await app.wrapper.get('[data-testid="outcome-done"]').setValue(true);
    await app.wrapper.get('[data-testid="save-visit"]').trigger('click');
    await eventually(() => expect(app.wrapper.get('[data-testid="result-feesPaidOnline"]').attributes('aria-invalid')).toBe('true'));
    expect(await db().visits.count()).toBe(0);
  });
});

describe('toVisitFields', () => {
  it('drops counts of topics no longer chosen, and blank ones', () => {
    const form = { ...emptyVisit(), topics: ['vneid' as const], outcome: 'done' as const, results: { vneidInstalled: '3', vneidLevel2: '', scamTraining: '4' } };
    expect(toVisitFields(form, household.id).results).toEqual({ vneidInstalled: 3 });
  });

  it('reads a draft saved before the form had counts', () => {
    const { results: _none, ...old } = { ...emptyVisit(), topics: ['vneid' as const], outcome: 'done' as const };
    expect(toVisitFields(old, household.id).results).toBeUndefined();
  });
});
