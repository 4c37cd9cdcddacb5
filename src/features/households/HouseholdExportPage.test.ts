import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHouseholdWithMembers } from '../../db/householdWithMembers';
import { createVisit } from '../../db/visits';
import { membersOf } from '../../db/members';
import { CONSENT_TEXT_VERSION } from '../../domain/vocab';
import { setLanguage } from '../../modules/i18n';
import { eventually, mountRoute, resetApp, type Mounted } from '../../../tests/unit/mountWithApp';

let app: Mounted;

beforeEach(async () => {
  await resetApp();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await setLanguage('vi');
  await resetApp();
});

async function seed() {
  const household = await createHouseholdWithMembers(
    {
      neighborhood: 'Thôn Đông',
      address: '7A, Xóm Đình',
      houseNumber: '7A',
      lane: 'Xóm Đình',
      headName: 'Nguyễn Văn Bình',
      phone: '0912345678',
      consent: { recordedAt: '2026-01-05T02:00:00.000Z', recordedBy: 'Lê Thị Hoa', purposes: ['support', 'followUp'], textVersion: CONSENT_TEXT_VERSION },
    },
    [{ fullName: 'Trần Thị Lan', birthYear: 1958, hasSmartphone: true, vneidLevel: 1 }],
  );
  const [lan] = await membersOf(household.id);
  await createVisit({ householdId: household.id, date: '2026-03-09', topics: ['vneid'], outcome: 'followUp', memberIds: [lan!.id], followUpDate: '2026-03-16' });
  return household;
}

describe('HouseholdExportPage', () => {
  it('is a Vietnamese document of the household, its members, visits and consent, even with the app in English', async () => {
    const household = await seed();
    app = await mountRoute('/households');
    await setLanguage('en');
    await app.router.push(`/households/${household.id}/export`);
    const doc = await eventually(() => {
      const d = app.wrapper.find('[data-testid="export-document"]');
      expect(d.exists()).toBe(true);
      return d;
    });
    expect(doc.attributes('lang')).toBe('vi');
    expect(doc.get('h1').text()).toBe('Dữ liệu của hộ Nguyễn Văn Bình');
    const text = doc.text();
    for (const part of ['7A, Xóm Đình', 'Thôn Đông', '0912 345 678', 'Trần Thị Lan', '1958', 'Mức 1', '9/3/2026 · Cần quay lại', 'Cài đặt / kích hoạt VNeID', '16/3/2026', 'Lê Thị Hoa đã ghi nhận sự đồng ý của hộ cho: Hỗ trợ hộ dùng dịch vụ số, Quay lại hỏi thăm, hỗ trợ tiếp.']) {
      expect(text).toContain(part);
    }
    // No raw data on the page: no ids, no ISO dates, no field keys.
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}|[0-9a-f]{8}-[0-9a-f]{4}|followUp|birthYear/);
    // The buttons around it are in the app's language.
    expect(app.wrapper.get('[data-testid="export-print"]').text()).toBe('Print or save as PDF');
  });

  it('prints with the browser and offers the JSON file as an extra', async () => {
    const household = await seed();
    app = await mountRoute(`/households/${household.id}/export`);
    await eventually(() => expect(app.wrapper.find('[data-testid="export-document"]').exists()).toBe(true));
    // happy-dom has no print dialog: the browser's own is what the button opens.
    const print = vi.fn();
    window.print = print;
    await app.wrapper.get('[data-testid="export-print"]').trigger('click');
    expect(print).toHaveBeenCalledTimes(1);
    const created = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x');
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    await app.wrapper.get('[data-testid="export-json"]').trigger('click');
    expect(clicked).toHaveBeenCalledTimes(1);
    const blob = created.mock.calls[0]![0] as Blob;
    const json = JSON.parse(await blob.text()) as { household: { headName: string }; members: unknown[]; visits: unknown[] };
    expect(json.household.headName).toBe('Nguyễn Văn Bình');
    expect(json.members).toHaveLength(1);
    expect(json.visits).toHaveLength(1);
  });
});
