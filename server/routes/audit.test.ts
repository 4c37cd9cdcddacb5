// @vitest-environment node
/**
 * The audit without values, its events and GET /api/audit; retention of push answers; a
 * household's export and erasure (issue 15, "On the server").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestTeam } from '../testing';
import { Device, expectError, householdFields, memberFields, NO_RATE_LIMIT, pullAll, SETUP_TIMEOUT, snapshot, uuid, visitFields, checklistStepFields, checklistStepId, sessionFields } from '../test-fixtures';
import { authenticate, LastSeen } from '../services/auth';
import { push } from '../services/push';
import { pruneAnswers } from '../services/retention';
import type { AuditEntry, AuditPage } from '../../src/domain/wire';

let server: TestServer;
let team: TestTeam;
let member: { token: string; userId: string };
let other: TestTeam; // same commune
let far: TestTeam; // another commune
let admin: { token: string; communeId: string };

beforeAll(async () => {
  server = await startTestServer(NO_RATE_LIMIT);
  team = await server.team('Tổ A', 'Xã Một');
  member = await team.member('Lê Thị Mai');
  other = await server.team('Tổ B', 'Xã Một');
  far = await server.team('Tổ C', 'Xã Hai');
  admin = await server.admin('Xã Một');
}, SETUP_TIMEOUT);
afterAll(() => server?.close(), SETUP_TIMEOUT);

/** Values no audit row may hold: every one is a personal value the tests write. */
const SECRETS = ['Phạm Thị Riêng', '0987654321', 'Ngõ Bí Mật', 'Nguyễn Ghi Nhận', 'Bùi Văn Sửa', '0911222333', 'Đinh Thị Con'];

async function auditText(): Promise<string> {
  const rows = await server.db.query<{ row: string }>('select row_to_json(a)::text as row from audit_log a');
  return rows.map((r) => r.row).join('\n');
}

async function auditOf(recordId: string): Promise<{ op: string; fields: string[] | null }[]> {
  return server.db.query('select op, fields from audit_log where record_id = $1 order by id', [recordId]);
}

const getAudit = (token: string, query = '') => server.inject({ method: 'GET', url: `/api/audit${query}`, token });

async function allEntries(token: string, limit = 200): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let cursor: string | null = null;
  do {
    const r = await getAudit(token, `?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(r.statusCode, r.body).toBe(200);
    const page = r.json() as AuditPage;
    out.push(...page.entries);
    cursor = page.cursor;
  } while (cursor);
  return out;
}

function privateHousehold() {
  return householdFields({ headName: 'Phạm Thị Riêng', phone: '0987654321', address: 'Ngõ Bí Mật, thôn Đông', consent: { recordedAt: '2026-03-01T08:30:00+07:00', recordedBy: 'Nguyễn Ghi Nhận', purposes: ['support', 'reporting'], textVersion: 'vi-2026-01' } });
}

describe('the audit keeps field names, never values', () => {
  it('after creates, patches and deletes on the batched path', async () => {
    const d = new Device(server, team.headToken);
    const h = await d.created('household', privateHousehold());
    const m = await d.created('member', memberFields(h, { fullName: 'Đinh Thị Con' }));
    expect(await d.one(d.patch('household', h, 1, { headName: 'Bùi Văn Sửa', phone: '0911222333' }))).toMatchObject({ status: 'applied' });
    expect(await d.one(d.delete('member', m, 1))).toMatchObject({ status: 'applied' });
    const text = await auditText();
    for (const s of SECRETS) expect(text).not.toContain(s);
    expect(await auditOf(h)).toEqual([
      { op: 'create', fields: ['address', 'consent', 'headName', 'neighborhood', 'phone'] },
      { op: 'patch', fields: ['headName', 'phone'] },
    ]);
    expect(await auditOf(m)).toEqual([
      { op: 'create', fields: ['birthYear', 'fullName', 'gender', 'hasSmartphone', 'householdId'] },
      { op: 'delete', fields: null },
    ]);
  });

  it('after a create and a patch on the per-mutation path', async () => {
    const auth = await authenticate(server.db, new LastSeen(), team.headToken, 90);
    if (!auth.ok) throw new Error('the head token should authenticate');
    const d = new Device(server, team.headToken);
    const h = uuid();
    const body = d.body([d.create('household', privateHousehold(), h), d.patch('household', h, 1, { phone: '0911222333' })]);
    const results = await push(server.db, auth.caller, body as Parameters<typeof push>[2], { mode: 'serial' });
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(await auditOf(h)).toEqual([
      { op: 'create', fields: ['address', 'consent', 'headName', 'neighborhood', 'phone'] },
      { op: 'patch', fields: ['phone'] },
    ]);
    const text = await auditText();
    for (const s of SECRETS) expect(text).not.toContain(s);
  });
});

describe('audited events', () => {
  const last = async (token: string) => ((await getAudit(token, '?limit=1')).json() as AuditPage).entries[0]!;

  it('an enrollment, an invite created and cancelled, a device revoked', async () => {
    const before = await allEntries(team.headToken);
    const created = await server.inject({ method: 'POST', url: '/api/invites', token: team.headToken, payload: { role: 'member', maxUses: 1, ttlHours: 1 } });
    expect(created.statusCode).toBe(201);
    expect(await last(team.headToken)).toMatchObject({ entity: 'invite', op: 'invite-create', recordId: null, user: { id: team.headUserId }, teamId: team.teamId });
    const joined = await server.enroll(created.json().code, 'Hoàng Văn Mới');
    const enrolled = await last(team.headToken);
    expect(enrolled).toMatchObject({ entity: 'device', op: 'enroll', user: { id: joined.user.id, name: 'Hoàng Văn Mới' } });
    expect(enrolled.recordId).toBe(enrolled.deviceId);

    const another = await server.inject({ method: 'POST', url: '/api/invites', token: team.headToken, payload: { role: 'member', maxUses: 1, ttlHours: 1 } });
    const { invites } = (await server.inject({ method: 'GET', url: '/api/invites', token: team.headToken })).json() as { invites: { id: string }[] };
    expect(another.statusCode).toBe(201);
    const cancelled = await server.inject({ method: 'POST', url: `/api/invites/${invites[0]!.id}/cancel`, token: team.headToken, payload: {} });
    expect(cancelled.statusCode).toBe(200);
    expect(await last(team.headToken)).toMatchObject({ entity: 'invite', op: 'invite-cancel', recordId: invites[0]!.id });

    const revoked = await server.inject({ method: 'POST', url: `/api/devices/${enrolled.deviceId}/revoke`, token: team.headToken, payload: {} });
    expect(revoked.statusCode).toBe(200);
    expect(await last(team.headToken)).toMatchObject({ entity: 'device', op: 'device-revoke', recordId: enrolled.deviceId, user: { id: team.headUserId } });
    expect((await allEntries(team.headToken)).length).toBe(before.length + 5);
  });

  it('an admin’s invite for a team is in that team’s audit', async () => {
    const r = await server.inject({ method: 'POST', url: '/api/invites', token: admin.token, payload: { role: 'head', maxUses: 1, ttlHours: 1, teamId: other.teamId } });
    expect(r.statusCode).toBe(201);
    expect(await last(other.headToken)).toMatchObject({ op: 'invite-create', teamId: other.teamId });
  });

  it('a report read by a head (its team) and by an admin (its commune)', async () => {
    expect((await server.inject({ method: 'GET', url: '/api/reports/summary?from=2026-11-01&to=2026-11-30', token: team.headToken })).statusCode).toBe(200);
    expect(await last(team.headToken)).toMatchObject({ entity: 'report', op: 'report-read', teamId: team.teamId, recordId: null, user: { id: team.headUserId } });
    expect((await server.inject({ method: 'GET', url: '/api/reports/summary?from=2026-11-01&to=2026-11-30', token: admin.token })).statusCode).toBe(200);
    expect(await last(admin.token)).toMatchObject({ entity: 'report', op: 'report-read', teamId: null, user: { name: 'Cán bộ xã' } });
  });
});

describe('GET /api/audit', () => {
  it('a member is refused, and no token is 401', async () => {
    expectError(await getAudit(member.token), 403, 'FORBIDDEN');
    expectError(await server.inject({ method: 'GET', url: '/api/audit' }), 401, 'UNAUTHENTICATED');
  });

  it('a head sees its own team only; an admin its commune’s teams and its own events, never another commune', async () => {
    const b = new Device(server, other.headToken);
    const hb = await b.created('household', householdFields());
    const c = new Device(server, far.headToken);
    const hc = await c.created('household', householdFields());
    const mine = await allEntries(team.headToken);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.teamId === team.teamId)).toBe(true);
    expect(mine.some((e) => e.recordId === hb || e.recordId === hc)).toBe(false);
    const theirs = await allEntries(other.headToken);
    expect(theirs.some((e) => e.recordId === hb)).toBe(true);
    expect(theirs.every((e) => e.teamId === other.teamId)).toBe(true);
    const commune = await allEntries(admin.token);
    const teams = new Set(commune.map((e) => e.teamId));
    expect([...teams].sort()).toEqual([null, other.teamId, team.teamId].sort());
    expect(commune.some((e) => e.recordId === hb)).toBe(true);
    expect(commune.some((e) => e.recordId === hc)).toBe(false);
    expect((await allEntries(far.headToken)).every((e) => e.teamId === far.teamId)).toBe(true);
  });

  it('pages newest first with a cursor: every entry once, none skipped', async () => {
    const d = new Device(server, team.headToken);
    for (let i = 0; i < 5; i++) await d.created('neighborhood', { name: `Thôn ${i}`, kind: 'thon' });
    const whole = await allEntries(team.headToken);
    const paged = await allEntries(team.headToken, 2);
    expect(paged).toEqual(whole);
    const first = (await getAudit(team.headToken, '?limit=2')).json() as AuditPage;
    expect(first.entries).toHaveLength(2);
    expect(first.cursor).toMatch(/^\d+$/);
    const times = whole.map((e) => Date.parse(e.at));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    expect(whole.slice(0, 5).map((e) => e.op)).toEqual(['create', 'create', 'create', 'create', 'create']);
  });

  it('refuses a cursor or a limit it did not give', async () => {
    expectError(await getAudit(team.headToken, '?cursor=abc'), 400, 'BAD_REQUEST');
    expectError(await getAudit(team.headToken, '?limit=0'), 400, 'BAD_REQUEST');
    expectError(await getAudit(team.headToken, '?limit=201'), 400, 'BAD_REQUEST');
  });
});

/** A household with a conflict answer kept for `mid`: a second device patched the same field. */
async function householdWithConflict(): Promise<{ d: Device; h: string; conflictMid: string }> {
  const d = new Device(server, team.headToken);
  const e = new Device(server, member.token);
  const h = await d.created('household', privateHousehold());
  expect(await d.one(d.patch('household', h, 1, { phone: '0911222333' }))).toMatchObject({ status: 'applied' });
  const late = e.patch('household', h, 1, { phone: '0900000000' });
  expect(await e.one(late)).toMatchObject({ status: 'conflict', server: { phone: '0911222333' } });
  return { d, h, conflictMid: late.mid };
}

const answerOf = async (mid: string) => (await server.db.query<{ result: Record<string, unknown> }>('select result from mutations where mid = $1', [mid]))[0]?.result;

describe('retention of push answers', () => {
  it('a conflict answer loses the server values when its record is deleted, and a re-send learns it is gone', async () => {
    const { d, h, conflictMid } = await householdWithConflict();
    expect(JSON.stringify(await answerOf(conflictMid))).toContain('0911222333');
    expect(await d.one(d.delete('household', h, 2))).toMatchObject({ status: 'applied' });
    const kept = await answerOf(conflictMid);
    expect(kept).toEqual({ mid: conflictMid, status: 'rejected', code: 'GONE', message: 'this record was deleted' });
    const resent = await server.inject({
      method: 'POST',
      url: '/api/sync/push',
      token: member.token,
      payload: { protocol: 1, deviceId: uuid(), mutations: [{ mid: conflictMid, seq: 1, entity: 'household', op: 'patch', id: h, baseVersion: 1, fields: { phone: '0900000000' } }] },
    });
    expect(resent.json().results[0]).toMatchObject({ status: 'rejected', code: 'GONE' });
  });

  it('a conflict answered in the batch that deletes its record is kept without values', async () => {
    const d = new Device(server, team.headToken);
    const h = await d.created('household', privateHousehold());
    expect(await d.one(d.patch('household', h, 1, { phone: '0911222333' }))).toMatchObject({ status: 'applied' });
    const late = d.patch('household', h, 1, { phone: '0900000000' });
    const results = await d.push([late, d.delete('household', h, 2)]);
    expect(results[0]).toMatchObject({ status: 'conflict' });
    expect(await answerOf(late.mid)).toMatchObject({ status: 'rejected', code: 'GONE' });
  });

  it('prunes conflict and rejected answers older than the retention; applied and recent ones stay', async () => {
    const { d, conflictMid } = await householdWithConflict();
    const rejectedMid = d.patch('household', uuid(), 1, { phone: '0900000000' });
    expect(await d.one(rejectedMid)).toMatchObject({ status: 'rejected', code: 'NOT_FOUND' });
    const applied = d.create('neighborhood', { name: 'Thôn Cũ', kind: 'thon' });
    expect(await d.one(applied)).toMatchObject({ status: 'applied' });
    const fresh = await householdWithConflict();
    await server.db.query(`update mutations set received_at = now() - interval '31 days' where mid = any($1::uuid[])`, [[conflictMid, rejectedMid.mid, applied.mid]]);
    await server.db.query(`update mutations set received_at = now() - interval '29 days' where mid = $1`, [fresh.conflictMid]);
    expect(await pruneAnswers(server.db, 30)).toBeGreaterThanOrEqual(2);
    expect(await answerOf(conflictMid)).toBeUndefined();
    expect(await answerOf(rejectedMid.mid)).toBeUndefined();
    expect(await answerOf(applied.mid)).toMatchObject({ status: 'applied' });
    expect(await answerOf(fresh.conflictMid)).toMatchObject({ status: 'conflict' });
  });
});

describe('a household’s export and erasure', () => {
  async function family(d: Device) {
    const h = await d.created('household', privateHousehold());
    const m = await d.created('member', memberFields(h, { fullName: 'Đinh Thị Con' }));
    const v = await d.created('visit', visitFields(h, { notes: 'Ngõ Bí Mật' }));
    const s = await d.created('checklistStep', checklistStepFields(m, 'vneid.install', 'done', { doneOn: '2026-03-02' }), checklistStepId(m, 'vneid.install'));
    const session = await d.created('session', sessionFields({ householdIds: [h] }));
    return { h, m, v, s, session };
  }

  it('a head exports one household with its members, visits, steps and sessions; the export is audited', async () => {
    const d = new Device(server, team.headToken);
    const f = await family(d);
    const r = await server.inject({ method: 'GET', url: `/api/households/${f.h}/export`, token: team.headToken });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.household).toMatchObject({ id: f.h, headName: 'Phạm Thị Riêng', phone: '0987654321' });
    expect(body.members.map((x: { id: string }) => x.id)).toEqual([f.m]);
    expect(body.visits.map((x: { id: string }) => x.id)).toEqual([f.v]);
    expect(body.checklistSteps.map((x: { id: string }) => x.id)).toEqual([f.s]);
    expect(body.sessions.map((x: { id: string }) => x.id)).toEqual([f.session]);
    expect(((await getAudit(team.headToken, '?limit=1')).json() as AuditPage).entries[0]).toMatchObject({ op: 'household-export', recordId: f.h });
  });

  it('only a head of the household’s team: a member is refused, another team and an unknown id are 404', async () => {
    const h = await new Device(server, team.headToken).created('household', householdFields());
    for (const path of [`/api/households/${h}/export`, `/api/households/${h}/erase`]) {
      const method = path.endsWith('erase') ? 'POST' : 'GET';
      expectError(await server.inject({ method, url: path, token: member.token, ...(method === 'POST' ? { payload: {} } : {}) }), 403, 'FORBIDDEN');
      expectError(await server.inject({ method, url: path, token: other.headToken, ...(method === 'POST' ? { payload: {} } : {}) }), 404, 'NOT_FOUND');
      expectError(await server.inject({ method, url: path.replace(h, uuid()), token: team.headToken, ...(method === 'POST' ? { payload: {} } : {}) }), 404, 'NOT_FOUND');
      expectError(await server.inject({ method, url: path.replace(h, 'nope'), token: team.headToken, ...(method === 'POST' ? { payload: {} } : {}) }), 404, 'NOT_FOUND');
    }
  });

  it('erasure tombstones the household and its cascade, reaches another phone, and leaves only the erasure in the audit', async () => {
    const d = new Device(server, team.headToken);
    const f = await family(d);
    const otherPhone = await snapshot(server, member.token);
    expect(otherPhone.get(f.h)?.deleted).toBe(false);
    const { cursor } = await pullAll(server, member.token);

    const r = await server.inject({ method: 'POST', url: `/api/households/${f.h}/erase`, token: team.headToken, payload: {} });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ erased: true, records: 4 });

    const after = await pullAll(server, member.token, cursor);
    const tomb = new Map(after.changes.map((c) => [c.id, c]));
    for (const id of [f.h, f.m, f.v, f.s]) expect(tomb.get(id)).toMatchObject({ deleted: true, data: null });
    const stored = await server.db.query<{ id: string; data: unknown }>('select id, data from records where id = any($1::uuid[])', [[f.h, f.m, f.v, f.s]]);
    expect(stored.every((x) => x.data === null)).toBe(true);
    const audit = await server.db.query<{ record_id: string; op: string; fields: unknown }>('select record_id, op, fields from audit_log where record_id = any($1::uuid[])', [[f.h, f.m, f.v, f.s]]);
    expect(audit).toEqual([{ record_id: f.h, op: 'erase', fields: null }]);
    expect((await server.db.query('select 1 from report_households where id = $1', [f.h])).length).toBe(0);
    // The session that listed the household outlives it, as after any delete.
    expect((await snapshot(server, member.token)).get(f.session)?.deleted).toBe(false);
  });

  it('a household already deleted can be erased: its audit rows go, nothing new is pulled', async () => {
    const d = new Device(server, team.headToken);
    const h = await d.created('household', privateHousehold());
    expect(await d.one(d.delete('household', h, 1))).toMatchObject({ status: 'applied' });
    const { cursor } = await pullAll(server, member.token);
    const r = await server.inject({ method: 'POST', url: `/api/households/${h}/erase`, token: team.headToken, payload: {} });
    expect(r.json()).toEqual({ erased: true, records: 0 });
    expect(await auditOf(h)).toEqual([{ op: 'erase', fields: null }]);
    expect((await pullAll(server, member.token, cursor)).changes).toEqual([]);
  });

  it('one person (a member) is erased with their checklist steps; the household and the rest stay', async () => {
    const d = new Device(server, team.headToken);
    const f = await family(d);
    const { cursor } = await pullAll(server, member.token);
    expectError(await server.inject({ method: 'POST', url: `/api/members/${f.h}/erase`, token: team.headToken, payload: {} }), 404, 'NOT_FOUND');
    expectError(await server.inject({ method: 'POST', url: `/api/members/${f.m}/erase`, token: member.token, payload: {} }), 403, 'FORBIDDEN');
    const r = await server.inject({ method: 'POST', url: `/api/members/${f.m}/erase`, token: team.headToken, payload: {} });
    expect(r.json()).toEqual({ erased: true, records: 2 });
    const pulled = new Map((await pullAll(server, member.token, cursor)).changes.map((c) => [c.id, c]));
    expect([...pulled.keys()].sort()).toEqual([f.m, f.s].sort());
    for (const c of pulled.values()) expect(c).toMatchObject({ deleted: true, data: null });
    expect(await auditOf(f.m)).toEqual([{ op: 'erase', fields: null }]);
    expect(await auditOf(f.s)).toEqual([]);
    expect((await auditOf(f.h)).map((a) => a.op)).toEqual(['create']);
  });

  it('erasure scrubs the kept conflict answers of the erased records', async () => {
    const { h, conflictMid } = await householdWithConflict();
    const r = await server.inject({ method: 'POST', url: `/api/households/${h}/erase`, token: team.headToken, payload: {} });
    expect(r.statusCode).toBe(200);
    expect(JSON.stringify(await answerOf(conflictMid))).not.toContain('0911222333');
  });
});
