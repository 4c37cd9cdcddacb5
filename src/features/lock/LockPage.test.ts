import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../db/database';
import { saveMembership, getMembership } from '../../sync/membership';
import { setPin, forgetKey } from '../../lock/vault';
import { STORAGE_KEYS } from '../../storageKeys';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import { routes } from '../../modules/router';
import { lockGuard } from './guard';
import { restart } from '../team/restart';
import { eventually, mountRoute, resetApp, type Mounted } from '../../../tests/unit/mountWithApp';

const MEMBER = { token: 'tok', user: { id: 'u2', name: 'Chị Lan', role: 'member' as const }, team: { id: 't1', name: 'Tổ 3' }, joinedAt: '2026-11-01T00:00:00.000Z' };
let app: Mounted | undefined;

/** A joined phone with a PIN, locked; `whileUnlocked` writes what it held before it locked. */
async function lockedPhone(whileUnlocked?: () => Promise<unknown>): Promise<void> {
  await saveMembership(MEMBER);
  await setPin('482916');
  await whileUnlocked?.();
  forgetKey();
  localStorage.setItem(STORAGE_KEYS.pinSet, '1');
}

beforeEach(async () => {
  await resetApp();
  localStorage.clear();
  vi.stubGlobal('fetch', vi.fn(async () => new Response('{}', { status: 503 })));
});
afterEach(async () => {
  await app?.unmount();
  app = undefined;
  vi.unstubAllGlobals();
  await resetApp();
});

describe('the lock screen', { timeout: 60_000 }, () => {
  it('stands before every team screen of a locked phone, and never before the citizen guides', async () => {
    await lockedPhone();
    setActivePinia(createPinia());
    const router = createRouter({ history: createMemoryHistory(), routes });
    router.beforeEach(lockGuard);
    await router.push('/households');
    expect(router.currentRoute.value.name).toBe('lock');
    expect(router.currentRoute.value.query.next).toBe('/households');
    await router.push('/guides');
    expect(router.currentRoute.value.name).toBe('guides');
    await router.push('/settings');
    expect(router.currentRoute.value.name).toBe('lock');
    // A phone never used for team work opens on the guides without a PIN.
    await router.push('/');
    expect(router.currentRoute.value.name).toBe('today');
    localStorage.setItem(STORAGE_KEYS.teamSide, '1');
    await router.push('/?again');
    expect(router.currentRoute.value.name).toBe('lock');
  });

  it('a wrong PIN says so; the right one opens the screen asked for', async () => {
    await lockedPhone();
    app = await mountRoute('/lock?next=/households');
    await app.wrapper.find('[data-testid="lock-pin"]').setValue('111111');
    await app.wrapper.find('[data-testid="lock-form"]').trigger('submit');
    await eventually(() => expect(app!.wrapper.find('#lock-error').text()).toBe('Mã PIN không đúng.'), 20_000);
    await app.wrapper.find('[data-testid="lock-pin"]').setValue('482916');
    await app.wrapper.find('[data-testid="lock-form"]').trigger('submit');
    await eventually(() => expect(app!.router.currentRoute.value.path).toBe('/households'), 20_000);
  });

  it('fetches the screen asked for while the PIN is typed, not after the key is derived', async () => {
    await lockedPhone();
    const record = routes.find((r) => r.name === 'households')!;
    const load = record.component!;
    const loads = vi.fn(load as () => Promise<unknown>);
    record.component = loads as typeof load;
    try {
      app = await mountRoute('/lock?next=/households');
      await eventually(() => expect(loads).toHaveBeenCalled());
      expect(app.router.currentRoute.value.name).toBe('lock');
    } finally {
      record.component = load;
    }
  });

  it('after three wrong PINs, asks to wait and does not take a PIN meanwhile', async () => {
    await lockedPhone();
    app = await mountRoute('/lock');
    for (const pin of ['111111', '222222', '333333']) {
      await app.wrapper.find('[data-testid="lock-pin"]').setValue(pin);
      await app.wrapper.find('[data-testid="lock-form"]').trigger('submit');
      await eventually(() => expect((app!.wrapper.find('[data-testid="lock-pin"]').element as HTMLInputElement).value).toBe(''), 20_000);
    }
    await eventually(() => expect(app!.wrapper.find('[data-testid="lock-wait"]').text()).toMatch(/^Hãy chờ \d+ giây rồi thử lại\.$/), 20_000);
    expect(app.wrapper.find('[data-testid="lock-submit"]').attributes('disabled')).toBeDefined();
  });

  it('"Quên mã PIN?" tells how many unsent changes would be lost, then wipes and goes to joining', async () => {
    await lockedPhone(() =>
      db().outbox.bulkAdd([
        { mid: 'm1', seq: 1, entity: 'household', op: 'patch', id: 'h1', fields: {}, clientTs: MEMBER.joinedAt, state: 'pending' },
        { mid: 'm2', seq: 2, entity: 'household', op: 'patch', id: 'h2', fields: {}, clientTs: MEMBER.joinedAt, state: 'pending' },
      ]),
    );
    app = await mountRoute('/lock');
    await app.wrapper.find('[data-testid="lock-forgot"]').trigger('click');
    const dialog = await eventually(() => {
      const d = app!.wrapper.find('dialog');
      expect(d.text()).toContain('2 thay đổi chưa gửi lên máy chủ sẽ mất');
      return d;
    });
    const restarted = vi.spyOn(restart, 'at').mockImplementation(() => undefined);
    await dialog.findAll('button').at(1)!.trigger('click');
    // The app starts afresh on the join screen: nothing of the wiped data stays in memory.
    await eventually(() => expect(restarted).toHaveBeenCalledWith('/join'));
    expect(await getMembership()).toBeUndefined();
    expect(localStorage.getItem(STORAGE_KEYS.pinSet)).toBeNull();
    expect(await db().outbox.count()).toBe(0);
  });
});
