// @vitest-environment node
/**
 * GET /api/team, POST /api/invites, POST /api/devices/:id/revoke (sync spec, "Routes").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestTeam } from '../testing';
import { count, Device, expectError, householdFields, NO_RATE_LIMIT, SETUP_TIMEOUT, uuid } from '../test-fixtures';

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

type Dev = { id: string; userId: string; label: string; lastSeenAt: string | null; revoked: boolean };

async function devicesOf(token: string): Promise<Dev[]> {
  const r = await server.inject({ method: 'GET', url: '/api/team', token });
  expect(r.statusCode).toBe(200);
  return r.json().devices;
}

const postInvite = (token: string, payload: unknown) =>
  server.inject({ method: 'POST', url: '/api/invites', token, payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });

describe('GET /api/team', () => {
  it('a member gets the team and its users, without devices', async () => {
    const r = await server.inject({ method: 'GET', url: '/api/team', token: member.token });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.team).toEqual({ id: team.teamId, name: 'Tổ A' });
    expect(body.devices).toBeUndefined();
    expect(body.commune).toBeUndefined();
    const users = body.users as Array<{ id: string; name: string; role: string }>;
    expect(users).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: team.headUserId, name: 'Trưởng thôn', role: 'head' }),
        expect.objectContaining({ id: member.userId, name: 'Lê Thị Mai', role: 'member' }),
      ]),
    );
    expect(users).toHaveLength(2);
    for (const u of users) expect(Object.keys(u)).toEqual(expect.arrayContaining(['id', 'name', 'role']));
  });

  it('a head also gets the devices', async () => {
    const r = await server.inject({ method: 'GET', url: '/api/team', token: team.headToken });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.team).toEqual({ id: team.teamId, name: 'Tổ A' });
    expect(body.users).toHaveLength(2);
    const devices = body.devices as Dev[];
    expect(devices).toHaveLength(2);
    for (const d of devices) {
      expect(Object.keys(d)).toEqual(expect.arrayContaining(['id', 'label', 'lastSeenAt', 'revoked', 'userId']));
      expect(typeof d.id).toBe('string');
      expect(typeof d.label).toBe('string');
      expect(d.revoked).toBe(false);
      if (d.lastSeenAt !== null) expect(Number.isNaN(Date.parse(d.lastSeenAt))).toBe(false);
    }
    expect(devices.map((d) => d.userId).sort()).toEqual([team.headUserId, member.userId].sort());
    expect(devices.find((d) => d.userId === team.headUserId)!.label).toBe('Test phone');
  });

  it('a team never sees another team’s users or devices', async () => {
    const body = (await server.inject({ method: 'GET', url: '/api/team', token: other.headToken })).json();
    expect(body.team.id).toBe(other.teamId);
    expect(body.users.map((u: { id: string }) => u.id)).toEqual([other.headUserId]);
    expect(body.devices.map((d: Dev) => d.userId)).toEqual([other.headUserId]);
  });

  it('an admin gets its commune and the commune’s teams (only those)', async () => {
    const r = await server.inject({ method: 'GET', url: '/api/team', token: admin.token });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.commune).toEqual({ id: admin.communeId, name: 'Xã Một' });
    const teams = body.teams as Array<{ id: string; name: string }>;
    expect([...teams].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { id: team.teamId, name: 'Tổ A' },
      { id: other.teamId, name: 'Tổ B' },
    ]);
    expect(team.communeId).toBe(admin.communeId);
    expect(far.communeId).not.toBe(admin.communeId);
  });
});

describe('POST /api/invites', () => {
  it('a head gets 201 {code, expiresAt}, and the code enrolls into the head’s team with that role', async () => {
    const before = Date.now();
    const r = await postInvite(team.headToken, { role: 'member', maxUses: 3, ttlHours: 48 });
    expect(r.statusCode, r.body).toBe(201);
    const body = r.json();
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['code', 'expiresAt']));
    expect(typeof body.code).toBe('string');
    expect(body.code.length).toBeGreaterThan(0);
    const exp = Date.parse(body.expiresAt);
    expect(exp).toBeGreaterThanOrEqual(before + 48 * 3600_000 - 5_000);
    expect(exp).toBeLessThanOrEqual(Date.now() + 48 * 3600_000 + 5_000);
    const e = await server.inject({ method: 'POST', url: '/api/auth/enroll', payload: { code: body.code, name: 'Mới', device: 'x' } });
    expect(e.statusCode).toBe(201);
    expect(e.json().team.id).toBe(team.teamId);
    expect(e.json().user.role).toBe('member');
  });

  it('the limits 1 and 100 uses, 1 and 720 hours are accepted', async () => {
    expect((await postInvite(team.headToken, { role: 'head', maxUses: 1, ttlHours: 1 })).statusCode).toBe(201);
    expect((await postInvite(team.headToken, { role: 'member', maxUses: 100, ttlHours: 720 })).statusCode).toBe(201);
  });

  it('a member gets 403 FORBIDDEN and no invite is made', async () => {
    const before = await count(server, 'invites');
    expectError(await postInvite(member.token, { role: 'member', maxUses: 1, ttlHours: 1 }), 403, 'FORBIDDEN');
    expect(await count(server, 'invites')).toBe(before);
  });

  it.each([
    ['role admin', { role: 'admin', maxUses: 1, ttlHours: 1 }],
    ['role missing', { maxUses: 1, ttlHours: 1 }],
    ['role not a string', { role: 1, maxUses: 1, ttlHours: 1 }],
    ['maxUses 0', { role: 'member', maxUses: 0, ttlHours: 1 }],
    ['maxUses 101', { role: 'member', maxUses: 101, ttlHours: 1 }],
    ['maxUses 1.5', { role: 'member', maxUses: 1.5, ttlHours: 1 }],
    ['maxUses "5"', { role: 'member', maxUses: '5', ttlHours: 1 }],
    ['maxUses missing', { role: 'member', ttlHours: 1 }],
    ['ttlHours 0', { role: 'member', maxUses: 1, ttlHours: 0 }],
    ['ttlHours 721', { role: 'member', maxUses: 1, ttlHours: 721 }],
    ['ttlHours -1', { role: 'member', maxUses: 1, ttlHours: -1 }],
    ['ttlHours null', { role: 'member', maxUses: 1, ttlHours: null }],
    ['body an array', [{ role: 'member', maxUses: 1, ttlHours: 1 }]],
    ['body null', null],
    ['body a number', 5],
  ])('400 BAD_REQUEST from a head: %s', async (_, payload) => {
    const before = await count(server, 'invites');
    expectError(await postInvite(team.headToken, payload), 400, 'BAD_REQUEST');
    expect(await count(server, 'invites')).toBe(before);
  });

  it('an admin invites into a team of its commune with teamId', async () => {
    const r = await postInvite(admin.token, { role: 'head', maxUses: 1, ttlHours: 24, teamId: other.teamId });
    expect(r.statusCode, r.body).toBe(201);
    const e = await server.inject({ method: 'POST', url: '/api/auth/enroll', payload: { code: r.json().code, name: 'Tổ trưởng B2', device: 'x' } });
    expect(e.statusCode).toBe(201);
    expect(e.json().team).toEqual({ id: other.teamId, name: 'Tổ B' });
    expect(e.json().user.role).toBe('head');
  });

  it('an admin cannot invite into a team of another commune', async () => {
    const before = await count(server, 'invites');
    const r = await postInvite(admin.token, { role: 'head', maxUses: 1, ttlHours: 24, teamId: far.teamId });
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
    expectError(r, r.statusCode);
    expect(await count(server, 'invites')).toBe(before);
  });

  it('an admin without a teamId (or with a bad one) is refused with a 4xx', async () => {
    const before = await count(server, 'invites');
    for (const teamId of [undefined, 'not-a-uuid', uuid()]) {
      const r = await postInvite(admin.token, { role: 'member', maxUses: 1, ttlHours: 1, ...(teamId ? { teamId } : {}) });
      expect(r.statusCode).toBeGreaterThanOrEqual(400);
      expect(r.statusCode).toBeLessThan(500);
      expectError(r, r.statusCode);
    }
    expectError(await postInvite(admin.token, { role: 'member', maxUses: 1, ttlHours: 1 }), 400, 'BAD_REQUEST');
    expect(await count(server, 'invites')).toBe(before);
  });
});

describe('POST /api/devices/:id/revoke', () => {
  it('a member cannot revoke (403 FORBIDDEN), and the device keeps working', async () => {
    const victim = await team.member('Nạn nhân');
    const dev = (await devicesOf(team.headToken)).find((d) => d.userId === victim.userId)!;
    expectError(await server.inject({ method: 'POST', url: `/api/devices/${dev.id}/revoke`, token: member.token, payload: {} }), 403, 'FORBIDDEN');
    expect((await server.inject({ method: 'GET', url: '/api/team', token: victim.token })).statusCode).toBe(200);
  });

  it('the head of another team cannot revoke it (4xx), and the device keeps working', async () => {
    const victim = await team.member('Nạn nhân 2');
    const dev = (await devicesOf(team.headToken)).find((d) => d.userId === victim.userId)!;
    const r = await server.inject({ method: 'POST', url: `/api/devices/${dev.id}/revoke`, token: other.headToken, payload: {} });
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
    expectError(r, r.statusCode);
    expect((await server.inject({ method: 'GET', url: '/api/team', token: victim.token })).statusCode).toBe(200);
    expect((await devicesOf(team.headToken)).find((d) => d.id === dev.id)!.revoked).toBe(false);
  });

  it('an unknown device id is 404 NOT_FOUND', async () => {
    expectError(await server.inject({ method: 'POST', url: `/api/devices/${uuid()}/revoke`, token: team.headToken, payload: {} }), 404, 'NOT_FOUND');
  });

  it('the head revokes: 200 {revoked:true}; that token then gets 401 DEVICE_REVOKED on every private route', async () => {
    const gone = await team.member('Máy bị mất');
    const d = new Device(server, gone.token);
    await d.created('household', householdFields());
    const dev = (await devicesOf(team.headToken)).find((x) => x.userId === gone.userId)!;
    const r = await server.inject({ method: 'POST', url: `/api/devices/${dev.id}/revoke`, token: team.headToken, payload: {} });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ revoked: true });

    const routes: Array<{ method: 'GET' | 'POST'; url: string; payload?: object }> = [
      { method: 'GET', url: '/api/team' },
      { method: 'POST', url: '/api/invites', payload: { role: 'member', maxUses: 1, ttlHours: 1 } },
      { method: 'POST', url: `/api/devices/${dev.id}/revoke`, payload: {} },
      { method: 'POST', url: '/api/sync/push', payload: d.body([d.create('household', householdFields())]) },
      { method: 'GET', url: '/api/sync/pull' },
      { method: 'GET', url: '/api/sync/pull?limit=1' },
    ];
    const recordsBefore = await count(server, 'records');
    for (const route of routes) expectError(await server.inject({ ...route, token: gone.token }), 401, 'DEVICE_REVOKED');
    expect(await count(server, 'records')).toBe(recordsBefore);

    // public routes still answer
    expect((await server.inject({ method: 'GET', url: '/api/health', token: gone.token })).statusCode).toBe(200);
    // the head sees it revoked; other devices are untouched
    const list = await devicesOf(team.headToken);
    expect(list.find((x) => x.id === dev.id)!.revoked).toBe(true);
    expect(list.filter((x) => x.revoked).map((x) => x.id)).toEqual([dev.id]);
    expect((await server.inject({ method: 'GET', url: '/api/team', token: member.token })).statusCode).toBe(200);
    // revoking twice is harmless and the token stays revoked
    const again = await server.inject({ method: 'POST', url: `/api/devices/${dev.id}/revoke`, token: team.headToken, payload: {} });
    expect(again.statusCode).toBe(200);
    expectError(await server.inject({ method: 'GET', url: '/api/team', token: gone.token }), 401, 'DEVICE_REVOKED');
  });

  it('a revoked head token cannot invite or revoke', async () => {
    const second = await team.member('Phó tổ', 'head');
    const dev = (await devicesOf(team.headToken)).find((x) => x.userId === second.userId)!;
    expect((await server.inject({ method: 'POST', url: `/api/devices/${dev.id}/revoke`, token: team.headToken, payload: {} })).statusCode).toBe(200);
    const before = await count(server, 'invites');
    expectError(await postInvite(second.token, { role: 'member', maxUses: 1, ttlHours: 1 }), 401, 'DEVICE_REVOKED');
    expect(await count(server, 'invites')).toBe(before);
  });
});
