// @vitest-environment node
/**
 * POST /api/sync/push: envelope, ordering, idempotence, validation, scope (sync spec).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestTeam } from '../testing';
import {
  checklistStepFields,
  checklistStepId,
  counts,
  Device,
  expectError,
  householdFields,
  memberFields,
  neighborhoodFields,
  pullAll,
  sessionFields,
  snapshot,
  uuid,
  visitFields,
  type Fields,
  type Mutation,
  NO_RATE_LIMIT,
  SETUP_TIMEOUT,
} from '../test-fixtures';

let server: TestServer;
let team: TestTeam;
let other: TestTeam;
let head: Device;
let householdId: string;
let memberId: string;

beforeAll(async () => {
  server = await startTestServer(NO_RATE_LIMIT);
  team = await server.team('Tổ Đẩy');
  other = await server.team('Tổ Khác');
  head = new Device(server, team.headToken);
  householdId = await head.created('household', householdFields());
  memberId = await head.created('member', memberFields(householdId));
}, SETUP_TIMEOUT);
afterAll(() => server?.close(), SETUP_TIMEOUT);

const TABLES = ['records', 'mutations', 'audit_log'];

async function rawPush(token: string, payload: unknown) {
  return server.inject({
    method: 'POST',
    url: '/api/sync/push',
    token,
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    headers: { 'content-type': 'application/json' },
  });
}

/** An otherwise valid body whose `edit` breaks it; expects `status` and no change at all. */
async function expectEnvelopeError(edit: (body: Fields, valid: Mutation) => unknown, status = 400, code = 'BAD_REQUEST') {
  const d = new Device(server, team.headToken);
  const valid = d.create('household', householdFields());
  const copy = structuredClone(valid);
  const body = d.body([copy, d.create('neighborhood', neighborhoodFields())]);
  const payload = edit(body, copy) ?? body;
  const before = await counts(server, TABLES);
  const r = await rawPush(team.headToken, payload);
  expectError(r, status, code);
  expect(await counts(server, TABLES)).toEqual(before);
  // the valid mutation in it was not applied: pushing it now creates it
  const again = await d.one({ ...valid });
  expect(again.status).toBe('applied');
}

describe('envelope', () => {
  const cases: Array<[string, (b: Fields, m: Mutation) => unknown]> = [
    ['protocol missing', (b) => void delete b.protocol],
    ['protocol "1" (a string)', (b) => void (b.protocol = '1')],
    ['protocol 1.5', (b) => void (b.protocol = 1.5)],
    ['protocol null', (b) => void (b.protocol = null)],
    ['protocol true', (b) => void (b.protocol = true)],
    ['deviceId missing', (b) => void delete b.deviceId],
    ['deviceId not a UUID', (b) => void (b.deviceId = 'phone-1')],
    ['deviceId a number', (b) => void (b.deviceId = 42)],
    ['mutations missing', (b) => void delete b.mutations],
    ['mutations an object', (b) => void (b.mutations = { 0: (b.mutations as unknown[])[0] })],
    ['mutations a string', (b) => void (b.mutations = '[]')],
    ['mutations null', (b) => void (b.mutations = null)],
    ['a mutation is null', (b) => void (b.mutations as unknown[]).push(null)],
    ['a mutation is an array', (b) => void (b.mutations as unknown[]).push([])],
    ['a mutation is a string', (b) => void (b.mutations as unknown[]).push('create')],
    ['a mutation without mid', (_, m) => void delete (m as Partial<Mutation>).mid],
    ['mid not a UUID', (_, m) => void (m.mid = 'm-1')],
    ['mid a number', (_, m) => void ((m as unknown as Fields).mid = 1)],
    ['seq missing', (_, m) => void delete (m as Partial<Mutation>).seq],
    ['seq a string', (_, m) => void ((m as unknown as Fields).seq = '5')],
    ['seq not an integer', (_, m) => void (m.seq = 1.5)],
    ['seq 0', (_, m) => void (m.seq = 0)],
    ['seq negative', (_, m) => void (m.seq = -3)],
    ['seq 2^53', (_, m) => void (m.seq = 2 ** 53)],
    ['seq 1e300', (_, m) => void (m.seq = 1e300)],
    ['op "upsert"', (_, m) => void ((m as unknown as Fields).op = 'upsert')],
    ['op missing', (_, m) => void delete (m as Partial<Mutation>).op],
    ['op "CREATE"', (_, m) => void ((m as unknown as Fields).op = 'CREATE')],
    ['id not a UUID', (_, m) => void (m.id = 'household-1')],
    ['id missing', (_, m) => void delete (m as Partial<Mutation>).id],
    ['id a number', (_, m) => void ((m as unknown as Fields).id = 7)],
    ['a mid repeated within the request', (b, m) => void (b.mutations as Mutation[]).push({ ...(b.mutations as Mutation[])[1]!, mid: m.mid, seq: m.seq + 10 })],
    ['body an array', (b) => [b]],
    ['body a string', () => JSON.stringify('hello')],
    ['body null', () => 'null'],
    ['truncated JSON', (b) => JSON.stringify(b).slice(0, 40)],
  ];
  it.each(cases)('400 BAD_REQUEST and nothing applied: %s', async (_, edit) => {
    await expectEnvelopeError(edit);
  });

  it.each([
    ['protocol 2 with a valid body', (b: Fields) => void (b.protocol = 2)],
    ['protocol 2 with garbage everywhere else', () => ({ protocol: 2, deviceId: 5, mutations: 'nope' })],
    ['protocol 2 and nothing else', () => ({ protocol: 2 })],
    ['protocol 0', (b: Fields) => void (b.protocol = 0)],
    ['protocol 2 with 501 mutations', (b: Fields) => void ((b.protocol = 2), (b.mutations = Array.from({ length: 501 }, () => ({}))))],
  ])('426 UPGRADE_REQUIRED: %s', async (_, edit) => {
    await expectEnvelopeError(edit, 426, 'UPGRADE_REQUIRED');
  });

  it('413 PAYLOAD_TOO_LARGE for 501 mutations, nothing applied', async () => {
    const d = new Device(server, team.headToken);
    const muts = Array.from({ length: 501 }, () => d.create('neighborhood', neighborhoodFields()));
    const before = await counts(server, TABLES);
    expectError(await d.pushRaw(muts), 413, 'PAYLOAD_TOO_LARGE');
    expect(await counts(server, TABLES)).toEqual(before);
  });

  it('413 PAYLOAD_TOO_LARGE for a body over 1 MiB, nothing applied', async () => {
    const d = new Device(server, team.headToken);
    const muts = [d.create('neighborhood', neighborhoodFields())];
    const body = { ...d.body(muts), padding: 'x'.repeat(1024 * 1024 + 10) };
    const before = await counts(server, TABLES);
    expectError(await rawPush(team.headToken, body), 413, 'PAYLOAD_TOO_LARGE');
    expect(await counts(server, TABLES)).toEqual(before);
  });

  it('seq 2^53−1 is accepted; an empty batch answers no results', async () => {
    const d = new Device(server, team.headToken);
    const m = { ...d.create('neighborhood', neighborhoodFields()), seq: Number.MAX_SAFE_INTEGER };
    expect((await d.one(m)).status).toBe('applied');
    const r = await d.pushRaw([]);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ results: [] });
  });

  it('baseVersion null on a create is allowed', async () => {
    const d = new Device(server, team.headToken);
    const r = await d.one({ ...d.create('neighborhood', neighborhoodFields()), baseVersion: null });
    expect(r).toMatchObject({ status: 'applied', version: 1 });
  });
});

describe('results and order', () => {
  it('answers in request order, processes in seq order (a patch with seq 5 sent before its create with seq 3)', async () => {
    const d = new Device(server, team.headToken);
    const id = uuid();
    const create: Mutation = { ...d.create('household', householdFields({ headName: 'Trước' }), id), seq: 3 };
    const patch: Mutation = { ...d.patch('household', id, 1, { headName: 'Sau' }), seq: 5 };
    const results = await d.push([patch, create]);
    expect(results[0]).toMatchObject({ mid: patch.mid, status: 'applied', version: 2 });
    expect(results[1]).toMatchObject({ mid: create.mid, status: 'applied', version: 1 });
    expect(results[0]!.serverSeq).toBeGreaterThan(results[1]!.serverSeq!);
    const rec = (await snapshot(server, team.headToken)).get(id)!;
    expect(rec.version).toBe(2);
    expect(rec.data!.headName).toBe('Sau');
  });

  it('applied results carry version and an increasing serverSeq', async () => {
    const d = new Device(server, team.headToken);
    const results = await d.push(Array.from({ length: 5 }, () => d.create('neighborhood', neighborhoodFields())));
    const seqs = results.map((r) => {
      expect(r.status).toBe('applied');
      expect(r.version).toBe(1);
      expect(Number.isInteger(r.serverSeq)).toBe(true);
      return r.serverSeq!;
    });
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
    const later = await d.one(d.create('neighborhood', neighborhoodFields()));
    expect(later.serverSeq).toBeGreaterThan(seqs[seqs.length - 1]!);
  });

  it('re-pushing the same batch is safe: duplicate with the same versions, no new rows, pull unchanged', async () => {
    const d = new Device(server, team.headToken);
    const h = uuid();
    const batch = [
      d.create('household', householdFields(), h),
      d.create('member', memberFields(h)),
      d.create('visit', visitFields(h)),
      d.patch('household', h, 1, { notes: 'Gia đình 4 người' }),
    ];
    const first = await d.push(batch);
    expect(first.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    const snap1 = await snapshot(server, team.headToken);
    const rows1 = await counts(server, TABLES);

    const second = await d.push(batch.map((m) => ({ ...m })));
    expect(second.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(second.map((r) => r.version)).toEqual(first.map((r) => r.version));
    expect(await counts(server, TABLES)).toEqual(rows1);
    const snap2 = await snapshot(server, team.headToken);
    expect([...snap2.entries()]).toEqual([...snap1.entries()]);

    // the full pull shows each record once
    const { changes } = await pullAll(server, team.headToken);
    const ids = changes.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a re-sent mid gets the version it produced then, even after later changes; it changes nothing', async () => {
    const d = new Device(server, team.headToken);
    const create = d.create('household', householdFields());
    await d.one(create);
    const p = await d.one(d.patch('household', create.id, 1, { headName: 'Đổi tên' }));
    expect(p.version).toBe(2);
    const dup = await d.one({ ...create });
    expect(dup).toEqual({ mid: create.mid, status: 'duplicate', version: 1 });
    const rec = (await snapshot(server, team.headToken)).get(create.id)!;
    expect(rec.version).toBe(2);
    expect(rec.data!.headName).toBe('Đổi tên');
  });

  it('a re-sent mid that was rejected gets the same rejection; one that conflicted gets the same conflict', async () => {
    const d = new Device(server, team.headToken);
    const bad = d.create('visit', visitFields(householdId, { date: '2026-02-30' }));
    const r1 = await d.one(bad);
    expect(r1).toMatchObject({ status: 'rejected', code: 'VALIDATION' });
    const r2 = await d.one({ ...bad });
    expect(r2).toEqual(r1);

    const h = await d.created('household', householdFields());
    await d.one(d.patch('household', h, 1, { phone: '0911111111' }));
    const stale = d.patch('household', h, 1, { phone: '0922222222' });
    const c1 = await d.one(stale);
    expect(c1).toMatchObject({ status: 'conflict', fields: ['phone'], server: { phone: '0911111111' } });
    const c2 = await d.one({ ...stale });
    expect(c2).toEqual(c1);
    expect((await snapshot(server, team.headToken)).get(h)!.data!.phone).toBe('0911111111');
  });

  it('a mid is remembered across devices of the team (mid is unique within a team)', async () => {
    const a = new Device(server, team.headToken);
    const m = a.create('neighborhood', neighborhoodFields());
    await a.one(m);
    const member = await team.member('Thành viên');
    const b = new Device(server, member.token);
    const before = await counts(server, ['records']);
    const r = await b.one({ ...m, seq: 1 });
    expect(r).toEqual({ mid: m.mid, status: 'duplicate', version: 1 });
    expect(await counts(server, ['records'])).toEqual(before);
  });

  it('the same deviceId + seq with a different mid is rejected VALIDATION and changes nothing', async () => {
    const d = new Device(server, team.headToken);
    const first = d.create('neighborhood', neighborhoodFields());
    await d.one(first);
    const before = await counts(server, ['records', 'audit_log']);
    const clash = { ...d.create('neighborhood', neighborhoodFields({ name: 'Tổ 9' })), seq: first.seq };
    const ok = d.create('neighborhood', neighborhoodFields({ name: 'Tổ 10' }));
    const [r, r2] = await d.push([clash, ok]);
    expect(r).toMatchObject({ mid: clash.mid, status: 'rejected', code: 'VALIDATION' });
    expect(typeof r!.message).toBe('string');
    expect(r2!.status).toBe('applied');
    expect(await counts(server, ['records'])).toEqual({ records: before.records! + 1 });
    const snap = await snapshot(server, team.headToken);
    expect(snap.has(clash.id)).toBe(false);
    expect(snap.has(ok.id)).toBe(true);
  });

  it('seq numbers and the audit belong to the authenticated device: a teammate sending the head’s deviceId spends none of the head’s seqs', async () => {
    const headDevice = new Device(server, team.headToken);
    await headDevice.one(headDevice.create('neighborhood', neighborhoodFields()));
    const mate = await team.member('Đồng đội');
    // The teammate's token with the head's installation id and the head's next seqs.
    const forged = new Device(server, mate.token);
    const taken = [2, 3].map((seq) => ({ ...forged.create('neighborhood', neighborhoodFields({ name: 'Giả' })), seq }));
    const r = await server.inject({ method: 'POST', url: '/api/sync/push', token: mate.token, payload: { ...headDevice.body(taken) } });
    expect(r.statusCode).toBe(200);
    // The head's own next pushes are applied, not refused as reused seqs.
    const next = [headDevice.create('neighborhood', neighborhoodFields()), headDevice.create('neighborhood', neighborhoodFields())];
    expect(next.map((m) => m.seq)).toEqual([2, 3]);
    expect((await headDevice.push(next)).map((x) => x.status)).toEqual(['applied', 'applied']);
    // The audit names the device whose token sent each change.
    const devices = (await server.inject({ method: 'GET', url: '/api/team', token: team.headToken })).json() as { devices: { id: string; userId: string }[] };
    const deviceOf = (userId: string) => devices.devices.find((d) => d.userId === userId)!.id;
    const audit = await server.db.query<{ record_id: string; device_id: string }>('select record_id, device_id from audit_log where record_id = any($1::uuid[])', [
      [...taken, ...next].map((m) => m.id),
    ]);
    for (const m of taken) expect(audit.find((a) => a.record_id === m.id)?.device_id).toBe(deviceOf(mate.userId));
    for (const m of next) expect(audit.find((a) => a.record_id === m.id)?.device_id).toBe(deviceOf(team.headUserId));
  });

  it('seq gaps are allowed', async () => {
    const d = new Device(server, team.headToken);
    const muts = [1, 10, 1000, 2 ** 40].map((seq) => ({ ...d.create('neighborhood', neighborhoodFields()), seq }));
    expect((await d.push(muts)).map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    const later = { ...d.create('neighborhood', neighborhoodFields()), seq: 2 ** 40 + 7 };
    expect((await d.one(later)).status).toBe('applied');
  });

  it('device clocks do not order writes: an older clientTs arriving later still wins for a visit', async () => {
    const d = new Device(server, team.headToken);
    const v = await d.created('visit', visitFields(householdId));
    await d.one({ ...d.patch('visit', v, 1, { notes: 'mới' }), clientTs: '2030-01-01T00:00:00Z' });
    const r = await d.one({ ...d.patch('visit', v, 1, { notes: 'cũ' }), clientTs: '2001-01-01T00:00:00Z' });
    expect(r).toMatchObject({ status: 'applied', version: 3 });
    const rec = (await snapshot(server, team.headToken)).get(v)!;
    expect(rec.data!.notes).toBe('cũ');
    expect(Date.parse(rec.data!.updatedAt as string)).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('validation: the rejected mutation does not block the rest', () => {
  const longCp = (ch: string, n: number) => ch.repeat(n);
  const thisYear = new Date().getFullYear();

  const rejects: Array<[string, () => { entity: string; fields: Fields }]> = [
    ['an unknown entity', () => ({ entity: 'car', fields: { name: 'x' } })],
    ['an entity in the wrong case', () => ({ entity: 'Household', fields: householdFields() })],
    ['an unknown field', () => ({ entity: 'household', fields: householdFields({ color: 'red' }) })],
    ['a missing required field (headName)', () => ({ entity: 'household', fields: { ...householdFields(), headName: undefined } })],
    ['a calendar-invalid date 2026-02-30', () => ({ entity: 'visit', fields: visitFields(householdId, { date: '2026-02-30' }) })],
    ['a date not in YYYY-MM-DD', () => ({ entity: 'visit', fields: visitFields(householdId, { date: '02/03/2026' }) })],
    ['2025-02-29 (not a leap year)', () => ({ entity: 'session', fields: sessionFields({ date: '2025-02-29' }) })],
    ['headName 101 code points (astral)', () => ({ entity: 'household', fields: householdFields({ headName: longCp('𝕏', 101) }) })],
    ['address 201 code points', () => ({ entity: 'household', fields: householdFields({ address: longCp('ễ', 201) }) })],
    ['notes 2001 code points', () => ({ entity: 'household', fields: householdFields({ notes: longCp('a', 2001) }) })],
    ['an empty headName', () => ({ entity: 'household', fields: householdFields({ headName: '' }) })],
    ['a bad enum (outcome)', () => ({ entity: 'visit', fields: visitFields(householdId, { outcome: 'maybe' }) })],
    ['a bad enum (kind)', () => ({ entity: 'neighborhood', fields: neighborhoodFields({ kind: 'city' }) })],
    ['a bad enum (gender)', () => ({ entity: 'member', fields: memberFields(householdId, { gender: 'x' }) })],
    ['a bad topic', () => ({ entity: 'visit', fields: visitFields(householdId, { topics: ['vneid', 'karaoke'] }) })],
    ['no topics', () => ({ entity: 'session', fields: sessionFields({ topics: [] }) })],
    ['birthYear 1899', () => ({ entity: 'member', fields: memberFields(householdId, { birthYear: 1899 }) })],
    ['birthYear next year', () => ({ entity: 'member', fields: memberFields(householdId, { birthYear: thisYear + 1 }) })],
    ['birthYear a string', () => ({ entity: 'member', fields: memberFields(householdId, { birthYear: '1980' }) })],
    ['birthYear 1980.5', () => ({ entity: 'member', fields: memberFields(householdId, { birthYear: 1980.5 }) })],
    ['vneidLevel 3', () => ({ entity: 'member', fields: memberFields(householdId, { vneidLevel: 3 }) })],
    ['hasSmartphone "yes"', () => ({ entity: 'member', fields: memberFields(householdId, { hasSmartphone: 'yes' }) })],
    ['a phone with letters', () => ({ entity: 'household', fields: householdFields({ phone: '09123abc78' }) })],
    ['a phone of 7 digits', () => ({ entity: 'household', fields: householdFields({ phone: '0912345' }) })],
    ['a phone of 16 digits', () => ({ entity: 'household', fields: householdFields({ phone: '0912345678901234' }) })],
    ['consent without purposes', () => ({ entity: 'household', fields: householdFields({ consent: { recordedAt: '2026-03-01T08:30:00Z', recordedBy: 'A', purposes: [], textVersion: 'v1' } }) })],
    ['consent with a bad purpose', () => ({ entity: 'household', fields: householdFields({ consent: { recordedAt: '2026-03-01T08:30:00Z', recordedBy: 'A', purposes: ['marketing'], textVersion: 'v1' } }) })],
    ['consent.recordedAt not a datetime', () => ({ entity: 'household', fields: householdFields({ consent: { recordedAt: 'yesterday', recordedBy: 'A', purposes: ['support'], textVersion: 'v1' } }) })],
    ['consent missing', () => ({ entity: 'household', fields: { ...householdFields(), consent: undefined } })],
    ['householdId not a UUID', () => ({ entity: 'member', fields: memberFields('nhà-1') })],
    ['attendees 10001', () => ({ entity: 'session', fields: sessionFields({ attendees: 10001 }) })],
    ['attendees -1', () => ({ entity: 'session', fields: sessionFields({ attendees: -1 }) })],
    ['results with an unknown key', () => ({ entity: 'session', fields: sessionFields({ results: { likes: 3 } }) })],
    ['results value 10001', () => ({ entity: 'session', fields: sessionFields({ results: { vneidInstalled: 10001 } }) })],
    ['durationMinutes 601', () => ({ entity: 'visit', fields: visitFields(householdId, { durationMinutes: 601 }) })],
    ['memberIds with a non-UUID', () => ({ entity: 'visit', fields: visitFields(householdId, { memberIds: ['x'] }) })],
    ['stepKey 65 characters', () => ({ entity: 'checklistStep', fields: checklistStepFields(memberId, 'k'.repeat(65)) })],
    ['status "skipped"', () => ({ entity: 'checklistStep', fields: { memberId, stepKey: 'vneid.install', status: 'skipped' } })],
    ['name 101 characters', () => ({ entity: 'neighborhood', fields: neighborhoodFields({ name: 'n'.repeat(101) }) })],
    ['fields not an object', () => ({ entity: 'neighborhood', fields: 'name=Thôn' as unknown as Fields })],
  ];

  it.each(rejects)('create with %s → rejected VALIDATION', async (_, make) => {
    const d = new Device(server, team.headToken);
    const { entity, fields } = make();
    const bad = d.create(entity, JSON.parse(JSON.stringify(fields)) as Fields);
    const good = d.create('neighborhood', neighborhoodFields());
    const before = await counts(server, ['records']);
    const [rb, rg] = await d.push([bad, good]);
    expect(rb).toMatchObject({ mid: bad.mid, status: 'rejected', code: 'VALIDATION' });
    expect(typeof rb!.message).toBe('string');
    expect(rg).toMatchObject({ mid: good.mid, status: 'applied', version: 1 });
    expect(await counts(server, ['records'])).toEqual({ records: before.records! + 1 });
  });

  it('a rejected mutation earlier in seq order does not stop a later one in the same batch', async () => {
    const d = new Device(server, team.headToken);
    const h = uuid();
    const muts = [
      d.create('household', householdFields({ phone: 'abc' }), uuid()),
      d.create('household', householdFields(), h),
      d.patch('household', h, 1, { color: 'blue' }),
      d.patch('household', h, 1, { notes: 'ok' }),
    ];
    const r = await d.push(muts);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'applied', 'rejected', 'applied']);
    expect(r[2]!.code).toBe('VALIDATION');
    expect((await snapshot(server, team.headToken)).get(h)!.data!.notes).toBe('ok');
  });

  it('lengths count code points (NFC): 100 astral characters or 100 decomposed ế fit in headName', async () => {
    const d = new Device(server, team.headToken);
    const astral = '𝕏'.repeat(100); // 200 UTF-16 units
    const decomposed = 'e\u0302\u0301'.repeat(100); // 300 code points, 100 after NFC
    const r = await d.push([
      d.create('household', householdFields({ headName: astral })),
      d.create('household', householdFields({ headName: decomposed })),
      d.create('household', householdFields({ notes: '𝕏'.repeat(2000) })),
    ]);
    expect(r.map((x) => x.status)).toEqual(['applied', 'applied', 'applied']);
  });

  it('valid edge values are accepted (leap day, limits, optional fields, this year)', async () => {
    const d = new Device(server, team.headToken);
    const r = await d.push([
      d.create('visit', visitFields(householdId, { date: '2024-02-29', durationMinutes: 600, followUpDate: '2026-12-31', memberIds: [memberId] })),
      d.create('member', memberFields(householdId, { birthYear: new Date().getFullYear(), vneidLevel: 2, vneidLevelSince: '2026-01-15', gender: 'other' })),
      d.create('member', memberFields(householdId, { birthYear: 1900, vneidLevel: 0 })),
      d.create('session', sessionFields({ attendees: 0, results: { vneidInstalled: 10000, scamTraining: 0 }, householdIds: [householdId], facilitatorIds: [team.headUserId] })),
      d.create('household', householdFields({ phone: '+84912345678', neighborhoodId: uuid(), consent: { ...householdFields().consent as Fields, withdrawnAt: '2026-03-09T10:00:00Z' } })),
      d.create('neighborhood', neighborhoodFields({ kind: 'toDanPho', notes: '' })),
      d.create('checklistStep', checklistStepFields(memberId, 'vneid.level2', 'done'), checklistStepId(memberId, 'vneid.level2')),
    ]);
    expect(r.map((x) => [x.status, x.code])).toEqual(Array.from({ length: 7 }, () => ['applied', undefined]));
  });

  it('a patch with an unknown field or a bad value is rejected VALIDATION and changes nothing', async () => {
    const d = new Device(server, team.headToken);
    const h = await d.created('household', householdFields());
    const v = await d.created('visit', visitFields(h));
    const r = await d.push([
      d.patch('household', h, 1, { nickname: 'x' }),
      d.patch('household', h, 1, { phone: '12' }),
      d.patch('visit', v, 1, { date: '2026-13-01' }),
      d.patch('visit', v, 1, { outcome: null }),
      d.patch('household', h, 1, { headName: 'ê'.repeat(101) }),
    ]);
    for (const x of r) expect(x).toMatchObject({ status: 'rejected', code: 'VALIDATION' });
    const snap = await snapshot(server, team.headToken);
    expect(snap.get(h)!.version).toBe(1);
    expect(snap.get(v)!.version).toBe(1);
  });

  it('entity "guide" is rejected FORBIDDEN', async () => {
    const d = new Device(server, team.headToken);
    const before = await counts(server, ['records']);
    const r = await d.push([
      d.create('guide', { slug: 'vneid', title: 'VNeID', body: [] }),
      d.patch('guide', uuid(), 1, { title: 'x' }),
      d.create('neighborhood', neighborhoodFields()),
    ]);
    expect(r[0]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
    expect(r[1]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
    expect(r[2]!.status).toBe('applied');
    expect(await counts(server, ['records'])).toEqual({ records: before.records! + 1 });
  });
});

describe('limits (spec v1.1): bounded records, text without NUL or lone surrogates', () => {
  const ids = (n: number) => Array.from({ length: n }, () => uuid());

  it('an array field holds at most 100 items; more is rejected VALIDATION and stores nothing', async () => {
    const d = new Device(server, team.headToken);
    const before = await counts(server, ['records']);
    const r = await d.push([
      d.create('visit', visitFields(householdId, { memberIds: ids(101) })),
      d.create('session', sessionFields({ facilitatorIds: ids(101) })),
      d.create('session', sessionFields({ householdIds: ids(101) })),
    ]);
    for (const x of r) expect(x).toMatchObject({ status: 'rejected', code: 'VALIDATION' });
    expect(await counts(server, ['records'])).toEqual(before);
    const ok = await d.push([d.create('visit', visitFields(householdId, { memberIds: ids(100) })), d.create('session', sessionFields({ facilitatorIds: ids(100), householdIds: ids(100) }))]);
    expect(ok.map((x) => x.status)).toEqual(['applied', 'applied']);
    const visit = await d.created('visit', visitFields(householdId));
    expect(await d.one(d.patch('visit', visit, 1, { memberIds: ids(101) }))).toMatchObject({ status: 'rejected', code: 'VALIDATION' });
    expect((await snapshot(server, team.headToken)).get(visit)!.version).toBe(1);
  });

  it('a record whose fields pass 16 KiB of JSON is rejected VALIDATION, on create and when patches add up', async () => {
    const d = new Device(server, team.headToken);
    const wide = '𝕏'.repeat(2000); // 8,000 bytes of UTF-8
    const big = sessionFields({ place: '𝕏'.repeat(200), notes: wide, facilitatorIds: ids(100), householdIds: ids(100) });
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(16 * 1024);
    const before = await counts(server, ['records']);
    expect(await d.one(d.create('session', big))).toMatchObject({ status: 'rejected', code: 'VALIDATION' });
    expect(await counts(server, ['records'])).toEqual(before);

    const s = await d.created('session', sessionFields({ notes: wide, facilitatorIds: ids(100) }));
    const r = await d.one(d.patch('session', s, 1, { place: '𝕏'.repeat(200), householdIds: ids(100) }));
    expect(r).toMatchObject({ status: 'rejected', code: 'VALIDATION' });
    const rec = (await snapshot(server, team.headToken)).get(s)!;
    expect(rec.version).toBe(1);
    expect(rec.data!.householdIds).toBeUndefined();
  });

  it('a NUL or a lone surrogate in a string is rejected VALIDATION; the rest of the batch applies', async () => {
    const d = new Device(server, team.headToken);
    const bad = ['a\u0000b', 'x\ud800', '\udfffy', '\udc00\ud800'];
    const good = d.create('neighborhood', neighborhoodFields({ name: 'Thôn 𝕏 ổn' }));
    const r = await d.push([...bad.map((name) => d.create('neighborhood', neighborhoodFields({ name }))), good]);
    expect(r.slice(0, bad.length).map((x) => [x.status, x.code])).toEqual(bad.map(() => ['rejected', 'VALIDATION']));
    expect(r[bad.length]!.status).toBe('applied');
    // a clientTs carrying a NUL is not stored, and does not refuse the change
    const withTs = { ...d.create('neighborhood', neighborhoodFields()), clientTs: 'x\u0000' };
    expect((await d.one(withTs)).status).toBe('applied');
  });

  it('a body that is not valid UTF-8 is 400 BAD_REQUEST and changes nothing', async () => {
    const d = new Device(server, team.headToken);
    const json = JSON.stringify(d.body([d.create('neighborhood', neighborhoodFields({ name: 'NAME' }))]));
    const [head, tail] = json.split('NAME') as [string, string];
    const before = await counts(server, TABLES);
    for (const invalid of [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
      const payload = Buffer.concat([Buffer.from(head), Buffer.from(invalid), Buffer.from(tail)]);
      const r = await server.inject({ method: 'POST', url: '/api/sync/push', token: team.headToken, payload, headers: { 'content-type': 'application/json' } });
      expectError(r, 400, 'BAD_REQUEST');
    }
    expect(await counts(server, TABLES)).toEqual(before);
  });
});

describe('scope', () => {
  it('an admin’s pushes are rejected FORBIDDEN, every op, and change nothing', async () => {
    const admin = await server.admin('Xã Thử Nghiệm');
    const d = new Device(server, admin.token);
    const before = await counts(server, ['records', 'audit_log']);
    const r = await d.push([
      d.create('household', householdFields()),
      d.create('neighborhood', neighborhoodFields({ teamId: team.teamId })),
      d.patch('household', householdId, 1, { notes: 'admin' }),
      d.delete('household', householdId, 1),
    ]);
    for (const x of r) expect(x).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
    expect(await counts(server, ['records', 'audit_log'])).toEqual(before);
    const rec = (await snapshot(server, team.headToken)).get(householdId)!;
    expect(rec.deleted).toBe(false);
    expect(rec.data!.notes).toBeUndefined();
  });

  it('a create carrying the caller’s teamId is applied; another team’s teamId is rejected FORBIDDEN', async () => {
    const d = new Device(server, team.headToken);
    const own = d.create('neighborhood', neighborhoodFields({ teamId: team.teamId }));
    const foreign = d.create('neighborhood', neighborhoodFields({ teamId: other.teamId }));
    const unknown = d.create('neighborhood', neighborhoodFields({ teamId: uuid() }));
    const r = await d.push([own, foreign, unknown]);
    expect(r[0]).toMatchObject({ status: 'applied', version: 1 });
    expect(r[1]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
    expect(r[2]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
    const mine = await snapshot(server, team.headToken);
    expect(mine.get(own.id)!.data!.teamId).toBe(team.teamId);
    expect(mine.has(foreign.id)).toBe(false);
    const theirs = await snapshot(server, other.headToken);
    expect(theirs.has(foreign.id)).toBe(false);
    expect(theirs.has(own.id)).toBe(false);
  });

  it('a create on an id another team uses is rejected FORBIDDEN; their record is untouched', async () => {
    const theirs = new Device(server, other.headToken);
    const id = await theirs.created('household', householdFields({ headName: 'Nhà tổ khác' }));
    const mine = new Device(server, team.headToken);
    const r = await mine.one(mine.create('household', householdFields({ headName: 'Chiếm chỗ' }), id));
    expect(r).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
    const rec = (await snapshot(server, other.headToken)).get(id)!;
    expect(rec.version).toBe(1);
    expect(rec.data!.headName).toBe('Nhà tổ khác');
    expect((await snapshot(server, team.headToken)).has(id)).toBe(false);
  });
});
