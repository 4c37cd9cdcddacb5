// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppDB } from './database';
import { BUILD_CHUNK, buildReportData, keepReportData, keptResult, loadReportData } from './reportData';
import { CHANGES_MAX } from './changeToken';
import { isColumns } from './reportColumns';
import { META_KEYS } from './metaKeys';
import { mulberry32 } from '../domain/random';
import { openSeal, resetSeal, SEALED_FIELD } from './seal';
import { setCurrentUserId } from './meta';
import { computeIndicators, computeTeamIndicators, indicatorsByUser, type ReportData } from '../domain/indicators';
import { expectedTeam, fixtureRecords, FIXTURE_PERIOD } from '../domain/indicators.fixture';

const TABLES = { household: 'households', member: 'members', visit: 'visits', session: 'sessions', checklistStep: 'checklistSteps' } as const;

let database: AppDB;
beforeEach(() => {
  database = new AppDB('report-data-' + crypto.randomUUID());
});
afterEach(async () => {
  resetSeal();
  await database.delete();
});

/** The edge-case fixture as the phone holds it after a sync; `by` left out for records not yet sent. */
async function seedFixture(unsentBy?: string): Promise<void> {
  for (const r of fixtureRecords({ stepId: (m, k) => `${m}:${k}` })) {
    const createdBy = unsentBy && r.by === unsentBy ? undefined : 'u-' + r.by;
    const row = { id: r.id, ...r.fields, version: 1, deleted: r.deleted ? 1 : 0, syncState: 'synced', localUpdatedAt: '2026-12-01T00:00:00Z', createdBy };
    await database.table(TABLES[r.entity]).put(row);
  }
}

describe('loadReportData', () => {
  it('with the rows sealed, counts the same figures, opening only the households (their consent)', async () => {
    openSeal(crypto.getRandomValues(new Uint8Array(32)));
    await seedFixture();
    const data = await loadReportData(database);
    expect(computeIndicators(data, FIXTURE_PERIOD)).toEqual(expectedTeam());
    expect(data.households.every((h) => Array.isArray(h.consent.purposes))).toBe(true);
    // A member's name stays in its blob, and the blob in IndexedDB: counting never needed them.
    const member = data.members[0] as unknown as Record<string, unknown>;
    expect(member.fullName).toBeUndefined();
    expect(member[SEALED_FIELD]).toBeUndefined();
    expect(member.birthYear).toEqual(expect.any(Number));
  });

  it('gives records not yet sent to this phone’s user, and the token names the records and the user', async () => {
    await seedFixture('a');
    await setCurrentUserId('u-a', database);
    const data = await loadReportData(database);
    expect(computeIndicators(data, FIXTURE_PERIOD)).toEqual(expectedTeam());
    expect(data.visits.every((v) => v.createdBy)).toBe(true);
    expect(data.token.endsWith('/u-a')).toBe(true);
    await database.visits.update(data.visits[0]!.id, { outcome: 'done' });
    expect((await loadReportData(database)).token).not.toBe(data.token);
  });
});

/** The same records in a stable order, to compare two reads. */
function sorted(data: ReportData): Record<string, unknown[]> {
  const byId = (a: unknown, b: unknown) => ((a as { id: string }).id < (b as { id: string }).id ? -1 : 1);
  return {
    households: [...data.households].sort(byId),
    members: [...data.members].sort(byId),
    visits: [...data.visits].sort(byId),
    sessions: [...data.sessions].sort(byId),
    checklistSteps: [...data.checklistSteps].sort(byId),
  };
}

/** Every row read again from IndexedDB, as the first count does. */
async function fullRead(): Promise<ReportData & { token: string }> {
  const kept = await database.meta.get(META_KEYS.reportRecords);
  await database.backendDB().transaction('meta', 'readwrite').objectStore('meta').delete(META_KEYS.reportRecords);
  const data = await loadReportData(database);
  if (kept) await new Promise((resolve) => (database.backendDB().transaction('meta', 'readwrite').objectStore('meta').put(kept).onsuccess = resolve));
  return data;
}

describe('the kept records', () => {
  it('with the rows written since read again, always equal every row read again (random writes)', async () => {
    openSeal(crypto.getRandomValues(new Uint8Array(32)));
    await seedFixture();
    await setCurrentUserId('u-a', database);
    await keepReportData(await loadReportData(database), database);
    const random = mulberry32(13);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const ids = async (table: string) => (await database.table(table).toCollection().primaryKeys()) as string[];
    const dates = ['2026-10-31', '2026-11-01', '2026-11-15', '2026-11-30', '2026-12-01'];
    for (let round = 0; round < 25; round++) {
      const writes = 1 + Math.floor(random() * 4);
      for (let w = 0; w < writes; w++) {
        const action = Math.floor(random() * 9);
        const households = await ids('households');
        if (action === 0) {
          const h = await database.households.get(pick(households));
          await database.households.put({ ...h!, id: `h-new-${round}-${w}`, neighborhood: pick(['Thôn 1', 'thon 2', 'Thôn 3']) });
        } else if (action === 1) {
          await database.households.update(pick(households), { deleted: random() < 0.5 ? 1 : 0, consent: { recordedAt: '2026-10-01T00:00:00Z', recordedBy: 'u-a', textVersion: '1', purposes: random() < 0.5 ? ['reporting'] : [], ...(random() < 0.3 ? { withdrawnAt: '2026-11-10T18:00:00Z' } : {}) } });
        } else if (action === 2) {
          const m = await database.members.get(pick(await ids('members')));
          await database.members.put({ ...m!, id: `m-new-${round}-${w}`, householdId: pick(households), vneidLevel: random() < 0.5 ? 2 : 1, birthYear: 1950 + Math.floor(random() * 70) });
        } else if (action === 3) {
          const v = await database.visits.get(pick(await ids('visits')));
          await database.visits.put({ ...v!, id: `v-new-${round}-${w}`, householdId: pick(households), date: pick(dates), outcome: pick(['done', 'notHome', 'followUp']), createdBy: random() < 0.3 ? undefined : 'u-b' });
        } else if (action === 4) {
          await database.visits.update(pick(await ids('visits')), { date: pick(dates), deleted: random() < 0.3 ? 1 : 0 });
        } else if (action === 5) {
          await database.transaction('rw', database.visits, database.members, async () => {
            await database.visits.delete(pick(await ids('visits')));
            await database.members.update(pick(await ids('members')), { hasSmartphone: random() < 0.5 });
          });
        } else if (action === 7) {
          // Values the kept columns hold as dictionaries of objects and lists.
          const members = await ids('members');
          await database.visits.update(pick(await ids('visits')), { results: random() < 0.5 ? { onlineDossiers: Math.floor(random() * 3) } : undefined, memberIds: random() < 0.5 ? [pick(members), pick(members)] : [] });
        } else if (action === 8) {
          await database.checklistSteps.update(pick(await ids('checklistSteps')), { status: pick(['done', 'pending']), doneOn: pick(dates) });
        } else {
          await database.sessions.update(pick(await ids('sessions')), { attendees: Math.floor(random() * 30) });
        }
      }
      const quick = await loadReportData(database);
      const full = await fullRead();
      expect(sorted(quick)).toEqual(sorted(full));
      expect(quick.token).toBe(full.token);
      expect(computeTeamIndicators(quick, FIXTURE_PERIOD)).toEqual(computeTeamIndicators(full, FIXTURE_PERIOD));
      expect(indicatorsByUser(quick, FIXTURE_PERIOD)).toEqual(indicatorsByUser(full, FIXTURE_PERIOD));
      // Kept again now and then, as the dashboard does after each count.
      if (random() < 0.4) await keepReportData(quick, database);
    }
  });

  it('reads only the rows written since, and keeps the consent sealed', async () => {
    openSeal(crypto.getRandomValues(new Uint8Array(32)));
    await seedFixture();
    await keepReportData(await loadReportData(database), database);
    const kept = (await database.meta.get(META_KEYS.reportRecords))!.value as { households: unknown; tables: Record<string, unknown[]> };
    expect(kept.households).toBeInstanceOf(Uint8Array);
    expect(JSON.stringify(kept.tables)).not.toContain('reporting');
    const visit = (await database.visits.toCollection().first())!;
    await database.visits.update(visit.id, { outcome: 'done' });
    expect((await database.meta.get(META_KEYS.reportChanges))!.value).toEqual({ ids: { visits: [visit.id] } });
    const data = await loadReportData(database);
    expect(data.visits.find((v) => v.id === visit.id)?.outcome).toBe('done');
    expect(computeIndicators(data, FIXTURE_PERIOD)).toEqual(computeIndicators(await fullRead(), FIXTURE_PERIOD));
  });

  it('are kept by column, and a count from them reads no row that was not noted as written', async () => {
    openSeal(crypto.getRandomValues(new Uint8Array(32)));
    await seedFixture();
    await keepReportData(await loadReportData(database), database);
    const kept = (await database.meta.get(META_KEYS.reportRecords))!.value as { v: number; tables: Record<string, unknown> };
    expect(kept.v).toBe(2);
    for (const name of ['members', 'visits', 'sessions', 'checklistSteps']) expect(isColumns(kept.tables[name]), name).toBe(true);
    // Changed below Dexie (no token, no note): a count from the kept records cannot see it, a full read does.
    const visit = (await database.visits.toCollection().first())!;
    await new Promise((resolve) => (database.backendDB().transaction('visits', 'readwrite').objectStore('visits').put({ ...visit, outcome: 'changed behind' }).onsuccess = resolve));
    expect((await loadReportData(database)).visits.find((v) => v.id === visit.id)?.outcome).toBe(visit.outcome);
    expect((await fullRead()).visits.find((v) => v.id === visit.id)?.outcome).toBe('changed behind');
  });

  it('past CHANGES_MAX ids written, only notes that every row must be read again', async () => {
    openSeal(crypto.getRandomValues(new Uint8Array(32)));
    await seedFixture();
    await keepReportData(await loadReportData(database), database);
    const visit = (await database.visits.toCollection().first())!;
    await database.visits.bulkPut(Array.from({ length: CHANGES_MAX + 1 }, (_, i) => ({ ...visit, id: `v-bulk-${i}` })));
    expect((await database.meta.get(META_KEYS.reportChanges))!.value).toEqual({ ids: {}, overflow: true });
    const data = await loadReportData(database);
    expect(data.visits.length).toBe((await fullRead()).visits.length);
  });

  it('keeps nothing while no PIN seals the records, nor when they changed since they were read', async () => {
    await seedFixture();
    await keepReportData(await loadReportData(database), database);
    expect(await database.meta.get(META_KEYS.reportRecords)).toBeUndefined();
    openSeal(crypto.getRandomValues(new Uint8Array(32)));
    const data = await loadReportData(database);
    await database.visits.update((await database.visits.toCollection().first())!.id, { outcome: 'done' });
    await keepReportData(data, database);
    expect(await database.meta.get(META_KEYS.reportRecords)).toBeUndefined();
  });
});

describe('building the kept records a chunk at a time', () => {
  const now = () => Promise.resolve();
  const visitRow = async () => (await database.visits.toCollection().first())!;
  /** Changes a visit below Dexie (no token, no note): only a count that reads the row sees it. */
  const behind = async (id: string, outcome: string) => {
    const row = (await database.visits.get(id))!;
    await new Promise((resolve) => (database.backendDB().transaction('visits', 'readwrite').objectStore('visits').put({ ...row, outcome }).onsuccess = resolve));
  };

  it('after a removed row dropped them, keeps records a count then reads instead of every row', async () => {
    openSeal(crypto.getRandomValues(new Uint8Array(32)));
    await seedFixture();
    const first = await visitRow();
    // More rows than a chunk holds, so that the build goes on from where a chunk ended.
    await database.visits.bulkPut(Array.from({ length: BUILD_CHUNK * 2 + 10 }, (_, i) => ({ ...first, id: `v-many-${String(i).padStart(5, '0')}` })));
    await keepReportData(await loadReportData(database), database);
    await database.visits.delete('v-many-00000');
    expect(await database.meta.get(META_KEYS.reportRecords)).toBeUndefined();
    let pauses = 0;
    expect(await buildReportData({ pause: () => (pauses++, now()) }, database)).toBe(true);
    expect(pauses).toBeGreaterThan(7);
    await behind(first.id, 'changed behind');
    const quick = await loadReportData(database);
    expect(quick.visits.find((v) => v.id === first.id)?.outcome).toBe(first.outcome);
    await database.visits.update(first.id, { outcome: first.outcome });
    expect(sorted(await loadReportData(database))).toEqual(sorted(await fullRead()));
    // Records already kept are not built again.
    expect(await buildReportData({ pause: now }, database)).toBe(false);
  });

  it('reads again at the next count the rows written while it ran', async () => {
    openSeal(crypto.getRandomValues(new Uint8Array(32)));
    await seedFixture();
    const visit = await visitRow();
    const member = (await database.members.toCollection().first())!;
    let pauses = 0;
    const kept = await buildReportData(
      {
        pause: async () => {
          pauses++;
          // A member changes before the members are read, a visit after the visits were.
          if (pauses === 4) await database.visits.update(visit.id, { outcome: visit.outcome === 'done' ? 'notHome' : 'done' });
          if (pauses === 2) await database.members.update(member.id, { hasSmartphone: !member.hasSmartphone });
        },
      },
      database,
    );
    expect(kept).toBe(true);
    const quick = await loadReportData(database);
    expect(sorted(quick)).toEqual(sorted(await fullRead()));
    expect(computeTeamIndicators(quick, FIXTURE_PERIOD)).toEqual(computeTeamIndicators(await fullRead(), FIXTURE_PERIOD));
  });

  it('keeps nothing when a row is removed while it runs: no trace of it stays in meta', async () => {
    openSeal(crypto.getRandomValues(new Uint8Array(32)));
    await seedFixture();
    const household = (await database.households.toCollection().first())!;
    let pauses = 0;
    const kept = await buildReportData({ pause: async () => void (++pauses === 3 && (await database.households.delete(household.id))) }, database);
    expect(kept).toBe(false);
    const meta = JSON.stringify(await database.meta.toArray());
    expect(meta).not.toContain(household.id);
    expect(await database.meta.get(META_KEYS.reportRecords)).toBeUndefined();
  });

  it('gives way to a count that reads every row, and to the lock', async () => {
    openSeal(crypto.getRandomValues(new Uint8Array(32)));
    await seedFixture();
    let pauses = 0;
    expect(await buildReportData({ pause: async () => void (++pauses === 2 && (await loadReportData(database))) }, database)).toBe(false);
    expect(await database.meta.get(META_KEYS.reportRecords)).toBeUndefined();
    pauses = 0;
    expect(await buildReportData({ pause: now, wanted: () => ++pauses < 3 }, database)).toBe(false);
    expect(await database.meta.get(META_KEYS.reportRecords)).toBeUndefined();
    resetSeal();
    expect(await buildReportData({ pause: now }, database)).toBe(false);
  });

  it('keeps what it counted from them with them, current for the records and the phone’s user as they are', async () => {
    openSeal(crypto.getRandomValues(new Uint8Array(32)));
    await seedFixture('a');
    await setCurrentUserId('u-a', database);
    let pausesInCount = 0;
    const count = async (data: ReportData, pause: () => Promise<void>) => {
      await pause();
      pausesInCount++;
      return { november: computeTeamIndicators(data, FIXTURE_PERIOD), members: indicatorsByUser(data, FIXTURE_PERIOD) };
    };
    expect(await buildReportData({ pause: now, count }, database)).toBe(true);
    expect(pausesInCount).toBe(1);
    const all = await fullRead();
    expect(await keptResult('november', database)).toEqual(computeTeamIndicators(all, FIXTURE_PERIOD));
    // Records not yet sent are the phone user's, as when the dashboard counts them.
    expect(await keptResult('members', database)).toEqual(indicatorsByUser(all, FIXTURE_PERIOD));
    await database.visits.update((await visitRow()).id, { outcome: 'notHome' });
    expect(await keptResult('november', database)).toBeUndefined();
  });

  it('counts the rows written while it read with the others, and keeps what it counted', async () => {
    openSeal(crypto.getRandomValues(new Uint8Array(32)));
    await seedFixture();
    const visit = await visitRow();
    const household = (await database.households.toCollection().first())!;
    let pauses = 0;
    const pause = async () => {
      pauses++;
      // A household changes after the households were read, a visit after the visits were.
      if (pauses === 2) await database.households.update(household.id, { neighborhood: 'Xóm Mới' });
      if (pauses === 4) await database.visits.update(visit.id, { outcome: visit.outcome === 'done' ? 'notHome' : 'done' });
    };
    const count = async (data: ReportData) => ({ november: computeTeamIndicators(data, FIXTURE_PERIOD) });
    expect(await buildReportData({ pause, count }, database)).toBe(true);
    expect(await keptResult('november', database)).toEqual(computeTeamIndicators(await fullRead(), FIXTURE_PERIOD));
    expect((await keptResult<ReturnType<typeof computeTeamIndicators>>('november', database))!.byNeighborhood.map((n) => n.name)).toContain('Xóm Mới');
  });

  it('keeps the records but not what it counted when a row was written while it counted', async () => {
    openSeal(crypto.getRandomValues(new Uint8Array(32)));
    await seedFixture();
    const visit = await visitRow();
    const count = async (data: ReportData) => {
      const november = computeIndicators(data, FIXTURE_PERIOD);
      // Written after every table was read: what was counted is of before it.
      await database.visits.update(visit.id, { outcome: visit.outcome === 'done' ? 'notHome' : 'done' });
      return { november };
    };
    expect(await buildReportData({ pause: now, count }, database)).toBe(true);
    expect(await database.meta.get(META_KEYS.reportRecords)).toBeDefined();
    expect(await keptResult('november', database)).toBeUndefined();
  });

  it('keeps nothing when the dashboard kept its own records meanwhile', async () => {
    openSeal(crypto.getRandomValues(new Uint8Array(32)));
    await seedFixture();
    const read = await loadReportData(database);
    let pauses = 0;
    const kept = await buildReportData({ pause: async () => void (++pauses === 3 && (await keepReportData(read, database))) }, database);
    expect(kept).toBe(false);
    // The dashboard's own records stay, and count as every row does.
    expect(sorted(await loadReportData(database))).toEqual(sorted(await fullRead()));
  });
});
