import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { saveMembership } from '../../sync/membership';
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
    const fetch = vi.fn(async (url: string) => new Response(JSON.stringify(url.includes('/api/team') ? team : {}), { status: 200, headers: { 'content-type': 'application/json' } }));
    vi.stubGlobal('fetch', fetch);
    app = await mountRoute('/team');
    await eventually(() => expect(app.wrapper.find('[data-testid="team-users"]').text()).toContain('Chị Lan'));
    expect(app.wrapper.find('[data-testid="team-devices"]').text()).toContain('Điện thoại của Lan');
    expect(fetch.mock.calls.some(([url]) => String(url).includes('/api/team'))).toBe(true);
  });
});
