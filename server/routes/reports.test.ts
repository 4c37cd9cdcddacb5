// @vitest-environment node
/**
 * GET /api/reports/summary and /api/reports/settings (../shared/spec/indicators.md): access, bad
 * periods, and the same integers as the device's code for the same records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestTeam } from '../testing';
import { checklistStepId, Device, expectError, householdFields, NO_RATE_LIMIT, pullAll, SETUP_TIMEOUT, uuid, visitFields } from '../test-fixtures';
import { expectedTeam, fixtureRecords, FIXTURE_PERIOD, H, type FixtureUser } from '../../src/domain/indicators.fixture';
import {
  computeIndicators,
  emptyIndicators,
  INDICATOR_KEYS,
  indicatorsByNeighborhood,
  sumIndicators,
  type Period,
  type ReportData,
} from '../../src/domain/indicators';
import type { SummaryResponse } from '../../src/domain/reportSettings';
import type { Database } from '../db/adapter';
import { COUNTING_CONNECTIONS, summary } from '../services/reports';

let server: TestServer;
let team: TestTeam;
let other: TestTeam; // same commune
let far: TestTeam; // another commune
let admin: { token: string; communeId: string };
let users: Record<FixtureUser, { token: string; userId: string }>;
const records = fixtureRecords({ stepId: checklistStepId });

beforeAll(async () => {
  server = await startTestServer(NO_RATE_LIMIT);
  team = await server.team('Tổ A', 'Xã Một');
  other = await server.team('Tổ B', 'Xã Một');
  far = await server.team('Tổ C', 'Xã Hai');
  admin = await server.admin('Xã Một');
  users = { a: { token: team.headToken, userId: team.headUserId }, b: await team.member('Tổ viên B'), c: await team.member('Tổ viên C') };
  const devices = { a: new Device(server, users.a.token), b: new Device(server, users.b.token), c: new Device(server, users.c.token) };
  for (const r of records) await devices[r.by].created(r.entity, r.fields, r.id);
  for (const r of records.filter((x) => x.deleted)) {
    const [result] = await devices[r.by].push([devices[r.by].delete(r.entity, r.id, 1)]);
    expect(result!.status).toBe('applied');
  }
  const otherDevice = new Device(server, other.headToken);
  const h = await otherDevice.created('household', householdFields({ consent: { ...(householdFields().consent as object), purposes: ['reporting'] } }));
  await otherDevice.created('visit', visitFields(h, { date: '2026-11-02' }));
  await new Device(server, far.headToken).created('household', householdFields());
}, SETUP_TIMEOUT);
afterAll(() => server?.close(), SETUP_TIMEOUT);

const get = (token: string, query: string) => server.inject({ method: 'GET', url: `/api/reports/summary${query}`, token });
const q = (p: Period) => `?from=${p.from}&to=${p.to}`;

/** What a device holds after pulling everything: the records as the app's own code reads them. */
async function deviceData(token: string): Promise<ReportData> {
  const { changes } = await pullAll(server, token);
  const latest = new Map(changes.map((c) => [c.id, c]));
  const data = { households: [], members: [], visits: [], sessions: [], checklistSteps: [] } as Record<keyof ReportData, unknown[]>;
  const table = { household: 'households', member: 'members', visit: 'visits', session: 'sessions', checklistStep: 'checklistSteps' } as const;
  for (const c of latest.values()) {
    const t = table[c.entity as keyof typeof table];
    if (!t || c.deleted) continue;
    // A pulled record's data carries createdBy (sync spec), as the device stores it.
    data[t].push({ id: c.id, ...c.data });
  }
  return data as unknown as ReportData;
}

describe('GET /api/reports/summary', () => {
  it('a head gets its team: every key, the spec’s integers, the shape of the spec', async () => {
    const r = await get(team.headToken, q(FIXTURE_PERIOD));
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json() as SummaryResponse;
    expect(Object.keys(body).sort()).toEqual(['from', 'generatedAt', 'teams', 'to', 'total']);
    expect(body).toMatchObject({ from: FIXTURE_PERIOD.from, to: FIXTURE_PERIOD.to });
    expect(Date.parse(body.generatedAt)).not.toBeNaN();
    expect(body.teams.map((t) => [t.id, t.name])).toEqual([[team.teamId, 'Tổ A']]);
    expect(body.teams[0]!.indicators).toEqual(expectedTeam());
    expect(body.total.indicators).toEqual(expectedTeam());
    expect(body.teams[0]!.byNeighborhood.map((n) => n.name)).toEqual(['Thôn 3', 'THÔN ĐÔNG']);
  });

  // The server counts in SQL, the device with src/domain/indicators.ts: these periods put the
  // fixture's edge cases on both sides of `from` and `to` (latest visits and reaching visits
  // before the period, a follow-up overdue from before it, consent and withdrawal at midnight).
  const periods: Period[] = [
    FIXTURE_PERIOD,
    { from: '2026-11-12', to: '2026-11-30' },
    { from: '2026-11-21', to: '2026-11-28' },
    { from: '2026-10-01', to: '2026-12-31' },
    { from: '2026-12-01', to: '2026-12-31' },
    { from: '2026-10-26', to: '2026-11-28' },
    // h9 only not at home in the period, reached before it: ever reached, not reached in the period.
    { from: '2026-10-21', to: '2026-10-31' },
    { from: '2026-11-04', to: '2026-11-30' },
    { from: '2026-11-13', to: '2026-11-19' },
    { from: '2026-11-26', to: '2026-12-02' },
  ];

  it('gives the same integers as the device’s code on the pulled records, for several periods', async () => {
    const data = await deviceData(team.headToken);
    for (const p of periods) {
      const body = (await get(team.headToken, q(p))).json() as SummaryResponse;
      expect(body.teams[0]!.indicators, `${p.from}…${p.to}`).toEqual(computeIndicators(data, p));
      expect(body.teams[0]!.byNeighborhood, `${p.from}…${p.to}`).toEqual(indicatorsByNeighborhood(data, p));
    }
  });

  it('gives the admin, team by team, the integers each head’s device computes, and their sum', async () => {
    const data = { [team.teamId]: await deviceData(team.headToken), [other.teamId]: await deviceData(other.headToken) };
    for (const p of periods) {
      const body = (await get(admin.token, q(p))).json() as SummaryResponse;
      expect(body.teams.map((t) => t.id)).toEqual([team.teamId, other.teamId]);
      for (const t of body.teams) {
        expect(t.indicators, `${t.name} ${p.from}…${p.to}`).toEqual(computeIndicators(data[t.id]!, p));
        expect(t.byNeighborhood, `${t.name} ${p.from}…${p.to}`).toEqual(indicatorsByNeighborhood(data[t.id]!, p));
      }
      expect(body.total.indicators).toEqual(sumIndicators(Object.values(data).map((d) => computeIndicators(d, p))));
    }
  });

  it('follows changes to records: a withdrawn consent, a member reaching level 2, a deleted visit', async () => {
    const dev = new Device(server, other.headToken);
    const consent = { ...(householdFields().consent as object), purposes: ['reporting'], recordedAt: '2026-10-01T08:00:00+07:00' };
    const h = await dev.created('household', householdFields({ neighborhood: 'Xóm Mới', consent }));
    const m = await dev.created('member', { householdId: h, fullName: 'Phạm Văn Tư', birthYear: 1990, vneidLevel: 1 });
    const v = await dev.created('visit', visitFields(h, { date: '2026-11-20', outcome: 'followUp', followUpDate: '2026-11-25' }));
    const figures = async () => {
      const body = (await get(other.headToken, q(FIXTURE_PERIOD))).json() as SummaryResponse;
      expect(body.teams[0]!.indicators).toEqual(computeIndicators(await deviceData(other.headToken), FIXTURE_PERIOD));
      return body.teams[0]!.byNeighborhood.find((n) => n.name === 'Xóm Mới')?.indicators;
    };
    expect(await figures()).toMatchObject({ householdsRegistered: 1, adults: 1, adultsVneidLevel2: 0, visits: 1, followUpsOverdue: 1 });
    expect((await dev.one(dev.patch('member', m, 1, { vneidLevel: 2, vneidLevelSince: '2026-11-21' }))).status).toBe('applied');
    expect((await dev.one(dev.delete('visit', v, 1))).status).toBe('applied');
    expect(await figures()).toMatchObject({ householdsRegistered: 1, adultsVneidLevel2: 1, visits: 0, followUpsOpen: 0 });
    expect((await dev.one(dev.patch('household', h, 1, { consent: { ...consent, withdrawnAt: '2026-11-29T09:00:00+07:00' } }))).status).toBe('applied');
    expect(await figures()).toBeUndefined();
  });

  it('follows a household’s visits in any order: late, tied, moved, changed, deleted, in one push or several', async () => {
    const t = await server.team('Tổ Thứ Tự', 'Xã Thứ Tự');
    const dev = new Device(server, t.headToken);
    const reporting = { ...(householdFields().consent as object), purposes: ['reporting'] };
    const h = await dev.created('household', householdFields({ neighborhood: 'Xóm Dưới', consent: reporting }));
    const g = await dev.created('household', householdFields({ neighborhood: 'Xóm Trên', consent: reporting }));
    const periods: Period[] = [FIXTURE_PERIOD, { from: '2026-11-01', to: '2026-11-09' }, { from: '2026-11-11', to: '2026-12-31' }, { from: '2026-10-01', to: '2026-10-31' }];
    const figures = async () => {
      const data = await deviceData(t.headToken);
      for (const p of periods) {
        const body = (await get(t.headToken, q(p))).json() as SummaryResponse;
        expect(body.teams[0]!.indicators, `${p.from}…${p.to}`).toEqual(computeIndicators(data, p));
        expect(body.teams[0]!.byNeighborhood, `${p.from}…${p.to}`).toEqual(indicatorsByNeighborhood(data, p).map((n) => ({ name: n.name, indicators: n.indicators })));
      }
      return ((await get(t.headToken, q(FIXTURE_PERIOD))).json() as SummaryResponse).teams[0]!.indicators;
    };
    const [a, b, c, d] = [uuid(), uuid(), uuid(), uuid()].sort() as [string, string, string, string];
    const open = await dev.created('visit', visitFields(h, { date: '2026-11-10', outcome: 'followUp', followUpDate: '2026-11-12' }), b);
    // A visit recorded later but dated earlier is not the latest one.
    const earlier = await dev.created('visit', visitFields(h, { date: '2026-11-05', outcome: 'done' }));
    expect(await figures()).toMatchObject({ householdsReachedInPeriod: 1, householdsEverReached: 1, followUpsOpen: 1, followUpsOverdue: 1 });
    // The same date: the greater id is the latest, whether it arrives after the other (c after b)
    // or before it (d before a, in one push with c).
    await dev.push([dev.create('visit', visitFields(h, { date: '2026-11-10', outcome: 'notHome' }), c), dev.create('visit', visitFields(g, { date: '2026-10-10', outcome: 'notHome' }), d)]);
    await dev.created('visit', visitFields(g, { date: '2026-10-10', outcome: 'followUp' }), a);
    expect(await figures()).toMatchObject({ householdsEverReached: 2, followUpsOpen: 0 });
    // Moved after the period, to another household, to notHome and back.
    await dev.push([
      dev.patch('visit', open, 1, { date: '2026-12-02' }),
      dev.patch('visit', c, 1, { householdId: g }),
      dev.patch('visit', earlier, 1, { outcome: 'notHome' }),
    ]);
    expect(await figures()).toMatchObject({ householdsReachedInPeriod: 0, householdsEverReached: 1 });
    await dev.one(dev.patch('visit', earlier, 2, { outcome: 'partial', followUpDate: '2026-12-01' }));
    expect(await figures()).toMatchObject({ householdsReachedInPeriod: 1, followUpsOpen: 1, followUpsOverdue: 0 });
    // Deleted, and removed from the records altogether.
    await dev.one(dev.delete('visit', earlier, 3));
    await server.db.query('delete from records where team_id = $1 and id = $2', [t.teamId, a]);
    expect(await figures()).toMatchObject({ householdsReachedInPeriod: 0, householdsEverReached: 0, followUpsOpen: 0 });
  });

  it('aggregates only: no names, ids of people or households, or free text', async () => {
    const r = await get(admin.token, q(FIXTURE_PERIOD));
    const text = r.body;
    for (const id of [...Object.values(H), users.a.userId, users.b.userId, users.c.userId]) expect(text).not.toContain(id);
    for (const words of ['Trần Văn Bình', 'Lê Thị Mai', 'Nguyễn Thị Lan', 'Nhà văn hóa', 'ngõ 3']) expect(text).not.toContain(words);
  });

  it('a head of another team sees only its own team', async () => {
    const body = (await get(other.headToken, q(FIXTURE_PERIOD))).json() as SummaryResponse;
    expect(body.teams.map((t) => t.id)).toEqual([other.teamId]);
    expect(body.teams[0]!.indicators).toMatchObject({ householdsRegistered: 1, visits: 1 });
  });

  it('an admin sees every team of its commune, side by side, with the total; never another commune', async () => {
    const body = (await get(admin.token, q(FIXTURE_PERIOD))).json() as SummaryResponse;
    expect(body.teams.map((t) => t.name)).toEqual(['Tổ A', 'Tổ B']);
    expect(body.teams.map((t) => t.id)).not.toContain(far.teamId);
    expect(body.total.indicators).toEqual(sumIndicators(body.teams.map((t) => t.indicators)));
    expect(body.total.indicators.householdsRegistered).toBe(6);
    expect(Object.keys(body.total.indicators).sort()).toEqual([...INDICATOR_KEYS].sort());
  });

  it('an admin of a commune without teams gets an empty list and zeros', async () => {
    const lonely = await server.admin('Xã Không Tổ');
    const body = (await get(lonely.token, q(FIXTURE_PERIOD))).json() as SummaryResponse;
    expect(body.teams).toEqual([]);
    expect(body.total.indicators).toEqual(emptyIndicators());
  });

  it('a member gets 403', async () => {
    expectError(await get(users.b.token, q(FIXTURE_PERIOD)), 403, 'FORBIDDEN');
  });

  it('no token gets 401', async () => {
    expectError(await server.inject({ method: 'GET', url: `/api/reports/summary${q(FIXTURE_PERIOD)}` }), 401);
  });

  it.each([
    ['missing dates', ''],
    ['a missing to', '?from=2026-11-01'],
    ['an impossible date', '?from=2026-02-30&to=2026-03-31'],
    ['a wrong format', '?from=2026-11-1&to=2026-11-30'],
    ['from after to', '?from=2026-12-01&to=2026-11-30'],
    ['more than 366 days', '?from=2025-01-01&to=2026-01-02'],
    ['repeated parameters', '?from=2026-11-01&from=2026-11-02&to=2026-11-30'],
  ])('%s gets 400', async (_, query) => {
    expectError(await get(team.headToken, query), 400, 'BAD_REQUEST');
  });

  it('366 days is allowed', async () => {
    expect((await get(team.headToken, '?from=2024-01-01&to=2024-12-31')).statusCode).toBe(200);
  });
});

describe('/api/reports/settings', () => {
  const put = (token: string, payload: unknown) => server.inject({ method: 'PUT', url: '/api/reports/settings', token, payload: payload as object });
  const read = (token: string) => server.inject({ method: 'GET', url: '/api/reports/settings', token });

  it('before the admin sets them: every indicator, no targets', async () => {
    const r = await read(far.headToken);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ indicators: [...INDICATOR_KEYS], targets: {}, updatedAt: null, communeName: 'Xã Hai' });
  });

  it('the admin sets the list and targets; the commune’s heads read them, other communes do not', async () => {
    const settings = { indicators: ['householdsRegistered', 'adultsVneidLevel2', 'results.onlineDossiers'], targets: { adultsVneidLevel2: 500 } };
    const w = await put(admin.token, settings);
    expect(w.statusCode, w.body).toBe(200);
    expect(w.json()).toMatchObject(settings);
    for (const token of [team.headToken, other.headToken, admin.token]) expect((await read(token)).json()).toMatchObject({ ...settings, communeName: 'Xã Một' });
    expect((await read(far.headToken)).json()).toMatchObject({ targets: {}, communeName: 'Xã Hai' });
  });

  it('a head cannot set them; a member cannot read them', async () => {
    expectError(await put(team.headToken, { indicators: ['visits'], targets: {} }), 403, 'FORBIDDEN');
    expectError(await read(users.b.token), 403, 'FORBIDDEN');
  });

  it.each([
    ['an unknown key', { indicators: ['smartphonesBought'], targets: {} }],
    ['an empty list', { indicators: [], targets: {} }],
    ['a duplicate', { indicators: ['visits', 'visits'], targets: {} }],
    ['a negative target', { indicators: ['visits'], targets: { visits: -1 } }],
    ['a fractional target', { indicators: ['visits'], targets: { visits: 1.5 } }],
    ['an extra field', { indicators: ['visits'], targets: {}, note: 'x' }],
  ])('%s gets 400', async (_, body) => {
    expectError(await put(admin.token, body), 400, 'BAD_REQUEST');
  });
});

describe('visit results through the sync route', () => {
  it('a visit with results on a counted household counts in results', async () => {
    const dev = new Device(server, other.headToken);
    const h = await dev.created('household', householdFields({ consent: { ...(householdFields().consent as object), purposes: ['reporting'] } }), uuid());
    await dev.created('visit', visitFields(h, { date: '2026-11-03', results: { feesPaidOnline: 4 } }));
    const body = (await get(other.headToken, q(FIXTURE_PERIOD))).json() as SummaryResponse;
    expect(body.teams[0]!.indicators['results.feesPaidOnline']).toBe(4);
  });
});

describe('kept figures: each team counted again only after its records changed', () => {
  // A period no other test asks for, so that the kept rows seen here are this block's own.
  const P: Period = { from: '2026-11-02', to: '2026-11-29' };
  const P2: Period = { from: '2026-11-03', to: '2026-11-29' };
  const kept = (teamId: string) =>
    server.db.query<{ from: string; lastSeq: string }>(
      'select period_from as "from", last_seq::text as "lastSeq" from report_summary_cache where team_id = $1 and period_from in ($2, $3) order by 1',
      [teamId, P.from, P2.from],
    );
  /** Writes a mark into a kept row: an answer carrying it was read from that row, not counted. */
  const mark = (teamId: string, p: Period, visits: number) =>
    server.db.query(
      `update report_summary_cache set figures = jsonb_set(figures::jsonb, '{indicators,visits}', to_jsonb($4::int))::json
       where team_id = $1 and period_from = $2 and period_to = $3`,
      [teamId, p.from, p.to, visits],
    );
  const figures = async (token: string, p: Period) => ((await get(token, q(p))).json() as SummaryResponse).teams;

  it('answers from the kept figures until the team pushes a change, then counts it again', async () => {
    const counted = await figures(admin.token, P);
    expect((await kept(team.teamId)).map((r) => r.from)).toEqual([P.from]);
    await mark(team.teamId, P, 424242);
    await mark(other.teamId, P, 434343);
    expect((await figures(admin.token, P)).map((t) => t.indicators.visits)).toEqual([424242, 434343]);
    expect((await figures(other.headToken, P))[0]!.indicators.visits).toBe(434343);

    const dev = new Device(server, other.headToken);
    const h = await dev.created('household', householdFields({ consent: { ...(householdFields().consent as object), purposes: ['reporting'] } }));
    await dev.created('visit', visitFields(h, { date: '2026-11-10' }));
    const after = await figures(admin.token, P);
    // Tổ A did not change: still its kept row. Tổ B is counted again, as its device counts it.
    expect(after[0]!.indicators.visits).toBe(424242);
    expect(after[1]!.indicators).toEqual(computeIndicators(await deviceData(other.headToken), P));
    expect(after[1]!.indicators.visits).toBe(counted[1]!.indicators.visits + 1);
    expect(after[1]!.byNeighborhood).toEqual(indicatorsByNeighborhood(await deviceData(other.headToken), P));

    await mark(team.teamId, P, counted[0]!.indicators.visits);
  });

  it('drops a team’s rows of an older change number when it counts the team again', async () => {
    await figures(other.headToken, P);
    await figures(other.headToken, P2);
    const before = await kept(other.teamId);
    expect(before.map((r) => r.from)).toEqual([P.from, P2.from]);
    const dev = new Device(server, other.headToken);
    await dev.created('household', householdFields());
    await figures(other.headToken, P);
    const after = await kept(other.teamId);
    expect(after.map((r) => r.from)).toEqual([P.from]);
    expect(BigInt(after[0]!.lastSeq)).toBeGreaterThan(BigInt(before[0]!.lastSeq));
  });

  it.each([
    ['other counting code', (version: string) => `0000000000000000${version.slice(version.indexOf(':'))}`],
    ['an older newest migration', (version: string) => `${version.slice(0, version.indexOf(':'))}:20261206171000_report_rows.sql`],
  ])('never answers from figures counted by %s', async (_, other) => {
    const data = await deviceData(team.headToken);
    const counted = await figures(team.headToken, P);
    const [row] = await server.db.query<{ version: string }>('select version from report_summary_cache where team_id = $1 and period_from = $2', [team.teamId, P.from]);
    expect(row!.version).toMatch(/^[0-9a-f]{16}:\d{14}_\w+\.sql$/);
    await mark(team.teamId, P, 454545);
    await server.db.query('update report_summary_cache set version = $3 where team_id = $1 and period_from = $2', [team.teamId, P.from, other(row!.version)]);
    expect((await figures(team.headToken, P))[0]!.indicators).toEqual(computeIndicators(data, P));
    expect((await figures(team.headToken, P))[0]!.indicators).toEqual(counted[0]!.indicators);
  });
});

describe('counting a commune', () => {
  /** The test server's database, counting how many transactions are open at once at most. */
  function countingTransactions(): { db: Database; most: () => number } {
    let open = 0;
    let most = 0;
    const db: Database = {
      kind: server.db.kind,
      query: (sql, params) => server.db.query(sql, params),
      exec: (sql) => server.db.exec(sql),
      close: () => server.db.close(),
      transaction: async (fn) => {
        most = Math.max(most, ++open);
        try {
          return await server.db.transaction(fn);
        } finally {
          open--;
        }
      },
    };
    return { db, most: () => most };
  }

  it(`counts at most ${COUNTING_CONNECTIONS} teams at once, so that pushes still find connections`, async () => {
    const teams = [];
    for (let i = 0; i < COUNTING_CONNECTIONS + 3; i++) teams.push(await server.team(`Tổ ${i}`, 'Xã Đông Tổ'));
    const { communeId } = await server.admin('Xã Đông Tổ');
    const { db, most } = countingTransactions();
    const body = await summary(db, { role: 'admin', teamId: null, communeId }, FIXTURE_PERIOD);
    expect(body.teams.map((t) => t.id).sort()).toEqual(teams.map((t) => t.teamId).sort());
    expect(most()).toBe(COUNTING_CONNECTIONS);
  });

  it('counts on at most as many connections for several requests at once (an admin’s trend)', async () => {
    for (let i = 0; i < COUNTING_CONNECTIONS; i++) await server.team(`Tổ ${i}`, 'Xã Sáu Kỳ');
    const { communeId } = await server.admin('Xã Sáu Kỳ');
    const { db, most } = countingTransactions();
    const months = ['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'];
    const bodies = await Promise.all(months.map((m) => summary(db, { role: 'admin', teamId: null, communeId }, { from: `${m}-01`, to: `${m}-28` })));
    expect(bodies.map((b) => b.teams.length)).toEqual(months.map(() => COUNTING_CONNECTIONS));
    expect(most()).toBe(COUNTING_CONNECTIONS);
  });
});

// startTestServer opens PostgreSQL when TEST_DATABASE_URL names one, else PGlite.
describe.skipIf(!!process.env.TEST_DATABASE_URL)('counting a commune on PGlite', () => {
  it("counts team by team, each in its team's lane: another team's sync goes between them, not after the whole commune", async () => {
    const lanesOf = server.db.forTeam?.bind(server.db);
    expect(lanesOf, 'the test server runs on PGlite, whose one session is shared by lanes').toBeDefined();
    const teams = [];
    for (let i = 0; i < 3; i++) teams.push(await server.team(`Tổ ${i}`, 'Xã Lần Lượt'));
    const { communeId } = await server.admin('Xã Lần Lượt');
    const events: string[] = [];
    let counting!: () => void;
    const started = new Promise<void>((resolve) => (counting = resolve));
    /** `d` with its transactions noted as they begin. */
    const noting = (d: Database, lane: string): Database => ({
      kind: d.kind,
      query: (sql, params) => d.query(sql, params),
      exec: (sql) => d.exec(sql),
      close: () => d.close(),
      transaction: (fn) =>
        d.transaction(async (tx) => {
          events.push(`count ${lane}`);
          counting();
          return fn(tx);
        }),
    });
    const db: Database = { ...noting(server.db, 'no team'), forTeam: (team) => noting(lanesOf!(team), team) };
    const report = summary(db, { role: 'admin', teamId: null, communeId }, FIXTURE_PERIOD);
    await started;
    // A team's sync arrives while the first team is counted (a lane of its own).
    await server.db.forTeam!('a team that syncs').query('select 1');
    events.push('sync');
    const body = await report;
    expect(body.teams.map((t) => t.id).sort()).toEqual(teams.map((t) => t.teamId).sort());
    // The teams are counted in the summary's order, by name.
    const [first, ...rest] = teams.map((t) => t.teamId);
    // Untagged, every share's transaction went ahead of every team's work: the sync came last.
    expect(events).toEqual([`count ${first}`, 'sync', ...rest.map((id) => `count ${id}`)]);
  });
});

describe('the report tables follow a household’s changes to its members and visits', () => {
  const P: Period = { from: '2026-11-05', to: '2026-11-25' };
  const figures = async () => {
    const body = (await get(far.headToken, q(P))).json() as SummaryResponse;
    expect(body.teams[0]!.indicators).toEqual(computeIndicators(await deviceData(far.headToken), P));
    return body.teams[0]!.indicators;
  };

  it('a member and a visit pushed before their household count once it arrives, and stop when it leaves reporting', async () => {
    const dev = new Device(server, far.headToken);
    const h = uuid();
    const before = await figures();
    await dev.created('member', { householdId: h, fullName: 'Đỗ Văn Năm', birthYear: 1980, vneidLevel: 2 });
    await dev.created('visit', visitFields(h, { date: '2026-11-10' }));
    expect(await figures()).toMatchObject({ adults: before.adults, visits: before.visits });
    const consent = { ...(householdFields().consent as object), purposes: ['reporting'], recordedAt: '2026-10-01T08:00:00+07:00' };
    await dev.created('household', householdFields({ neighborhood: 'Xóm Sau', consent }), h);
    expect(await figures()).toMatchObject({ adults: before.adults + 1, adultsVneidLevel2: before.adultsVneidLevel2 + 1, visits: before.visits + 1 });
    expect((await dev.one(dev.patch('household', h, 1, { consent: { ...consent, purposes: ['support'] } }))).status).toBe('applied');
    expect(await figures()).toMatchObject({ adults: before.adults, visits: before.visits });
    expect((await dev.one(dev.patch('household', h, 2, { consent }))).status).toBe('applied');
    expect(await figures()).toMatchObject({ adults: before.adults + 1, visits: before.visits + 1 });
    expect((await dev.one(dev.delete('household', h, 3))).status).toBe('applied');
    expect(await figures()).toMatchObject({ adults: before.adults, visits: before.visits });
  });
});
