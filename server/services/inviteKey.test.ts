// @vitest-environment node
/**
 * Invite codes are stored as HMAC-SHA-256 under a server secret (SERVER_SECRET, or one kept in the
 * database and shared by every process over it); invites stored before with a bare SHA-256 still
 * work until they expire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app';
import { startTestServer, type TestServer } from '../testing';
import { NO_RATE_LIMIT, SETUP_TIMEOUT } from '../test-fixtures';
import { createInvite } from './teams';
import { configFromEnv } from '../config';

const SECRET = 'a server secret of at least thirty-two characters';
const normalized = (code: string) => code.replace('-', '');
const bareSha256 = (code: string) => createHash('sha256').update(`invite:${normalized(code)}`).digest('hex');
const hmac = (secret: string, code: string) => createHmac('sha256', secret).update(`invite:${normalized(code)}`).digest('hex');

async function storedHashes(server: TestServer): Promise<string[]> {
  return (await server.db.query<{ code_hash: string }>('select code_hash from invites order by created_at')).map((r) => r.code_hash);
}

async function enrollOn(app: FastifyInstance, code: string) {
  return app.inject({ method: 'POST', url: '/api/auth/enroll', payload: { code, name: 'Lan', device: 'Phone' } });
}

describe('with SERVER_SECRET', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ...NO_RATE_LIMIT, serverSecret: SECRET });
  }, SETUP_TIMEOUT);
  afterAll(() => server?.close(), SETUP_TIMEOUT);

  it('an invite is stored as the HMAC of its code under the secret, never its bare SHA-256', async () => {
    const team = await server.team();
    const r = await server.inject({ method: 'POST', url: '/api/invites', token: team.headToken, payload: { role: 'member', maxUses: 1, ttlHours: 1 } });
    const { code } = r.json() as { code: string };
    const stored = await storedHashes(server);
    expect(stored).toContain(hmac(SECRET, code));
    expect(stored).not.toContain(bareSha256(code));
    expect(stored.some((h) => h.includes(normalized(code)))).toBe(false);
    expect((await server.enroll(code.toLowerCase(), 'Lan')).token).toBeTruthy();
  });

  it('the key is not stored in the database, and another secret does not open the invite', async () => {
    const team = await server.team();
    const invite = await createInvite(server.db, server.app.ctx.inviteKey, { communeId: team.communeId, teamId: team.teamId, role: 'member', maxUses: 1, ttlHours: 1 });
    expect(await server.db.query(`select 1 from server_meta where key = 'invite_secret'`)).toEqual([]);
    const other = await buildApp({ db: server.db, config: { ...server.config, serverSecret: 'another secret, also more than thirty-two characters' } });
    try {
      expect((await enrollOn(other, invite.code)).statusCode).toBe(401);
      expect((await enrollOn(server.app, invite.code)).statusCode).toBe(201);
    } finally {
      await other.close();
    }
  });
});

describe('without SERVER_SECRET', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(NO_RATE_LIMIT);
  }, SETUP_TIMEOUT);
  afterAll(() => server?.close(), SETUP_TIMEOUT);

  it('a secret is generated once and kept in the database: the stored hash depends on it', async () => {
    const kept = await server.db.query<{ value: string }>(`select value from server_meta where key = 'invite_secret'`);
    expect(kept).toHaveLength(1);
    expect(kept[0]!.value.length).toBeGreaterThanOrEqual(32);
    const team = await server.team();
    expect(await storedHashes(server)).toContain(hmac(kept[0]!.value, team.inviteCode));
    expect(await storedHashes(server)).not.toContain(bareSha256(team.inviteCode));
  });

  it('a second server process over the same database uses the same secret: an invite made on one enrolls on the other', async () => {
    const second = await buildApp({ db: server.db, config: server.config });
    try {
      const team = await server.team();
      const invite = await createInvite(server.db, server.app.ctx.inviteKey, { communeId: team.communeId, teamId: team.teamId, role: 'member', maxUses: 1, ttlHours: 1 });
      expect((await enrollOn(second, invite.code)).statusCode).toBe(201);
      expect(await server.db.query(`select 1 from server_meta where key = 'invite_secret'`)).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('an invite stored before keys (bare SHA-256) still enrolls until it expires, and only as often as it allows', async () => {
    const team = await server.team();
    const live = 'ABCDE-FGH12';
    const expired = 'ZYXWV-TSR98';
    await server.db.query(
      `insert into invites (code_hash, commune_id, team_id, role, max_uses, expires_at) values
         ($1, $3, $4, 'member', 1, now() + interval '1 day'), ($2, $3, $4, 'member', 1, now() - interval '1 minute')`,
      [bareSha256(live), bareSha256(expired), team.communeId, team.teamId],
    );
    expect((await enrollOn(server.app, 'abcde fgh12')).statusCode).toBe(201);
    expect((await enrollOn(server.app, live)).statusCode).toBe(401);
    expect((await enrollOn(server.app, expired)).statusCode).toBe(401);
  });
});

describe('the SERVER_SECRET setting', () => {
  it('is read from the environment and must hold at least 32 characters', () => {
    expect(configFromEnv({ SERVER_SECRET: SECRET }).serverSecret).toBe(SECRET);
    expect(configFromEnv({}).serverSecret).toBeUndefined();
    expect(() => configFromEnv({ SERVER_SECRET: 'too short' })).toThrow(/SERVER_SECRET/);
  });
});
