import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { saveMembership } from '../../sync/membership';
import { STORAGE_KEYS } from '../../storageKeys';
import { useMembershipStore } from './store';
import type { AuditEntry, AuditPage } from '../../domain/wire';
import { eventually, mountRoute, resetApp, type Mounted } from '../../../tests/unit/mountWithApp';

/** Generous: the page's modules load lazily, slowly on a busy machine. */
const WAIT_MS = 15_000;

const HEAD = { token: 'tok', user: { id: 'u1', name: 'Trần Thị Hoa', role: 'head' as const }, team: { id: 't1', name: 'Tổ 3' }, joinedAt: '2026-11-01T00:00:00.000Z' };

function entry(id: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return { id: String(id), at: '2026-12-05T08:00:00.000Z', teamId: 't1', entity: 'household', op: 'patch', recordId: 'r1', fields: ['headName', 'phone'], user: { id: 'u2', name: 'Chị Lan' }, deviceId: 'd2', ...over };
}

/** The audit route in two pages, recording the cursors it is asked for. */
function server(fail = false) {
  const asked: string[] = [];
  const pages: Record<string, AuditPage> = {
    '': { entries: [entry(9), entry(8, { entity: 'device', op: 'device-revoke', fields: [], user: { id: 'u1', name: 'Trần Thị Hoa' } })], cursor: '8' },
    '8': { entries: [entry(3, { op: 'erase', fields: [], user: null })], cursor: null },
  };
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      const u = new URL(url, 'http://x');
      const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      if (u.pathname === '/api/team') return json(200, { team: HEAD.team, users: [{ ...HEAD.user }] });
      if (u.pathname === '/api/invites') return json(200, { invites: [] });
      if (u.pathname !== '/api/audit') return json(404, { error: { code: 'NOT_FOUND', message: 'x' } });
      asked.push(u.searchParams.get('cursor') ?? '');
      if (fail) return json(500, { error: { code: 'INTERNAL', message: 'x' } });
      return json(200, pages[u.searchParams.get('cursor') ?? '']);
    }),
  );
  return asked;
}

let app: Mounted;
beforeEach(async () => {
  await resetApp();
  await saveMembership(HEAD);
});
afterEach(async () => {
  await app?.unmount();
  await resetApp();
});

describe('Activity log screen', () => {
  it('lists who did what and when, names of fields only, and loads older entries on demand', async () => {
    const asked = server();
    app = await mountRoute('/team/audit');
    const list = () => app.wrapper.find('[data-testid="audit-entries"]');
    await eventually(() => expect(list().exists()).toBe(true), WAIT_MS);
    expect(list().findAll('li')).toHaveLength(2);
    expect(list().text()).toContain('Sửa: Hộ');
    expect(list().text()).toContain('Chị Lan');
    expect(list().text()).toContain('headName, phone');
    expect(list().text()).toContain('Gỡ điện thoại khỏi tổ');
    expect(list().find('time').attributes('datetime')).toBe('2026-12-05T08:00:00.000Z');
    await app.wrapper.find('[data-testid="audit-more"]').trigger('click');
    await eventually(() => expect(list().findAll('li')).toHaveLength(3), WAIT_MS);
    expect(list().text()).toContain('Xóa hẳn dữ liệu một hộ theo yêu cầu');
    expect(list().text()).toContain('Máy chủ');
    expect(asked).toEqual(['', '8']);
    expect(app.wrapper.find('[data-testid="audit-more"]').exists()).toBe(false);
  });

  it('says so when the log cannot be loaded, and offers to try again', async () => {
    const asked = server(true);
    app = await mountRoute('/team/audit');
    await eventually(() => expect(app.wrapper.find('[data-testid="audit-error"]').text()).toContain('Không tải được nhật ký.'), WAIT_MS);
    expect(app.wrapper.find('[data-testid="audit-error"]').attributes('role')).toBe('status');
    await app.wrapper.find('[data-testid="audit-error"] button').trigger('click');
    await eventually(() => expect(asked).toHaveLength(2), WAIT_MS);
  });
});

describe('the way to the activity log', () => {
  it('a head’s Team screen links to it', async () => {
    server();
    app = await mountRoute('/team');
    const link = () => app.wrapper.find('[data-testid="audit-link"]');
    await eventually(() => expect(link().exists()).toBe(true), WAIT_MS);
    expect(link().attributes('href')).toBe('/team/audit');
    expect(link().text()).toBe('Nhật ký hoạt động');
  });

  it('a member’s does not', async () => {
    await saveMembership({ ...HEAD, user: { ...HEAD.user, role: 'member' } });
    server();
    app = await mountRoute('/team');
    await eventually(() => expect(app.wrapper.find('h1').text()).toBe('Tổ của tôi'), WAIT_MS);
    expect(app.wrapper.find('[data-testid="audit-link"]').exists()).toBe(false);
  });

  it('a commune admin, who has no Team screen, finds it on Today, where the app opens, and in Settings; its way back leads to Today', async () => {
    await saveMembership({ token: 'tok-a', user: { id: 'u9', name: 'Lê Văn Nam', role: 'admin' }, team: null, commune: { id: 'c1', name: 'Xã Thử Nghiệm' }, joinedAt: HEAD.joinedAt });
    localStorage.setItem(STORAGE_KEYS.teamSide, '1');
    server();
    try {
      app = await mountRoute('/');
      // At app start the sync store reads the membership (App.vue); here the test does.
      await useMembershipStore().load();
      const link = () => app.wrapper.find('[data-testid="open-audit"]');
      await eventually(() => expect(link().exists()).toBe(true), WAIT_MS);
      expect(link().text()).toBe('Nhật ký hoạt động');
      await link().trigger('click');
      await eventually(() => expect(app.wrapper.find('[data-testid="audit-entries"]').exists()).toBe(true), WAIT_MS);
      const back = app.wrapper.findAll('a').find((a) => a.text() === 'Về trang Hôm nay');
      expect(back?.attributes('href')).toBe('/');
      await app.router.push('/settings');
      await eventually(() => expect(app.wrapper.find('[data-testid="open-audit"]').attributes('href')).toBe('/team/audit'), WAIT_MS);
    } finally {
      localStorage.removeItem(STORAGE_KEYS.teamSide);
    }
  });
});
