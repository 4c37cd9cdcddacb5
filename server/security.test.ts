// @vitest-environment node
/**
 * Team isolation, security headers, error bodies, audit (sync spec, "Routes" and "POST /api/sync/push").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type AddressInfo } from 'node:net';
import { startTestServer, type TestServer, type TestTeam } from './testing';
import {
  checklistStepFields,
  checklistStepId,
  count,
  Device,
  expectError,
  householdFields,
  memberFields,
  neighborhoodFields,
  NO_RATE_LIMIT,
  SETUP_TIMEOUT,
  pullAll,
  sessionFields,
  snapshot,
  uuid,
  visitFields,
  type PushResult,
} from './test-fixtures';

let server: TestServer;
let teamA: TestTeam;
let teamB: TestTeam;
let a: Device;
let bDev: Device;
const bIds: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer(NO_RATE_LIMIT);
  teamA = await server.team('Tổ A', 'Xã Một');
  teamB = await server.team('Tổ B', 'Xã Một');
  a = new Device(server, teamA.headToken);
  bDev = new Device(server, teamB.headToken);
  bIds.household = await bDev.created('household', householdFields({ headName: 'Nhà của tổ B' }));
  bIds.member = await bDev.created('member', memberFields(bIds.household));
  bIds.visit = await bDev.created('visit', visitFields(bIds.household));
  bIds.session = await bDev.created('session', sessionFields());
  bIds.neighborhood = await bDev.created('neighborhood', neighborhoodFields());
  bIds.checklistStep = await bDev.created('checklistStep', checklistStepFields(bIds.member), checklistStepId(bIds.member, 'vneid.install'));
  await a.created('household', householdFields({ headName: 'Nhà của tổ A' }));
}, SETUP_TIMEOUT);
afterAll(() => server?.close(), SETUP_TIMEOUT);

const strip = (r: PushResult) => {
  const { mid: _mid, ...rest } = r;
  return rest;
};

describe('team isolation', () => {
  it('team A never pulls team B’s records', async () => {
    const { changes } = await pullAll(server, teamA.headToken);
    const bSet = new Set(Object.values(bIds));
    expect(changes.length).toBeGreaterThan(0);
    for (const c of changes) {
      expect(bSet.has(c.id)).toBe(false);
      expect(c.data?.teamId ?? teamA.teamId).toBe(teamA.teamId);
    }
    const member = await teamA.member('Tổ viên A');
    const m = await pullAll(server, member.token);
    for (const c of m.changes) expect(bSet.has(c.id)).toBe(false);
  });

  it.each(['household', 'member', 'visit', 'session', 'neighborhood', 'checklistStep'])(
    '%s of team B: A’s patch and delete are answered exactly like a random id (NOT_FOUND), and change nothing',
    async (entity) => {
      const id = bIds[entity]!;
      const random = uuid();
      const patchFields = entity === 'checklistStep' ? { status: 'done' } : entity === 'session' ? { attendees: 1 } : { notes: 'x' };
      const r = await a.push([
        a.patch(entity, id, 1, patchFields),
        a.patch(entity, random, 1, patchFields),
        a.delete(entity, id, 1),
        a.delete(entity, random, 1),
        a.patch(entity, id, 0, patchFields),
        a.patch(entity, random, 0, patchFields),
      ]);
      expect(r[0]).toMatchObject({ status: 'rejected', code: 'NOT_FOUND' });
      expect(strip(r[0]!)).toEqual(strip(r[1]!));
      expect(r[2]).toMatchObject({ status: 'rejected', code: 'NOT_FOUND' });
      expect(strip(r[2]!)).toEqual(strip(r[3]!));
      expect(strip(r[4]!)).toEqual(strip(r[5]!));
      const rec = (await snapshot(server, teamB.headToken)).get(id)!;
      expect(rec.version).toBe(1);
      expect(rec.deleted).toBe(false);
    },
  );

  it('A cannot make a record in B’s team (teamId) nor take over B’s id (FORBIDDEN)', async () => {
    const before = await count(server, 'records');
    const r = await a.push([
      a.create('neighborhood', neighborhoodFields({ teamId: teamB.teamId })),
      a.create('household', householdFields(), bIds.household!),
      a.create('visit', visitFields(bIds.household!), bIds.visit!),
    ]);
    for (const x of r) expect(x).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
    expect(await count(server, 'records')).toBe(before);
    const snap = await snapshot(server, teamB.headToken);
    expect(snap.get(bIds.household!)!.data!.headName).toBe('Nhà của tổ B');
    expect(snap.get(bIds.visit!)!.version).toBe(1);
  });

  it('A referring to B’s household in its own records does not reveal or touch B’s data', async () => {
    // the spec checks no references across records; whatever A gets, it must not reveal B's record
    const visitViaB = a.create('visit', visitFields(bIds.household!));
    const viaB = await a.one(visitViaB);
    const viaRandom = await a.one(a.create('visit', visitFields(uuid())));
    expect(strip(viaB).status).toBe(strip(viaRandom).status);
    expect(viaB.code).toBe(viaRandom.code);
    const snapA = await snapshot(server, teamA.headToken);
    expect(snapA.has(bIds.household!)).toBe(false);
    // B deletes its household: nothing cascades into A's team, and A's references to that id are
    // answered like references to an id that never existed (no GONE that would reveal it)
    await bDev.one(bDev.delete('household', bIds.household!, 1));
    if (viaB.status === 'applied') expect((await snapshot(server, teamA.headToken)).get(visitViaB.id)!.deleted).toBe(false);
    const afterB = await a.one(a.create('visit', visitFields(bIds.household!)));
    const afterRandom = await a.one(a.create('visit', visitFields(uuid())));
    expect(afterB.status).toBe(afterRandom.status);
    expect(afterB.code).toBe(afterRandom.code);
    expect(afterB.code).not.toBe('GONE');
    const snapB = await snapshot(server, teamB.headToken);
    expect(snapB.get(bIds.visit!)!.deleted).toBe(true);
    for (const c of snapB.values()) expect(c.data?.teamId ?? teamB.teamId).toBe(teamB.teamId);
  });

  it('mids are scoped by team: the same mid in two teams is two mutations', async () => {
    const mid = uuid();
    const ra = await a.one({ ...a.create('neighborhood', neighborhoodFields()), mid });
    const rb = await bDev.one({ ...bDev.create('neighborhood', neighborhoodFields()), mid });
    expect(ra.status).toBe('applied');
    expect(rb.status).toBe('applied');
  });
});

describe('headers and errors', () => {
  it('API answers carry nosniff and no-store, successes and errors alike', async () => {
    const responses = [
      await server.inject({ method: 'GET', url: '/api/health' }),
      await server.inject({ method: 'GET', url: '/api/guides' }),
      await server.inject({ method: 'GET', url: '/api/team', token: teamA.headToken }),
      await server.inject({ method: 'GET', url: '/api/sync/pull', token: teamA.headToken }),
      await server.inject({ method: 'GET', url: '/api/team' }),
      await server.inject({ method: 'POST', url: '/api/sync/push', token: teamA.headToken, payload: { protocol: '1' } }),
      await server.inject({ method: 'GET', url: '/api/nope', token: teamA.headToken }),
    ];
    for (const r of responses) {
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(String(r.headers['cache-control'])).toMatch(/no-store/);
      expect(r.headers['content-type']).toMatch(/application\/json/);
    }
  });

  it('an unknown /api route is a 404 JSON error', async () => {
    for (const url of ['/api/nope', '/api/sync/pulls', '/api/sync']) {
      const r = await server.inject({ method: 'GET', url, token: teamA.headToken });
      expectError(r, 404);
    }
    expectError(await server.inject({ method: 'DELETE', url: '/api/team', token: teamA.headToken }), 404);
  });

  it('a body that is not JSON is a 4xx JSON error', async () => {
    const r = await server.inject({ method: 'POST', url: '/api/sync/push', token: teamA.headToken, payload: 'protocol=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
    expectError(r, r.statusCode);
    const j = await server.inject({ method: 'POST', url: '/api/sync/push', token: teamA.headToken, payload: '{"protocol":1,', headers: { 'content-type': 'application/json' } });
    expectError(j, 400);
  });

  it('Fastify’s own refusals under /api are in the spec’s shape, with fixed messages that quote nothing back', async () => {
    const badUrl = await server.inject({ method: 'GET', url: '/api/%E0%A4%A', token: teamA.headToken });
    expectError(badUrl, 400, 'BAD_REQUEST');
    expect(badUrl.body).not.toContain('%E0');
    const badJson = await server.inject({ method: 'POST', url: '/api/sync/push', token: teamA.headToken, payload: '{"protocol":1,"secretword":}', headers: { 'content-type': 'application/json' } });
    expectError(badJson, 400, 'BAD_REQUEST');
    expect(badJson.body).not.toContain('secretword');
    const empty = await server.inject({ method: 'POST', url: '/api/sync/push', token: teamA.headToken, payload: '', headers: { 'content-type': 'application/json' } });
    expectError(empty, 400, 'BAD_REQUEST');
  });

  it('headers too large (431) and a request that is not HTTP (400) are answered in the spec’s shape', async () => {
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = server.app.server.address() as AddressInfo;
    const raw = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        let data = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk) => (data += chunk));
        socket.on('close', () => resolve(data));
        socket.on('error', reject);
        socket.write(text);
      });
    const parse = (answer: string) => {
      const [head, body] = answer.split('\r\n\r\n') as [string, string];
      return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), head, body: JSON.parse(body) as { error: { code: string; message: string } } };
    };
    const big = parse(await raw(`GET /api/team HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(big.status).toBe(431);
    expect(big.head).toMatch(/content-type: application\/json/i);
    expect(big.body.error.code).toMatch(/^[A-Z_]+$/);
    const garbage = parse(await raw('NOT HTTP AT ALL\r\n\r\n'));
    expect(garbage.status).toBe(400);
    expect(garbage.body.error).toEqual({ code: 'BAD_REQUEST', message: expect.any(String) });
  });

  it('prototype-polluting keys are refused or harmless', async () => {
    const r = await server.inject({
      method: 'POST',
      url: '/api/sync/push',
      token: teamA.headToken,
      payload: `{"protocol":1,"deviceId":"${uuid()}","mutations":[],"__proto__":{"isAdmin":true}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(r.statusCode).toBeLessThan(500);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('a server error is a 500 JSON error without stack traces or internals', async () => {
    // break the database under the app for one request
    await server.db.query('alter table records rename to records_gone');
    try {
      const r = await server.inject({ method: 'GET', url: '/api/sync/pull', token: teamA.headToken });
      expect(r.statusCode).toBe(500);
      expectError(r, 500);
      expect(r.body).not.toMatch(/\bat .+\(|\.ts:\d+|\.js:\d+|node_modules|records_gone|relation|stack/i);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    } finally {
      await server.db.query('alter table records_gone rename to records');
    }
    expect((await server.inject({ method: 'GET', url: '/api/sync/pull', token: teamA.headToken })).statusCode).toBe(200);
  });
});

describe('audit', () => {
  it('every applied mutation leaves an audit row with the user id and record id', async () => {
    const member = await teamA.member('Người ghi');
    const m = new Device(server, member.token);
    const h = a.create('household', householdFields());
    const v = a.create('visit', visitFields(h.id));
    const created = await a.push([h, v]);
    expect(created.map((x) => x.status)).toEqual(['applied', 'applied']);
    const p = m.patch('household', h.id, 1, { notes: 'ghi' });
    const d = m.delete('visit', v.id, 1);
    expect((await m.push([p, d])).map((x) => x.status)).toEqual(['applied', 'applied']);

    const rows = await server.db.query<{ record_id: string; user_id: string }>(
      'select record_id, user_id from audit_log where record_id = any($1::uuid[])',
      [[h.id, v.id]],
    );
    const has = (rec: string, user: string) => rows.filter((r) => r.record_id === rec && r.user_id === user).length;
    expect(has(h.id, teamA.headUserId)).toBeGreaterThanOrEqual(1); // create household
    expect(has(v.id, teamA.headUserId)).toBeGreaterThanOrEqual(1); // create visit
    expect(has(h.id, member.userId)).toBeGreaterThanOrEqual(1); // patch household
    expect(has(v.id, member.userId)).toBeGreaterThanOrEqual(1); // delete visit
    expect(rows.length).toBeGreaterThanOrEqual(4);
  });

  it('a rejected mutation changes no record', async () => {
    const before = await count(server, 'records');
    const r = await a.one(a.create('household', householdFields({ phone: 'x' })));
    expect(r.status).toBe('rejected');
    expect(await count(server, 'records')).toBe(before);
  });
});
