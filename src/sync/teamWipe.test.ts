import { afterEach, describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { AppDB, db } from '../db/database';
import { META_KEYS, TEAM_META_KEYS } from '../db/metaKeys';
import { saveDraft } from '../db/drafts';
import { clearRemoval, getRemoval, wipeDevice, wipeTeamData, type CacheLike, type CachesLike, type StorageLike } from './teamWipe';
import { saveMembership } from './membership';
import { DB_NAMES, STORAGE_KEYS } from '../storageKeys';
import { currentKey, setPin } from '../lock/vault';

const open: AppDB[] = [];
afterEach(() => {
  for (const d of open.splice(0)) d.close();
});

function fresh(): AppDB {
  const d = new AppDB('wipe-' + crypto.randomUUID());
  open.push(d);
  return d;
}

describe('wipeTeamData', () => {
  it('deletes every meta key that belongs to the team and keeps the device’s own', async () => {
    const database = fresh();
    await database.meta.bulkPut(Object.values(META_KEYS).map((key) => ({ key, value: `value of ${key}` })));
    await wipeTeamData(database);
    const left = (await database.meta.toArray()).map((r) => r.key).sort();
    // A sign-out also forgets an earlier removal's explanation: the person chose to leave.
    const deviceKeys = Object.values(META_KEYS).filter((k) => !TEAM_META_KEYS.includes(k) && k !== META_KEYS.removal);
    expect(left).toEqual([...deviceKeys].sort());
    expect(left).toEqual(['deviceId', 'guidesSince', 'seq']);
  });

  it('forgets an asked-for re-pull and a server-restore re-pull in progress', async () => {
    expect(TEAM_META_KEYS).toEqual(expect.arrayContaining([META_KEYS.repullNeeded, META_KEYS.resetMarker, META_KEYS.membership, META_KEYS.pullCursor]));
  });

  it('empties the team’s records, outbox, drafts, roster and dirty marks', async () => {
    const database = fresh();
    await database.neighborhoods.put({ id: 'n1', name: 'Thôn Đông', kind: 'thon', version: 1, deleted: 0, syncState: 'pending', localUpdatedAt: '2026-03-01T08:00:00.000Z' });
    await database.outbox.add({ mid: 'm1', seq: 1, entity: 'neighborhood', op: 'patch', id: 'n1', fields: { name: 'Thôn Đông' }, clientTs: '2026-03-01T08:00:00.000Z', state: 'pending' });
    await saveDraft('household-new', { headName: 'Bình' }, '/households/new', database);
    await database.users.put({ id: 'u1', name: 'Lan', role: 'member' });
    await database.dirtyHouseholds.put({ id: 'h1' });
    await wipeTeamData(database);
    expect(await database.neighborhoods.count()).toBe(0);
    expect(await database.outbox.count()).toBe(0);
    expect(await database.drafts.count()).toBe(0);
    expect(await database.users.count()).toBe(0);
    expect(await database.dirtyHouseholds.count()).toBe(0);
  });

  it('remembers, across the wipe, that the team removed this phone and from which team', async () => {
    const database = fresh();
    await saveMembership({ token: 't', user: { id: 'u1', name: 'Lan', role: 'member' }, team: { id: 'team-1', name: 'Tổ 3' }, joinedAt: '2026-03-01T08:00:00.000Z' }, database);
    await wipeTeamData(database, { removed: true });
    expect(await database.meta.get(META_KEYS.membership)).toBeUndefined();
    const removal = await getRemoval(database);
    expect(removal?.teamName).toBe('Tổ 3');
    expect(Date.parse(removal?.at ?? '')).not.toBeNaN();
    // A reopened database (a reload) still has it.
    const again = new AppDB(database.name);
    open.push(again);
    expect((await getRemoval(again))?.teamName).toBe('Tổ 3');
    await clearRemoval(again);
    expect(await getRemoval(again)).toBeUndefined();
  });
});

/** Cache Storage in memory: named caches of requests. */
function memoryCaches(contents: Record<string, string[]>): CachesLike & { contents: Map<string, Request[]> } {
  const contentsMap = new Map(Object.entries(contents).map(([name, urls]) => [name, urls.map((u) => new Request(u))]));
  const cache = (name: string): CacheLike => ({
    keys: async () => contentsMap.get(name) ?? [],
    delete: async (r) => {
      const list = contentsMap.get(name) ?? [];
      contentsMap.set(name, list.filter((x) => x.url !== r.url));
      return list.length !== contentsMap.get(name)?.length;
    },
  });
  return {
    contents: contentsMap,
    keys: async () => [...contentsMap.keys()],
    open: async (name) => cache(name),
    delete: async (name) => contentsMap.delete(name),
  };
}

function memoryStorage(entries: Record<string, string>): StorageLike & { map: Map<string, string> } {
  const map = new Map(Object.entries(entries));
  return {
    map,
    get length() {
      return map.size;
    },
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    clear: () => map.clear(),
  };
}

describe('wipeDevice', () => {
  it('deletes every database the app made: records, outbox, drafts, guides, the token, the lock vault, and the demo', async () => {
    const main = db();
    await saveMembership({ token: 'secret-token', user: { id: 'u1', name: 'Lan', role: 'member' }, team: { id: 'team-1', name: 'Tổ 3' }, joinedAt: '2026-03-01T08:00:00.000Z' }, main);
    await main.households.put({ id: 'h1', headName: 'Đặng Thị Thu', version: 1, deleted: 0, syncState: 'synced', localUpdatedAt: '2026-03-01T08:00:00.000Z' } as never);
    await saveDraft('household:new', { headName: 'Bình' }, '/households/new', main);
    await main.meta.put({ key: META_KEYS.deviceId, value: 'installation-1' });
    await setPin('482916', main, 1000);
    const demo = new AppDB(DB_NAMES.demo, true);
    await demo.households.put({ id: 'h2', headName: 'Demo', version: 1, deleted: 0, syncState: 'synced', localUpdatedAt: '2026-03-01T08:00:00.000Z' } as never);
    demo.close();
    expect(currentKey()).toBeDefined();

    await wipeDevice({});

    expect(await Dexie.getDatabaseNames()).not.toEqual(expect.arrayContaining([DB_NAMES.main]));
    expect(await Dexie.getDatabaseNames()).not.toEqual(expect.arrayContaining([DB_NAMES.demo]));
    expect(currentKey()).toBeUndefined();
    // The app opens a new, empty database afterwards.
    const reopened = db();
    expect(await reopened.meta.count()).toBe(0);
    expect(await reopened.households.count()).toBe(0);
    expect(await reopened.drafts.count()).toBe(0);
  });

  it('removes every cache but the app’s precache, and any API answer kept in it', async () => {
    const caches = memoryCaches({
      'workbox-precache-v2-http://127.0.0.1/': ['http://127.0.0.1/index.html', 'http://127.0.0.1/guides/vneid.json', 'http://127.0.0.1/api/sync/pull?since=0'],
      'api-answers': ['http://127.0.0.1/api/team'],
    });
    await wipeDevice({ caches });
    expect([...caches.contents.keys()]).toEqual(['workbox-precache-v2-http://127.0.0.1/']);
    expect(caches.contents.get('workbox-precache-v2-http://127.0.0.1/')!.map((r) => r.url)).toEqual(['http://127.0.0.1/index.html', 'http://127.0.0.1/guides/vneid.json']);
  });

  it('removes every stored key but the language and display choices, known or not, and the session’s', async () => {
    const local = memoryStorage({
      [STORAGE_KEYS.language]: 'en',
      [STORAGE_KEYS.largeText]: '1',
      [STORAGE_KEYS.installDismissedAt]: '1700000000000',
      [STORAGE_KEYS.pinSet]: '1',
      [STORAGE_KEYS.lockAfterMinutes]: '10',
      [STORAGE_KEYS.teamSide]: '1',
      [STORAGE_KEYS.fieldWork]: '1',
      [STORAGE_KEYS.demoMode]: '1',
      [STORAGE_KEYS.guideProgress]: '{}',
      'a-key-added-later': 'x',
    });
    const session = memoryStorage({ anything: 'x' });
    await wipeDevice({ localStorage: local, sessionStorage: session });
    expect([...local.map.keys()].sort()).toEqual([STORAGE_KEYS.installDismissedAt, STORAGE_KEYS.language, STORAGE_KEYS.largeText].sort());
    expect(session.map.size).toBe(0);
  });
});
