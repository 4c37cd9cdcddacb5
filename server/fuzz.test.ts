// @vitest-environment node
/**
 * 200 malformed requests from a seeded fuzzer against push, enroll, invites and pull (sync spec:
 * "a malformed request is a 4xx, never a 5xx, and never changes data"). Every answer must be a
 * 4xx `{error:{code,message}}` (or 200 with per-mutation results for field-level garbage), and
 * the database must be unchanged where the request was refused.
 *
 * Cases that hit a deviation already reported (see the `known` predicates) are run with
 * `it.fails`, so they turn red once the server is fixed and the marker can go.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { startTestServer, type TestServer, type TestTeam } from './testing';
import {
  counts,
  Device,
  expectError,
  householdFields,
  memberFields,
  neighborhoodFields,
  NO_RATE_LIMIT,
  SETUP_TIMEOUT,
  sessionFields,
  visitFields,
  type Fields,
} from './test-fixtures';
import { mulberry32 } from '../src/domain/random';

const SEED = 0x5eed_2026;
const rnd = mulberry32(SEED);
const int = (n: number) => Math.floor(rnd() * n);
const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
const chance = (p: number) => rnd() < p;

/** A deterministic UUID from the PRNG (the fuzzer must be reproducible). */
function fuzzUuid(): string {
  const h = Array.from({ length: 32 }, () => '0123456789abcdef'[int(16)]).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[int(4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const WEIRD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\udc00\ud800',
  '💥💥💥',
  'ễ'.repeat(300),
  '𝕏'.repeat(101),
  '<script>alert(1)</script>',
  "'; drop table records; --",
  '%00',
  '\\',
  '"',
  'null',
  'true',
  '1',
  'NaN',
  '\u202e\u200b',
  'x'.repeat(5000),
];
const WEIRD_NUMBERS = [0, -1, 1.5, -0.5, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, 1e-300, 2 ** 31, -(2 ** 31) - 1, 123456789012345680000, 42];

function randomKey(): string {
  return pick(['a', 'x_field', 'mutations', 'protocol', '', ' ', 'ñ', 'key\u0000', '\ud800', '0', 'length', 'toString']);
}

/** Any JSON value, nested garbage included. */
function randomValue(depth = 0): unknown {
  const k = int(depth > 3 ? 4 : 7);
  switch (k) {
    case 0:
      return null;
    case 1:
      return chance(0.5);
    case 2:
      return pick(WEIRD_NUMBERS);
    case 3:
      return pick(WEIRD_STRINGS);
    case 4:
      return Array.from({ length: int(4) }, () => randomValue(depth + 1));
    case 5:
    case 6: {
      const o: Record<string, unknown> = {};
      for (let i = int(4); i > 0; i--) o[randomKey()] = randomValue(depth + 1);
      return o;
    }
  }
  return null;
}

/** A value of a type other than `not`. */
function wrongType(not: 'string' | 'number' | 'object' | 'array' | 'boolean'): unknown {
  for (;;) {
    const v = randomValue(2);
    const t = Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
    if (t !== not) return v;
  }
}

const NOT_UUIDS = ['phone-1', '', 'dbfb0c5239844 0e595d46459fe965960', '{dbfb0c52-3984-40e5-95d4-6459fe965960}', 'dbfb0c52-3984-40e5-95d4-6459fe96596g', 'dbfb0c52-3984-40e5-95d4-6459fe965960x', 'a\u0000', 12, null, {}, [], true];
const NOT_SEQS = [0, -1, 1.5, 2 ** 53, 1e308, '5', null, {}, [], true, -0.5, 'NaN'];
const NOT_OPS = ['upsert', 'CREATE', 'Delete', '', 'create ', 'patch\u0000', 0, null, ['create'], {}];

type Ctx = { server: TestServer; team: TestTeam; inviteCode: string; cursor: string };
type Req = { method: 'GET' | 'POST'; url: string; token?: string; payload?: string | Buffer; headers?: Record<string, string> };

interface Case {
  name: string;
  /** The deviation this case is known to hit (then it runs as `it.fails`). */
  known?: string;
  build: (ctx: Ctx) => Req;
  /** Statuses the spec allows for this request. */
  allowed: number[];
  /** Tables that must not change when the answer is a 4xx (and, with `alwaysUnchanged`, ever). */
  tables: string[];
  alwaysUnchanged?: string[];
  /** Extra checks on a 200/201 answer. */
  ok?: (body: unknown, r: LightMyRequestResponse) => void;
}

const json = (v: unknown) => ({ payload: JSON.stringify(v), headers: { 'content-type': 'application/json' } });
const PUSH_TABLES = ['records', 'mutations', 'audit_log'];

// ------------------------------------------------------------------ push: envelope-level garbage

function validEnvelope(): { body: Record<string, unknown>; muts: Record<string, unknown>[] } {
  const muts = Array.from({ length: 1 + int(3) }, (_, i) => ({
    mid: fuzzUuid(),
    seq: 1 + i + int(1000),
    entity: 'neighborhood',
    op: 'create',
    id: fuzzUuid(),
    fields: neighborhoodFields({ name: `Fuzz ${i}` }),
  }));
  // seq values must differ for a valid envelope to be meaningful
  muts.forEach((m, i) => (m.seq = (i + 1) * 1000 + int(999)));
  return { body: { protocol: 1, deviceId: fuzzUuid(), appVersion: '1.0.0', mutations: muts }, muts };
}

function expectedEnvelopeStatus(parsed: unknown): number {
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const p = (parsed as Record<string, unknown>).protocol;
    if (Number.isInteger(p) && p !== 1) return 426;
  }
  return 400;
}

function pushEnvelopeCase(i: number): Case {
  const kind = int(14);
  const { body, muts } = validEnvelope();
  const m = muts[int(muts.length)]!;
  let raw: string | Buffer | undefined;
  let what: string;
  switch (kind) {
    case 0:
      what = 'random JSON body';
      raw = JSON.stringify(randomValue());
      break;
    case 1: {
      what = 'truncated JSON';
      const s = JSON.stringify(body);
      raw = s.slice(0, 1 + int(s.length - 2));
      break;
    }
    case 2:
      what = 'protocol of a wrong type or value';
      body.protocol = pick(['1', 1.5, null, true, [1], { v: 1 }, 2, 0, -1, 1e308, '2', 1.0000001, undefined]);
      break;
    case 3:
      what = 'deviceId not a UUID';
      body.deviceId = pick(NOT_UUIDS);
      break;
    case 4:
      what = 'mutations not an array';
      body.mutations = pick([null, {}, '[]', 5, true, { 0: m }, undefined]);
      break;
    case 5:
      what = 'a mutation not an object';
      (body.mutations as unknown[]).splice(int(muts.length + 1), 0, pick([null, 5, 'create', [], true, [m]]));
      break;
    case 6:
      what = 'mid missing or not a UUID';
      if (chance(0.3)) delete m.mid;
      else m.mid = pick(NOT_UUIDS);
      break;
    case 7:
      what = 'seq missing or out of range';
      if (chance(0.2)) delete m.seq;
      else m.seq = pick(NOT_SEQS);
      break;
    case 8:
      what = 'op missing or unknown';
      if (chance(0.2)) delete m.op;
      else m.op = pick(NOT_OPS);
      break;
    case 9:
      what = 'id missing or not a UUID';
      if (chance(0.2)) delete m.id;
      else m.id = pick(NOT_UUIDS);
      break;
    case 10:
      what = 'a mid repeated';
      (body.mutations as unknown[]).push({ ...m, seq: (m.seq as number) + 1, id: fuzzUuid() });
      break;
    case 11:
      what = 'NUL or invalid UTF-8 outside strings';
      raw = chance(0.5) ? `{"protocol":1,\u0000"deviceId":"${fuzzUuid()}","mutations":[]}` : Buffer.concat([Buffer.from('{"protocol":1,'), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('"mutations":[]}')]);
      break;
    case 12:
      what = 'deeply nested garbage';
      raw = `${'['.repeat(2000 + int(3000))}${chance(0.5) ? ']'.repeat(10) : ''}`;
      break;
    default:
      what = 'garbage at the top level';
      raw = pick(['', ' ', 'null', 'true', '"push"', '[]', '{}', '{"protocol":1', '{protocol:1}', "{'protocol':1}", '{"protocol":1,}', 'NaN', '1e999']);
      break;
  }
  const payload = raw ?? JSON.stringify(body);
  let parsed: unknown;
  try {
    parsed = typeof payload === 'string' ? JSON.parse(payload) : undefined;
  } catch {
    parsed = undefined;
  }
  const expected = raw === undefined || (typeof raw === 'string' && parsed !== undefined) ? expectedEnvelopeStatus(parsed) : 400;
  return {
    name: `push #${i}: ${what}`,
    build: ({ team }) => ({ method: 'POST', url: '/api/sync/push', token: team.headToken, payload, headers: { 'content-type': 'application/json' } }),
    // an empty body or unparseable bytes may also be answered 415 by a strict parser
    allowed: expected === 426 ? [426] : [400, ...(payload === '' ? [415] : [])],
    tables: PUSH_TABLES,
    alwaysUnchanged: PUSH_TABLES,
  };
}

// ------------------------------------------------------------------ push: field-level garbage

const VALID_FIELDS: Record<string, () => Fields> = {
  household: () => householdFields(),
  member: () => memberFields(fuzzUuid()),
  visit: () => visitFields(fuzzUuid()),
  session: () => sessionFields(),
  neighborhood: () => neighborhoodFields(),
  checklistStep: () => ({ memberId: fuzzUuid(), stepKey: 'vneid.install', status: 'pending' }),
};
const REQUIRED: Record<string, Array<[string, 'string' | 'number' | 'object' | 'array']>> = {
  household: [['neighborhood', 'string'], ['address', 'string'], ['headName', 'string'], ['consent', 'object']],
  member: [['householdId', 'string'], ['fullName', 'string'], ['birthYear', 'number']],
  visit: [['householdId', 'string'], ['date', 'string'], ['topics', 'array'], ['outcome', 'string']],
  session: [['date', 'string'], ['place', 'string'], ['topics', 'array'], ['attendees', 'number']],
  neighborhood: [['name', 'string'], ['kind', 'string']],
  checklistStep: [['memberId', 'string'], ['stepKey', 'string'], ['status', 'string']],
};
const ENTITY_NAMES = Object.keys(VALID_FIELDS);

function pushFieldsCase(i: number): Case {
  const device = fuzzUuid();
  let seq = 1 + int(100);
  const muts: Record<string, unknown>[] = [];
  let mustReject = true;
  let known: string | undefined;
  const kinds: string[] = [];
  const n = 1 + int(4);
  for (let j = 0; j < n; j++) {
    const entity = pick(ENTITY_NAMES);
    const base = { mid: fuzzUuid(), seq: (seq += 1 + int(5)), id: fuzzUuid(), clientTs: '2026-03-01T00:00:00Z' };
    const kind = int(6);
    kinds.push(['entity', 'fields-type', 'required-wrong', 'unknown-field', 'missing-record', 'strings'][kind]!);
    switch (kind) {
      case 0: {
        let e: unknown;
        do e = randomValue(1);
        while (typeof e === 'string' && [...ENTITY_NAMES, 'guide'].includes(e));
        if (chance(0.3)) e = pick(['Household', 'households', 'member ', 'guides', 'visit\u0000', '\u0000', 'house\u0000hold', '']);
        if (typeof e === 'string' && e.includes('\u0000')) known = 'D1';
        muts.push({ ...base, entity: e, op: pick(['create', 'patch', 'delete']), fields: VALID_FIELDS.neighborhood!(), baseVersion: 1 });
        break;
      }
      case 1:
        muts.push({ ...base, entity, op: 'create', fields: wrongType('object') });
        break;
      case 2: {
        const fields = VALID_FIELDS[entity]!();
        const [key, type] = pick(REQUIRED[entity]!);
        fields[key] = chance(0.2) ? undefined : wrongType(type);
        muts.push({ ...base, entity, op: 'create', fields });
        break;
      }
      case 3: {
        const fields = VALID_FIELDS[entity]!();
        fields[pick(['x_extra', 'color', 'teamid', 'team_id', 'key\u0000', '\ud800', 'Notes'])] = randomValue(2);
        muts.push({ ...base, entity, op: 'create', fields });
        break;
      }
      case 4:
        muts.push({ ...base, entity, op: pick(['patch', 'delete']), baseVersion: pick([1, 0, 7]), fields: chance(0.5) ? randomValue(1) : VALID_FIELDS[entity]!() });
        break;
      default: {
        // strings with NUL, lone surrogates, bidi marks, long text in an otherwise valid create:
        // applied (perhaps cleaned) or rejected VALIDATION, never a 5xx
        mustReject = false;
        const fields = VALID_FIELDS[entity]!();
        const [key, type] = pick(REQUIRED[entity]!);
        if (type === 'string' && !['householdId', 'memberId', 'date', 'outcome', 'kind', 'status'].includes(key)) fields[key] = pick(WEIRD_STRINGS);
        else fields.notes = pick(WEIRD_STRINGS);
        if (entity === 'checklistStep') {
          delete fields.notes;
          fields.note = pick(WEIRD_STRINGS);
        }
        muts.push({ ...base, entity, op: 'create', fields });
      }
    }
  }
  const body = { protocol: 1, deviceId: device, mutations: muts };
  const payload = JSON.stringify(body);
  return {
    name: `push fields #${i}: ${kinds.join(', ')}`,
    known,
    build: ({ team }) => ({ method: 'POST', url: '/api/sync/push', token: team.headToken, payload, headers: { 'content-type': 'application/json' } }),
    allowed: [200],
    tables: PUSH_TABLES,
    alwaysUnchanged: mustReject ? ['records', 'audit_log'] : [],
    ok: (b) => {
      const { results } = b as { results: Array<Record<string, unknown>> };
      expect(results).toHaveLength(muts.length);
      results.forEach((r, k) => {
        expect(r.mid).toBe(muts[k]!.mid);
        expect(['applied', 'rejected']).toContain(r.status);
        if (r.status === 'rejected') {
          expect(['VALIDATION', 'NOT_FOUND']).toContain(r.code);
          expect(typeof r.message).toBe('string');
        }
        if (kinds[k] !== 'strings') expect(r.status, `${kinds[k]}: ${JSON.stringify(r)}`).toBe('rejected');
        if (['entity', 'fields-type', 'required-wrong', 'unknown-field'].includes(kinds[k]!)) expect(r.code).toBe('VALIDATION');
      });
    },
  };
}

// ------------------------------------------------------------------ enroll

const ENROLL_TABLES = ['users', 'devices', 'invites'];

function enrollCase(i: number): Case {
  const kind = int(6);
  let body: unknown;
  let raw: string | undefined;
  let allowed: number[];
  let known: string | undefined;
  let useValid = false;
  let what: string;
  switch (kind) {
    case 0:
      what = 'random JSON body';
      body = randomValue();
      allowed = [400];
      break;
    case 1:
      what = 'truncated or broken JSON';
      raw = pick(['{"code":"ABCDE-', '{"code":', '{', '{"code":"x","name":"y",}', `{"code":"\u0000"`, '']);
      allowed = [400, ...(raw === '' ? [415] : [])];
      break;
    case 2:
      what = 'a wrong type for code, name or device';
      body = { code: 'ABCDE-FGHJK', name: 'Người thử', device: 'Điện thoại' };
      (body as Fields)[pick(['code', 'name', 'device'])] = wrongType('string');
      allowed = [400, 401];
      break;
    case 3:
      what = 'an unknown code (odd strings)';
      body = { code: pick([...WEIRD_STRINGS, 'ZZZZZ-ZZZZZ', '00000-00000', 'abcde']), name: 'Người thử', device: 'Điện thoại' };
      allowed = [400, 401];
      break;
    default: {
      what = 'a valid code with an odd name or device';
      useValid = true;
      const key = pick(['name', 'device']);
      const v = chance(0.75) ? pick(WEIRD_STRINGS) : wrongType('string');
      body = { name: 'Người thử', device: 'Điện thoại', [key]: v };
      allowed = typeof v === 'string' || (key === 'device' && v === null) ? [201, 400] : [400];
      if (typeof v === 'string' && v.includes('\u0000')) known = 'D2';
    }
  }
  return {
    name: `enroll #${i}: ${what}`,
    known,
    build: ({ inviteCode }) => ({
      method: 'POST',
      url: '/api/auth/enroll',
      ...(raw !== undefined ? { payload: raw, headers: { 'content-type': 'application/json' } } : json(useValid ? { code: inviteCode, ...(body as Fields) } : body)),
    }),
    allowed,
    tables: ENROLL_TABLES,
    ok: (b, r) => {
      expect(r.statusCode).toBe(201);
      const e = b as { token: string; user: { role: string } };
      expect(typeof e.token).toBe('string');
      expect(e.user.role).toBe('member');
    },
  };
}

// ------------------------------------------------------------------ invites

function invitesCase(i: number): Case {
  let body: unknown;
  let expected: number;
  if (chance(0.2)) {
    body = randomValue();
    expected = 400;
  } else {
    const role = pick(['member', 'head', 'admin', 'Member', '', null, 1, 'member\u0000', undefined]);
    const maxUses = pick([1, 100, 50, 0, 101, 1.5, '5', null, -1, 1e308, 2 ** 53, undefined, true]);
    const ttlHours = pick([1, 720, 24, 0, 721, 0.5, '24', null, -24, 1e308, undefined, []]);
    body = { role, maxUses, ttlHours };
    const valid =
      (role === 'member' || role === 'head') &&
      Number.isInteger(maxUses) && (maxUses as number) >= 1 && (maxUses as number) <= 100 &&
      Number.isInteger(ttlHours) && (ttlHours as number) >= 1 && (ttlHours as number) <= 720;
    expected = valid ? 201 : 400;
  }
  return {
    name: `invites #${i}: ${JSON.stringify(body)?.slice(0, 80)}`,
    build: ({ team }) => ({ method: 'POST', url: '/api/invites', token: team.headToken, ...json(body) }),
    allowed: [expected],
    tables: ['invites'],
    ok: (b) => {
      const inv = b as { code: string; expiresAt: string };
      expect(typeof inv.code).toBe('string');
      expect(Number.isNaN(Date.parse(inv.expiresAt))).toBe(false);
    },
  };
}

// ------------------------------------------------------------------ pull query strings

function pullCase(i: number): Case {
  const VALID_LIMITS = ['1', '500', '1000', '7'];
  const BAD_LIMITS = ['0', '1001', 'abc', '-5', '1.5', '%00', '99999999999999999999', 'NaN', '1000000', '%F0%9D%95%8F', '[]', 'true'];
  const limitKind = int(4); // 0 none, 1 valid, 2 bad, 3 repeated
  const cursorKind = int(5); // 0 none, 1 valid, 2 garbage, 3 base64 of random JSON, 4 repeated
  const parts: string[] = [];
  let limitBad = false;
  if (limitKind === 1) parts.push(`limit=${pick(VALID_LIMITS)}`);
  if (limitKind === 2) {
    parts.push(`limit=${pick(BAD_LIMITS)}`);
    limitBad = true;
  }
  if (limitKind === 3) parts.push('limit=5', 'limit=6');
  let cursorPart: ((c: string) => string[]) | undefined;
  if (cursorKind === 1) cursorPart = (c) => [`cursor=${encodeURIComponent(c)}`];
  if (cursorKind === 2) {
    const g = pick(['!!!', '%00', 'A'.repeat(3000), '%ED%A0%80', '....', 'eyJ9', '%FF%FE', encodeURIComponent(pick(WEIRD_STRINGS.filter((s) => !/[\ud800-\udfff]/.test(s))))]);
    cursorPart = () => [`cursor=${g}`];
  }
  if (cursorKind === 3) {
    const g = Buffer.from(JSON.stringify(randomValue(1)) ?? 'null').toString('base64url');
    cursorPart = () => [`cursor=${g}`];
  }
  if (cursorKind === 4) cursorPart = (c) => [`cursor=${encodeURIComponent(c)}`, `cursor=${encodeURIComponent(c)}`];
  const cursorOk = cursorKind <= 1;
  return {
    name: `pull #${i}: limit ${['none', 'valid', 'bad', 'repeated'][limitKind]}, cursor ${['none', 'valid', 'garbage', 'base64 JSON', 'repeated'][cursorKind]}`,
    build: ({ team, cursor }) => ({ method: 'GET', url: `/api/sync/pull?${[...parts, ...(cursorPart?.(cursor) ?? [])].join('&')}`, token: team.headToken }),
    // a repeated parameter may be refused or read; an unknown cursor is one the server cannot read (400),
    // unless the opaque format happens to accept it
    allowed: limitBad ? [400] : cursorOk && limitKind !== 3 ? [200] : [400, 200],
    tables: PUSH_TABLES,
    alwaysUnchanged: PUSH_TABLES,
    ok: (b) => {
      const p = b as { changes: unknown[]; cursor: string; hasMore: boolean; reset: boolean };
      expect(Array.isArray(p.changes)).toBe(true);
      expect(typeof p.cursor).toBe('string');
      expect(typeof p.hasMore).toBe('boolean');
      expect(typeof p.reset).toBe('boolean');
    },
  };
}

// ------------------------------------------------------------------ the 200 cases

const CASES: Case[] = [
  ...Array.from({ length: 70 }, (_, i) => pushEnvelopeCase(i)),
  ...Array.from({ length: 45 }, (_, i) => pushFieldsCase(i)),
  ...Array.from({ length: 35 }, (_, i) => enrollCase(i)),
  ...Array.from({ length: 25 }, (_, i) => invitesCase(i)),
  ...Array.from({ length: 25 }, (_, i) => pullCase(i)),
];

const KNOWN: Record<string, string> = {
  D1: 'a NUL character in `entity` makes the push a 500 (the remembered mutation row cannot store NUL)',
  D2: 'a NUL character in the enroll name or device makes enroll a 500',
};

let ctx: Ctx;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(NO_RATE_LIMIT);
  const team = await server.team('Tổ Thử Lửa');
  const d = new Device(server, team.headToken);
  await d.push([d.create('household', householdFields()), d.create('neighborhood', neighborhoodFields())]);
  const inv = await server.inject({ method: 'POST', url: '/api/invites', token: team.headToken, payload: { role: 'member', maxUses: 100, ttlHours: 24 } });
  const page = await server.inject({ method: 'GET', url: '/api/sync/pull?limit=1', token: team.headToken });
  ctx = { server, team, inviteCode: inv.json().code, cursor: page.json().cursor };
}, SETUP_TIMEOUT);
afterAll(() => server?.close(), SETUP_TIMEOUT);

describe(`fuzz (seed ${SEED.toString(16)}): ${CASES.length} malformed requests`, () => {
  it('has 200 cases, and the known deviations are among them', () => {
    expect(CASES).toHaveLength(200);
    expect(CASES.some((c) => c.known === 'D1')).toBe(true);
    expect(CASES.some((c) => c.known === 'D2')).toBe(true);
  });

  for (const c of CASES) {
    const title = c.known ? `${c.name} [DEVIATION ${c.known}: ${KNOWN[c.known]}]` : c.name;
    it(title, async () => {
      const tables = [...new Set([...c.tables, ...(c.alwaysUnchanged ?? [])])];
      const before = await counts(server, tables);
      const req = c.build(ctx);
      const r = await server.inject(req);
      expect(r.statusCode, r.body.slice(0, 300)).toBeLessThan(500);
      expect(c.allowed, `status ${r.statusCode}: ${r.body.slice(0, 300)}`).toContain(r.statusCode);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      const after = await counts(server, tables);
      if (r.statusCode >= 400) {
        expectError(r, r.statusCode);
        expect(after).toEqual(before);
      } else {
        c.ok?.(r.json(), r);
        for (const t of c.alwaysUnchanged ?? []) expect(after[t], t).toBe(before[t]);
      }
    });
  }
});

describe('fuzz: the v1.1 limits (arrays, record size, text)', () => {
  // A generator of its own, so the 200 cases above keep their seed and their order.
  const r = mulberry32(0x11a1_2026);
  const n = (k: number) => Math.floor(r() * k);
  const ids = (k: number) => Array.from({ length: k }, () => crypto.randomUUID());
  const NOT_TEXT = ['a\u0000b', '\ud800', 'x\udfffy', '\udc00\ud800'];
  const TEXT = ['Thôn Đông', '𝕏'.repeat(50), 'ễ'.repeat(100), '<b>x</b>'];

  it('60 pushes near the limits: every over-limit mutation is rejected VALIDATION, every other one applied, never a 5xx', async () => {
    const team = await server.team('Tổ Giới Hạn');
    const d = new Device(server, team.headToken);
    const household = await d.created('household', householdFields());
    for (let p = 0; p < 60; p++) {
      const expected: boolean[] = [];
      const muts = Array.from({ length: 1 + n(8) }, () => {
        const count = 95 + n(11);
        const word = r() < 0.3 ? NOT_TEXT[n(NOT_TEXT.length)]! : TEXT[n(TEXT.length)]!;
        const wide = r() < 0.3;
        const fields =
          r() < 0.5
            ? visitFields(household, { memberIds: ids(count), notes: word })
            : sessionFields({ place: word, facilitatorIds: ids(count), householdIds: ids(wide ? 100 : 1), notes: wide ? '𝕏'.repeat(2000) : 'ngắn' });
        const tooBig = Buffer.byteLength(JSON.stringify(fields)) > 16 * 1024;
        expected.push(count <= 100 && !NOT_TEXT.includes(word) && !tooBig);
        return d.create('memberIds' in fields ? 'visit' : 'session', fields);
      });
      const res = await d.pushRaw(muts);
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      const results = (res.json() as { results: Array<{ status: string; code?: string }> }).results;
      expect(results.map((x) => (x.status === 'rejected' ? x.code : x.status))).toEqual(expected.map((ok) => (ok ? 'applied' : 'VALIDATION')));
    }
  }, 120_000);

  it('bodies with invalid UTF-8 at random places are 400 and change nothing', async () => {
    const team = await server.team('Tổ UTF-8');
    const d = new Device(server, team.headToken);
    const before = await counts(server, ['records', 'mutations']);
    for (let i = 0; i < 20; i++) {
      const json = Buffer.from(JSON.stringify(d.body([d.create('neighborhood', neighborhoodFields({ name: 'Thôn ổn định' }))])));
      const at = 1 + n(json.length - 2);
      const bad = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]][n(4)]!;
      const payload = Buffer.concat([json.subarray(0, at), Buffer.from(bad), json.subarray(at)]);
      const res = await server.inject({ method: 'POST', url: '/api/sync/push', token: team.headToken, payload, headers: { 'content-type': 'application/json' } });
      expectError(res, 400, 'BAD_REQUEST');
    }
    expect(await counts(server, ['records', 'mutations'])).toEqual(before);
  });
});

describe('fuzz: the rate limits (addresses, X-Forwarded-For, tokens, enrollment)', () => {
  // Addresses by the client they are: one IPv4 in two spellings, one IPv6 /64 in three, and more.
  const CLIENTS = [
    ['198.51.100.7', '::ffff:198.51.100.7'],
    ['2001:db8:5:6::1', '2001:db8:5:6:ffff::2', '2001:DB8:5:6::abcd'],
    ['203.0.113.9'],
    ['2001:db8:5:7::1'],
    ['192.0.2.1'],
  ] as const;
  const ADDRESS_BUDGET = 5;
  const ENROLL_BUDGET = 3;
  const still = (burst: number) => ({ perSecond: 1 / 3600, burst });
  const r = mulberry32(0x1a_2026);
  const n = (k: number) => Math.floor(r() * k);
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ ...NO_RATE_LIMIT, addressLimit: still(ADDRESS_BUDGET), enrollLimit: { perAddress: still(ENROLL_BUDGET), total: still(1000) } });
  }, SETUP_TIMEOUT);
  afterAll(() => limited?.close(), SETUP_TIMEOUT);

  it('300 requests in a seeded order: each answer is the one the budgets predict, never a 5xx, and the limiters hold one bucket per client', async () => {
    const team = await limited.team('Tổ Giới Hạn Tốc Độ');
    const address = CLIENTS.map(() => ADDRESS_BUDGET);
    const enroll = CLIENTS.map(() => ENROLL_BUDGET);
    const junk = () => Array.from({ length: 1 + n(40) }, () => String.fromCharCode(33 + n(94))).join('');
    for (let i = 0; i < 300; i++) {
      const client = n(CLIENTS.length);
      const spellings = CLIENTS[client]!;
      const remoteAddress = spellings[n(spellings.length)]!;
      // A forged X-Forwarded-For on half the requests: no proxy is trusted, so it changes nothing.
      const headers = r() < 0.5 ? { 'x-forwarded-for': `10.${n(256)}.${n(256)}.${n(256)}` } : {};
      const kind = n(4);
      let expected: number;
      let res: LightMyRequestResponse;
      if (kind === 3) {
        const code = r() < 0.5 ? junk() : `${junk().slice(0, 5)} ${junk().slice(0, 5)}`.toLowerCase();
        res = await limited.inject({ method: 'POST', url: '/api/auth/enroll', remoteAddress, headers, payload: { code, name: 'Khách', device: 'Phone' } });
        expected = enroll[client]! > 0 ? 401 : 429;
        if (expected === 401) enroll[client]!--;
      } else {
        const token = kind === 0 ? team.headToken : kind === 1 ? junk() : undefined;
        res = await limited.inject({ method: 'GET', url: '/api/team', remoteAddress, headers, ...(token ? { token } : {}) });
        if (address[client]! === 0) expected = 429;
        else if (kind === 0) expected = 200;
        else {
          expected = 401;
          address[client]!--;
        }
      }
      expect(res.statusCode, `request ${i} from ${remoteAddress}: ${res.body.slice(0, 200)}`).toBe(expected);
      if (expected === 429) {
        expectError(res, 429, 'RATE_LIMITED');
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
    }
    // every budget was spent somewhere, so the run saw 429s of both kinds
    expect(address.some((b) => b === 0) && enroll.some((b) => b === 0)).toBe(true);
    const { limits } = limited.app.ctx;
    expect(limits.address.size).toBeLessThanOrEqual(CLIENTS.length);
    expect(limits.enrollByAddress.size).toBeLessThanOrEqual(CLIENTS.length);
    expect(limits.device.size).toBe(1);
  });
});
