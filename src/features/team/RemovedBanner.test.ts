import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppDB } from '../../db/database';
import { DB_NAMES } from '../../storageKeys';
import { saveMembership } from '../../sync/membership';
import { getRemoval, wipeTeamData } from '../../sync/teamWipe';
import { eventually, mountComponent, resetApp, type Mounted } from '../../../tests/unit/mountWithApp';
import RemovedBanner from './RemovedBanner.vue';
import { useMembershipStore } from './store';

let app: Mounted | undefined;
beforeEach(async () => {
  await resetApp();
});
afterEach(async () => {
  await app?.unmount();
  app = undefined;
  await resetApp();
});

describe('RemovedBanner', () => {
  it('after the team removed the phone, says so with the team’s name, and "Đã hiểu" hides it for good', async () => {
    const database = new AppDB(DB_NAMES.main);
    await saveMembership({ token: 't', user: { id: 'u1', name: 'Lan', role: 'member' }, team: { id: 'team-1', name: 'Tổ 3' }, joinedAt: '2026-11-01T00:00:00.000Z' }, database);
    await wipeTeamData(database, { removed: true });
    database.close();
    app = await mountComponent(RemovedBanner);
    await useMembershipStore().load();
    const banner = await eventually(() => {
      const b = app!.wrapper.find('[data-testid="removed-banner"]');
      expect(b.exists()).toBe(true);
      return b;
    });
    expect(banner.attributes('role')).toBe('alert');
    expect(banner.text()).toContain('Máy này đã bị gỡ khỏi tổ');
    expect(banner.text()).toContain('tổ Tổ 3 đã gỡ máy này');
    expect(banner.find('a').attributes('href')).toBe('/join');
    await banner.find('[data-testid="removed-dismiss"]').trigger('click');
    await eventually(() => expect(app!.wrapper.find('[data-testid="removed-banner"]').exists()).toBe(false));
    expect(await getRemoval()).toBeUndefined();
  });

  it('shows nothing on a phone that was never removed', async () => {
    app = await mountComponent(RemovedBanner);
    await useMembershipStore().load();
    expect(app.wrapper.find('[data-testid="removed-banner"]').exists()).toBe(false);
  });
});
