import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../db/database';
import { createHouseholdWithMembers } from '../../db/householdWithMembers';
import type { HouseholdRow } from '../../db/rows';
import { CONSENT_TEXT_VERSION } from '../../domain/vocab';
import { eventually, mountRoute, resetApp, sleep, type Mounted } from '../../../tests/unit/mountWithApp';

/** A little more than useDraft's 400 ms debounce. */
const PAST_DRAFT_DEBOUNCE = 550;

let app: Mounted;
let household: HouseholdRow;

beforeEach(async () => {
  await resetApp();
  household = await createHouseholdWithMembers(
    {
      neighborhood: 'Thôn Đông',
      address: '12, ngõ 4 Lê Lợi',
      houseNumber: '12',
      lane: 'ngõ 4 Lê Lợi',
      headName: 'Nguyễn Văn Bình',
      consent: { recordedAt: '2026-01-05T02:00:00.000Z', recordedBy: 'Lê Thị Hoa', purposes: ['support', 'followUp'], textVersion: CONSENT_TEXT_VERSION },
    },
    [{ fullName: 'Trần Thị Lan', birthYear: 1958 }],
  );
  app = await mountRoute(`/households/${household.id}/visits/new`);
  await eventually(() => expect(app.wrapper.find('.lead').exists()).toBe(true));
});

afterEach(async () => {
  vi.useRealTimers();
  await resetApp();
});

const get = (testid: string) => app.wrapper.get(`[data-testid="${testid}"]`);
const value = (testid: string) => (get(testid).element as HTMLInputElement).value;
const topic = (t: string) => app.wrapper.get(`input[name="visit-topics"][value="${t}"]`);

function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

async function submit(): Promise<void> {
  await get('save-visit').trigger('click');
}

describe('VisitFormPage (new visit)', () => {
  it('shows the household and defaults the date to today (local time)', () => {
    expect(app.wrapper.get('h1').text()).toBe('Ghi lượt hỗ trợ');
    expect(app.wrapper.get('.lead').text()).toBe('Nguyễn Văn Bình · 12, ngõ 4 Lê Lợi');
    expect(value('visit-date')).toBe(localToday());
    expect(value('visit-followup')).toBe('');
    expect(app.wrapper.find('[data-testid="visit-member-Trần Thị Lan"]').exists()).toBe(true);
  });

  it("uses the person's day, not UTC's: 01:30 in Hà Nội on 10 March is still 9 March in UTC", async () => {
    const tz = process.env.TZ;
    process.env.TZ = 'Asia/Ho_Chi_Minh';
    try {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-03-09T18:30:00.000Z'));
      await app.unmount();
      app = await mountRoute(`/households/${household.id}/visits/new`);
      expect(value('visit-date')).toBe('2026-03-10');
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('refuses a visit dated after today', async () => {
    const tomorrow = new Date();
    tomorrow.setDate(tomorrow.getDate() + 1);
    const iso = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}`;
    expect(get('visit-date').attributes('max')).toBe(localToday());
    await get('visit-date').setValue(iso);
    await topic('vneid').setValue(true);
    await get('outcome-done').setValue(true);
    await submit();
    await eventually(() => expect(app.wrapper.get('#visit-date-error').text()).toBe('Ngày đến không được sau hôm nay.'));
    expect(await db().visits.count()).toBe(0);
  });

  it('with no topic and no outcome, shows "Hãy chọn ít nhất một mục." and the required message, and saves nothing', async () => {
    await submit();
    await eventually(() => expect(app.wrapper.find('#visit-topics-error').exists()).toBe(true));
    expect(app.wrapper.get('#visit-topics-error').text()).toBe('Hãy chọn ít nhất một mục.');
    expect(app.wrapper.get('#visit-outcome-error').text()).toBe('Cần điền ô này.');
    expect(app.wrapper.find('#visit-date-error').exists()).toBe(false);
    await sleep(50);
    expect(await db().visits.count()).toBe(0);
    expect(await db().outbox.where('entity').equals('visit').count()).toBe(0);
  });

  it('a follow-up date before the visit date shows "Ngày hẹn quay lại không được trước ngày đến."', async () => {
    await get('visit-date').setValue('2026-03-10');
    await topic('vneid').setValue(true);
    await get('outcome-partial').setValue(true);
    await get('visit-followup').setValue('2026-03-09');
    await submit();
    await eventually(() => expect(app.wrapper.find('#visit-followup-error').exists()).toBe(true));
    expect(app.wrapper.get('#visit-followup-error').text()).toBe('Ngày hẹn quay lại không được trước ngày đến.');
    expect(get('visit-followup').attributes('aria-invalid')).toBe('true');
    expect(app.wrapper.find('#visit-topics-error').exists()).toBe(false);
    expect(app.wrapper.find('#visit-outcome-error').exists()).toBe(false);
    await sleep(50);
    expect(await db().visits.count()).toBe(0);
  });

  it('saves a valid visit with its outbox entry, and the household takes its follow-up date', async () => {
    const member = (await db().members.toArray())[0]!;
    await get('visit-date').setValue('2026-03-10');
    await get('visit-member-Trần Thị Lan').setValue(true);
    await topic('vneid').setValue(true);
    await topic('eHealth').setValue(true);
    await get('outcome-partial').setValue(true);
    await get('visit-followup').setValue('2026-03-17');
    await get('visit-notes').setValue('  Bà Lan cần mang căn cước lần sau.  ');
    await submit();
    await eventually(() => expect(app.router.currentRoute.value.path).toBe(`/households/${household.id}`));
    expect(app.errors).toEqual([]);

    const visits = await db().visits.toArray();
    expect(visits).toHaveLength(1);
    const v = visits[0]!;
    expect(v).toMatchObject({
      householdId: household.id,
      date: '2026-03-10',
      topics: ['vneid', 'eHealth'],
      outcome: 'partial',
      memberIds: [member.id],
      followUpDate: '2026-03-17',
      notes: 'Bà Lan cần mang căn cước lần sau.',
      syncState: 'pending',
      deleted: 0,
    });
    expect('durationMinutes' in v).toBe(false);

    const entries = await db().outbox.where('[entity+id]').equals(['visit', v.id]).toArray();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ op: 'create', state: 'pending', baseVersion: null });
    expect(entries[0]!.fields).toMatchObject({ date: '2026-03-10', outcome: 'partial', followUpDate: '2026-03-17' });
    // 1 household + 1 member from the setup, then the visit.
    expect(await db().outbox.count()).toBe(3);

    const h = await db().households.get(household.id);
    expect(h!.followUpDate).toBe('2026-03-17');
    expect(h!.lastVisitDate).toBe('2026-03-10');
    expect(await db().drafts.count()).toBe(0);
  });

  // Regression: <input type="number" v-model> stores a number once the person types a duration;
  // toVisitFields used to call .trim() on it, so save() threw a TypeError.
  it('saves a visit whose duration was typed, with no follow-up date', async () => {
    await topic('vneid').setValue(true);
    await get('outcome-done').setValue(true);
    await app.wrapper.get('input[type="number"]').setValue('30');
    await submit();
    await eventually(() => expect(app.router.currentRoute.value.path).toBe(`/households/${household.id}`));
    expect(app.errors).toEqual([]);
    const v = (await db().visits.toArray())[0]!;
    expect(v).toMatchObject({ durationMinutes: 30, outcome: 'done', topics: ['vneid'], date: localToday() });
    expect('followUpDate' in v).toBe(false);
    expect('notes' in v).toBe(false);
    const h = await db().households.get(household.id);
    expect(h!.followUpDate).toBe('');
    expect(h!.lastVisitDate).toBe(localToday());
  });

  it('a duration above 600 minutes is out of range', async () => {
    await topic('vneid').setValue(true);
    await get('outcome-done').setValue(true);
    await app.wrapper.get('input[type="number"]').setValue('601');
    await submit();
    await eventually(() => expect(app.wrapper.find('#visit-duration-error').exists()).toBe(true));
    expect(app.wrapper.get('#visit-duration-error').text()).toBe('Từ 0 đến 600.');
    expect(await db().visits.count()).toBe(0);
  });

  it('keeps a half-typed visit as a draft `visit:new:<id>` and offers it back on the next visit to the page', async () => {
    await get('visit-notes').setValue('Bà Lan chưa nhớ mật khẩu VNeID');
    await sleep(PAST_DRAFT_DEBOUNCE);
    const key = `visit:new:${household.id}`;
    const draft = await db().drafts.get(key);
    expect(draft).toBeDefined();
    expect(draft!.route).toBe(`/households/${household.id}/visits/new`);
    expect(draft!.data).toMatchObject({ notes: 'Bà Lan chưa nhớ mật khẩu VNeID', date: localToday(), topics: [], outcome: '' });
    expect(await db().visits.count()).toBe(0);

    await app.unmount();
    app = await mountRoute(`/households/${household.id}/visits/new`);
    await eventually(() => expect(app.wrapper.find('.banner-info').exists()).toBe(true));
    expect(app.wrapper.get('.banner-info').text()).toContain('Bạn có một bản đang nhập dở từ');
    expect(value('visit-notes')).toBe('');

    const resume = app.wrapper.findAll('button').find((b) => b.text() === 'Tiếp tục nhập');
    expect(resume).toBeDefined();
    await resume!.trigger('click');
    expect(value('visit-notes')).toBe('Bà Lan chưa nhớ mật khẩu VNeID');
    expect(value('visit-date')).toBe(localToday());
    expect(app.wrapper.find('.banner-info').exists()).toBe(false);
  });

  it('"Bỏ bản nháp" deletes the draft', async () => {
    await get('visit-notes').setValue('nháp');
    await sleep(PAST_DRAFT_DEBOUNCE);
    await app.unmount();
    app = await mountRoute(`/households/${household.id}/visits/new`);
    await eventually(() => expect(app.wrapper.find('.banner-info').exists()).toBe(true));
    await app.wrapper.findAll('button').find((b) => b.text() === 'Bỏ bản nháp')!.trigger('click');
    await eventually(async () => expect(await db().drafts.count()).toBe(0));
    expect(app.wrapper.find('.banner-info').exists()).toBe(false);
    expect(value('visit-notes')).toBe('');
  });
});
