import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveMembership } from '../../sync/membership';
import { useMembershipStore } from '../team/store';
import TeamMembership from './TeamMembership.vue';
import { eventually, mountComponent, resetApp, type Mounted } from '../../../tests/unit/mountWithApp';

let app: Mounted;
beforeEach(async () => {
  await resetApp();
});
afterEach(async () => {
  await app?.unmount();
  await resetApp();
});

describe('Settings: the team membership', () => {
  it('names the person, their role and the team: "Trần Thị Hoa — Tổ trưởng, Tổ công nghệ số thôn 3"', async () => {
    await saveMembership({
      token: 'tok',
      user: { id: 'u1', name: 'Trần Thị Hoa', role: 'head' },
      team: { id: 't1', name: 'Tổ công nghệ số thôn 3' },
      joinedAt: '2026-11-01T00:00:00.000Z',
    });
    app = await mountComponent(TeamMembership);
    await useMembershipStore().load();
    await eventually(() => expect(app.wrapper.get('[data-testid="membership-line"]').text()).toBe('Trần Thị Hoa — Tổ trưởng, Tổ công nghệ số thôn 3'));
  });
});
