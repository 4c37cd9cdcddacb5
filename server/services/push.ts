/**
 * Applies a batch of mutations for one caller: in `seq` order, inside one transaction, answering
 * in request order only after commit (sync spec, "POST /api/sync/push").
 *
 * Two paths share the rules below through a `PushStore`. The batched path (pushBatch.ts) prefetches
 * what the batch needs in one query, decides every mutation in memory and writes it all in one
 * statement: four round trips per batch on PostgreSQL (begin with the counter lock, the read, the
 * write, commit) instead of about nine per mutation. If anything in it fails, its transaction is
 * rolled back and the batch redone the per-mutation way, each mutation under its own savepoint, where
 * a value the database refuses rejects only that mutation. Both give the same answers and rows.
 */
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/adapter';
import type { Caller } from './auth';
import type { PushBody, PushMutation, PushResult, RejectCode } from '../../src/domain/wire';
import { isEntity, type EntityName } from '../../src/domain/vocab';
import { isText, MAX_RECORD_JSON_BYTES, recordTooLarge, validateCreate, validatePatch } from '../../src/domain/schemas';
import { cascadeOf } from '../../src/domain/cascade';
import { deriveFields, isDerivedField } from '../../src/domain/derived';
import type { RecordRow } from './records';
import { sqlStore, type PushStore, type StoreScope } from './pushStore';
import { BatchStore } from './pushBatch';
import { BusyError } from '../errors';
import { Slots } from '../slots';
import { isUuid } from '../../src/domain/ids';

export type Outcome = Exclude<PushResult, { status: 'duplicate' }>;

const TOO_LARGE = `fields: the record would be larger than ${MAX_RECORD_JSON_BYTES / 1024} KiB of JSON`;

const MERGE_PER_FIELD = new Set<EntityName>(['household', 'member']);

interface Ctx {
  /** Set when this mutation wrote an audit row. */
  audited?: boolean;
  store: PushStore;
  caller: Caller;
  teamId: string;
  nextSeq: () => number;
}

function rejected(mid: string, code: RejectCode, message: string): Outcome {
  return { mid, status: 'rejected', code, message };
}

/** Deep equality that ignores object key order (jsonb does not keep it). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((v, i) => same(v, (b as unknown[])[i]));
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function describeErrors(errors: Record<string, string>): string {
  return Object.entries(errors)
    .map(([k, v]) => `${k === '_' ? 'fields' : k}: ${v.replace('validation.', '')}`)
    .join('; ');
}

function withChanges(data: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const out = { ...data };
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Household and member ids this record points at; a deleted one makes the change GONE. */
function references(fields: Record<string, unknown>): string[] {
  const ids: string[] = [];
  if (typeof fields.householdId === 'string') ids.push(fields.householdId);
  if (typeof fields.memberId === 'string') ids.push(fields.memberId);
  if (Array.isArray(fields.householdIds)) for (const h of fields.householdIds) if (typeof h === 'string') ids.push(h);
  return ids;
}

async function audit(ctx: Ctx, serverSeq: number, r: { id: string; entity: string; op: string; fields: Record<string, unknown> | undefined; mid?: string; clientTs?: unknown }): Promise<void> {
  ctx.audited = true;
  await ctx.store.audit({
    serverSeq,
    recordId: r.id,
    entity: r.entity,
    op: r.op,
    // Which fields changed, never their values: the audit must not become a copy of the records.
    fields: r.fields === undefined ? undefined : Object.keys(r.fields).sort(),
    mid: r.mid ?? null,
    // Recorded as sent when it is text; a NUL would make the database refuse the whole batch.
    clientTs: typeof r.clientTs === 'string' && isText(r.clientTs) ? [...r.clientTs].slice(0, 64).join('') : null,
  });
}

/** Strips `teamId` from fields; a team other than the caller's is forbidden. */
function ownTeamFields(ctx: Ctx, fields: Record<string, unknown>): Record<string, unknown> | 'forbidden' {
  if (!('teamId' in fields)) return fields;
  if (fields.teamId !== ctx.teamId) return 'forbidden';
  const { teamId: _own, ...rest } = fields;
  return rest;
}

async function create(ctx: Ctx, m: PushMutation, entity: EntityName, raw: Record<string, unknown>): Promise<Outcome> {
  const checked = validateCreate(entity, raw);
  if (!checked.ok) return rejected(m.mid, 'VALIDATION', describeErrors(checked.errors));
  const value = checked.value as Record<string, unknown>;
  const derived = deriveFields(entity, value);
  const fields = { ...value, ...derived };
  // Parts that each fit can compose a derived value longer than its own limit, so a record whose
  // derived values differ from those sent is checked again; otherwise it is the record just checked.
  if (Object.entries(derived).some(([k, v]) => !same(value[k], v))) {
    const derivedOk = validateCreate(entity, fields);
    if (!derivedOk.ok) return rejected(m.mid, 'VALIDATION', describeErrors(derivedOk.errors));
  }
  if (await ctx.store.anyDeleted(references(fields))) return rejected(m.mid, 'GONE', 'refers to a deleted record');
  const serverSeq = ctx.nextSeq();
  const fieldVersions = Object.fromEntries(Object.keys(fields).map((k) => [k, 1]));
  await ctx.store.insert({ id: m.id, entity, data: fields, fieldVersions, serverSeq });
  await audit(ctx, serverSeq, { id: m.id, entity, op: 'create', fields, mid: m.mid, clientTs: m.clientTs });
  return { mid: m.mid, status: 'applied', version: 1, serverSeq };
}

/**
 * Applies `fields` to an existing record. `canApply` decides per field (the merge policy);
 * fields it refuses are reported as a conflict carrying the server's values.
 */
async function applyFields(
  ctx: Ctx,
  m: PushMutation,
  rec: RecordRow,
  fields: Record<string, unknown>,
  canApply: (field: string) => boolean,
): Promise<Outcome> {
  const data = { ...(rec.data ?? {}) };
  const fv = { ...rec.field_versions };
  const applied: Record<string, unknown> = {};
  const conflicts: string[] = [];
  const entity = rec.entity as EntityName;
  const decideField = (k: string, v: unknown) => {
    if (same(data[k], v)) return;
    if (!canApply(k)) conflicts.push(k);
    else applied[k] = v;
  };
  for (const [k, v] of Object.entries(fields)) if (!isDerivedField(entity, k)) decideField(k, v);
  // A derived field follows its parts as they are after this change, whatever was sent for it;
  // only a record without parts (registered before they existed) takes the value sent.
  const derived = deriveFields(entity, withChanges(data, applied));
  for (const [k, v] of Object.entries(fields)) if (isDerivedField(entity, k) && !(k in derived)) decideField(k, v);
  if (Object.keys(applied).length > 0) for (const [k, v] of Object.entries(derived)) if (!same(data[k], v)) applied[k] = v;
  // Parts that each fit can still compose a value longer than its own limit.
  const derivedOk = validatePatch(entity, derived);
  if (!derivedOk.ok) return rejected(m.mid, 'VALIDATION', describeErrors(derivedOk.errors));
  if (await ctx.store.anyDeleted(references(applied))) return rejected(m.mid, 'GONE', 'refers to a deleted record');
  let version = rec.version;
  let serverSeq: number | undefined;
  if (Object.keys(applied).length > 0) {
    version = rec.version + 1;
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) delete data[k];
      else data[k] = v;
      fv[k] = version;
    }
    // Patches that each fit could still add up to a record too large to pull.
    if (recordTooLarge(data)) return rejected(m.mid, 'VALIDATION', TOO_LARGE);
    serverSeq = ctx.nextSeq();
    await ctx.store.update({ id: rec.id, version, deleted: false, data, fieldVersions: fv, serverSeq });
    await audit(ctx, serverSeq, { id: rec.id, entity: rec.entity, op: m.op, fields: applied, mid: m.mid, clientTs: m.clientTs });
  }
  if (conflicts.length > 0) {
    const server = Object.fromEntries(conflicts.map((k) => [k, data[k] ?? null]));
    return { mid: m.mid, status: 'conflict', version, ...(serverSeq === undefined ? {} : { serverSeq }), fields: conflicts, server };
  }
  return { mid: m.mid, status: 'applied', version, serverSeq: serverSeq ?? rec.server_seq };
}

async function tombstone(ctx: Ctx, rec: RecordRow, m?: PushMutation): Promise<number> {
  const serverSeq = ctx.nextSeq();
  const version = rec.version + 1;
  await ctx.store.update({ id: rec.id, version, deleted: true, data: null, fieldVersions: rec.field_versions, serverSeq });
  await audit(ctx, serverSeq, { id: rec.id, entity: rec.entity, op: m ? 'delete' : 'cascade-delete', fields: undefined, mid: m?.mid, clientTs: m?.clientTs });
  return version;
}

/** What the delete takes with it, from the cascade the device reads too (src/domain/cascade.ts). */
async function cascade(ctx: Ctx, rec: RecordRow): Promise<void> {
  const dependents = await cascadeOf(rec.entity as EntityName, [rec.id], (entity, field, ids) => ctx.store.children(entity, field, ids));
  for (const child of dependents) await tombstone(ctx, child);
}

async function evaluate(ctx: Ctx, m: PushMutation): Promise<Outcome> {
  if (ctx.caller.role === 'admin' || !ctx.caller.teamId) return rejected(m.mid, 'FORBIDDEN', 'admin users do not push team records');
  if (m.entity === 'guide') return rejected(m.mid, 'FORBIDDEN', 'guides are published by the server');
  if (!isEntity(m.entity)) return rejected(m.mid, 'VALIDATION', 'unknown entity');
  const entity = m.entity as EntityName;
  if (m.baseVersion !== undefined && m.baseVersion !== null && (!Number.isInteger(m.baseVersion) || (m.baseVersion as number) < 0)) {
    return rejected(m.mid, 'VALIDATION', 'baseVersion must be a non-negative integer');
  }
  const baseVersion = (m.baseVersion as number | null | undefined) ?? 0;
  let fields: Record<string, unknown> = {};
  if (m.op !== 'delete') {
    if (typeof m.fields !== 'object' || m.fields === null || Array.isArray(m.fields)) return rejected(m.mid, 'VALIDATION', 'fields must be an object');
    const own = ownTeamFields(ctx, m.fields as Record<string, unknown>);
    if (own === 'forbidden') return rejected(m.mid, 'FORBIDDEN', 'teamId is not your team');
    fields = own;
  }

  const rec = await ctx.store.find(m.id);
  if (!rec) {
    if (m.op !== 'create') return rejected(m.mid, 'NOT_FOUND', 'no such record');
    if (await ctx.store.usedByOtherTeam(m.id)) return rejected(m.mid, 'FORBIDDEN', 'this id belongs to another team');
    return create(ctx, m, entity, fields);
  }
  if (rec.entity !== entity) return rejected(m.mid, 'VALIDATION', `this id is a ${rec.entity}, not a ${entity}`);

  if (m.op === 'delete') {
    if (rec.deleted) return { mid: m.mid, status: 'applied', version: rec.version, serverSeq: rec.server_seq };
    await cascade(ctx, rec);
    const version = await tombstone(ctx, rec, m);
    const after = await ctx.store.find(rec.id);
    return { mid: m.mid, status: 'applied', version, serverSeq: after!.server_seq };
  }
  if (rec.deleted) return rejected(m.mid, 'GONE', 'this record was deleted');

  if (m.op === 'create') {
    const checked = validateCreate(entity, fields);
    if (!checked.ok) return rejected(m.mid, 'VALIDATION', describeErrors(checked.errors));
    const incoming = checked.value as Record<string, unknown>;
    if (entity === 'checklistStep') {
      // Two devices ticking the same step converge: done wins.
      const done = incoming.status === 'done' && rec.data?.status !== 'done';
      const merged = done ? { status: 'done', ...(incoming.doneOn ? { doneOn: incoming.doneOn } : {}) } : {};
      return applyFields(ctx, m, rec, merged, () => true);
    }
    if (!MERGE_PER_FIELD.has(entity)) return { mid: m.mid, status: 'applied', version: rec.version, serverSeq: rec.server_seq };
    return applyFields(ctx, m, rec, incoming, (k) => (rec.field_versions[k] ?? 0) <= 0);
  }

  // patch
  const checked = validatePatch(entity, fields);
  if (!checked.ok) return rejected(m.mid, 'VALIDATION', describeErrors(checked.errors));
  const patch = checked.value as Record<string, unknown>;
  if (MERGE_PER_FIELD.has(entity)) return applyFields(ctx, m, rec, patch, (k) => (rec.field_versions[k] ?? 0) <= baseVersion);
  if (entity === 'checklistStep') {
    return applyFields(ctx, m, rec, patch, (k) => !(k === 'status' && rec.data?.status === 'done' && patch.status === 'pending' && baseVersion !== rec.version));
  }
  return applyFields(ctx, m, rec, patch, () => true);
}


/** Runs one mutation's rules; an applied mutation that changed nothing is audited too. */
async function decide(ctx: Ctx, m: PushMutation): Promise<Outcome> {
  ctx.audited = false;
  const outcome = await evaluate(ctx, m);
  // An applied mutation that changed nothing is recorded too: who sent what, and when.
  if (outcome.status === 'applied' && !ctx.audited) {
    await audit(ctx, outcome.serverSeq, { id: m.id, entity: String(m.entity), op: `${m.op}-unchanged`, fields: undefined, mid: m.mid, clientTs: m.clientTs });
  }
  return outcome;
}

interface Counter {
  value: number;
}

/**
 * Answers one mutation: a mid seen before gets its answer again, a reused seq is refused, else
 * the rules decide and the answer is remembered. With `savepoints` (the per-mutation path) an
 * error rejects this mutation only; without (the batched path) it fails the whole batch.
 */
async function one(ctx: Ctx, m: PushMutation, counter: Counter, savepoints: Queryable | undefined): Promise<PushResult> {
  const mid = m.mid.toLowerCase();
  const seen = await ctx.store.answered(mid);
  if (seen) {
    const r = { ...seen, mid: m.mid };
    return r.status === 'applied' ? { mid: m.mid, status: 'duplicate', version: r.version } : r;
  }
  if (await ctx.store.seqTaken(m.seq)) return rejected(m.mid, 'VALIDATION', 'this device already sent another mutation with this seq');
  let outcome: Outcome;
  if (!savepoints) outcome = await decide(ctx, m);
  else {
    const before = counter.value;
    await savepoints.query('savepoint mutation');
    try {
      outcome = await decide(ctx, m);
      await savepoints.query('release savepoint mutation');
    } catch {
      // A value the database refuses (e.g. a NUL character in a string) rejects this mutation only.
      await savepoints.query('rollback to savepoint mutation');
      counter.value = before;
      // The database's own text stays out of the answer: it can name tables and echo values.
      outcome = rejected(m.mid, 'VALIDATION', 'could not store this change');
    }
  }
  // Only a known entity name is stored: anything else (even a NUL character) becomes '?'.
  const entity = isEntity(m.entity) ? m.entity : '?';
  await ctx.store.remember({ mid, seq: m.seq, entity, recordId: m.id, result: outcome });
  return outcome;
}

type Ordered = { m: PushMutation; i: number }[];

interface Run {
  results: PushResult[];
  lastSeq: number;
}

async function runAll(store: PushStore, caller: Caller, scope: StoreScope, ordered: Ordered, lastSeq: number, savepoints?: Queryable): Promise<Run> {
  const counter: Counter = { value: lastSeq };
  const ctx: Ctx = { store, caller, teamId: scope.teamId, nextSeq: () => ++counter.value };
  const results: PushResult[] = new Array(ordered.length);
  for (const { m, i } of ordered) results[i] = await one(ctx, m, counter, savepoints);
  return { results, lastSeq: counter.value };
}

/** A failure of the batched path; its transaction is rolled back and the batch redone. */
class BatchFailed extends Error {
  constructor(readonly reason: unknown) {
    super('the batched push failed');
  }
}

/** One push as the batched path takes it: its caller, its store scope, its mutations in seq order. */
interface BatchedPush {
  caller: Caller;
  scope: StoreScope;
  ordered: Ordered;
}

/**
 * The batched path: one query reads what the pushes need, one statement writes it all (the
 * records, the audit, the answers and the team's counter). Several pushes of one team are decided
 * one after the other against the same view, each numbered after the one before, so each gets the
 * answers it would get had it come after the other's commit.
 */
async function batched(tx: Queryable, pushes: BatchedPush[], lastSeq: number): Promise<PushResult[][]> {
  try {
    const store = await BatchStore.load(
      tx,
      pushes.map((p) => ({ scope: p.scope, mutations: p.ordered.map((o) => o.m) })),
    );
    const results: PushResult[][] = [];
    let seq = lastSeq;
    for (const p of pushes) {
      store.actAs(p.scope);
      const run = await runAll(store, p.caller, p.scope, p.ordered, seq);
      seq = run.lastSeq;
      results.push(run.results);
    }
    await store.flush(seq);
    return results;
  } catch (e) {
    throw new BatchFailed(e);
  }
}

export interface PushOptions {
  /** 'serial' uses only the per-mutation path (tests compare the two). */
  mode?: 'batched' | 'serial';
  /** Called when the batched path failed and the batch was redone one mutation at a time. */
  onFallback?: (error: unknown) => void;
  /**
   * PostgreSQL: how long to wait for the team's counter lock before answering 503. With several
   * server processes, each one queues only its own pushes of a team; this bounds the rest.
   */
  lockTimeoutMs?: number;
}

const teamBusy = (): BusyError => new BusyError('TEAM_BUSY', 'your team is sending many changes at once; try again in a moment');

/** PostgreSQL's lock_not_available, raised when lock_timeout runs out. */
const LOCK_TIMEOUT = '55P03';

async function lockCounter(db: Database, tx: Queryable, teamId: string, lockTimeoutMs: number | undefined): Promise<number> {
  // PGlite has one session, where the lock is always free at once.
  const bounded = db.kind === 'postgres' && lockTimeoutMs !== undefined;
  // Only this wait is bounded: a lock met later (another team's insert of the same id) is not load.
  // The three statements go as one text (one round trip), so the team id is written into it: a
  // UUID, checked here, is all it can be.
  if (bounded && !isUuid(teamId)) throw new Error('a team id is not a UUID');
  const rows = await (bounded
    ? tx.query<{ last_seq: number | string }>(
        `set local lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))};
         select last_seq from team_counters where team_id = '${teamId}' for update;
         set local lock_timeout to default`,
      )
    : tx.query<{ last_seq: number | string }>('select last_seq from team_counters where team_id = $1 for update', [teamId])
  ).catch((e: unknown) => {
    throw (e as { code?: unknown }).code === LOCK_TIMEOUT ? teamBusy() : e;
  });
  return Number(rows[0]?.last_seq ?? 0);
}

/** One piece of grouped work's answer: its value, or the error it is answered with. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Deferred<R> {
  promise: Promise<R>;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

function deferred<R>(): Deferred<R> {
  let resolve!: (value: R) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<R>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A piece that runs its own group reads its answer only after the group has settled.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

interface Piece<W, R> {
  work: W;
  answer: Deferred<R>;
}

/** The in-process budget of one team's pushes (the README's `PUSH_*` settings). */
export interface PushLimits {
  /** Pushes of one team in the database at once. */
  perTeam: number;
  /** Pushes of one team waiting their turn; one more is answered 503 TEAM_BUSY at once. */
  queuePerTeam: number;
  /** How long a push waits its turn before 503 TEAM_BUSY. */
  queueWaitMs: number;
}

/**
 * Each team's pushes take their turn here, before they take a connection: a team's pushes run one
 * after the other anyway (the counter lock), so thirty of them waiting in the database would only
 * hold thirty connections, or fill PGlite's single queue, while other teams wait behind them.
 * A team is kept only while it has pushes running or waiting.
 */
export class TeamPushes {
  private readonly teams = new Map<string, Slots>();
  /** The work of each group running now, by team (`runGrouped`). */
  private readonly running = new Map<string, Set<unknown[]>>();

  /** `refusal` is the answer past the queue (pulls have their own, server/routes/sync.ts). */
  constructor(
    private readonly limits: PushLimits,
    private readonly refusal: () => Error = teamBusy,
  ) {}

  private slotsOf(team: string): Slots {
    let slots = this.teams.get(team);
    if (!slots) {
      const { perTeam, queuePerTeam, queueWaitMs } = this.limits;
      slots = new Slots({ limit: perTeam, maxQueue: queuePerTeam, maxWaitMs: queueWaitMs, refusal: this.refusal });
      this.teams.set(team, slots);
    }
    return slots;
  }

  async run<T>(team: string, fn: () => Promise<T>): Promise<T> {
    const slots = this.slotsOf(team);
    try {
      return await slots.run(fn);
    } finally {
      if (!slots.busy) this.teams.delete(team);
    }
  }

  /** Whether `work` could have gone with one of the team's groups running now. */
  private fitsRunning<W>(team: string, work: W, fits: (group: W[], next: W) => boolean): boolean {
    for (const group of this.running.get(team) ?? []) if (fits(group as W[], work)) return true;
    return false;
  }

  /**
   * Like `run`, for work that can be done together: whoever gets the team's turn also takes the
   * work waiting behind it (as long as `fits` agrees, given the work taken so far) and
   * `runGroup` does it all at once, answering each piece in order. A piece whose work was taken
   * waits for that answer instead of its own turn; it is no longer in the queue.
   */
  async runGrouped<W, R>(team: string, work: W, fits: (group: W[], next: W) => boolean, runGroup: (group: W[]) => Promise<Settled<R>[]>): Promise<R> {
    const slots = this.slotsOf(team);
    const own: Piece<W, R> = { work, answer: deferred<R>() };
    try {
      // Work that could have gone with a group running now waits for the next group, with whatever
      // else arrives meanwhile, rather than start a group of its own beside it: the devices of a
      // group of pushes all pull at once, and with two places each of the first two pulls would be
      // read alone.
      if (!(await slots.acquire(own, this.fitsRunning(team, work, fits)))) return await own.answer.promise;
      const group: Piece<W, R>[] = [own];
      const works = [work];
      const running = this.running.get(team) ?? this.running.set(team, new Set()).get(team)!;
      running.add(works);
      try {
        const joins = (piece: Piece<W, R>): boolean => {
          if (!fits(works, piece.work)) return false;
          works.push(piece.work);
          return true;
        };
        group.push(...(slots.take((p) => joins(p as Piece<W, R>)) as Piece<W, R>[]));
        const settled = await runGroup(group.map((g) => g.work)).catch((e: unknown) => group.map((): Settled<R> => ({ ok: false, error: e })));
        group.forEach((piece, i) => {
          const s = settled[i]!;
          if (s.ok) piece.answer.resolve(s.value);
          else piece.answer.reject(s.error);
        });
      } finally {
        running.delete(works);
        if (running.size === 0) this.running.delete(team);
        slots.release();
      }
      return await own.answer.promise;
    } finally {
      if (!slots.busy) this.teams.delete(team);
    }
  }

  /** Teams with pushes running or waiting. */
  get size(): number {
    return this.teams.size;
  }

  /** One team's pushes running or waiting. */
  pending(team: string): number {
    return this.teams.get(team)?.pending ?? 0;
  }
}

/**
 * A UUID (v5 layout) naming one installation of one authenticated device: the seq numbers of an
 * installation are kept apart per token, so only the device holding that token can spend them.
 */
export function seqKey(authenticatedDevice: string, installation: string): string {
  const hash = createHash('sha1').update(`${authenticatedDevice.toLowerCase()}:${installation.toLowerCase()}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Admin callers have no team; their (refused) mutations are remembered under the nil UUID. */
const NO_TEAM = '00000000-0000-0000-0000-000000000000';

function orderOf(body: PushBody): Ordered {
  return [...body.mutations].map((m, i) => ({ m, i })).sort((a, b) => a.m.seq - b.m.seq || a.i - b.i);
}

function scopeOf(caller: Caller, body: PushBody): StoreScope {
  const teamId = caller.teamId;
  return { scope: teamId || NO_TEAM, teamId: teamId ?? '', userId: caller.userId, deviceId: caller.deviceId, seqKey: seqKey(caller.deviceId, body.deviceId) };
}

export async function push(db: Database, caller: Caller, body: PushBody, options: PushOptions = {}): Promise<PushResult[]> {
  const teamId = caller.teamId;
  const ordered = orderOf(body);
  const scope = scopeOf(caller, body);
  // The counter row stays locked until commit: one team's pushes commit in change-number order,
  // and nothing the batched path prefetched can be changed by another push of the team.
  // Callers without a team (admins, all refused) keep the simple per-mutation path.
  if (teamId && options.mode !== 'serial' && ordered.length > 0) {
    try {
      const [results] = await db.transaction(async (tx) => batched(tx, [{ caller, scope, ordered }], await lockCounter(db, tx, teamId, options.lockTimeoutMs)));
      return results!;
    } catch (e) {
      if (!(e instanceof BatchFailed)) throw e;
      // Nothing of it remains: the batch is redone from the start, one mutation at a time.
      options.onFallback?.(e.reason);
    }
  }
  return db.transaction(async (tx) => {
    const lastSeq = teamId ? await lockCounter(db, tx, teamId, options.lockTimeoutMs) : 0;
    const run = await runAll(sqlStore(tx, scope), caller, scope, ordered, lastSeq, tx);
    if (teamId && run.lastSeq !== lastSeq) await tx.query('update team_counters set last_seq = $2 where team_id = $1', [teamId, run.lastSeq]);
    return run.results;
  });
}

/** One push request: who sent it and what. */
export interface PushWork {
  caller: Caller;
  body: PushBody;
}

/** The mutations one transaction of grouped pushes takes at most (beyond its first push). */
export const GROUP_MUTATIONS = 1000;

/** Whether `next` joins the pushes of `group` in one transaction (`TeamPushes.runGrouped`). */
export function groupFits(group: PushWork[], next: PushWork): boolean {
  return group.reduce((n, w) => n + w.body.mutations.length, next.body.mutations.length) <= GROUP_MUTATIONS;
}

async function settle<R>(p: Promise<R>): Promise<Settled<R>> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Pushes of one team that waited for each other, in one transaction: the counter lock is taken
 * once, one read fetches what all of them need, each push is decided after the one before (so it
 * sees what they wrote, exactly as if it had come after their commit), one write stores them all
 * and one commit makes them durable before any is answered. A team's pushes then cost a few round
 * trips per group instead of per push. Each push keeps its own answers; if the group cannot be done
 * the batched way, nothing of it remains and each push is redone alone, as `push` does it (per
 * mutation if need be).
 */
export async function pushGroup(db: Database, group: PushWork[], options: PushOptions = {}): Promise<Settled<PushResult[]>[]> {
  const teamId = group[0]?.caller.teamId;
  const together = group.length > 1 && !!teamId && options.mode !== 'serial' && group.every((w) => w.caller.teamId === teamId && w.body.mutations.length > 0);
  if (together) {
    try {
      const pushes = group.map(({ caller, body }) => ({ caller, scope: scopeOf(caller, body), ordered: orderOf(body) }));
      const runs = await db.transaction(async (tx) => batched(tx, pushes, await lockCounter(db, tx, teamId, options.lockTimeoutMs)));
      return runs.map((value) => ({ ok: true, value }));
    } catch (e) {
      // Anything but a group the batched way cannot do (a lock timeout, the database gone) is
      // every push's answer: none of them was stored.
      if (!(e instanceof BatchFailed)) return group.map(() => ({ ok: false, error: e }));
      options.onFallback?.(e.reason);
    }
  }
  const settled: Settled<PushResult[]>[] = [];
  for (const { caller, body } of group) settled.push(await settle(push(db, caller, body, options)));
  return settled;
}
