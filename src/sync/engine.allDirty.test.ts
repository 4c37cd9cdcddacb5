// @vitest-environment node
/**
 * What a first sync writes fewer of: a pull into an empty households table marks every household
 * with one mark (ALL_HOUSEHOLDS) rather than one each, and still refreshes every household it
 * touched when it is interrupted and finished by a later sync; a household it has just stored has
 * no visit dates (so no entries in their indexes) until its summary is written.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { AppDB } from '../db/database';
import { createHouseholdWithMembers } from '../db/householdWithMembers';
import { createHousehold } from '../db/households';
import { createVisit } from '../db/visits';
import { saveMembership } from './membership';
import { ALL_HOUSEHOLDS } from './dirtyHouseholds';
import { cleanups, hh, isPull, jsonResponse, membershipOf, setup } from '../../tests/unit/syncHarness';

/** A member's device with an empty database that counts the marks written (rows put in dirtyHouseholds). */
async function markCountingDevice(s: Awaited<ReturnType<typeof setup>>) {
  const d = new AppDB('marks-' + crypto.randomUUID());
  const marks = { puts: 0 };
  d.use({
    stack: 'dbcore',
    name: 'marks',
    create: (down) => ({
      ...down,
      table: (name) => {
        const t = down.table(name);
        return name === 'dirtyHouseholds'
          ? {
              ...t,
              mutate: (req) => {
                if (req.type === 'put' || req.type === 'add') marks.puts += req.values.length;
                return t.mutate(req);
              },
            }
          : t;
      },
    }),
  });
  cleanups.push(() => d.close());
  await saveMembership(membershipOf(s.lan.token, s.lan.userId, s.team.teamId), d);
  return { d, marks };
}

/** Four households with a member each, pushed in that order (household, its member, …), then a visit to the last. */
async function seedTeam(s: Awaited<ReturnType<typeof setup>>) {
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const h = await createHouseholdWithMembers(hh({ headName: `Hộ ${i}`, address: `Số ${i}` }), [{ fullName: `Trần Thị Hoa ${i}`, birthYear: 1965 }], s.a);
    ids.push(h.id);
  }
  await createVisit({ householdId: ids[3]!, date: '2026-02-20', topics: ['vneid'], outcome: 'followUp', followUpDate: '2026-03-10' }, s.a);
  await s.ea.sync();
  return ids;
}

describe('the mark for every household', () => {
  it('a first sync interrupted before its last page: one mark written, and the next sync refreshes every household, not only those its pages touch', async () => {
    const s = await setup();
    const ids = await seedTeam(s);
    const { d, marks } = await markCountingDevice(s);
    // Pages of 2: [H0 M0] [H1 M1] [H2 M2] [H3 M3] [V3]. The fifth answer is broken.
    let pulls = 0;
    s.net.intercept = (url) => (isPull(url) && ++pulls === 5 ? jsonResponse(200, { oops: true }) : undefined);
    const engine = s.engine(d, { pullPageSize: 2 });
    expect((await engine.sync()).phase).toBe('error');
    expect(await d.members.count()).toBe(4);
    // One mark for the four households the pages touched, not four.
    expect(marks.puts).toBe(1);
    expect(await d.dirtyHouseholds.toCollection().primaryKeys()).toEqual([ALL_HOUSEHOLDS]);
    // Not refreshed yet: the members' names are not in the search text.
    for (const id of ids) expect((await d.households.get(id))?.searchText).not.toContain('tran thi hoa');

    // The next sync brings only the visit to the last household: the mark makes it refresh all four.
    s.net.intercept = undefined;
    expect((await engine.sync()).phase).toBe('idle');
    expect(marks.puts).toBe(1);
    expect(await d.dirtyHouseholds.count()).toBe(0);
    for (const [i, id] of ids.entries()) expect((await d.households.get(id))?.searchText).toContain(`tran thi hoa ${i}`);
    expect(await d.households.get(ids[3]!)).toMatchObject({ lastVisitDate: '2026-02-20', followUpDate: '2026-03-10' });
    expect(await d.households.get(ids[0]!)).toMatchObject({ lastVisitDate: '', followUpDate: '' });
  });

  it('a first sync that completes writes one mark and leaves none', async () => {
    const s = await setup();
    const ids = await seedTeam(s);
    const { d, marks } = await markCountingDevice(s);
    expect((await s.engine(d, { pullPageSize: 2 }).sync()).phase).toBe('idle');
    expect(marks.puts).toBe(1);
    expect(await d.dirtyHouseholds.count()).toBe(0);
    for (const [i, id] of ids.entries()) expect((await d.households.get(id))?.searchText).toContain(`tran thi hoa ${i}`);
  });

  it('a pull into a households table that was not empty marks each household it touches', async () => {
    const s = await setup();
    const ids = await seedTeam(s);
    const { d, marks } = await markCountingDevice(s);
    // The person registered a household of their own before the first sync (sent with it).
    await createHousehold(hh({ headName: 'Hộ riêng', address: 'Số 99' }), d);
    expect((await s.engine(d, { pullPageSize: 2 }).sync()).phase).toBe('idle');
    // The four, and the person's own (pulled back after it was sent).
    expect(marks.puts).toBe(ids.length + 1);
    expect(await d.dirtyHouseholds.count()).toBe(0);
    for (const [i, id] of ids.entries()) expect((await d.households.get(id))?.searchText).toContain(`tran thi hoa ${i}`);
  });
});

describe('a household a first sync has just stored', () => {
  it('has no last visit or follow-up date, and no entry in their indexes, until its summary is written', async () => {
    const s = await setup();
    const ids = await seedTeam(s);
    const { d } = await markCountingDevice(s);
    let pulls = 0;
    s.net.intercept = (url) => (isPull(url) && ++pulls === 5 ? jsonResponse(200, { oops: true }) : undefined);
    const engine = s.engine(d, { pullPageSize: 2 });
    expect((await engine.sync()).phase).toBe('error');
    expect(await d.households.count()).toBe(4);
    for (const id of ids) {
      const h = (await d.households.get(id))!;
      expect(h).not.toHaveProperty('lastVisitDate');
      expect(h).not.toHaveProperty('followUpDate');
    }
    expect(await d.households.orderBy('lastVisitDate').count()).toBe(0);
    expect(await d.households.orderBy('followUpDate').count()).toBe(0);
    s.net.intercept = undefined;
    expect((await engine.sync()).phase).toBe('idle');
    // Then every household has both, '' when never visited, and is in both indexes.
    expect(await d.households.get(ids[0]!)).toMatchObject({ lastVisitDate: '', followUpDate: '' });
    expect(await d.households.get(ids[3]!)).toMatchObject({ lastVisitDate: '2026-02-20', followUpDate: '2026-03-10' });
    expect(await d.households.orderBy('lastVisitDate').count()).toBe(4);
    expect(await d.households.orderBy('followUpDate').count()).toBe(4);
  });
});
