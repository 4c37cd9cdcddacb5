import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHouseholdWithMembers } from '../../db/householdWithMembers';
import { createVisit } from '../../db/visits';
import { CONSENT_TEXT_VERSION } from '../../domain/vocab';
import { addDays, localToday } from '../../domain/dates';
import { STORAGE_KEYS } from '../../storageKeys';
import { eventually, mountRoute, resetApp, type Mounted } from '../../../tests/unit/mountWithApp';

let app: Mounted | undefined;
// `/` is Today on a team member's phone (src/features/home); citizens get the guides there.
beforeEach(async () => {
  localStorage.removeItem(STORAGE_KEYS.fieldWork);
  localStorage.setItem(STORAGE_KEYS.teamSide, '1');
  await resetApp();
});
afterEach(async () => {
  await app?.unmount();
  app = undefined;
  localStorage.removeItem(STORAGE_KEYS.fieldWork);
  localStorage.removeItem(STORAGE_KEYS.teamSide);
  await resetApp();
});

/** The order of the cards on the screen, by their headings. */
const cards = () => app!.wrapper.findAll('section.card h2').map((h) => h.attributes('id'));

async function open(): Promise<void> {
  app = await mountRoute('/');
  await eventually(() => expect(app!.wrapper.find('#followups-h').exists()).toBe(true));
}

describe('Today: nothing painted moves when the data arrives', () => {
  it("on a team member's phone without field work yet, the guides card is painted first and stays above the data part", async () => {
    app = await mountRoute('/');
    // The guides card is there from the first frame, whether or not the data part (whose code
    // another test file may already have loaded) has arrived yet.
    expect(cards()[0]).toBe('guides-h');
    await eventually(() => expect(app!.wrapper.find('#followups-h').exists()).toBe(true));
    expect(cards()[0]).toBe('guides-h');
    expect(localStorage.getItem(STORAGE_KEYS.fieldWork)).toBeNull();
  });

  it('once the phone has visits, the next time the follow-ups come first and the guides card after them', async () => {
    const h = await createHouseholdWithMembers(
      {
        neighborhood: 'Thôn Đông',
        address: '12, ngõ 4 Lê Lợi',
        headName: 'Nguyễn Văn Bình',
        consent: { recordedAt: '2026-01-05T02:00:00.000Z', recordedBy: 'Lê Thị Hoa', purposes: ['support'], textVersion: CONSENT_TEXT_VERSION },
      },
      [],
    );
    await createVisit({ householdId: h.id, date: '2026-11-20', topics: ['vneid'], outcome: 'done' });
    await open();
    await eventually(() => expect(localStorage.getItem(STORAGE_KEYS.fieldWork)).toBe('1'));
    await app!.unmount();

    app = await mountRoute('/');
    // Laid out for field work: the guides card comes with the data part, below it.
    await eventually(() => expect(cards().at(-1)).toBe('guides-h'));
    expect(cards().indexOf('followups-h')).toBeLessThan(cards().indexOf('guides-h'));
  });
});

describe('Today: long lists', () => {
  it('shows 5 overdue households, then all of them after "Xem tất cả"', async () => {
    for (let i = 1; i <= 7; i++) {
      const h = await createHouseholdWithMembers(
        {
          neighborhood: 'Thôn Đông',
          address: `${i}, ngõ 4 Lê Lợi`,
          headName: `Hộ số ${i}`,
          consent: { recordedAt: '2026-01-05T02:00:00.000Z', recordedBy: 'Lê Thị Hoa', purposes: ['support'], textVersion: CONSENT_TEXT_VERSION },
        },
        [],
      );
      await createVisit({ householdId: h.id, date: addDays(localToday(), -20), topics: ['vneid'], outcome: 'followUp', followUpDate: addDays(localToday(), -10) });
    }
    await open();
    const rows = () => app!.wrapper.findAll('[data-testid="followups-overdue"] li');
    await eventually(() => expect(rows()).toHaveLength(5));
    const more = app!.wrapper.get('[data-testid="show-all-overdue"]');
    expect(more.text()).toBe('Xem tất cả (7)');
    await more.trigger('click');
    await eventually(() => expect(rows()).toHaveLength(7));
    expect(app!.wrapper.find('[data-testid="show-all-overdue"]').exists()).toBe(false);
  });
});
