import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../db/database';
import { getMembership, saveMembership, type DeviceMembership } from '../../sync/membership';
import { STORAGE_KEYS } from '../../storageKeys';
import { useMembershipStore } from '../team/store';
import { useSyncStore } from '../sync/store';
import { restart } from '../team/restart';
import TeamMembership from './TeamMembership.vue';
import { eventually, mountComponent, resetApp, settle, type Mounted } from '../../../tests/unit/mountWithApp';

const HEAD: DeviceMembership = {
  token: 'tok',
  user: { id: 'u1', name: 'Trần Thị Hoa', role: 'head' },
  team: { id: 't1', name: 'Tổ công nghệ số thôn 3' },
  joinedAt: '2026-11-01T00:00:00.000Z',
};
const ADMIN: DeviceMembership = { token: 'tok-a', user: { id: 'u9', name: 'Lê Văn Nam', role: 'admin' }, team: null, commune: { id: 'c1', name: 'Xã Thử Nghiệm' }, joinedAt: HEAD.joinedAt };

let app: Mounted;
beforeEach(async () => {
  await resetApp();
  localStorage.clear();
});
afterEach(async () => {
  await app?.unmount();
  await resetApp();
});

async function open(membership?: DeviceMembership): Promise<Mounted> {
  if (membership) await saveMembership(membership);
  const mounted = await mountComponent(TeamMembership);
  await useMembershipStore().load();
  vi.spyOn(useSyncStore(), 'syncNow').mockResolvedValue({ phase: 'idle' });
  await settle();
  return mounted;
}

async function pending(n: number): Promise<void> {
  await db().outbox.bulkAdd(
    Array.from({ length: n }, (_, i) => ({ mid: `m${i}`, seq: i + 1, entity: 'household' as const, op: 'patch' as const, id: `h${i}`, fields: {}, clientTs: HEAD.joinedAt, state: 'pending' as const })),
  );
}

const dialog = () => app.wrapper.get('dialog');

describe('Settings: the team membership', () => {
  it('names the person, their role and the team: "Trần Thị Hoa — Tổ trưởng, Tổ công nghệ số thôn 3"', async () => {
    app = await open(HEAD);
    await eventually(() => expect(app.wrapper.get('[data-testid="membership-line"]').text()).toBe('Trần Thị Hoa — Tổ trưởng, Tổ công nghệ số thôn 3'));
  });

  it('with everything sent, asks once, then wipes the phone and starts the app afresh', async () => {
    app = await open(HEAD);
    await db().households.put({ id: 'h1', headName: 'Bình', version: 1, deleted: 0, syncState: 'synced', localUpdatedAt: HEAD.joinedAt } as never);
    localStorage.setItem(STORAGE_KEYS.pinSet, '1');
    const restarted = vi.spyOn(restart, 'at').mockImplementation(() => undefined);
    await app.wrapper.get('[data-testid="sign-out"]').trigger('click');
    await eventually(() => expect(dialog().text()).toContain('Đăng xuất và xóa dữ liệu trên máy này?'));
    expect(dialog().text()).toContain('Mọi thay đổi đã lên máy chủ.');
    expect(restarted).not.toHaveBeenCalled();
    await dialog().findAll('button').at(1)!.trigger('click');
    await eventually(() => expect(restarted).toHaveBeenCalledWith('/'));
    expect(await getMembership()).toBeUndefined();
    expect(await db().households.count()).toBe(0);
    expect(localStorage.getItem(STORAGE_KEYS.pinSet)).toBeNull();
  });

  it('with changes not sent, asks to discard them by their number, and cancelling keeps everything', async () => {
    app = await open(HEAD);
    await pending(2);
    const restarted = vi.spyOn(restart, 'at').mockImplementation(() => undefined);
    await app.wrapper.get('[data-testid="sign-out"]').trigger('click');
    await eventually(() => expect(dialog().text()).toContain('Còn 2 thay đổi chưa gửi được lên máy chủ.'));
    expect(dialog().findAll('button').at(1)!.text()).toBe('Bỏ 2 thay đổi và đăng xuất');
    await dialog().findAll('button').at(0)!.trigger('click');
    await settle();
    expect(restarted).not.toHaveBeenCalled();
    expect(await db().outbox.count()).toBe(2);
    expect((await getMembership())?.token).toBe('tok');
  });

  it('an admin, who is in no team, sees the commune and can sign out', async () => {
    app = await open(ADMIN);
    await eventually(() => expect(app.wrapper.get('[data-testid="membership-line"]').text()).toBe('Lê Văn Nam — Cán bộ xã, Xã Thử Nghiệm'));
    expect(app.wrapper.get('[data-testid="sign-out"]').text()).toBe('Đăng xuất trên máy này');
  });

  it('a phone in no team can still be wiped, after discarding what it holds by number', async () => {
    app = await open();
    await pending(1);
    const restarted = vi.spyOn(restart, 'at').mockImplementation(() => undefined);
    await app.wrapper.get('[data-testid="wipe-device"]').trigger('click');
    await eventually(() => expect(dialog().text()).toContain('1 thay đổi chưa gửi cho tổ nào sẽ mất'));
    expect(dialog().findAll('button').at(1)!.text()).toBe('Bỏ 1 thay đổi và xóa');
    await dialog().findAll('button').at(1)!.trigger('click');
    await eventually(() => expect(restarted).toHaveBeenCalledWith('/'));
    expect(await db().outbox.count()).toBe(0);
  });
});
