import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { db } from '../../db/database';
import { saveDraft } from '../../db/drafts';
import { addRosterUser, setLocalUserName } from '../../db/users';
import { emptySession, type SessionForm } from './forms';
import { eventually, mountRoute, resetApp, sleep, type Mounted } from '../../../tests/unit/mountWithApp';

let app: Mounted;

beforeEach(async () => {
  await resetApp();
});

afterEach(async () => {
  await resetApp();
});

const get = (testid: string) => app.wrapper.get(`[data-testid="${testid}"]`);
const errorOf = (id: string) => app.wrapper.find(`#${id}`);
const topic = (t: string) => app.wrapper.get(`input[name="session-topics"][value="${t}"]`);

async function open(): Promise<void> {
  app = await mountRoute('/sessions/new');
  await eventually(() => expect(app.wrapper.find('[data-testid="session-form"]').exists()).toBe(true));
}

/** Opens the page on a saved draft and resumes it. */
async function openWithDraft(values: Partial<SessionForm>): Promise<void> {
  await saveDraft('session:new', { ...emptySession(), ...values }, '/sessions/new');
  await open();
  const resume = await eventually(() => {
    const b = app.wrapper.findAll('button').find((x) => x.text() === 'Tiếp tục nhập');
    expect(b).toBeDefined();
    return b!;
  });
  await resume.trigger('click');
}

async function submit(): Promise<void> {
  await get('save-session').trigger('click');
  await sleep(30);
}

describe('SessionFormPage (new session)', () => {
  it('an empty form: place and attendees are required and a topic must be chosen; nothing is saved', async () => {
    await open();
    expect(app.wrapper.get('h1').text()).toBe('Ghi buổi hỗ trợ');
    await submit();
    await eventually(() => expect(errorOf('s-place-error').exists()).toBe(true));
    expect(errorOf('s-place-error').text()).toBe('Cần điền ô này.');
    expect(get('session-place').attributes('aria-invalid')).toBe('true');
    // An empty number field is reported as "enter a number".
    expect(errorOf('s-att-error').text()).toBe('Hãy nhập một số.');
    expect(get('session-attendees').attributes('aria-invalid')).toBe('true');
    expect(errorOf('session-topics-error').text()).toBe('Hãy chọn ít nhất một mục.');
    expect(errorOf('s-date-error').exists()).toBe(false);
    expect(await db().sessions.count()).toBe(0);
    expect(await db().outbox.count()).toBe(0);
  });

  it('a place of only spaces is still missing', async () => {
    await open();
    await get('session-place').setValue('   ');
    await submit();
    await eventually(() => expect(errorOf('s-place-error').text()).toBe('Cần điền ô này.'));
  });

  it('a results value above 10000 shows "Từ 0 đến 10000." next to that result', async () => {
    await open();
    await get('session-place').setValue('Nhà văn hóa thôn Đông');
    await topic('vneid').setValue(true);
    await get('session-attendees').setValue('12');
    await get('result-vneidInstalled').setValue('10001');
    await submit();
    await eventually(() => expect(errorOf('s-res-vneidInstalled-error').exists()).toBe(true));
    expect(app.errors).toEqual([]);
    expect(errorOf('s-res-vneidInstalled-error').text()).toBe('Từ 0 đến 10000.');
    expect(get('result-vneidInstalled').attributes('aria-invalid')).toBe('true');
    expect(get('result-vneidLevel2').attributes('aria-invalid')).toBe('false');
    expect(errorOf('s-place-error').exists()).toBe(false);
    expect(errorOf('s-att-error').exists()).toBe(false);
    expect(await db().sessions.count()).toBe(0);
    expect(await db().outbox.count()).toBe(0);
  });

  it('more than 10000 attendees is out of range too', async () => {
    await open();
    await get('session-place').setValue('Hội trường');
    await topic('vneid').setValue(true);
    await get('session-attendees').setValue('10001');
    await submit();
    await eventually(() => expect(errorOf('s-att-error').text()).toBe('Từ 1 đến 10000.'));
    expect(await db().sessions.count()).toBe(0);
  });

  it('a session of 0 attendees is refused with "Cần ít nhất 1 người dự."', async () => {
    await open();
    await get('session-place').setValue('Hội trường');
    await topic('vneid').setValue(true);
    await get('session-attendees').setValue('0');
    await submit();
    await eventually(() => expect(errorOf('s-att-error').text()).toBe('Cần ít nhất 1 người dự.'));
    expect(await db().sessions.count()).toBe(0);
  });

  it('warns, without refusing, when a result is larger than the number who attended', async () => {
    await open();
    await get('session-attendees').setValue('10');
    await get('result-vneidInstalled').setValue('12');
    await eventually(() => expect(get('results-over-attendees').text()).toBe('Kiểm tra lại: Cài VNeID nhiều hơn số người dự (10).'));
    await get('result-vneidInstalled').setValue('10');
    await eventually(() => expect(app.wrapper.find('[data-testid="results-over-attendees"]').exists()).toBe(false));
  });

  it('ticks the person recording as a facilitator of a new session', async () => {
    const me = await setLocalUserName('Lê Thị Hoa');
    await addRosterUser('Phạm Văn Tú');
    await open();
    const box = (id: string) => app.wrapper.get(`input[type="checkbox"][value="${id}"]`).element as HTMLInputElement;
    await eventually(() => expect(box(me.id).checked).toBe(true));
    const others = app.wrapper.findAll('input[type="checkbox"]').filter((b) => b.attributes('value') !== me.id && !b.attributes('name'));
    expect(others.length).toBeGreaterThan(0);
    for (const b of others) expect((b.element as HTMLInputElement).checked).toBe(false);
  });

  // Regression: <input type="number" v-model> stores numbers once the person types, and
  // toSessionFields used to call .trim() on them, so save() threw a TypeError.
  it('saves a valid session with results {vneidInstalled: 5} and its outbox entry', async () => {
    await open();
    await app.wrapper.get('input[type="date"]').setValue('2026-03-12');
    await get('session-place').setValue('  Nhà văn hóa thôn Đông ');
    await topic('vneid').setValue(true);
    await topic('scamAwareness').setValue(true);
    await get('session-attendees').setValue('12');
    await get('result-vneidInstalled').setValue('5');
    await submit();
    await eventually(() => expect(app.router.currentRoute.value.path).toBe('/sessions'));
    expect(app.errors).toEqual([]);

    const sessions = await db().sessions.toArray();
    expect(sessions).toHaveLength(1);
    const s = sessions[0]!;
    expect(s).toMatchObject({
      date: '2026-03-12',
      place: 'Nhà văn hóa thôn Đông',
      topics: ['vneid', 'scamAwareness'],
      attendees: 12,
      syncState: 'pending',
      version: 0,
      deleted: 0,
    });
    expect(s.results).toEqual({ vneidInstalled: 5 });
    expect('neighborhoodId' in s).toBe(false);
    expect('notes' in s).toBe(false);

    const outbox = await db().outbox.toArray();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ entity: 'session', op: 'create', id: s.id, state: 'pending', baseVersion: null, seq: 1 });
    expect(outbox[0]!.fields).toMatchObject({ attendees: 12, results: { vneidInstalled: 5 }, place: 'Nhà văn hóa thôn Đông' });
    expect(await db().drafts.count()).toBe(0);
  });

  it('a resumed draft is saved like a typed form (numbers kept as text in the draft)', async () => {
    await openWithDraft({
      date: '2026-03-12',
      place: 'Hội trường thôn',
      topics: ['vneid'],
      attendees: '20',
      results: { ...emptySession().results, vneidInstalled: '5', scamTraining: '0' },
    });
    expect((get('session-place').element as HTMLInputElement).value).toBe('Hội trường thôn');
    await submit();
    await eventually(() => expect(app.router.currentRoute.value.path).toBe('/sessions'));
    const s = (await db().sessions.toArray())[0]!;
    expect(s.attendees).toBe(20);
    expect(s.results).toEqual({ vneidInstalled: 5, scamTraining: 0 });
    expect(await db().drafts.count()).toBe(0);
  });
});
