import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.vue';
import { AppDB } from './db/database';
import { DB_NAMES, STORAGE_KEYS } from './storageKeys';
import { saveMembership } from './sync/membership';
import { wipeTeamData } from './sync/teamWipe';
import { appDatabaseExists, resetTeamStart, teamStartWanted } from './modules/teamStart';
import { useLockStore } from './features/lock/store';
import { eventually, mountComponent, resetApp, sleep, type Mounted } from '../tests/unit/mountWithApp';

// The service worker's registration is a build-time module (vite-plugin-pwa), absent here.
vi.mock('./modules/pwa', async () => {
  const { ref } = await import('vue');
  return { updateReady: ref(false), acceptUpdate: async () => undefined, installPwa: () => undefined };
});

let app: Mounted | undefined;

function clearHints(): void {
  for (const key of [STORAGE_KEYS.teamSide, STORAGE_KEYS.fieldWork, STORAGE_KEYS.pinSet]) localStorage.removeItem(key);
}

beforeEach(async () => {
  clearHints();
  resetTeamStart();
  await resetApp();
});
afterEach(async () => {
  await app?.unmount();
  app = undefined;
  // Reads a team screen started may finish after it left (and open the database again).
  await sleep(1000);
  clearHints();
  resetTeamStart();
  await resetApp();
});

/** The app's start-up after the first paint and a quiet moment (happy-dom has neither: timers). */
const afterStartUp = () => sleep(300);

describe('the app on a phone that never joined a team', () => {
  it('shows the home page and a guide without opening (or creating) the database; a team screen opens it', async () => {
    expect(await appDatabaseExists()).toBe(false);
    app = await mountComponent(App);
    await eventually(() => expect(app!.wrapper.find('[data-testid="citizen-home"]').exists()).toBe(true));
    await afterStartUp();
    await app.router.push('/guides/vneid-level-1');
    await eventually(() => expect(app!.wrapper.find('[data-testid="step-card"]').exists()).toBe(true));
    await afterStartUp();
    expect(teamStartWanted.value).toBe(false);
    expect(await appDatabaseExists()).toBe(false);

    await app.router.push('/households');
    await eventually(async () => expect(await appDatabaseExists()).toBe(true));
    expect(teamStartWanted.value).toBe(true);
  });

  it('starts the team side when the person asks for Today', async () => {
    app = await mountComponent(App);
    await eventually(() => expect(app!.wrapper.find('[data-testid="team-side"]').exists()).toBe(true));
    await afterStartUp();
    expect(teamStartWanted.value).toBe(false);
    await app.wrapper.find('[data-testid="team-side"]').trigger('click');
    await eventually(async () => expect(await appDatabaseExists()).toBe(true));
  });
});

const joined = { token: 't', user: { id: 'u1', name: 'Lan', role: 'member' as const }, team: { id: 'team-1', name: 'Tổ 3' }, joinedAt: '2026-11-01T00:00:00.000Z' };

describe('the app on a phone used for team work', () => {
  it('still finds the team on a phone whose hints were cleared: the "removed" notice shows on the home page', async () => {
    const database = new AppDB(DB_NAMES.main);
    await saveMembership(joined, database);
    await wipeTeamData(database, { removed: true });
    database.close();
    app = await mountComponent(App);
    await eventually(() => expect(app!.wrapper.find('[data-testid="removed-banner"]').exists()).toBe(true));
  });

  it('sends a joined phone that lost its hints to set a PIN before its team\'s Today', async () => {
    const database = new AppDB(DB_NAMES.main);
    await saveMembership(joined, database);
    database.close();
    app = await mountComponent(App);
    await eventually(() => expect(app!.router.currentRoute.value.name).toBe('pin'));
    expect(app.router.currentRoute.value.query.next).toBe('/');
  });

  it('leaves the PIN screen where it is when the team side starts there (just after joining)', async () => {
    const database = new AppDB(DB_NAMES.main);
    await saveMembership(joined, database);
    database.close();
    app = await mountComponent(App);
    await app.router.push('/pin?next=/');
    await eventually(() => expect(useLockStore().needsPin).toBe(true), 10_000);
    // (A wrong redirect would load the PIN page again: a lazily loaded chunk.)
    await sleep(1500);
    expect(app.router.currentRoute.value.name).toBe('pin');
    expect(app.router.currentRoute.value.query.next).toBe('/');
  });

  it('starts the lock\'s timer at once on a phone with a PIN, even on a guide', async () => {
    localStorage.setItem(STORAGE_KEYS.pinSet, '1');
    app = await mountComponent(App);
    await app.router.push('/guides/vneid-level-1');
    await afterStartUp();
    expect(teamStartWanted.value).toBe(true);
  });
});
