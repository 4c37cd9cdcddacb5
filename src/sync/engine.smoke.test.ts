// @vitest-environment node
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { AppDB } from '../db/database';
import { startTestServer } from '../../server/testing';
import { SyncEngine } from './engine';
import { fakeNetwork } from './testing';
import { saveMembership } from './membership';
import { createHouseholdWithMembers } from '../db/householdWithMembers';
import { CONSENT_TEXT_VERSION } from '../domain/vocab';

describe('engine smoke', () => {
  it('pushes a household and another device pulls it', async () => {
    const server = await startTestServer();
    const team = await server.team();
    const member = await team.member('Lan');
    const net = fakeNetwork(server.app);
    const a = new AppDB('a-' + crypto.randomUUID());
    const b = new AppDB('b-' + crypto.randomUUID());
    await saveMembership({ token: team.headToken, user: { id: team.headUserId, name: 'H', role: 'head' }, team: { id: team.teamId, name: 'T' }, joinedAt: new Date().toISOString() }, a);
    await saveMembership({ token: member.token, user: { id: member.userId, name: 'Lan', role: 'member' }, team: { id: team.teamId, name: 'T' }, joinedAt: new Date().toISOString() }, b);
    const h = await createHouseholdWithMembers(
      { neighborhood: 'Thôn Đông', address: 'Số 1', headName: 'Nguyễn Văn Bình', consent: { recordedAt: new Date().toISOString(), recordedBy: 'H', purposes: ['support'], textVersion: CONSENT_TEXT_VERSION } },
      [{ fullName: 'Nguyễn Văn Bình', birthYear: 1960 }],
      a,
    );
    const ea = new SyncEngine({ db: a, fetch: net.fetch, locks: null });
    const eb = new SyncEngine({ db: b, fetch: net.fetch, locks: null });
    expect((await ea.sync()).phase).toBe('idle');
    expect(await a.outbox.count()).toBe(0);
    expect((await a.households.get(h.id))?.syncState).toBe('synced');
    expect((await a.households.get(h.id))?.version).toBe(1);
    expect((await eb.sync()).phase).toBe('idle');
    const got = await b.households.get(h.id);
    expect(got?.headName).toBe('Nguyễn Văn Bình');
    expect(got?.searchText).toContain('nguyen van binh');
    expect(await b.members.count()).toBe(1);
    expect(await b.outbox.count()).toBe(0);
    await server.close();
  });
});
