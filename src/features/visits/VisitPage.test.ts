import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { db } from '../../db/database';
import { createHouseholdWithMembers } from '../../db/householdWithMembers';
import { createVisit } from '../../db/visits';
import { membersOf } from '../../db/members';
import { setLocalUserName } from '../../db/users';
import { CONSENT_TEXT_VERSION } from '../../domain/vocab';
import { eventually, mountRoute, resetApp, type Mounted } from '../../../tests/unit/mountWithApp';

let app: Mounted;

beforeEach(async () => {
  await resetApp();
});

afterEach(async () => {
  await resetApp();
});

async function seed() {
  const household = await createHouseholdWithMembers(
    {
      neighborhood: 'Thôn Đông',
      address: '12, ngõ 4 Lê Lợi',
      headName: 'Nguyễn Văn Bình',
      consent: { recordedAt: '2026-01-05T02:00:00.000Z', recordedBy: 'Lê Thị Hoa', purposes: ['support', 'followUp'], textVersion: CONSENT_TEXT_VERSION },
    },
    [{ fullName: 'Trần Thị Lan', birthYear: 1958 }],
  );
  const [lan] = await membersOf(household.id);
  const visit = await createVisit({
    householdId: household.id,
    date: '2026-03-09',
    topics: ['vneid', 'scamAwareness'],
    outcome: 'followUp',
    memberIds: [lan!.id],
    followUpDate: '2026-03-16',
    notes: 'Hẹn mang căn cước.',
  });
  return { household, visit };
}

const text = (testid: string) => app.wrapper.get(`[data-testid="${testid}"]`).text();

describe('VisitPage', () => {
  it('shows the visit to read, with who recorded it, and an "Edit" button to the form', async () => {
    await setLocalUserName('Lê Thị Hoa');
    const { visit } = await seed();
    app = await mountRoute(`/visits/${visit.id}`);
    await eventually(() => expect(app.wrapper.find('[data-testid="visit-card"]').exists()).toBe(true));
    const facts = app.wrapper.findAll('.facts dt').map((dt) => [dt.text(), (dt.element.nextElementSibling as HTMLElement).textContent]);
    expect(facts).toEqual([
      ['Ngày', '9/3/2026'],
      ['Hỗ trợ việc gì', 'Cài đặt / kích hoạt VNeID, Nhận biết lừa đảo'],
      ['Kết quả', 'Cần quay lại'],
      ['Ai được hỗ trợ', 'Trần Thị Lan'],
      ['Ngày hẹn quay lại', '16/3/2026'],
      ['Ghi chú', 'Hẹn mang căn cước.'],
      ['Người ghi', 'Lê Thị Hoa'],
    ]);
    expect(app.wrapper.find('form').exists()).toBe(false);
    expect(app.wrapper.find('input, textarea, select').exists()).toBe(false);
    expect(app.wrapper.get('[data-testid="edit-visit"]').attributes('href')).toBe(`/visits/${visit.id}/edit`);
  });

  it('names the team member the server says recorded a visit', async () => {
    const { visit } = await seed();
    await db().users.put({ id: '0194b2a0-0000-7000-8000-000000000001', name: 'Phạm Văn Tú', role: 'member' });
    await db().visits.update(visit.id, { createdBy: '0194b2a0-0000-7000-8000-000000000001' });
    app = await mountRoute(`/visits/${visit.id}`);
    await eventually(() => expect(text('visit-card-recorder')).toBe('Phạm Văn Tú'));
  });

  it('the household page lists the visit with its recorder and opens the card, not the form', async () => {
    await setLocalUserName('Lê Thị Hoa');
    const { household, visit } = await seed();
    app = await mountRoute(`/households/${household.id}`);
    await eventually(() => expect(app.wrapper.find('[data-testid="visit-recorder"]').exists()).toBe(true));
    expect(text('visit-recorder')).toBe('Ghi bởi Lê Thị Hoa');
    expect(app.wrapper.get('[data-testid="visit-history"] a').attributes('href')).toBe(`/visits/${visit.id}`);
  });
});
