// @vitest-environment node
/**
 * The device's token over time (issue 15): renewed while the phone is in use, and when the server
 * says it expired the phone asks to join again and keeps what it has not sent.
 */
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHousehold } from '../db/households';
import { getMembership, saveMembership } from './membership';
import { TOKEN_RENEW_AFTER_MS } from './engine';
import { hh, membershipOf, serverCount, setup, T0 } from '../../tests/unit/syncHarness';
import type { TestServer } from '../../server/testing';

const DAY = 24 * 60 * 60 * 1000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function tokenHashOf(server: TestServer, userId: string): Promise<string> {
  return (await server.db.query<{ token_hash: string }>('select token_hash from devices where user_id = $1', [userId]))[0]!.token_hash;
}

describe('engine: token renewal', { timeout: 60_000 }, () => {
  it('a token older than a week is swapped for a new one before the sync, once, and the sync uses it', async () => {
    const { server, team, clock, a, engine } = await setup();
    let renewed = 0;
    const ea = engine(a, { onTokenRenewed: () => renewed++ });
    await createHousehold(hh(), a);
    clock.t = T0 + TOKEN_RENEW_AFTER_MS + DAY;
    expect((await ea.sync()).phase).toBe('idle');
    const m = (await getMembership(a))!;
    expect(m.token).not.toBe(team.headToken);
    expect(m.tokenIssuedAt).toBe(new Date(clock.t).toISOString());
    expect(renewed).toBe(1);
    expect(await tokenHashOf(server, team.headUserId)).toBe(sha256(m.token));
    expect(await serverCount(server, team.teamId)).toBe(1);
    // Used by the sync, the new token is in place: the replaced one now works only for the grace.
    const used = await server.db.query<{ token_used: boolean }>('select token_used from devices where user_id = $1', [team.headUserId]);
    expect(used[0]!.token_used).toBe(true);

    clock.t += DAY;
    expect((await ea.sync()).phase).toBe('idle');
    expect((await getMembership(a))!.token).toBe(m.token);
    expect(renewed).toBe(1);
  });

  it('a token younger than a week is kept', async () => {
    const { team, clock, a, ea } = await setup();
    clock.t = T0 + TOKEN_RENEW_AFTER_MS - DAY;
    expect((await ea.sync()).phase).toBe('idle');
    expect((await getMembership(a))!.token).toBe(team.headToken);
  });

  it('a renewal whose answer is lost leaves the old token, which the server still takes; the next sync renews', async () => {
    const { server, team, net, clock, a, ea } = await setup();
    await createHousehold(hh(), a);
    clock.t = T0 + TOKEN_RENEW_AFTER_MS + DAY;
    net.intercept = (url) => (url.includes('/api/auth/renew') ? 'drop-after' : undefined);
    expect((await ea.sync()).phase).toBe('idle');
    expect((await getMembership(a))!.token).toBe(team.headToken);
    expect(await tokenHashOf(server, team.headUserId)).not.toBe(sha256(team.headToken));
    expect(await serverCount(server, team.teamId)).toBe(1);

    net.intercept = undefined;
    expect((await ea.sync()).phase).toBe('idle');
    const token = (await getMembership(a))!.token;
    expect(token).not.toBe(team.headToken);
    expect(await tokenHashOf(server, team.headUserId)).toBe(sha256(token));
  });
});

describe('engine: 401 TOKEN_EXPIRED', { timeout: 60_000 }, () => {
  it('keeps the data and the unsynced changes, says why after a restart too, and sends them once the phone joined again', async () => {
    const { server, team, lan, clock, b, engine } = await setup();
    const h = await createHousehold(hh({ headName: 'Hộ chưa gửi' }), b);
    await server.db.query(`update devices set last_seen_at = now() - interval '91 days' where user_id = $1`, [lan.userId]);

    const s = await engine(b).sync();
    expect(s).toMatchObject({ phase: 'needsJoin', errorKey: 'sync.errors.tokenExpired' });
    expect(await b.households.get(h.id)).toBeDefined();
    expect(await b.outbox.count()).toBe(1);
    expect(await getMembership(b)).toMatchObject({ needsRejoin: true, rejoinReason: 'tokenExpired' });
    // After a reload: a new engine reads the same reason from the membership.
    expect(await engine(b).sync()).toMatchObject({ phase: 'needsJoin', errorKey: 'sync.errors.tokenExpired' });
    expect(await serverCount(server, team.teamId)).toBe(0);

    // Joined again with a new invite from the head (as the Join screen saves it): what waited goes out.
    const again = await team.member('Lan');
    await saveMembership({ ...membershipOf(again.token, again.userId, team.teamId), joinedAt: new Date(clock.t).toISOString() }, b);
    expect((await engine(b).sync()).phase).toBe('idle');
    expect(await b.outbox.count()).toBe(0);
    expect(await serverCount(server, team.teamId)).toBe(1);
  });
});
