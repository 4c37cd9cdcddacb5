import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveMembership, type DeviceMembership } from '../../sync/membership';
import { useMembershipStore } from '../team/store';
import { eventually, mountComponent, resetApp, type Mounted } from '../../../tests/unit/mountWithApp';
import vi from '../../locales/vi/translation.json';
import SyncStatusLine from './SyncStatusLine.vue';

const MEMBER: DeviceMembership = { token: 'tok', user: { id: 'u1', name: 'Chị Lan', role: 'member' }, team: { id: 't1', name: 'Tổ 3' }, joinedAt: '2026-11-01T00:00:00.000Z' };

let app: Mounted;
beforeEach(async () => {
  await resetApp();
});
afterEach(async () => {
  await app?.unmount();
  await resetApp();
});

async function statusText(membership: DeviceMembership): Promise<string> {
  await saveMembership(membership);
  app = await mountComponent(SyncStatusLine);
  await useMembershipStore().load();
  return eventually(() => {
    const text = app.wrapper.find('[data-testid="sync-text"]').text();
    expect(text).not.toBe(vi.sync.notJoined);
    return text;
  });
}

describe('the sync status line of a phone that must join again', () => {
  it('says that the sign-in expired when the server answered TOKEN_EXPIRED', async () => {
    expect(await statusText({ ...MEMBER, needsRejoin: true, rejoinReason: 'tokenExpired' })).toBe(vi.sync.tokenExpired);
  });

  it('says only "join again" for any other refused token', async () => {
    expect(await statusText({ ...MEMBER, needsRejoin: true })).toBe(vi.sync.needsJoin);
  });
});
