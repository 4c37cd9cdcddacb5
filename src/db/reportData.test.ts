// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppDB } from './database';
import { loadReportData } from './reportData';
import { openSeal, resetSeal, SEALED_FIELD } from './seal';
import { setCurrentUserId } from './meta';
import { computeIndicators } from '../domain/indicators';
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
    // A member's name stays in its blob: counting never needed it.
    const member = data.members[0] as unknown as Record<string, unknown>;
    expect(member.fullName).toBeUndefined();
    expect(member[SEALED_FIELD]).toBeInstanceOf(Uint8Array);
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
