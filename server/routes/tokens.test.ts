// @vitest-environment node
/**
 * Token lifetime (issue 15): a device unseen for TOKEN_IDLE_DAYS gets `401 TOKEN_EXPIRED`, and
 * `POST /api/auth/renew` swaps a token in use for a new one, after which the old one soon stops working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestTeam } from '../testing';
import { RENEWAL_GRACE_SECONDS } from '../services/auth';
import { expectError, NO_RATE_LIMIT, SETUP_TIMEOUT } from '../test-fixtures';

let server: TestServer;
let team: TestTeam;

beforeAll(async () => {
  server = await startTestServer({ ...NO_RATE_LIMIT, tokenIdleDays: 90 });
  team = await server.team();
}, SETUP_TIMEOUT);
afterAll(() => server?.close(), SETUP_TIMEOUT);

const teamCall = (token: string) => server.inject({ method: 'GET', url: '/api/team', token });
const renew = (token: string) => server.inject({ method: 'POST', url: '/api/auth/renew', token, payload: {} });

async function deviceOf(userId: string): Promise<string> {
  return (await server.db.query<{ id: string }>('select id from devices where user_id = $1', [userId]))[0]!.id;
}

/** Moves the device's last sight `days` into the past, as if it had not been used since. */
async function unseenFor(deviceId: string, days: number): Promise<void> {
  await server.db.query(`update devices set last_seen_at = now() - make_interval(days => $2) where id = $1`, [deviceId, days]);
}

async function newToken(token: string): Promise<string> {
  const r = await renew(token);
  expect(r.statusCode, r.body).toBe(200);
  const { token: next } = r.json() as { token: string };
  expect(next).toMatch(/^[A-Za-z0-9_-]{43,}$/);
  expect(next).not.toBe(token);
  return next;
}

describe('idle tokens', () => {
  it('a device unseen for more than TOKEN_IDLE_DAYS gets 401 TOKEN_EXPIRED, and stays expired', async () => {
    const m = await team.member('Tổ viên nghỉ');
    const device = await deviceOf(m.userId);
    await unseenFor(device, 91);
    for (let i = 0; i < 2; i++) expectError(await teamCall(m.token), 401, 'TOKEN_EXPIRED');
    expectError(await renew(m.token), 401, 'TOKEN_EXPIRED');
    expectError(await server.inject({ method: 'GET', url: '/api/sync/pull', token: m.token }), 401, 'TOKEN_EXPIRED');
  });

  it('a device seen within TOKEN_IDLE_DAYS keeps working, and its use counts as seen again', async () => {
    const m = await team.member('Tổ viên');
    const device = await deviceOf(m.userId);
    await unseenFor(device, 89);
    expect((await teamCall(m.token)).statusCode).toBe(200);
    const seen = await server.db.query<{ recent: boolean }>(`select last_seen_at > now() - interval '1 day' as recent from devices where id = $1`, [device]);
    expect(seen[0]!.recent).toBe(true);
  });

  it('a revoked device is told so, not that its token expired', async () => {
    const m = await team.member('Tổ viên bị gỡ');
    const device = await deviceOf(m.userId);
    expect((await server.inject({ method: 'POST', url: `/api/devices/${device}/revoke`, token: team.headToken, payload: {} })).statusCode).toBe(200);
    await unseenFor(device, 200);
    expectError(await teamCall(m.token), 401, 'DEVICE_REVOKED');
  });
});

describe('POST /api/auth/renew', () => {
  it('gives a new token; the old one works until the new one is used, and for the grace after the renewal', async () => {
    const m = await team.member('Tổ viên đổi mã');
    const device = await deviceOf(m.userId);
    const next = await newToken(m.token);
    // The answer may not have reached the phone: its old token still works.
    expect((await teamCall(m.token)).statusCode).toBe(200);
    expect((await teamCall(next)).statusCode).toBe(200);
    // Used, the new one is in place; within the grace, a screen holding the old one still gets its answer.
    expect((await teamCall(m.token)).statusCode).toBe(200);
    await server.db.query(`update devices set token_issued_at = now() - make_interval(secs => $2) where id = $1`, [device, RENEWAL_GRACE_SECONDS + 60]);
    expectError(await teamCall(m.token), 401, 'UNAUTHENTICATED');
    expectError(await renew(m.token), 401, 'UNAUTHENTICATED');
    expect((await teamCall(next)).statusCode).toBe(200);
  });

  it('a renewal whose answer was lost is asked again with the old token: only the last new token and the old one work', async () => {
    const m = await team.member('Tổ viên mất mạng');
    const lost = await newToken(m.token);
    const next = await newToken(m.token);
    expectError(await teamCall(lost), 401, 'UNAUTHENTICATED');
    expect((await teamCall(next)).statusCode).toBe(200);
    expect((await teamCall(m.token)).statusCode).toBe(200);
  });

  it('after two renewals the first token never works again, even within the grace', async () => {
    const m = await team.member('Tổ viên hai lần');
    const second = await newToken(m.token);
    expect((await teamCall(second)).statusCode).toBe(200);
    const third = await newToken(second);
    expect((await teamCall(third)).statusCode).toBe(200);
    expectError(await teamCall(m.token), 401, 'UNAUTHENTICATED');
  });

  it('a revoked device cannot renew', async () => {
    const m = await team.member('Tổ viên bị gỡ 2');
    const device = await deviceOf(m.userId);
    expect((await server.inject({ method: 'POST', url: `/api/devices/${device}/revoke`, token: team.headToken, payload: {} })).statusCode).toBe(200);
    expectError(await renew(m.token), 401, 'DEVICE_REVOKED');
  });
});
