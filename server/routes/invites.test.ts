// @vitest-environment node
/**
 * GET /api/invites, POST /api/invites/:id/cancel, PUT /api/devices/:id/label, the devices' `current`
 * flag, and the head invites of the demo team and the admin tool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing';
import { expectError, NO_RATE_LIMIT, SETUP_TIMEOUT, uuid } from '../test-fixtures';
import { createTeam, headInviteFor } from '../services/teams';
import type { DeviceInfo, InviteInfo } from '../../src/domain/wire';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(NO_RATE_LIMIT);
}, SETUP_TIMEOUT);
afterAll(() => server?.close(), SETUP_TIMEOUT);

const invite = (token: string, role: 'member' | 'head' = 'member', maxUses = 3) =>
  server.inject({ method: 'POST', url: '/api/invites', token, payload: { role, maxUses, ttlHours: 24 } });
const list = async (token: string): Promise<InviteInfo[]> => {
  const r = await server.inject({ method: 'GET', url: '/api/invites', token });
  expect(r.statusCode, r.body).toBe(200);
  return r.json().invites;
};
const devices = async (token: string): Promise<DeviceInfo[]> => (await server.inject({ method: 'GET', url: '/api/team', token })).json().devices;

describe('GET /api/invites', () => {
  it('lists the team’s live invites with role, uses left, expiry and who made them, never the code', async () => {
    const team = await server.team();
    const made = await invite(team.headToken, 'head', 2);
    expect(made.statusCode).toBe(201);
    expect(made.json().role).toBe('head');
    const invites = await list(team.headToken);
    // The team's own head invite was used once by the head, and has uses left.
    const mine = invites.find((i) => i.createdBy?.id === team.headUserId)!;
    expect(mine).toMatchObject({ role: 'head', usesLeft: 2, createdBy: { id: team.headUserId, name: 'Trưởng thôn' } });
    expect(Date.parse(mine.expiresAt)).toBeGreaterThan(Date.now());
    expect(JSON.stringify(invites)).not.toContain(made.json().code);
    expect(Object.keys(mine).sort()).toEqual(['createdAt', 'createdBy', 'expiresAt', 'id', 'role', 'usesLeft']);
  });

  it('shows neither another team’s invites nor used-up ones, and a member may not list', async () => {
    const team = await server.team();
    const other = await server.team();
    await invite(other.headToken);
    const lan = await team.member('Lan');
    // team.member used a one-use invite: it is no longer live.
    expect((await list(team.headToken)).every((i) => i.usesLeft > 0)).toBe(true);
    expect((await list(team.headToken)).some((i) => i.createdBy?.id === other.headUserId)).toBe(false);
    expectError(await server.inject({ method: 'GET', url: '/api/invites', token: lan.token }), 403, 'FORBIDDEN');
  });
});

describe('POST /api/invites/:id/cancel', () => {
  it('a cancelled invite leaves the list and no longer enrolls anyone', async () => {
    const team = await server.team();
    const made = (await invite(team.headToken)).json();
    const id = (await list(team.headToken)).find((i) => i.createdBy?.id === team.headUserId)!.id;
    const r = await server.inject({ method: 'POST', url: `/api/invites/${id}/cancel`, token: team.headToken, payload: {} });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ cancelled: true });
    expect((await list(team.headToken)).map((i) => i.id)).not.toContain(id);
    const enroll = await server.inject({ method: 'POST', url: '/api/auth/enroll', payload: { code: made.code, name: 'Ai đó' } });
    expect(enroll.statusCode).toBeGreaterThanOrEqual(400);
  });

  it('another team’s head cannot cancel it (404), and an unknown id is 404', async () => {
    const team = await server.team();
    const other = await server.team();
    await invite(team.headToken);
    const id = (await list(team.headToken)).find((i) => i.createdBy?.id === team.headUserId)!.id;
    expectError(await server.inject({ method: 'POST', url: `/api/invites/${id}/cancel`, token: other.headToken, payload: {} }), 404, 'NOT_FOUND');
    expectError(await server.inject({ method: 'POST', url: `/api/invites/${uuid()}/cancel`, token: team.headToken, payload: {} }), 404, 'NOT_FOUND');
    expect((await list(team.headToken)).map((i) => i.id)).toContain(id);
  });

  it('revoking a device cancels the invites made on it', async () => {
    const team = await server.team();
    const second = await team.member('Phó tổ', 'head');
    await invite(second.token);
    await invite(team.headToken);
    const device = (await devices(team.headToken)).find((d) => d.userId === second.userId)!;
    expect((await list(team.headToken)).filter((i) => i.createdBy?.id === second.userId)).toHaveLength(1);
    expect((await server.inject({ method: 'POST', url: `/api/devices/${device.id}/revoke`, token: team.headToken, payload: {} })).statusCode).toBe(200);
    const left = await list(team.headToken);
    expect(left.filter((i) => i.createdBy?.id === second.userId)).toHaveLength(0);
    expect(left.filter((i) => i.createdBy?.id === team.headUserId)).toHaveLength(1);
  });
});

describe('devices: this phone and its model', () => {
  it('the asking device is marked current', async () => {
    const team = await server.team();
    await team.member('Lan');
    const list = await devices(team.headToken);
    expect(list.filter((d) => d.current).map((d) => d.userId)).toEqual([team.headUserId]);
  });

  it('a person renames their own phone, the head any phone of the team, nobody else', async () => {
    const team = await server.team();
    const lan = await team.member('Lan');
    const binh = await team.member('Bình');
    const lanPhone = (await devices(team.headToken)).find((d) => d.userId === lan.userId)!;
    const put = (token: string, label: unknown) => server.inject({ method: 'PUT', url: `/api/devices/${lanPhone.id}/label`, token, payload: { label } });
    expect((await put(lan.token, ' Samsung A15 ')).statusCode).toBe(200);
    expect((await devices(team.headToken)).find((d) => d.id === lanPhone.id)!.label).toBe('Samsung A15');
    expect((await put(team.headToken, 'Oppo A58')).statusCode).toBe(200);
    expectError(await put(binh.token, 'Của Bình'), 404, 'NOT_FOUND');
    expect((await put(lan.token, '')).statusCode).toBe(400);
    expect((await devices(team.headToken)).find((d) => d.id === lanPhone.id)!.label).toBe('Oppo A58');
  });
});

describe('head invites printed on the server', () => {
  it('the demo team’s invite works once; the admin tool prints a new one-use invite for a team by name', async () => {
    const name = `Tổ demo ${uuid().slice(0, 6)}`;
    const demo = await createTeam(server.db, server.app.ctx.inviteKey, 'Xã Demo', name, 1);
    await server.enroll(demo.inviteCode, 'Hoa');
    await expect(server.enroll(demo.inviteCode, 'Người thứ hai')).rejects.toThrow();
    const again = await headInviteFor(server.db, server.app.ctx.inviteKey, name);
    expect(again?.teamId).toBe(demo.teamId);
    const head = await server.enroll(again!.inviteCode, 'Hoa trên máy mới');
    expect(head.user.role).toBe('head');
    await expect(server.enroll(again!.inviteCode, 'Lần nữa')).rejects.toThrow();
    expect(await headInviteFor(server.db, server.app.ctx.inviteKey, 'Không có tổ này')).toBeUndefined();
  });
});

describe('GET /api/team: this phone', () => {
  it('every team user gets the asking phone, to name its model; a member still gets no device list', async () => {
    const team = await server.team();
    const lan = await team.member('Lan');
    const r = (await server.inject({ method: 'GET', url: '/api/team', token: lan.token })).json();
    expect(r.devices).toBeUndefined();
    expect(r.thisDevice).toEqual({ id: expect.any(String), label: 'Test phone' });
    expect((await server.inject({ method: 'PUT', url: `/api/devices/${r.thisDevice.id}/label`, token: lan.token, payload: { label: 'Vivo Y17' } })).statusCode).toBe(200);
    expect((await server.inject({ method: 'GET', url: '/api/team', token: lan.token })).json().thisDevice.label).toBe('Vivo Y17');
  });
});
