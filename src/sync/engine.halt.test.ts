// @vitest-environment node
/**
 * A phone locked in the middle of a sync: the sync stops before its next request, keeps what it
 * wrote, shows no error, and the next sync (after unlocking) goes on from where it stopped.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { AppDB } from '../db/database';
import { saveMembership } from './membership';
import { createHousehold } from '../db/households';
import { cleanups, hh, isPull, isPush, membershipOf, setup } from '../../tests/unit/syncHarness';

async function emptyDevice(s: Awaited<ReturnType<typeof setup>>) {
  const d = new AppDB('halt-' + crypto.randomUUID());
  cleanups.push(() => d.close());
  await saveMembership(membershipOf(s.lan.token, s.lan.userId, s.team.teamId), d);
  return d;
}

describe('a sync halted by the lock', () => {
  it('asks for no further page once halted, writes the page it has, and goes on from there when resumed', async () => {
    const s = await setup();
    for (let i = 0; i < 12; i++) await createHousehold(hh({ headName: `Hộ ${i}`, address: `Số ${i}` }), s.a);
    await s.ea.sync();
    const d = await emptyDevice(s);
    let locked = false;
    const pulls: string[] = [];
    // The phone locks while the first page is on its way.
    s.net.intercept = (url) => {
      if (isPull(url)) {
        pulls.push(url);
        locked = true;
      }
      return undefined;
    };
    const statuses: string[] = [];
    const engine = s.engine(d, { pullPageSize: 5, halted: () => locked, onStatus: (st) => statuses.push(st.phase) });
    const halted = await engine.sync();
    expect(halted.phase).toBe('idle');
    expect(halted.errorKey).toBeUndefined();
    expect(halted.lastSyncAt).toBeUndefined();
    expect(pulls).toHaveLength(1);
    expect(await d.households.count()).toBe(5);
    expect(statuses).not.toContain('error');

    // Unlocked: the next sync starts after the page already written.
    locked = false;
    s.net.intercept = (url) => {
      if (isPull(url)) pulls.push(url);
      return undefined;
    };
    const done = await engine.sync();
    expect(done.phase).toBe('idle');
    expect(done.lastSyncAt).toBeDefined();
    expect(pulls).toHaveLength(3);
    expect(new URL(pulls[1]!, 'http://x').searchParams.get('cursor')).toBeTruthy();
    expect(await d.households.count()).toBe(12);
  });

  it('sends nothing while halted, and the local change waits for the next sync', async () => {
    const s = await setup();
    const requests: string[] = [];
    s.net.intercept = (url) => {
      if (isPush(url) || isPull(url)) requests.push(url);
      return undefined;
    };
    let locked = true;
    await createHousehold(hh({ headName: 'Hộ chờ' }), s.a);
    const engine = s.engine(s.a, { halted: () => locked });
    expect((await engine.sync()).phase).toBe('idle');
    expect(requests).toEqual([]);
    expect(await engine.waiting()).toBe(1);
    locked = false;
    await engine.sync();
    expect(requests.filter(isPush)).toHaveLength(1);
    expect(await engine.waiting()).toBe(0);
  });
});
