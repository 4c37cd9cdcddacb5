// @vitest-environment node
/**
 * The batched push path against the per-mutation one: the same random pushes (creates, patches,
 * deletes with cascades, re-sent mids, reused seqs, other teams' ids, bad values, batches that
 * depend on themselves…) go to two fresh databases, one through each path, and must give the
 * same answers (byte for byte) and the same rows in records, audit_log, mutations and
 * team_counters. Then the fallback: a batch whose batched write fails is redone one mutation at a
 * time, with the same outcome as the per-mutation path.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../testing';
import { checklistStepId, consent, householdFields, memberFields, neighborhoodFields, sessionFields, SETUP_TIMEOUT, visitFields, type Fields } from '../test-fixtures';
import type { Database } from '../db/adapter';
import type { Caller } from './auth';
import type { PushBody } from '../../src/domain/wire';
import { push, pushGroup, type PushOptions, type PushWork } from './push';
import { asStored } from './pushBatch';
import { childrenOf } from './records';
import { mulberry32 } from '../../src/domain/random';

// ---------------------------------------------------------------- a seeded scenario

const TEAM_A = '0a000000-0000-4000-8000-000000000001';
const TEAM_B = '0b000000-0000-4000-8000-000000000002';
const COMMUNE = '0c000000-0000-4000-8000-000000000003';

function caller(teamId: string | null, n: number): Caller {
  const role = teamId ? (n === 0 ? 'head' : 'member') : 'admin';
  return { userId: `0d000000-0000-4000-8000-00000000000${n}`, userName: `U${n}`, role, teamId, communeId: COMMUNE, deviceId: randomUUID(), tokenHash: '' };
}

interface Sender {
  caller: Caller;
  deviceId: string;
  seq: number;
}

interface Push {
  sender: Sender;
  body: PushBody;
}

type M = PushBody['mutations'][number];

/** Random pushes whose mutations often refer to each other, within a batch and across batches. */
function scenario(seed: number, pushes: number, opts: { poison?: number } = {}): Push[] {
  const r = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number) => r() < p;
  const senders: Sender[] = [
    { caller: caller(TEAM_A, 0), deviceId: randomUUID(), seq: 0 },
    { caller: caller(TEAM_A, 0), deviceId: randomUUID(), seq: 0 },
    { caller: caller(TEAM_A, 1), deviceId: randomUUID(), seq: 0 },
    { caller: caller(TEAM_B, 2), deviceId: randomUUID(), seq: 0 },
    { caller: caller(null, 3), deviceId: randomUUID(), seq: 0 },
  ];
  // Ids by team and entity, whether or not their create was applied.
  const known = new Map<string, Map<string, string[]>>();
  const ids = (team: string, entity: string) => {
    const t = known.get(team) ?? known.set(team, new Map()).get(team)!;
    return t.get(entity) ?? t.set(entity, []).get(entity)!;
  };
  const sent: { sender: Sender; m: M }[] = [];
  const anyId = (team: string, entity: string) => {
    const xs = ids(team, entity);
    return xs.length && !chance(0.05) ? pick(xs) : randomUUID();
  };
  const maybeUpper = (id: string) => (chance(0.1) ? id.toUpperCase() : id);
  const text = () => pick(['Thôn Đông', 'Ngõ 3', 'Trần Văn Bình', 'Lê Thị Hoa', 'ghi chú', 'ế'.normalize('NFD'), '𝓐']) + Math.floor(r() * 5);

  const fieldsFor = (team: string, entity: string): Fields => {
    switch (entity) {
      case 'household':
        return householdFields({ headName: text(), notes: chance(0.5) ? text() : undefined, ...(chance(0.2) ? { results: { vneidInstalled: 2, scamTraining: 1 } } : {}) });
      case 'member':
        return memberFields(maybeUpper(anyId(team, 'household')), { fullName: text(), birthYear: 1950 + Math.floor(r() * 60) });
      case 'visit':
        return visitFields(anyId(team, 'household'), { notes: chance(0.3) ? text() : undefined, memberIds: chance(0.3) ? [anyId(team, 'member')] : undefined });
      case 'session':
        return sessionFields({ householdIds: chance(0.6) ? [anyId(team, 'household'), anyId(team, 'household')] : undefined });
      case 'neighborhood':
        return neighborhoodFields({ name: text() });
      default:
        return {};
    }
  };
  const patchFor = (team: string, entity: string): Fields => {
    switch (entity) {
      case 'household':
        return pick([{ notes: text() }, { phone: pick(['0912345678', '+84987654321']) }, { headName: text() }, { consent: consent({ textVersion: text() }) }, { notes: null }, { phone: 'x' }, { bogus: 1 }]);
      case 'member':
        return pick([{ fullName: text() }, { birthYear: 1990 }, { householdId: anyId(team, 'household') }, { vneidLevel: 2 }, { birthYear: 1800 }]);
      case 'visit':
        return pick([{ notes: text() }, { outcome: 'partial' }, { householdId: anyId(team, 'household') }]);
      case 'session':
        return pick([{ attendees: Math.floor(r() * 100) }, { householdIds: [anyId(team, 'household')] }]);
      case 'checklistStep':
        return pick([{ status: 'pending' }, { status: 'done', doneOn: '2026-03-04' }, { note: text() }]);
      default:
        return { name: text() };
    }
  };
  const ENTITIES = ['household', 'member', 'visit', 'session', 'neighborhood', 'checklistStep'];

  const out: Push[] = [];
  for (let p = 0; p < pushes; p++) {
    const sender = chance(0.05) ? senders[4]! : chance(0.15) ? senders[3]! : pick(senders.slice(0, 3));
    const team = sender.caller.teamId ?? TEAM_A;
    const other = team === TEAM_A ? TEAM_B : TEAM_A;
    const size = 1 + Math.floor(r() * 30);
    const mutations: M[] = [];
    const next = (m: Omit<M, 'mid' | 'seq'>): M => {
      sender.seq += chance(0.1) ? 3 : 1;
      return { mid: randomUUID(), seq: sender.seq, clientTs: new Date(2026, 2, 1, 8, p).toISOString(), ...m };
    };
    for (let k = 0; k < size; k++) {
      const roll = r();
      let m: M;
      if (roll < 0.3) {
        const entity = pick(['household', 'household', 'member', 'member', 'visit', 'session', 'neighborhood', 'checklistStep']);
        if (entity === 'checklistStep') {
          // deterministic ids: two devices ticking the same step meet on one record
          const memberId = anyId(team, 'member');
          const stepKey = pick(['vneid.install', 'vneid.level2']);
          const status = pick(['pending', 'done'] as const);
          m = next({ entity, op: 'create', id: checklistStepId(memberId, stepKey), fields: { memberId, stepKey, status, ...(status === 'done' ? { doneOn: '2026-03-03' } : {}) } });
        } else {
          m = next({ entity, op: 'create', id: randomUUID(), fields: fieldsFor(team, entity) });
        }
        ids(team, entity).push(m.id);
      } else if (roll < 0.38) {
        // a create on an id that exists (here or in the other team)
        const entity = pick(['household', 'member', 'visit', 'neighborhood']);
        m = next({ entity, op: 'create', id: maybeUpper(anyId(chance(0.7) ? team : other, entity)), fields: fieldsFor(team, entity) });
      } else if (roll < 0.68) {
        const entity = pick(ENTITIES);
        m = next({ entity: chance(0.03) ? pick(ENTITIES) : entity, op: 'patch', id: maybeUpper(anyId(chance(0.95) ? team : other, entity)), baseVersion: Math.floor(r() * 4), fields: patchFor(team, entity) });
      } else if (roll < 0.78) {
        const entity = pick(['household', 'household', 'member', 'visit', 'checklistStep', 'session']);
        m = next({ entity, op: 'delete', id: maybeUpper(anyId(chance(0.95) ? team : other, entity)), baseVersion: Math.floor(r() * 3) });
      } else if (roll < 0.86 && sent.length > 0) {
        // a re-sent mutation (same mid), sometimes from another device of the team
        const old = pick(sent);
        m = { ...old.m };
        if (chance(0.3)) m.seq = next(old.m).seq;
        if (mutations.some((x) => x.mid.toLowerCase() === m.mid.toLowerCase())) continue;
      } else if (roll < 0.9 && sender.seq > 0) {
        // another mid with a seq this device already used (in an earlier batch or this one)
        m = { ...next({ entity: 'neighborhood', op: 'create', id: randomUUID(), fields: fieldsFor(team, 'neighborhood') }), seq: 1 + Math.floor(r() * sender.seq) };
      } else if (roll < 0.93) {
        m = next({ entity: pick(['guide', 'nope', 7]), op: 'create', id: randomUUID(), fields: {} });
      } else if (roll < 0.96) {
        m = next({ entity: 'household', op: 'create', id: randomUUID(), fields: householdFields({ teamId: chance(0.5) ? team : other }) });
        ids(team, 'household').push(m.id);
      } else {
        m = next({ entity: 'household', op: 'patch', id: anyId(team, 'household'), baseVersion: chance(0.5) ? null : -1, fields: chance(0.5) ? [] : { notes: text() } });
      }
      mutations.push(m);
    }
    if (opts.poison && p % opts.poison === opts.poison - 1 && mutations.length > 1) {
      // a value the database refuses, in the middle of the batch
      const id = randomUUID();
      mutations.splice(Math.floor(mutations.length / 2), 0, next({ entity: 'household', op: 'create', id, fields: householdFields({ notes: `refused ${REFUSED} here` }) }));
    }
    if (chance(0.3)) mutations.reverse(); // request order is not seq order
    for (const m of mutations) sent.push({ sender, m });
    out.push({ sender, body: { protocol: 1, deviceId: chance(0.1) ? sender.deviceId.toUpperCase() : sender.deviceId, appVersion: 't', mutations } });
  }
  return out;
}

// ---------------------------------------------------------------- two databases, one per path

async function setUp(db: Database): Promise<void> {
  await db.query('insert into communes (id, name) values ($1, $2)', [COMMUNE, 'Xã So Sánh']);
  for (const t of [TEAM_A, TEAM_B]) {
    await db.query('insert into teams (id, commune_id, name) values ($1, $2, $3)', [t, COMMUNE, t]);
    await db.query('insert into team_counters (team_id) values ($1)', [t]);
  }
}

/** Every row the pushes can touch, minus the clock columns (each transaction has its own now()). */
async function dump(db: Database): Promise<{ records: string[]; audit: string[]; mutations: string[]; counters: string[] }> {
  const rows = async (sql: string) => (await db.query(sql)).map((x) => JSON.stringify(x)).sort();
  return {
    records: await rows('select team_id, id, entity, version, deleted, data, field_versions, server_seq::text, created_by, updated_by, created_at = updated_at as untouched from records'),
    audit: await rows('select team_id, server_seq::text, record_id, entity, op, fields, user_id, device_id, mid, client_ts from audit_log'),
    mutations: await rows('select team_id, mid, device_id, seq::text, entity, record_id, result from mutations'),
    counters: await rows('select team_id, last_seq::text from team_counters'),
  };
}

/**
 * Validation now catches what PostgreSQL refuses (a NUL, a lone surrogate), so a database that
 * refuses any write carrying this marker stands in for such a value.
 */
const REFUSED = 'REFUSED-BY-THE-DATABASE';
const SECRET = 'value violates check constraint "records_secret_check" on relation "records"';

function refusing(db: Database): Database {
  const carries = (params?: unknown[]) => JSON.stringify(params ?? []).includes(REFUSED);
  return {
    kind: db.kind,
    query: (sql, params) => (carries(params) ? Promise.reject(new Error(SECRET)) : db.query(sql, params)),
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          exec: (sql) => tx.exec(sql),
          query: <T,>(sql: string, params?: unknown[]) => (carries(params) ? Promise.reject(new Error(SECRET)) : tx.query<T>(sql, params)),
        }),
      ),
  };
}

let serial: TestServer;
let batched: TestServer;

beforeAll(async () => {
  serial = await startTestServer();
  batched = await startTestServer();
}, SETUP_TIMEOUT);
afterAll(async () => {
  await serial?.close();
  await batched?.close();
}, SETUP_TIMEOUT);

async function fresh(server: TestServer): Promise<void> {
  for (const t of ['audit_log', 'mutations', 'records', 'team_counters', 'teams', 'communes']) await server.db.query(`delete from ${t}`);
  await setUp(server.db);
}

const statuses = new Set<string>();

/** Runs the pushes through both paths; returns how often the batched path fell back. */
async function compare(pushes: Push[]): Promise<number> {
  await fresh(serial);
  await fresh(batched);
  let fallbacks = 0;
  const options: PushOptions = { onFallback: () => void fallbacks++ };
  for (const [n, p] of pushes.entries()) {
    const a = await push(refusing(serial.db), p.sender.caller, structuredClone(p.body), { mode: 'serial' });
    const b = await push(refusing(batched.db), p.sender.caller, structuredClone(p.body), options);
    expect(JSON.stringify(b), `push #${n}`).toBe(JSON.stringify(a));
    for (const r of a) statuses.add(r.status === 'rejected' ? `rejected ${r.code}` : r.status);
  }
  expect(await dump(batched.db)).toEqual(await dump(serial.db));
  return fallbacks;
}

describe('the batched path gives what the per-mutation path gives', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`random pushes (seed ${seed})`, async () => {
      expect(await compare(scenario(seed, 60))).toBe(0);
    }, 120_000);
  }

  it('the random pushes reached every kind of answer', () => {
    expect([...statuses].sort()).toEqual(['applied', 'conflict', 'duplicate', 'rejected FORBIDDEN', 'rejected GONE', 'rejected NOT_FOUND', 'rejected VALIDATION']);
  });

  it('a batch that depends on itself: create, patch, member, cascade, patch after delete, re-create', async () => {
    const c = caller(TEAM_A, 0);
    const h = randomUUID();
    const mem = randomUUID();
    const step = checklistStepId(mem, 'vneid.install');
    const v = randomUUID();
    let seq = 0;
    const m = (x: Omit<M, 'mid' | 'seq'>): M => ({ mid: randomUUID(), seq: ++seq, ...x });
    const body: PushBody = {
      protocol: 1,
      deviceId: randomUUID(),
      mutations: [
        m({ entity: 'household', op: 'create', id: h, fields: householdFields() }),
        m({ entity: 'household', op: 'patch', id: h.toUpperCase(), baseVersion: 0, fields: { notes: 'a', consent: consent({ textVersion: 'x' }) } }),
        m({ entity: 'household', op: 'patch', id: h, baseVersion: 1, fields: { notes: 'b', consent: consent({ textVersion: 'y' }) } }),
        m({ entity: 'member', op: 'create', id: mem, fields: memberFields(h) }),
        m({ entity: 'checklistStep', op: 'create', id: step, fields: { memberId: mem, stepKey: 'vneid.install', status: 'done', doneOn: '2026-03-03' } }),
        m({ entity: 'visit', op: 'create', id: v, fields: visitFields(h) }),
        m({ entity: 'household', op: 'delete', id: h, baseVersion: 3 }),
        m({ entity: 'member', op: 'patch', id: mem, baseVersion: 1, fields: { fullName: 'X' } }),
        m({ entity: 'visit', op: 'create', id: randomUUID(), fields: visitFields(h) }),
        m({ entity: 'household', op: 'delete', id: h, baseVersion: 3 }),
        m({ entity: 'household', op: 'create', id: h, fields: householdFields() }),
      ],
    };
    expect(await compare([{ sender: { caller: c, deviceId: body.deviceId, seq }, body }])).toBe(0);
    const rows = (await dump(batched.db)).records.map((x) => JSON.parse(x) as { entity: string; deleted: boolean });
    expect(rows.filter((x) => x.deleted).map((x) => x.entity).sort()).toEqual(['checklistStep', 'household', 'member', 'visit']);
  }, 60_000);
});

/** Counts the statements sent inside each transaction (a text of several is one round trip). */
function counting(db: Database, sent: string[]): Database {
  return {
    ...db,
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          exec: (sql) => (sent.push(sql), tx.exec(sql)),
          query: <T,>(sql: string, params?: unknown[]) => (sent.push(sql), tx.query<T>(sql, params)),
        }),
      ),
  };
}

describe('round trips', () => {
  it('a batch costs the same few statements whatever its size: the counter lock, one read, one write', async () => {
    const db = batched.db;
    await fresh(batched);
    const c = caller(TEAM_A, 0);
    const deviceId = randomUUID();
    const households = Array.from({ length: 20 }, () => randomUUID());
    const creates: M[] = households.map((id, i) => ({ mid: randomUUID(), seq: i + 1, entity: 'household', op: 'create', id, fields: householdFields() }));
    const members: M[] = households.map((householdId, i) => ({ mid: randomUUID(), seq: 21 + i, entity: 'member', op: 'create', id: randomUUID(), fields: memberFields(householdId) }));
    const patches: M[] = households.map((id, i) => ({ mid: randomUUID(), seq: 41 + i, entity: 'household', op: 'patch', id, baseVersion: 1, fields: { phone: `09${String(i).padStart(8, '0')}` } }));
    const sent: string[] = [];
    const first = await push(counting(db, sent), c, { protocol: 1, deviceId, mutations: [...creates, ...members] });
    expect(first.every((r) => r.status === 'applied')).toBe(true);
    // 40 creates: the lock (with its timeout on PostgreSQL, one text), the read, the write.
    expect(sent).toHaveLength(3);
    sent.length = 0;
    const second = await push(counting(db, sent), c, { protocol: 1, deviceId, mutations: patches });
    expect(second.every((r) => r.status === 'applied')).toBe(true);
    expect(sent).toHaveLength(3);
    const counter = await db.query<{ last_seq: number | string }>('select last_seq from team_counters where team_id = $1', [TEAM_A]);
    expect(Number(counter[0]!.last_seq)).toBe(60);
  }, 60_000);

  it('records written once in a batch are not copied into their stored form; one read again in it is, once', async () => {
    await fresh(batched);
    const c = caller(TEAM_A, 0);
    const ids = Array.from({ length: 20 }, () => randomUUID());
    const creates: M[] = ids.map((id, i) => ({ mid: randomUUID(), seq: i + 1, entity: 'household', op: 'create', id, fields: householdFields() }));
    // The stored form is a JSON round trip (asStored): its parses count the copies made.
    const parses = vi.spyOn(JSON, 'parse');
    try {
      const first = await push(batched.db, c, { protocol: 1, deviceId: randomUUID(), mutations: creates });
      expect(first.every((r) => r.status === 'applied')).toBe(true);
      expect(parses).not.toHaveBeenCalled();
      const again = randomUUID();
      const patched = await push(batched.db, c, {
        protocol: 1,
        deviceId: randomUUID(),
        mutations: [
          { mid: randomUUID(), seq: 1, entity: 'household', op: 'create', id: again, fields: householdFields() },
          { mid: randomUUID(), seq: 2, entity: 'household', op: 'patch', id: again, baseVersion: 1, fields: { notes: 'một' } },
          { mid: randomUUID(), seq: 3, entity: 'household', op: 'patch', id: again, baseVersion: 2, fields: { notes: 'hai' } },
        ],
      });
      expect(patched.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
      // Read back by each patch: its data and its field versions, each time.
      expect(parses).toHaveBeenCalledTimes(4);
    } finally {
      parses.mockRestore();
    }
  }, 60_000);

  it('deletes that cascade cost no statement more: what they take with them is read with the rest', async () => {
    const db = batched.db;
    await fresh(batched);
    const c = caller(TEAM_A, 0);
    const deviceId = randomUUID();
    let seq = 0;
    const m = (x: Omit<M, 'mid' | 'seq'>): M => ({ mid: randomUUID(), seq: ++seq, ...x });
    const households = [randomUUID(), randomUUID(), randomUUID()];
    const members = households.map(() => randomUUID());
    const lone = randomUUID();
    const setup = [
      ...households.map((id) => m({ entity: 'household', op: 'create', id, fields: householdFields() })),
      ...members.map((id, i) => m({ entity: 'member', op: 'create', id, fields: memberFields(households[i]!) })),
      m({ entity: 'member', op: 'create', id: lone, fields: memberFields(households[2]!) }),
      ...[...members, lone].map((id) => m({ entity: 'checklistStep', op: 'create', id: checklistStepId(id, 'vneid.install'), fields: { memberId: id, stepKey: 'vneid.install', status: 'pending' } })),
      ...households.map((id) => m({ entity: 'visit', op: 'create', id: randomUUID(), fields: visitFields(id) })),
    ];
    expect((await push(db, c, { protocol: 1, deviceId, mutations: setup })).every((r) => r.status === 'applied')).toBe(true);
    const sent: string[] = [];
    const deletes = [
      m({ entity: 'household', op: 'delete', id: households[0]!, baseVersion: 1 }),
      m({ entity: 'member', op: 'delete', id: lone, baseVersion: 1 }),
      m({ entity: 'household', op: 'delete', id: households[1]!.toUpperCase(), baseVersion: 1 }),
    ];
    const results = await push(counting(db, sent), c, { protocol: 1, deviceId, mutations: deletes });
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    expect(sent).toHaveLength(3);
    const gone = await db.query<{ entity: string; n: number | string }>('select entity, count(*) as n from records where deleted group by entity order by entity');
    // Two households, each with its member, the member's step and its visit; the lone member and its step.
    expect(gone.map((r) => [r.entity, Number(r.n)])).toEqual([['checklistStep', 3], ['household', 2], ['member', 3], ['visit', 2]]);
  }, 60_000);

  it('a cascade looked up one mutation at a time reads only the records it finds, not every one of their entity', async () => {
    const db = batched.db;
    await fresh(batched);
    const c = caller(TEAM_A, 0);
    const busy = randomUUID();
    const quiet = randomUUID();
    const visits = [...Array.from({ length: 120 }, () => busy), quiet].map((h, i): M => ({ mid: randomUUID(), seq: i + 3, entity: 'visit', op: 'create', id: randomUUID(), fields: visitFields(h) }));
    const households = [busy, quiet].map((id, i): M => ({ mid: randomUUID(), seq: i + 1, entity: 'household', op: 'create', id, fields: householdFields() }));
    await push(db, c, { protocol: 1, deviceId: randomUUID(), mutations: [...households, ...visits] });
    // The lookup's own statement, read through the plan PostgreSQL runs for it.
    const statements: { sql: string; params?: unknown[] }[] = [];
    const found = await childrenOf({ query: async (sql, params) => (statements.push({ sql, params }), db.query(sql, params)), exec: (sql) => db.exec(sql) }, TEAM_A, 'visit', 'householdId', [quiet]);
    expect(found).toHaveLength(1);
    const [{ sql, params }] = statements as [{ sql: string; params?: unknown[] }];
    const [plan] = await db.query<{ 'QUERY PLAN': unknown }>(`explain (analyze, format json) ${sql}`, params);
    const removed = (node: Record<string, unknown>): number =>
      Number(node['Rows Removed by Filter'] ?? 0) + ((node.Plans as Record<string, unknown>[] | undefined) ?? []).reduce((n, child) => n + removed(child), 0);
    const raw = plan!['QUERY PLAN'];
    const top = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: Record<string, unknown> }[];
    expect(removed(top[0]!.Plan)).toBe(0);
  }, 60_000);
});

describe('fallback', () => {
  it('a batch the database refuses part of is redone one mutation at a time, with the same outcome', async () => {
    const pushes = scenario(7, 30, { poison: 5 });
    const poisoned = pushes.filter((p) => p.body.mutations.some((m) => JSON.stringify(m.fields ?? null).includes(REFUSED))).length;
    expect(poisoned).toBeGreaterThan(0);
    const fallbacks = await compare(pushes);
    // every poisoned batch of a team fell back (an admin's batch never takes the batched path)
    expect(fallbacks).toBeGreaterThan(0);
    expect(fallbacks).toBeLessThanOrEqual(poisoned);
  }, 120_000);

  it('a batched write that fails like a concurrent insert would (unique violation) falls back; the rest applies', async () => {
    const db = batched.db;
    await fresh(batched);
    const blocked = randomUUID();
    // Stands in for another writer that inserted this id first: the insert fails with 23505.
    await db.exec(`create or replace function refuse_one() returns trigger language plpgsql as $$
      begin if new.id = '${blocked}' then raise exception 'duplicate key' using errcode = 'unique_violation'; end if; return new; end $$;
      create trigger refuse_one before insert on records for each row execute function refuse_one();`);
    try {
      const c = caller(TEAM_A, 0);
      const errors: unknown[] = [];
      const body: PushBody = {
        protocol: 1,
        deviceId: randomUUID(),
        mutations: [randomUUID(), blocked, randomUUID()].map((id, i) => ({ mid: randomUUID(), seq: i + 1, entity: 'household', op: 'create', id, fields: householdFields() })),
      };
      const results = await push(db, c, body, { onFallback: (e) => errors.push(e) });
      expect(errors).toHaveLength(1);
      expect((errors[0] as { code?: string }).code).toBe('23505');
      expect(results.map((x) => x.status)).toEqual(['applied', 'rejected', 'applied']);
      expect(results.map((x) => (x.status === 'applied' ? x.serverSeq : null))).toEqual([1, null, 2]);
      const rows = await db.query<{ n: number | string }>('select count(*) as n from records');
      expect(Number(rows[0]!.n)).toBe(2);
      const audits = await db.query<{ n: number | string }>('select count(*) as n from audit_log');
      expect(Number(audits[0]!.n)).toBe(2);
    } finally {
      await db.exec('drop trigger refuse_one on records; drop function refuse_one();');
    }
  }, 60_000);
});

/** The pushes in order, consecutive ones of one team in groups of at most `size` (an admin's alone). */
function grouped(pushes: Push[], size: number): Push[][] {
  const groups: Push[][] = [];
  for (const p of pushes) {
    const last = groups.at(-1);
    const team = p.sender.caller.teamId;
    if (last && team && last.length < size && last[0]!.sender.caller.teamId === team) last.push(p);
    else groups.push([p]);
  }
  return groups;
}

/** `dump` without `untouched`: a record created and changed in one group shares one transaction's clock. */
async function dumpNoClock(db: Database): Promise<ReturnType<typeof dump>> {
  const d = await dump(db);
  const records = d.records.map((x) => {
    const { untouched: _clock, ...rest } = JSON.parse(x) as Record<string, unknown>;
    return JSON.stringify(rest);
  });
  return { ...d, records: records.sort() };
}

describe('grouped pushes (one transaction for pushes of a team that waited together)', () => {
  /** One after another the per-mutation way, and in groups: the same answers and rows. */
  async function compareGrouped(pushes: Push[]): Promise<{ groups: number; together: number }> {
    await fresh(serial);
    await fresh(batched);
    const groups = grouped(pushes, 4);
    for (const [n, group] of groups.entries()) {
      const expected: unknown[] = [];
      for (const p of group) expected.push(await push(refusing(serial.db), p.sender.caller, structuredClone(p.body), { mode: 'serial' }));
      const work: PushWork[] = group.map((p) => ({ caller: p.sender.caller, body: structuredClone(p.body) }));
      const settled = await pushGroup(refusing(batched.db), work);
      expect(settled.every((x) => x.ok)).toBe(true);
      expect(JSON.stringify(settled.map((x) => (x.ok ? x.value : null))), `group #${n}`).toBe(JSON.stringify(expected));
    }
    expect(await dumpNoClock(batched.db)).toEqual(await dumpNoClock(serial.db));
    return { groups: groups.length, together: groups.filter((g) => g.length > 1).length };
  }

  for (const seed of [11, 12]) {
    it(`random pushes in groups give what they give one by one (seed ${seed})`, async () => {
      const { groups, together } = await compareGrouped(scenario(seed, 60));
      expect(together).toBeGreaterThan(0);
      expect(groups).toBeLessThan(60);
    }, 120_000);
  }

  it('a group with a batch the database refuses part of is redone push by push, with the same outcome', async () => {
    const pushes = scenario(13, 40, { poison: 3 });
    const poisonedInGroup = grouped(pushes, 4).filter((g) => g.length > 1 && g.some((p) => JSON.stringify(p.body).includes(REFUSED)));
    expect(poisonedInGroup.length).toBeGreaterThan(0);
    await compareGrouped(pushes);
  }, 120_000);

  it('a conflict answer sent again after another push of its group deleted the record is GONE, as it is one push after the other', async () => {
    await fresh(serial);
    await fresh(batched);
    const a: Sender = { caller: caller(TEAM_A, 0), deviceId: randomUUID(), seq: 0 };
    const b: Sender = { caller: caller(TEAM_A, 1), deviceId: randomUUID(), seq: 0 };
    const h = randomUUID();
    const body = (s: Sender, mutations: Omit<M, 'seq'>[]): Push => ({ sender: s, body: { protocol: 1, deviceId: s.deviceId, mutations: mutations.map((m) => ({ ...m, seq: ++s.seq })) } });
    const conflicting = { mid: randomUUID(), entity: 'household', op: 'patch', id: h, baseVersion: 1, fields: { notes: 'của A' } } as const;
    const before = [
      body(a, [{ mid: randomUUID(), entity: 'household', op: 'create', id: h, fields: householdFields() }]),
      body(b, [{ mid: randomUUID(), entity: 'household', op: 'patch', id: h, baseVersion: 1, fields: { notes: 'của B' } }]),
      body(a, [conflicting]),
    ];
    const resent: Push = { sender: a, body: { ...before[2]!.body } };
    const together = [body(b, [{ mid: randomUUID(), entity: 'household', op: 'delete', id: h, baseVersion: 2 }]), resent];
    for (const p of before) {
      await push(serial.db, p.sender.caller, structuredClone(p.body), { mode: 'serial' });
      await push(batched.db, p.sender.caller, structuredClone(p.body));
    }
    const expected: unknown[] = [];
    for (const p of together) expected.push(await push(serial.db, p.sender.caller, structuredClone(p.body), { mode: 'serial' }));
    expect(expected[1]).toEqual([{ mid: conflicting.mid, status: 'rejected', code: 'GONE', message: 'this record was deleted' }]);
    const settled = await pushGroup(batched.db, together.map((p) => ({ caller: p.sender.caller, body: structuredClone(p.body) })));
    expect(JSON.stringify(settled.map((x) => (x.ok ? x.value : null)))).toBe(JSON.stringify(expected));
    expect(await dumpNoClock(batched.db)).toEqual(await dumpNoClock(serial.db));
  }, 60_000);

  it('a group is one transaction of three statements whatever its size: the counter lock, one read and one write for all its pushes', async () => {
    await fresh(batched);
    const c = caller(TEAM_A, 0);
    const bodies: PushBody[] = [0, 1, 2].map(() => ({
      protocol: 1,
      deviceId: randomUUID(),
      mutations: [1, 2].map((seq) => ({ mid: randomUUID(), seq, entity: 'household', op: 'create', id: randomUUID(), fields: householdFields() })),
    }));
    const sent: string[] = [];
    let transactions = 0;
    const db = counting(batched.db, sent);
    const settled = await pushGroup({ ...db, transaction: (fn) => (transactions++, db.transaction(fn)) }, bodies.map((body) => ({ caller: c, body })));
    expect(transactions).toBe(1);
    expect(sent).toHaveLength(3);
    // Each push keeps its own answers, numbered after the push before it.
    expect(settled.map((x) => (x.ok ? x.value.map((r) => (r.status === 'applied' ? r.serverSeq : null)) : x.error))).toEqual([[1, 2], [3, 4], [5, 6]]);
    const counter = await batched.db.query<{ last_seq: number | string }>('select last_seq from team_counters where team_id = $1', [TEAM_A]);
    expect(Number(counter[0]!.last_seq)).toBe(6);
  }, 60_000);
});

describe('asStored', () => {
  it('gives a value as jsonb gives it back (key order: shorter first, then bytewise; no undefined)', async () => {
    const value = { bb: 1, a: { zz: [{ y: 1, x: undefined, ab: 2 }], é: 1, b: 2, '10': 0, Z: 1 }, c: undefined, ['__proto__']: 5, ñ: [2, { e: 1.5, d: -0 }] };
    const v = asStored(value as Record<string, unknown>);
    const [row] = await batched.db.query<{ v: unknown }>('select $1::jsonb as v', [JSON.stringify(value)]);
    expect(JSON.stringify(v)).toBe(JSON.stringify(row!.v));
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });
});

describe('a change the database refuses', () => {
  it('is rejected with a fixed message, never the database’s own text, and the rest applies', async () => {
    await fresh(serial);
    const body: PushBody = {
      protocol: 1,
      deviceId: randomUUID(),
      mutations: [`refused ${REFUSED}`, 'fine'].map((name, i) => ({ mid: randomUUID(), seq: i + 1, entity: 'neighborhood', op: 'create', id: randomUUID(), fields: neighborhoodFields({ name }) })),
    };
    const [first, second] = await push(refusing(serial.db), caller(TEAM_A, 0), body, { mode: 'serial' });
    expect(first).toEqual({ mid: body.mutations[0]!.mid, status: 'rejected', code: 'VALIDATION', message: 'could not store this change' });
    expect(second!.status).toBe('applied');
  });
});
