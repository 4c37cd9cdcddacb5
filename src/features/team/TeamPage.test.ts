import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { saveMembership } from '../../sync/membership';
import { createHouseholdWithMembers } from '../../db/householdWithMembers';
import { eventually, mountRoute, resetApp, type Mounted } from '../../../tests/unit/mountWithApp';

let app: Mounted;
beforeEach(async () => {
  await resetApp();
});
afterEach(async () => {
  await app?.unmount();
  await resetApp();
});

describe('Team screen', () => {
  it('opened straight from a link, before the membership is read, still loads the team', async () => {
    await saveMembership({
      token: 'tok',
      user: { id: 'u1', name: 'Trưởng thôn Bình', role: 'head' },
      team: { id: 't1', name: 'Tổ 3' },
      joinedAt: '2026-11-01T00:00:00.000Z',
    });
    const team = {
      team: { id: 't1', name: 'Tổ 3' },
      users: [
        { id: 'u1', name: 'Trưởng thôn Bình', role: 'head' },
        { id: 'u2', name: 'Chị Lan', role: 'member' },
      ],
      devices: [{ id: 'd1', userId: 'u2', label: 'Điện thoại của Lan', lastSeenAt: null, revoked: false }],
    };
    // Each route its own answer: a head's screen also lists the team's invites.
    const answers: Record<string, unknown> = { '/api/team': team, '/api/team/invites': { invites: [] } };
    const fetch = vi.fn(async (url: string) => {
      const body = answers[new URL(url, 'http://x').pathname];
      return new Response(JSON.stringify(body ?? { error: { code: 'NOT_FOUND', message: 'Not found' } }), { status: body ? 200 : 404, headers: { 'content-type': 'application/json' } });
    });
    vi.stubGlobal('fetch', fetch);
    app = await mountRoute('/team');
    await eventually(() => expect(app.wrapper.find('[data-testid="team-users"]').text()).toContain('Chị Lan'));
    expect(app.wrapper.find('[data-testid="team-devices"]').text()).toContain('Điện thoại của Lan');
    // Once every answer is in, the screen still stands (no render error), the invites listed as none.
    await eventually(() => expect(app.wrapper.find('[data-testid="invites-none"]').exists()).toBe(true));
    expect(app.wrapper.find('[data-testid="team-users"]').text()).toContain('Chị Lan');
    expect(app.errors).toEqual([]);
    expect(fetch.mock.calls.map(([url]) => new URL(String(url), 'http://x').pathname)).toContain('/api/team');
  });
});

describe('Team screen for a head: phones and invites', () => {
  const HEAD = { token: 'tok', user: { id: 'u1', name: 'Trần Thị Hoa', role: 'head' as const }, team: { id: 't1', name: 'Tổ 3' }, joinedAt: '2026-11-01T00:00:00.000Z' };
  const TEAM = {
    team: { id: 't1', name: 'Tổ 3' },
    users: [
      { id: 'u1', name: 'Trần Thị Hoa', role: 'head' },
      { id: 'u2', name: 'Lan', role: 'member' },
    ],
    devices: [
      { id: 'd1', userId: 'u1', label: 'Samsung A15', lastSeenAt: null, revoked: false, current: true },
      { id: 'd2', userId: 'u2', label: 'Oppo A58', lastSeenAt: null, revoked: false, current: false },
    ],
  };
  const INVITE = { id: 'i1', role: 'member', usesLeft: 3, expiresAt: '2026-12-10T08:00:00.000Z', createdAt: '2026-12-03T08:00:00.000Z', createdBy: { id: 'u1', name: 'Trần Thị Hoa' } };

  function server() {
    const state = { invites: [INVITE] as unknown[], calls: [] as string[] };
    const fetch = vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      state.calls.push(`${method} ${new URL(url, 'http://x').pathname}`);
      const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      if (url.endsWith('/api/team')) return json(200, TEAM);
      if (url.endsWith('/api/invites') && method === 'GET') return json(200, { invites: state.invites });
      if (url.endsWith('/api/invites') && method === 'POST') {
        state.invites = [{ ...INVITE, id: 'i2', role: 'head', usesLeft: 1 }, ...state.invites];
        return json(201, { code: 'ABCDE-12345', expiresAt: '2026-12-13T08:00:00.000Z', role: 'head' });
      }
      if (url.endsWith('/api/invites/i1/cancel')) return json(200, { cancelled: true });
      if (url.endsWith('/api/devices/d2/label')) return json(200, { label: JSON.parse(String(init?.body)).label });
      return json(404, { error: { code: 'NOT_FOUND' } });
    });
    vi.stubGlobal('fetch', fetch);
    return state;
  }

  it('names phones by their person, marks this phone and offers no removal for it; the dialog names the person', async () => {
    await saveMembership(HEAD);
    server();
    app = await mountRoute('/team');
    const devices = await eventually(() => {
      const d = app.wrapper.get('[data-testid="team-devices"]');
      expect(d.text()).toContain('Điện thoại của Lan');
      return d;
    });
    const mine = devices.get('[data-testid="this-device"]');
    expect(mine.text()).toContain('Điện thoại của Trần Thị Hoa');
    expect(mine.text()).toContain('máy này');
    expect(mine.find('[data-testid="revoke-device"]').exists()).toBe(false);
    const revoke = devices.findAll('[data-testid="revoke-device"]');
    expect(revoke).toHaveLength(1);
    await revoke[0]!.trigger('click');
    await eventually(() => expect(document.body.textContent).toContain('Gỡ Điện thoại của Lan (Oppo A58) khỏi tổ?'));
  });

  it('the model of a phone can be edited', async () => {
    await saveMembership(HEAD);
    const state = server();
    app = await mountRoute('/team');
    await eventually(() => expect(app.wrapper.get('[data-testid="team-devices"]').text()).toContain('Oppo A58'));
    const edit = app.wrapper.findAll('button').find((b) => b.attributes('aria-label') === 'Sửa tên máy — Điện thoại của Lan')!;
    await edit.trigger('click');
    await app.wrapper.get('[data-testid="device-model"]').setValue('Oppo A79');
    await app.wrapper.get('[data-testid="save-model"]').trigger('click');
    await eventually(() => expect(app.wrapper.get('[data-testid="team-devices"]').text()).toContain('Oppo A79'));
    expect(state.calls).toContain('PUT /api/devices/d2/label');
  });

  it('lists the open invites, restates the role of a new code, offers copy, and cancels an invite', async () => {
    await saveMembership(HEAD);
    const state = server();
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    app = await mountRoute('/team');
    const list = await eventually(() => app.wrapper.get('[data-testid="team-invites"]'));
    expect(list.text()).toContain('Tổ viên · còn 3 lượt · hết hạn');
    expect(list.text()).toContain('Do Trần Thị Hoa tạo');

    await app.wrapper.get('[data-testid="invite-role"]').setValue('head');
    await app.wrapper.get('[data-testid="create-invite"]').trigger('click');
    await eventually(() => expect(app.wrapper.get('[data-testid="invite-for"]').text()).toBe('Mã này mời người vào tổ với vai trò: Tổ trưởng.'));
    await eventually(() => expect(app.wrapper.findAll('[data-testid="team-invites"] li')).toHaveLength(2));
    await app.wrapper.get('[data-testid="invite-copy"]').trigger('click');
    await eventually(() => expect(writeText).toHaveBeenCalledWith(expect.stringContaining('/join?code=ABCDE-12345')));

    const cancel = app.wrapper.findAll('[data-testid="cancel-invite"]')[1]!;
    await cancel.trigger('click');
    const confirm = await eventually(() => {
      const b = [...document.querySelectorAll('dialog button, [role="dialog"] button')].find((x) => x.textContent?.trim() === 'Hủy mã') as HTMLButtonElement | undefined;
      expect(b).toBeDefined();
      return b!;
    });
    confirm.click();
    await eventually(() => expect(app.wrapper.findAll('[data-testid="team-invites"] li')).toHaveLength(1));
    expect(state.calls).toContain('POST /api/invites/i1/cancel');
  });

  it('the head manages the team’s neighborhoods here, seeded from what was typed on households', async () => {
    await saveMembership(HEAD);
    server();
    await createHouseholdWithMembers(
      { neighborhood: 'xom chua', address: 'Số 1', headName: 'Nguyễn Văn Bình', consent: { recordedAt: '2026-03-01T08:00:00.000Z', recordedBy: 'Hoa', purposes: ['support'], textVersion: 'vi-2026-12' } },
      [],
    );
    app = await mountRoute('/team');
    const seed = await eventually(() => app.wrapper.get('[data-testid="neighborhood-seed"]'));
    expect(seed.text()).toContain('xom chua');
    await app.wrapper.get('[data-testid="seed-neighborhoods"]').trigger('click');
    await eventually(() => expect(app.wrapper.get('[data-testid="neighborhood-list"]').text()).toContain('xom chua'));
    await eventually(() => expect(app.wrapper.find('[data-testid="neighborhood-seed"]').exists()).toBe(false));
  });

  it('a member names the model of their own phone', async () => {
    await saveMembership({ ...HEAD, user: { id: 'u2', name: 'Lan', role: 'member' } });
    const state = server();
    const { devices: _none, ...forMember } = TEAM;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        state.calls.push(`${init?.method ?? 'GET'} ${new URL(url, 'http://x').pathname}`);
        const body = url.endsWith('/api/team') ? { ...forMember, thisDevice: { id: 'd2', label: 'Oppo A58' } } : { label: JSON.parse(String(init?.body)).label };
        return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      }),
    );
    app = await mountRoute('/team');
    const mine = await eventually(() => app.wrapper.get('[data-testid="my-device"]'));
    expect(mine.text()).toContain('Oppo A58');
    await app.wrapper.get('[data-testid="edit-my-model"]').trigger('click');
    await app.wrapper.get('[data-testid="device-model"]').setValue('Oppo A79');
    await app.wrapper.get('[data-testid="save-model"]').trigger('click');
    await eventually(() => expect(app.wrapper.get('[data-testid="my-device"]').text()).toContain('Oppo A79'));
    expect(state.calls).toContain('PUT /api/devices/d2/label');
  });
});

