/**
 * Builders for the server test suite, written from the sync spec (../shared/spec/sync-protocol.md):
 * valid field objects per entity, mutations with random ids, a device that numbers its own `seq`,
 * and small helpers over the test server (push, pull to the end, table counts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { TestServer } from './testing';

export const uuid = (): string => randomUUID();

/** The namespace of checklist step ids (sync spec, "checklistStep ids are deterministic"). */
export const CHECKLIST_NAMESPACE = 'dbfb0c52-3984-40e5-95d4-6459fe965960';

/** RFC 4122 UUIDv5 (SHA-1), computed independently of the app. */
export function uuidv5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(Buffer.concat([ns, Buffer.from(name, 'utf8')])).digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function checklistStepId(memberId: string, stepKey: string): string {
  return uuidv5(`${memberId.toLowerCase()}:${stepKey}`, CHECKLIST_NAMESPACE);
}

// ---------------------------------------------------------------- field builders (valid by default)

export type Fields = Record<string, unknown>;

export function consent(over: Fields = {}): Fields {
  return {
    recordedAt: '2026-03-01T08:30:00+07:00',
    recordedBy: 'Nguyễn Thị Lan',
    purposes: ['support', 'followUp'],
    textVersion: 'vi-2026-01',
    ...over,
  };
}

export function neighborhoodFields(over: Fields = {}): Fields {
  return { name: 'Thôn Đông', kind: 'thon', ...over };
}

export function householdFields(over: Fields = {}): Fields {
  return {
    neighborhood: 'Thôn Đông',
    address: 'Số 12, ngõ 3, thôn Đông',
    headName: 'Trần Văn Bình',
    phone: '0912345678',
    consent: consent(),
    ...over,
  };
}

export function memberFields(householdId: string, over: Fields = {}): Fields {
  return { householdId, fullName: 'Trần Thị Hoa', birthYear: 1985, gender: 'female', hasSmartphone: true, ...over };
}

export function visitFields(householdId: string, over: Fields = {}): Fields {
  return { householdId, date: '2026-03-02', topics: ['vneid', 'scamAwareness'], outcome: 'done', ...over };
}

export function sessionFields(over: Fields = {}): Fields {
  return { date: '2026-03-05', place: 'Nhà văn hóa thôn Đông', topics: ['digitalSkills'], attendees: 25, ...over };
}

export function checklistStepFields(memberId: string, stepKey = 'vneid.install', status: 'pending' | 'done' = 'pending', over: Fields = {}): Fields {
  return { memberId, stepKey, status, ...(status === 'done' ? { doneOn: '2026-03-03' } : {}), ...over };
}

// ---------------------------------------------------------------- mutations

export type Entity = 'household' | 'member' | 'visit' | 'session' | 'checklistStep' | 'neighborhood';

export interface Mutation {
  mid: string;
  seq: number;
  entity: string;
  op: 'create' | 'patch' | 'delete';
  id: string;
  baseVersion?: number | null;
  fields?: Fields;
  clientTs?: string;
}

export interface PushResult {
  mid: string;
  status: 'applied' | 'duplicate' | 'conflict' | 'rejected';
  version?: number;
  serverSeq?: number;
  fields?: string[];
  server?: Fields;
  code?: string;
  message?: string;
}

export interface Change {
  entity: string;
  id: string;
  version: number;
  deleted: boolean;
  data: Fields | null;
}

export interface PullPage {
  changes: Change[];
  cursor: string;
  hasMore: boolean;
  reset: boolean;
  total?: number;
}

/** One installation of the app: a device id and its own increasing `seq`. */
export class Device {
  readonly deviceId = uuid();
  private seq = 0;

  constructor(
    readonly server: TestServer,
    readonly token: string,
  ) {}

  nextSeq(): number {
    return ++this.seq;
  }

  create(entity: string, fields: Fields, id: string = uuid()): Mutation {
    return { mid: uuid(), seq: this.nextSeq(), entity, op: 'create', id, fields, clientTs: new Date().toISOString() };
  }

  patch(entity: string, id: string, baseVersion: number, fields: Fields): Mutation {
    return { mid: uuid(), seq: this.nextSeq(), entity, op: 'patch', id, baseVersion, fields, clientTs: new Date().toISOString() };
  }

  delete(entity: string, id: string, baseVersion: number): Mutation {
    return { mid: uuid(), seq: this.nextSeq(), entity, op: 'delete', id, baseVersion, clientTs: new Date().toISOString() };
  }

  body(mutations: unknown[]): Fields {
    return { protocol: 1, deviceId: this.deviceId, appVersion: '1.0.0', mutations };
  }

  /** The raw answer to a push. */
  pushRaw(mutations: unknown[]): Promise<LightMyRequestResponse> {
    return this.server.inject({ method: 'POST', url: '/api/sync/push', token: this.token, payload: this.body(mutations) });
  }

  /** Pushes and expects 200 with one result per mutation, in request order. */
  async push(mutations: Mutation[]): Promise<PushResult[]> {
    const r = await this.pushRaw(mutations);
    expect(r.statusCode, r.body).toBe(200);
    const { results } = r.json() as { results: PushResult[] };
    expect(results.map((x) => x.mid)).toEqual(mutations.map((m) => m.mid));
    return results;
  }

  /** Pushes one mutation and returns its result. */
  async one(m: Mutation): Promise<PushResult> {
    return (await this.push([m]))[0]!;
  }

  /** Creates a record and expects it applied at version 1; returns its id. */
  async created(entity: Entity, fields: Fields, id: string = uuid()): Promise<string> {
    const r = await this.one(this.create(entity, fields, id));
    expect(r, JSON.stringify(r)).toMatchObject({ status: 'applied', version: 1 });
    return id;
  }
}

export async function pullPage(server: TestServer, token: string, query: Record<string, string | number | undefined> = {}): Promise<PullPage> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
  const r = await server.inject({ method: 'GET', url: `/api/sync/pull${qs.size ? `?${qs}` : ''}`, token });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as PullPage;
}

/** Pulls page after page from `cursor` until hasMore is false. */
export async function pullAll(
  server: TestServer,
  token: string,
  cursor?: string,
  limit?: number,
): Promise<{ changes: Change[]; cursor: string; pages: PullPage[] }> {
  const pages: PullPage[] = [];
  let c = cursor;
  for (let i = 0; i < 10_000; i++) {
    const page = await pullPage(server, token, { cursor: c, limit });
    pages.push(page);
    c = page.cursor;
    if (!page.hasMore) break;
  }
  return { changes: pages.flatMap((p) => p.changes), cursor: c!, pages };
}

/** The latest state of each record, by id, from a full pull. */
export async function snapshot(server: TestServer, token: string): Promise<Map<string, Change>> {
  const { changes } = await pullAll(server, token);
  const map = new Map<string, Change>();
  for (const c of changes) map.set(c.id, c);
  return map;
}

export async function count(server: TestServer, table: string): Promise<number> {
  const rows = await server.db.query<{ n: number | string }>(`select count(*) as n from ${table}`);
  return Number(rows[0]!.n);
}

export async function counts(server: TestServer, tables = ['records', 'mutations', 'audit_log', 'users', 'devices', 'invites']): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = await count(server, t);
  return out;
}

/** `{error: {code, message}}` with the given status and code. */
export function expectError(r: LightMyRequestResponse, status: number, code?: string): void {
  expect(r.statusCode, r.body).toBe(status);
  expect(r.headers['content-type']).toMatch(/application\/json/);
  const body = r.json() as { error?: { code?: unknown; message?: unknown } };
  expect(body.error, r.body).toBeTypeOf('object');
  expect(body.error!.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
  expect(body.error!.message).toBeTypeOf('string');
  expect((body.error!.message as string).length).toBeGreaterThan(0);
  if (code) expect(body.error!.code).toBe(code);
}

/** For functional suites: a rate limit high enough never to interfere (the limit has its own tests). */
const UNLIMITED = { perSecond: 1_000_000, burst: 1_000_000 };
export const NO_RATE_LIMIT = { rateLimit: UNLIMITED, teamLimit: UNLIMITED, addressLimit: UNLIMITED, enrollLimit: { perAddress: UNLIMITED, total: UNLIMITED } };

/** Hook timeout for starting a server: PGlite's first start is slow on a busy 2-core machine. */
export const SETUP_TIMEOUT = 120_000;
