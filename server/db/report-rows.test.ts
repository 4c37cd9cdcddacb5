// @vitest-environment node
/**
 * The report rows kept by the trigger on records (migrations 20261206171000_report_rows.sql and
 * 20261209200000_report_rows_unchanged.sql): a change to fields the reports do not read writes
 * no report row, and whatever the changes, the rows are what projecting the records afresh gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestTeam } from '../testing';
import { checklistStepFields, consent, Device, uuid, householdFields, memberFields, NO_RATE_LIMIT, SETUP_TIMEOUT, visitFields } from '../test-fixtures';

let server: TestServer;
let team: TestTeam;
let head: Device;

beforeAll(async () => {
  server = await startTestServer(NO_RATE_LIMIT);
  team = await server.team('Tổ Báo Cáo');
  head = new Device(server, team.headToken);
}, SETUP_TIMEOUT);
afterAll(() => server?.close(), SETUP_TIMEOUT);

const REPORTED = consent({ purposes: ['support', 'reporting'] });
const TABLES = ['report_households', 'report_members', 'report_visits', 'report_steps'] as const;

/** The row's version: a write of the row, even of the same values, changes it. */
const xmin = async (table: (typeof TABLES)[number], id: string) =>
  (await server.db.query<{ xmin: string }>(`select xmin::text as xmin from ${table} where id = $1`, [id]))[0]?.xmin;

async function reportRows(): Promise<string[]> {
  const rows: string[] = [];
  for (const t of TABLES) rows.push(...(await server.db.query<{ r: string }>(`select t::text as r from ${t} t order by team_id, id`)).map((x) => `${t} ${x.r}`));
  return rows;
}

describe('report rows', () => {
  it('a patch of fields no report reads writes no report row, neither its own nor its household’s copies', async () => {
    const h = await head.created('household', householdFields({ consent: REPORTED }));
    const m = await head.created('member', memberFields(h));
    const v = await head.created('visit', visitFields(h));
    const before = { h: await xmin('report_households', h), m: await xmin('report_members', m), v: await xmin('report_visits', v) };
    expect(Object.values(before).every((x) => x !== undefined)).toBe(true);
    await head.push([head.patch('household', h, 1, { notes: 'Đã gọi điện' }), head.patch('member', m, 1, { notes: 'Cần giúp cài VNeID' }), head.patch('visit', v, 1, { notes: 'Hẹn lần sau' })]);
    expect({ h: await xmin('report_households', h), m: await xmin('report_members', m), v: await xmin('report_visits', v) }).toEqual(before);
  });

  it('a patch of a field a report reads is projected, down to the household’s members and visits', async () => {
    const h = await head.created('household', householdFields({ consent: REPORTED }));
    const v = await head.created('visit', visitFields(h));
    await head.one(head.patch('household', h, 1, { neighborhood: 'Thôn Tây' }));
    const [copy] = await server.db.query<{ neighborhood: string }>('select neighborhood from report_visits where id = $1', [v]);
    expect(copy?.neighborhood).toBe('Thôn Tây');
    await head.one(head.patch('visit', v, 1, { date: '2026-04-01' }));
    expect((await server.db.query<{ date: string }>('select date from report_visits where id = $1', [v]))[0]?.date).toBe('2026-04-01');
    // Consent without the reporting purpose: the household's row goes, and its visits' copies with it.
    await head.one(head.patch('household', h, 2, { consent: consent() }));
    expect(await xmin('report_households', h)).toBeUndefined();
    expect((await server.db.query<{ neighborhood: string | null }>('select neighborhood from report_visits where id = $1', [v]))[0]?.neighborhood).toBeNull();
  });

  it('after creates, patches and deletes of every kind, the rows are what projecting every record afresh gives', async () => {
    const h = await head.created('household', householdFields({ consent: REPORTED }));
    const m = await head.created('member', memberFields(h, { vneidLevel: 1 }));
    const s = await head.created('checklistStep', checklistStepFields(m, 'level1.activated', 'done'));
    const v = await head.created('visit', visitFields(h, { memberIds: [m] }));
    await head.push([
      head.patch('member', m, 1, { birthYear: 1990, notes: 'x' }),
      head.patch('checklistStep', s, 1, { note: 'xong' }),
      head.patch('visit', v, 1, { outcome: 'followUp', followUpDate: '2026-05-01' }),
      head.patch('household', h, 1, { consent: REPORTED, notes: 'y' }),
    ]);
    // A member and a visit that arrive before their household, which comes without the reporting
    // purpose (its copies stay empty) and gets it later (they are filled).
    const late = uuid();
    const early = await head.created('member', memberFields(late));
    const earlyVisit = await head.created('visit', visitFields(late, { memberIds: [early] }));
    await head.created('household', householdFields(), late);
    expect((await server.db.query<{ consent_on: string | null }>('select consent_on from report_visits where id = $1', [earlyVisit]))[0]?.consent_on).toBeNull();
    await head.one(head.patch('household', late, 1, { consent: REPORTED }));
    expect((await server.db.query<{ consent_on: string | null }>('select consent_on from report_members where id = $1', [early]))[0]?.consent_on).toBe('2026-03-01');
    const gone = await head.created('household', householdFields({ consent: REPORTED }));
    await head.one(head.delete('household', gone, 1));
    const kept = await reportRows();
    expect(kept.length).toBeGreaterThan(4);
    expect(kept).toEqual(await projectAfresh());
  });
});

/** The report rows as projecting every record again gives them, in a transaction rolled back. */
async function projectAfresh(): Promise<string[]> {
  let rows: string[] = [];
  const rollback = new Error('rolled back on purpose');
  await server.db
    .transaction(async (tx) => {
      for (const t of TABLES) await tx.query(`delete from ${t}`);
      await tx.query(`select report_project(r) from records r where r.entity = 'household'`);
      await tx.query(`select report_project(r) from records r where r.entity in ('member', 'visit', 'checklistStep')`);
      for (const t of TABLES) rows = rows.concat((await tx.query<{ r: string }>(`select t::text as r from ${t} t order by team_id, id`)).map((x) => `${t} ${x.r}`));
      throw rollback;
    })
    .catch((e: unknown) => {
      if (e !== rollback) throw e;
    });
  return rows;
}
