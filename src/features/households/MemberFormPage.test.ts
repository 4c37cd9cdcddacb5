import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { db } from '../../db/database';
import { createHouseholdWithMembers } from '../../db/householdWithMembers';
import type { HouseholdRow } from '../../db/rows';
import { CONSENT_TEXT_VERSION } from '../../domain/vocab';
import { useNoticesStore } from '../../stores/notices';
import { eventually, mountRoute, resetApp, settle, type Mounted } from '../../../tests/unit/mountWithApp';

let app: Mounted;
let household: HouseholdRow;

const consent = { recordedAt: '2026-01-05T02:00:00.000Z', recordedBy: 'Lê Thị Hoa', purposes: ['support' as const], textVersion: CONSENT_TEXT_VERSION };

beforeEach(async () => {
  await resetApp();
  household = await createHouseholdWithMembers(
    { neighborhood: 'Thôn Đông', address: '12, ngõ 4 Lê Lợi', headName: 'Nguyễn Văn Bình', consent },
    [{ fullName: 'Trần Thị Lan', birthYear: 1958 }],
  );
});

afterEach(async () => {
  await resetApp();
});

const get = (testid: string) => app.wrapper.get(`[data-testid="${testid}"]`);
const notices = () => useNoticesStore(app.pinia).notices.map((n) => n.key);

describe('MemberFormPage', () => {
  it('a double tap on "Lưu" adds the member once', async () => {
    app = await mountRoute(`/households/${household.id}/members/new`);
    await get('member-fullName').setValue('Nguyễn Thị Hà');
    await get('member-birthYear').setValue('1990');
    const save = get('save-member');
    await Promise.all([save.trigger('submit'), save.trigger('submit')]);
    await eventually(() => expect(app.router.currentRoute.value.path).toBe(`/households/${household.id}`));
    await settle();
    expect((await db().members.toArray()).filter((m) => m.fullName === 'Nguyễn Thị Hà')).toHaveLength(1);
    expect(await db().outbox.where('entity').equals('member').count()).toBe(2);
    expect(notices()).toEqual(['common.saved']);
  });

  it('deleting a member says so and goes back to the household', async () => {
    const lan = (await db().members.toArray())[0]!;
    app = await mountRoute(`/members/${lan.id}/edit`);
    await eventually(() => expect((get('member-fullName').element as HTMLInputElement).value).toBe('Trần Thị Lan'));
    await app.wrapper.findAll('button').find((b) => b.text() === 'Xóa thành viên')!.trigger('click');
    await eventually(() => expect(app.wrapper.findAll('button').filter((b) => b.text() === 'Xóa thành viên')).toHaveLength(2));
    await app.wrapper.findAll('button').filter((b) => b.text() === 'Xóa thành viên')[1]!.trigger('click');
    await eventually(() => expect(app.router.currentRoute.value.path).toBe(`/households/${household.id}`));
    expect((await db().members.get(lan.id))?.deleted).toBe(1);
    expect(notices()).toEqual(['member.deleted']);
  });
});
