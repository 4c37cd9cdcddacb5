import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHouseholdWithMembers } from '../../db/householdWithMembers';
import { CONSENT_TEXT_VERSION } from '../../domain/vocab';
import { useHouseholdsStore } from './store';
import { eventually, mountRoute, resetApp, type Mounted } from '../../../tests/unit/mountWithApp';

let app: Mounted;

const consent = { recordedAt: '2026-01-05T02:00:00.000Z', recordedBy: 'Lê Thị Hoa', purposes: ['support' as const], textVersion: CONSENT_TEXT_VERSION };

beforeEach(async () => {
  await resetApp();
  await createHouseholdWithMembers({ neighborhood: 'Thôn Đông', address: '12, ngõ 4', headName: 'Nguyễn Văn Bình', consent }, [
    { fullName: 'Nguyễn Văn Bình', birthYear: 1960 },
    { fullName: 'Trần Thị Lan', birthYear: 1962 },
  ]);
  await createHouseholdWithMembers({ neighborhood: 'Thôn Lan', address: '3, xóm Chùa', headName: 'Lê Văn Tám', consent }, []);
  app = await mountRoute('/households');
});

afterEach(async () => {
  useHouseholdsStore(app.pinia).stop();
  await resetApp();
});

const rows = () => app.wrapper.findAll('[data-testid="household-list"] li');

describe('HouseholdListPage search', () => {
  it('says which member a household was found by, and nothing when its own name or address matched', async () => {
    await eventually(() => expect(rows()).toHaveLength(2));
    await app.wrapper.get('[data-testid="household-search"]').setValue('lan');
    await eventually(() => expect(rows()).toHaveLength(2));
    await eventually(() => expect(app.wrapper.findAll('[data-testid="member-match"]')).toHaveLength(1));
    const binh = rows().find((r) => r.text().includes('Nguyễn Văn Bình'))!;
    expect(binh.get('[data-testid="member-match"]').text()).toBe('Có thành viên: Trần Thị Lan');
    // "Thôn Lan" is Lê Văn Tám's own neighborhood: no member is named.
    const tam = rows().find((r) => r.text().includes('Lê Văn Tám'))!;
    expect(tam.find('[data-testid="member-match"]').exists()).toBe(false);
  });
});
