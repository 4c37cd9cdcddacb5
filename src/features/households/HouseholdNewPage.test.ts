import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { db } from '../../db/database';
import { createHouseholdWithMembers } from '../../db/householdWithMembers';
import { CONSENT_TEXT_VERSION } from '../../domain/vocab';
import { emptyHousehold } from './forms';
import { MAX_LENGTH } from '../../domain/schemas';
import { flushAllDrafts } from '../../composables/useDraft';
import { useNoticesStore } from '../../stores/notices';
import { eventually, mountRoute, resetApp, settle, sleep, type Mounted } from '../../../tests/unit/mountWithApp';

const DRAFT_KEY = 'household:new';
/** A little more than useDraft's 400 ms debounce. */
const PAST_DRAFT_DEBOUNCE = 550;
/** A little more than useSimilarHouseholds' 300 ms debounce. */
const PAST_SIMILAR_DEBOUNCE = 420;

let app: Mounted;

beforeEach(async () => {
  await resetApp();
  app = await mountRoute('/households/new');
});

afterEach(async () => {
  await resetApp();
});

const find = (testid: string) => app.wrapper.find(`[data-testid="${testid}"]`);
const get = (testid: string) => app.wrapper.get(`[data-testid="${testid}"]`);
const buttonNamed = (text: string) => {
  const b = app.wrapper.findAll('button').find((x) => x.text() === text);
  if (!b) throw new Error(`no button "${text}"`);
  return b;
};

async function rowCounts() {
  const d = db();
  const [drafts, households, members, visits, outbox, users, meta] = await Promise.all([
    d.drafts.count(),
    d.households.count(),
    d.members.count(),
    d.visits.count(),
    d.outbox.count(),
    d.users.count(),
    d.meta.count(),
  ]);
  return { drafts, households, members, visits, outbox, users, meta };
}
const EMPTY = { drafts: 0, households: 0, members: 0, visits: 0, outbox: 0, users: 0, meta: 0 };

async function recordConsent(purposes: string[] = ['support', 'followUp'], name = 'Lê Thị Hoa'): Promise<void> {
  for (const p of purposes) await get(`consent-${p}`).setValue(true);
  await get('consent-given-by').setValue('Nguyễn Văn Bình');
  await get('consent-recorder').setValue(name);
  await get('consent-agreed').setValue(true);
  await get('consent-record').trigger('click');
  await eventually(() => expect(find('household-form').exists()).toBe(true));
}

async function fillHousehold(values: Partial<Record<'headName' | 'neighborhood' | 'houseNumber' | 'lane' | 'phone', string>>) {
  for (const [k, v] of Object.entries(values)) await get(`hh-${k}`).setValue(v);
}

async function submit(): Promise<void> {
  await get('save-household').trigger('click');
  await settle();
}

describe('HouseholdNewPage before consent', () => {
  it('shows the consent step, not the household form', () => {
    expect(app.wrapper.get('h1').text()).toBe('Thêm hộ mới');
    expect(find('consent-step').exists()).toBe(true);
    expect(find('household-form').exists()).toBe(false);
    expect(find('hh-headName').exists()).toBe(false);
    expect(find('save-household').exists()).toBe(false);
  });

  it('writes nothing to IndexedDB, even after the draft debounce and with the consent step half filled', async () => {
    expect(await rowCounts()).toEqual(EMPTY);
    await get('consent-support').setValue(true);
    await get('consent-recorder').setValue('Lê Thị Hoa');
    await sleep(PAST_DRAFT_DEBOUNCE);
    expect(await db().drafts.count()).toBe(0);
    expect(await db().households.count()).toBe(0);
    expect(await rowCounts()).toEqual(EMPTY);
    // Neither do the moments that force drafts out: an app update, the page being hidden.
    await flushAllDrafts();
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event('pagehide'));
    await settle();
    expect(await rowCounts()).toEqual(EMPTY);
    // Leaving the page (which flushes drafts) stores nothing either.
    await app.unmount();
    await settle();
    expect(await rowCounts()).toEqual(EMPTY);
  });

  it('"Hộ không đồng ý" leaves for the household list, says that nothing was recorded, and stores nothing', async () => {
    await buttonNamed('Hộ không đồng ý — không ghi gì').trigger('click');
    await eventually(() => expect(app.router.currentRoute.value.path).toBe('/households'));
    expect(useNoticesStore().notices.map((n) => n.key)).toEqual(['consent.declinedNotice']);
    expect(await rowCounts()).toEqual(EMPTY);
  });
});

describe('HouseholdNewPage after consent', () => {
  it('shows the form with a summary of the consent and remembers who recorded it', async () => {
    await recordConsent(['support', 'reporting']);
    expect(get('consent-recorded').text()).toBe(
      'Lê Thị Hoa đã ghi nhận sự đồng ý của hộ cho: Hỗ trợ hộ dùng dịch vụ số, Tính vào số liệu tổng hợp báo cáo xã.',
    );
    expect(find('consent-step').exists()).toBe(false);
    const users = await db().users.toArray();
    expect(users.map((u) => u.name)).toEqual(['Lê Thị Hoa']);
  });

  it('typing creates the `household:new` draft after the debounce', async () => {
    await recordConsent();
    await fillHousehold({ headName: 'Nguyễn Văn Bình' });
    // Not yet: the save waits for the person to pause.
    const early = await db().drafts.get(DRAFT_KEY);
    expect((early?.data as { form?: { headName: string } } | undefined)?.form?.headName ?? '').toBe('');
    await sleep(PAST_DRAFT_DEBOUNCE);
    const saved = await db().drafts.get(DRAFT_KEY);
    expect(saved).toBeDefined();
    expect(saved!.route).toBe('/households/new');
    const data = saved!.data as { consent: { purposes: string[]; recordedBy: string }; form: Record<string, string>; members: unknown[] };
    expect(data.form).toEqual({ ...emptyHousehold(), headName: 'Nguyễn Văn Bình' });
    expect(data.consent.purposes).toEqual(['support', 'followUp']);
    expect(data.consent.recordedBy).toBe('Lê Thị Hoa');
    expect(data.members).toEqual([]);
    expect(await db().households.count()).toBe(0);
    expect(await db().outbox.count()).toBe(0);
  });

  it('an empty head name shows "Cần điền ô này." and writes no household', async () => {
    await recordConsent();
    await fillHousehold({ neighborhood: 'Thôn Đông', lane: 'Xóm Chùa', phone: '0912345678' });
    await submit();
    expect(app.wrapper.get('#hh-headName-error').text()).toBe('Cần điền ô này.');
    expect(get('hh-headName').attributes('aria-invalid')).toBe('true');
    expect(app.wrapper.find('#hh-neighborhood-error').exists()).toBe(false);
    expect(await db().households.count()).toBe(0);
    expect(await db().outbox.count()).toBe(0);
    expect(app.router.currentRoute.value.path).toBe('/households/new');
  });

  it('a missing neighborhood and address are reported too', async () => {
    await recordConsent();
    await fillHousehold({ headName: 'Nguyễn Văn Bình', phone: '0912345678' });
    await submit();
    expect(app.wrapper.get('#hh-neighborhood-error').text()).toBe('Cần điền ô này.');
    expect(app.wrapper.get('#hh-address-error').text()).toBe('Nhập số nhà hoặc ngõ/xóm — một trong hai là đủ.');
    expect(await db().households.count()).toBe(0);
  });

  it('each message goes away as its field is corrected, without flagging fields not yet reported', async () => {
    await recordConsent();
    await fillHousehold({ phone: '0912345678' });
    await submit();
    expect(app.wrapper.get('#hh-headName-error').text()).toBe('Cần điền ô này.');
    expect(app.wrapper.find('#hh-address-error').exists()).toBe(true);
    await fillHousehold({ houseNumber: '7A' });
    await eventually(() => expect(app.wrapper.find('#hh-address-error').exists()).toBe(false));
    expect(app.wrapper.get('#hh-headName-error').text()).toBe('Cần điền ô này.');
    await fillHousehold({ headName: 'Nguyễn Văn Bình' });
    await eventually(() => expect(app.wrapper.find('#hh-headName-error').exists()).toBe(false));
    expect(get('hh-headName').attributes('aria-invalid')).toBe('false');
    // A phone made wrong after the save was tried waits for the next save to be reported.
    await fillHousehold({ phone: '12' });
    await sleep(30);
    expect(app.wrapper.find('#hh-phone-error').exists()).toBe(false);
  });

  it('marks the required fields, the address as either of its parts, and caps inputs at the schema limits', async () => {
    await recordConsent();
    expect(get('hh-headName').attributes('maxlength')).toBe(String(MAX_LENGTH.name));
    expect(get('hh-headName').attributes('aria-required')).toBe('true');
    expect(get('hh-neighborhood').attributes('maxlength')).toBe(String(MAX_LENGTH.neighborhood));
    expect(get('hh-houseNumber').attributes('maxlength')).toBe(String(MAX_LENGTH.houseNumber));
    expect(get('hh-lane').attributes('maxlength')).toBe(String(MAX_LENGTH.lane));
    expect(app.wrapper.get('.address-parts legend').text()).toBe('Số nhà hoặc ngõ/xóm *');
    expect(app.wrapper.get('#hh-address-hint').text()).toBe('Chỉ cần một trong hai.');
  });

  it('the possible-duplicate warning sits right under the name, before the neighborhood', async () => {
    await createHouseholdWithMembers(
      {
        neighborhood: 'Thôn Đông',
        address: 'Xóm Chùa',
        lane: 'Xóm Chùa',
        headName: 'Nguyễn Văn Bình',
        consent: { recordedAt: '2026-01-05T02:00:00.000Z', recordedBy: 'Lê Thị Hoa', purposes: ['support'], textVersion: CONSENT_TEXT_VERSION },
      },
      [],
    );
    await recordConsent();
    await fillHousehold({ headName: 'nguyen van binh', neighborhood: 'Thôn Đông' });
    const warning = await eventually(() => {
      const w = app.wrapper.find('[data-testid="similar-warning"]');
      expect(w.exists()).toBe(true);
      return w;
    });
    const name = get('hh-headName').element.closest('label')!;
    expect(name.nextElementSibling).toBe(warning.element);
  });

  // Regression: an empty phone used to be validated as phone: '' and rejected with
  // "Số điện thoại gồm 8–15 chữ số.", so a household without a phone could not be saved.
  it('saves a household without a phone number', async () => {
    await recordConsent();
    await fillHousehold({ headName: 'Nguyễn Văn Bình', neighborhood: 'Thôn Đông', lane: 'Xóm Chùa' });
    await submit();
    expect(app.wrapper.text()).not.toContain('Số điện thoại gồm 8–15 chữ số.');
    await eventually(() => expect(app.router.currentRoute.value.path).toMatch(/^\/households\/[0-9a-f-]{36}$/));
    expect(app.errors).toEqual([]);
    expect(await db().households.count()).toBe(1);
    const h = (await db().households.toArray())[0]!;
    expect(app.router.currentRoute.value.path).toBe(`/households/${h.id}`);
    expect('phone' in h).toBe(false);
    expect('notes' in h).toBe(false);
    expect(h.address).toBe('Xóm Chùa');
  });

  it('two members added with "Thêm thành viên" are saved with the household, in one go with their outbox entries', async () => {
    await recordConsent(['support', 'reporting']);
    await fillHousehold({ headName: 'Nguyễn Văn Bình', neighborhood: 'Thôn Đông', houseNumber: '12', lane: 'ngõ 4 Lê Lợi', phone: '091 234.5678' });
    expect(buttonNamed('Thêm thành viên').attributes('data-testid')).toBe('add-member');
    await buttonNamed('Thêm thành viên').trigger('click');
    await buttonNamed('Thêm thành viên').trigger('click');
    // The first member starts with the head's name; the second is empty.
    expect((get('m0-fullName').element as HTMLInputElement).value).toBe('Nguyễn Văn Bình');
    expect((get('m1-fullName').element as HTMLInputElement).value).toBe('');
    expect(app.wrapper.text()).toContain('Thành viên 1');
    expect(app.wrapper.text()).toContain('Thành viên 2');
    // Regression: typing into these type="number" inputs used to make save() throw a TypeError.
    await get('m0-birthYear').setValue('1960');
    await get('m1-fullName').setValue('Trần Thị Lan');
    await get('m1-birthYear').setValue('1963');
    await get('m1-vneid-2').setValue(true);

    await submit();
    expect(app.errors).toEqual([]);
    await eventually(() => expect(app.router.currentRoute.value.path).toMatch(/^\/households\/[0-9a-f-]{36}$/));
    await expectSavedHousehold(['support', 'reporting'], { waitPastDebounce: true });
  });

  it('an invalid member blocks the whole save, with the message next to that member', async () => {
    await recordConsent();
    await fillHousehold({ headName: 'Nguyễn Văn Bình', neighborhood: 'Thôn Đông', lane: 'Xóm Chùa' });
    await get('add-member').trigger('click');
    await get('add-member').trigger('click');
    await get('m0-birthYear').setValue('1960');
    await get('m1-fullName').setValue('Trần Thị Lan');
    await submit();
    expect(app.wrapper.get('#m1-birthYear-error').text()).toBe('Hãy nhập một số.');
    expect(app.wrapper.find('#m0-birthYear-error').exists()).toBe(false);
    await get('m1-birthYear').setValue('1890');
    await submit();
    expect(app.wrapper.get('#m1-birthYear-error').text()).toBe(`Năm sinh từ 1900 đến ${new Date().getFullYear()}.`);
    expect(await db().households.count()).toBe(0);
    expect(await db().members.count()).toBe(0);
    expect(await db().outbox.count()).toBe(0);
  });

  it('a resumed draft brings back the consent, the household and its members, and saves', async () => {
    await recordConsent(['support', 'reporting']);
    await fillHousehold({ headName: 'Nguyễn Văn Bình', neighborhood: 'Thôn Đông', houseNumber: '12', lane: 'ngõ 4 Lê Lợi', phone: '091 234.5678' });
    await get('add-member').trigger('click');
    await get('add-member').trigger('click');
    await get('m0-birthYear').setValue('1960');
    await get('m1-fullName').setValue('Trần Thị Lan');
    await get('m1-birthYear').setValue('1963');
    await get('m1-vneid-2').setValue(true);
    await sleep(PAST_DRAFT_DEBOUNCE);
    await app.unmount();

    app = await mountRoute('/households/new');
    await eventually(() => expect(app.wrapper.text()).toContain('Bạn có một bản đang nhập dở từ'));
    // The consent step shows until the person resumes.
    expect(find('consent-step').exists()).toBe(true);
    await buttonNamed('Tiếp tục nhập').trigger('click');
    await eventually(() => expect(find('household-form').exists()).toBe(true));
    expect(get('consent-recorded').text()).toContain('Lê Thị Hoa đã ghi nhận sự đồng ý của hộ cho:');
    expect((get('hh-headName').element as HTMLInputElement).value).toBe('Nguyễn Văn Bình');
    expect((get('m1-fullName').element as HTMLInputElement).value).toBe('Trần Thị Lan');
    expect((get('m1-birthYear').element as HTMLInputElement).value).toBe('1963');

    await submit();
    expect(app.errors).toEqual([]);
    await eventually(() => expect(app.router.currentRoute.value.path).toMatch(/^\/households\/[0-9a-f-]{36}$/));
    await expectSavedHousehold(['support', 'reporting']);
  });

  it('warns about a similar household: same head name typed without diacritics, same neighborhood', async () => {
    const existing = await createHouseholdWithMembers(
      {
        neighborhood: 'Thôn Đông',
        address: '12, ngõ 4 Lê Lợi',
        houseNumber: '12',
        lane: 'ngõ 4 Lê Lợi',
        headName: 'Nguyễn Văn Bình',
        consent: { recordedAt: '2026-01-05T02:00:00.000Z', recordedBy: 'Hoa', purposes: ['support'], textVersion: CONSENT_TEXT_VERSION },
      },
      [],
    );
    await recordConsent();
    await fillHousehold({ neighborhood: 'Thôn Đông', headName: 'nguyen van binh' });
    // The check waits 300 ms after the last keystroke.
    await settle();
    expect(find('similar-warning').exists()).toBe(false);
    await sleep(PAST_SIMILAR_DEBOUNCE);
    await settle();
    const warning = get('similar-warning');
    expect(warning.text()).toContain('Có hộ trông giống hộ này đã được ghi. Mở hộ đó thay vì thêm mới?');
    const link = warning.get('a');
    expect(link.text()).toBe('Mở hộ Nguyễn Văn Bình — 12, ngõ 4 Lê Lợi');
    expect(link.attributes('href')).toBe(`/households/${existing.id}`);
  });

  it('does not warn about the same name in another neighborhood', async () => {
    await createHouseholdWithMembers(
      {
        neighborhood: 'Thôn Tây',
        address: 'Xóm Chùa',
        headName: 'Nguyễn Văn Bình',
        consent: { recordedAt: '2026-01-05T02:00:00.000Z', recordedBy: 'Hoa', purposes: ['support'], textVersion: CONSENT_TEXT_VERSION },
      },
      [],
    );
    await recordConsent();
    await fillHousehold({ neighborhood: 'Thôn Đông', headName: 'nguyen van binh' });
    await sleep(PAST_SIMILAR_DEBOUNCE);
    await settle();
    expect(find('similar-warning').exists()).toBe(false);
  });
});

/** One household, its two members and three outbox entries, as both save tests expect; no draft left. */
async function expectSavedHousehold(purposes: string[], { waitPastDebounce = false } = {}): Promise<void> {
  const households = await db().households.toArray();
  expect(households).toHaveLength(1);
  const h = households[0]!;
  expect(app.router.currentRoute.value.path).toBe(`/households/${h.id}`);
  expect(h).toMatchObject({
    headName: 'Nguyễn Văn Bình',
    neighborhood: 'Thôn Đông',
    address: '12, ngõ 4 Lê Lợi',
    houseNumber: '12',
    lane: 'ngõ 4 Lê Lợi',
    phone: '0912345678',
    syncState: 'pending',
    version: 0,
    deleted: 0,
  });
  expect(h.consent.purposes).toEqual(purposes);
  expect(h.consent.recordedBy).toBe('Lê Thị Hoa');
  expect(h.consent.textVersion).toBe(CONSENT_TEXT_VERSION);
  expect(h.searchText).toContain('tran thi lan');

  const members = (await db().members.toArray()).sort((a, b) => a.birthYear - b.birthYear);
  expect(members.map((m) => [m.fullName, m.birthYear, m.householdId])).toEqual([
    ['Nguyễn Văn Bình', 1960, h.id],
    ['Trần Thị Lan', 1963, h.id],
  ]);
  expect(members[0]!.vneidLevel).toBeUndefined();
  expect(members[1]!.vneidLevel).toBe(2);
  expect(members[1]!.vneidLevelSince).toMatch(/^\d{4}-\d{2}-\d{2}$/);

  const outbox = await db().outbox.orderBy('seq').toArray();
  expect(outbox.map((o) => [o.entity, o.op, o.id])).toEqual([
    ['household', 'create', h.id],
    ['member', 'create', members[0]!.id],
    ['member', 'create', members[1]!.id],
  ]);
  expect(outbox.every((o) => o.state === 'pending' && o.baseVersion === null)).toBe(true);
  expect((outbox[0]!.fields as { consent: { purposes: string[] } }).consent.purposes).toEqual(purposes);

  // The draft is gone and stays gone (no pending debounce or unmount flush brings it back).
  expect(await db().drafts.get(DRAFT_KEY)).toBeUndefined();
  if (waitPastDebounce) await sleep(PAST_DRAFT_DEBOUNCE);
  else await settle();
  expect(await db().drafts.count()).toBe(0);
}
