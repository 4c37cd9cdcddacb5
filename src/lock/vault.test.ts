import { afterEach, describe, expect, it } from 'vitest';
import { AppDB } from '../db/database';
import { META_KEYS } from '../db/metaKeys';
import { changePin, currentKey, forgetKey, getVault, nextTryAt, setPin, unlock } from './vault';
import { wipeTeamData } from '../sync/teamWipe';

const FAST = 1_000;
const open: AppDB[] = [];
afterEach(() => {
  forgetKey();
  for (const d of open.splice(0)) d.close();
});
function fresh(): AppDB {
  const d = new AppDB('vault-' + crypto.randomUUID());
  open.push(d);
  return d;
}

describe('lock vault', () => {
  it('setting a PIN stores only the wrapped key and unlocks; locking forgets the key', async () => {
    const database = fresh();
    await setPin('482916', database, FAST);
    expect(currentKey()).toBeDefined();
    expect(JSON.stringify(await database.meta.toArray())).not.toContain('482916');
    forgetKey();
    expect(currentKey()).toBeUndefined();
    expect(await unlock('482916', database)).toEqual({ ok: true });
    expect(currentKey()).toBeDefined();
  });

  it('three wrong PINs are free, then each adds a growing wait that a reload does not reset', async () => {
    const database = fresh();
    await setPin('482916', database, FAST);
    forgetKey();
    const t0 = Date.parse('2026-12-06T08:00:00Z');
    expect(await unlock('000001', database, t0)).toEqual({ ok: false, waitUntil: 0 });
    expect(await unlock('000002', database, t0)).toEqual({ ok: false, waitUntil: 0 });
    expect(await unlock('000003', database, t0)).toEqual({ ok: false, waitUntil: t0 + 30_000 });
    // During the wait even the right PIN is refused, and nothing is derived.
    expect(await unlock('482916', database, t0 + 10_000)).toEqual({ ok: false, waitUntil: t0 + 30_000 });
    expect(currentKey()).toBeUndefined();
    // A reopened database (a reload) keeps the wait.
    const again = new AppDB(database.name);
    open.push(again);
    expect(await nextTryAt(again)).toBe(t0 + 30_000);
    expect(await unlock('000004', again, t0 + 31_000)).toEqual({ ok: false, waitUntil: t0 + 31_000 + 60_000 });
    expect(await unlock('482916', again, t0 + 92_000)).toEqual({ ok: true });
    expect(await nextTryAt(again)).toBe(0);
  });

  it('changing the PIN needs the old one and keeps the data key', async () => {
    const database = fresh();
    await setPin('482916', database, FAST);
    const key = currentKey()!;
    expect(await changePin('000000', '739164', database)).toBe(false);
    expect(await changePin('482916', '739164', database)).toBe(true);
    forgetKey();
    expect((await unlock('482916', database)).ok).toBe(false);
    await database.meta.delete(META_KEYS.lockFailures);
    expect((await unlock('739164', database)).ok).toBe(true);
    const raw = async (k: CryptoKey) => new Uint8Array(await crypto.subtle.exportKey('raw', k)).join();
    expect(await raw(currentKey()!)).toBe(await raw(key));
  });

  it('leaving the team removes the PIN with the team’s data', async () => {
    const database = fresh();
    await setPin('482916', database, FAST);
    await wipeTeamData(database);
    expect(await getVault(database)).toBeUndefined();
  });
});
