// The sync-engine suites' shared harness: a server per test file, a team per test, devices with
// their own databases, and a tap on what crosses the network.
import { afterAll, afterEach } from 'vitest';
import { AppDB } from '../../src/db/database';
import { startTestServer, type TestServer } from '../../server/testing';
import { SyncEngine, type EngineOptions } from '../../src/sync/engine';
import { fakeNetwork, type FakeNetwork } from '../../src/sync/testing';
import type { FetchLike, PullResponse, PushResult } from '../../src/sync/transport';
import { saveMembership, type DeviceMembership } from '../../src/sync/membership';
import { nextSeq } from '../../src/db/meta';
import type { OutboxRow } from '../../src/db/rows';
import type { HouseholdFields } from '../../src/domain/schemas';
import { CONSENT_TEXT_VERSION } from '../../src/domain/vocab';

export type SentMutation = { mid: string; seq: number; entity: string; op: string; id: string; baseVersion?: number | null; fields?: Record<string, unknown> };
export interface Tap {
  pushes: { mutations: SentMutation[]; status: number; results?: PushResult[] }[];
  pulls: { url: string; status: number; body?: PullResponse }[];
}

/** Wraps the fake network's fetch to record what was pushed and pulled, and the answers. */
export function tapped(net: FakeNetwork): { fetch: FetchLike; tap: Tap } {
  const tap: Tap = { pushes: [], pulls: [] };
  const fetch: FetchLike = async (url, init) => {
    let rec: { status: number; results?: PushResult[]; body?: PullResponse } | undefined;
    if (url.includes('/api/sync/push')) {
      const r = { mutations: (JSON.parse(String(init?.body)) as { mutations: SentMutation[] }).mutations, status: 0 } as Tap['pushes'][number];
      tap.pushes.push(r);
      rec = r;
    } else if (url.includes('/api/sync/pull')) {
      const r: Tap['pulls'][number] = { url, status: 0 };
      tap.pulls.push(r);
      rec = r;
    }
    const res = await net.fetch(url, init);
    if (rec) {
      rec.status = res.status;
      try {
        const json = await res.clone().json();
        if (url.includes('/api/sync/push')) rec.results = (json as { results?: PushResult[] }).results;
        else rec.body = json as PullResponse;
      } catch {
        /* not JSON */
      }
    }
    return res;
  };
  return { fetch, tap };
}

export const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// Starting a server (PGlite) costs seconds: the file shares one, and every test gets its own team
// (records, tokens and rate limits are all per team) and its own AppDBs. Tests that change the
// server as a whole pass `ownServer`.
export let sharedServer: Promise<TestServer> | undefined;
afterAll(async () => {
  await (await sharedServer)?.close();
});

export const T0 = Date.parse('2026-03-01T08:00:00.000Z');

export function membershipOf(token: string, userId: string, teamId: string, role: 'member' | 'head' = 'member'): DeviceMembership {
  return { token, user: { id: userId, name: role === 'head' ? 'Trưởng thôn' : 'Lan', role }, team: { id: teamId, name: 'Tổ' }, joinedAt: new Date(T0).toISOString() };
}

/** A fresh server with a team; device A (the head) and device B (a member), each with its own AppDB. */
export async function setup(extra: Partial<EngineOptions> = {}, opts: { ownServer?: boolean } = {}) {
  const server = opts.ownServer ? await startTestServer() : await (sharedServer ??= startTestServer());
  const team = await server.team();
  const lan = await team.member('Lan');
  const net = fakeNetwork(server.app);
  const { fetch, tap } = tapped(net);
  const clock = { t: T0 };
  const a = new AppDB('a-' + crypto.randomUUID());
  const b = new AppDB('b-' + crypto.randomUUID());
  const extraDbs: AppDB[] = [];
  cleanups.push(async () => {
    for (const d of [a, b, ...extraDbs]) d.close();
    if (opts.ownServer) await server.close();
  });
  await saveMembership(membershipOf(team.headToken, team.headUserId, team.teamId, 'head'), a);
  await saveMembership(membershipOf(lan.token, lan.userId, team.teamId), b);
  const engine = (db: AppDB, more: Partial<EngineOptions> = {}) =>
    new SyncEngine({ db, fetch, locks: null, sleep: async () => {}, random: () => 1, now: () => clock.t, ...extra, ...more });
  /** Another device of the member Lan (same token), with an empty database. */
  const device = async (): Promise<AppDB> => {
    const d = new AppDB('c-' + crypto.randomUUID());
    extraDbs.push(d);
    await saveMembership(membershipOf(lan.token, lan.userId, team.teamId), d);
    return d;
  };
  return { server, team, lan, net, fetch, tap, clock, a, b, ea: engine(a), eb: engine(b), engine, device };
}

export function hh(over: Partial<HouseholdFields> = {}): HouseholdFields {
  return {
    neighborhood: 'Thôn Đông',
    address: 'Số 1, thôn Đông',
    headName: 'Nguyễn Văn Bình',
    phone: '0912345678',
    consent: { recordedAt: new Date(T0).toISOString(), recordedBy: 'Trưởng thôn', purposes: ['support'], textVersion: CONSENT_TEXT_VERSION },
    ...over,
  };
}

export async function serverCount(server: TestServer, teamId: string, where = 'true'): Promise<number> {
  const rows = await server.db.query<{ n: number }>(`select count(*)::int as n from records where team_id = $1 and ${where}`, [teamId]);
  return Number(rows[0]!.n);
}

export async function serverRecord(server: TestServer, teamId: string, id: string) {
  const rows = await server.db.query<{ version: number; deleted: boolean; data: Record<string, unknown> | null }>(
    'select version, deleted, data from records where team_id = $1 and id = $2',
    [teamId, id],
  );
  return rows[0] ? { ...rows[0], version: Number(rows[0].version) } : undefined;
}

/** Puts a mutation in the outbox by hand (as a buggy or older app version might have). */
export async function addOutboxEntry(db: AppDB, e: Pick<OutboxRow, 'entity' | 'op' | 'id'> & Partial<OutboxRow>): Promise<string> {
  return db.transaction('rw', db.outbox, db.meta, async () => {
    const seq = await nextSeq(db);
    const mid = crypto.randomUUID();
    await db.outbox.add({ mid, seq, clientTs: new Date(T0).toISOString(), state: 'pending', ...e });
    return mid;
  });
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

export const isPush = (url: string) => url.includes('/api/sync/push');
export const isPull = (url: string) => url.includes('/api/sync/pull');
