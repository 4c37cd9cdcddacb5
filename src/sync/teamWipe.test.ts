import { afterEach, describe, expect, it } from 'vitest';
import { AppDB } from '../db/database';
import { META_KEYS, TEAM_META_KEYS } from '../db/metaKeys';
import { saveDraft } from '../db/drafts';
import { clearRemoval, getRemoval, wipeTeamData } from './teamWipe';
import { saveMembership } from './membership';

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
