/**
 * The batched push path: a `PushStore` that reads what a batch needs in a few queries up front
 * (its mids and seqs already answered, its records, the ones they refer to, ids of other teams),
 * answers the rules from an in-memory view that each decision updates (a later mutation can
 * depend on an earlier one of the same batch: create then patch, household then member, delete
 * then patch…), and writes everything at the end with one statement per table.
 *
 * It only runs for a team caller, whose pushes are serialized by the team counter row lock, so
 * nothing it read can change under it. Several pushes of one team that waited for each other can
 * share one store (push.ts, `pushGroup`): one read for all of them, each decided after the one
 * before against the same view (as if it had come after that one's commit), one write for all. Any error (a value the database refuses, a clash with a
 * writer that does not take the lock) makes push.ts roll the batch back and redo it one mutation
 * at a time, where each such error rejects only its own mutation.
 */
import type { Queryable } from '../db/adapter';
import { isUuid } from '../../src/domain/ids';
import type { PushMutation } from '../../src/domain/wire';
import { CASCADE, type CascadeLink, type ParentField } from '../../src/domain/cascade';
import { isEntity, type EntityName } from '../../src/domain/vocab';
import type { Outcome } from './push';
import type { AuditEntry, MutationEntry, NewRecord, PushStore, RecordChange, StoreScope } from './pushStore';
import { childrenOf, type RecordRow } from './records';

/*
 * Lookups by a list of keys are written as one index probe per key: `unnest($n) q(key) cross join
 * lateral (… where key = q.key offset 0)`, never `key = any($n)`. PGlite never runs ANALYZE, and
 * without statistics the planner assumes a team holds 0.5% of a table, so for `= any` it prefers
 * reading all the team's rows (or the whole table), which grows with the data. The `offset 0`
 * keeps the subquery from being flattened into a join the planner could hash the same way.
 * A cascade's probe states the partial index's condition (`data ? 'householdId'`), without which
 * records_household cannot serve it, and leaves the entity to be filtered outside the probe: by
 * (team, entity) it would read every live member of the team.
 */

/** Compares object keys the way jsonb orders them: shorter (in UTF-8 bytes) first, then bytewise. */
function jsonbKeyOrder(a: string, b: string): number {
  const la = Buffer.byteLength(a);
  const lb = Buffer.byteLength(b);
  if (la !== lb) return la - lb;
  // For ASCII, UTF-16 code unit order is byte order.
  if (la === a.length && lb === b.length) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function ordered(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(ordered);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  // fromEntries defines own properties, so even a "__proto__" key stays plain data.
  return Object.fromEntries(Object.keys(o).sort(jsonbKeyOrder).map((k) => [k, ordered(o[k])]));
}

/**
 * A JSON value as it would read back from a jsonb column: a deep copy, without `undefined`, with
 * keys in jsonb's order. A record written earlier in the batch is then seen exactly as the
 * per-mutation path would read it back (e.g. the key order of a conflict's `server` values).
 */
export function asStored<T>(value: T): T {
  return ordered(JSON.parse(JSON.stringify(value))) as T;
}

/**
 * One row of `BatchStore.load`'s query: a record, an answer (in `data`), a taken seq (its key in
 * `id`), another team's id, or a live record a delete may cascade to.
 */
type Prefetched = Omit<RecordRow, 'team_id' | 'id'> & { kind: 'answer' | 'seq' | 'record' | 'other' | 'child'; id: string | null; record_id: string | null };

const normalize = (r: RecordRow): RecordRow => ({ ...r, version: Number(r.version), server_seq: Number(r.server_seq) });

/** Household and member ids a mutation's raw fields point at (only well-formed ones). */
function referencedIds(m: PushMutation): string[] {
  const f = m.fields;
  if (typeof f !== 'object' || f === null || Array.isArray(f)) return [];
  const { householdId, memberId, householdIds } = f as Record<string, unknown>;
  const ids = [householdId, memberId, ...(Array.isArray(householdIds) ? householdIds : [])];
  return ids.filter((x): x is string => typeof x === 'string' && isUuid(x));
}

/** One push of what a store serves: whose it is and what it sends. */
export interface BatchPush {
  scope: StoreScope;
  mutations: PushMutation[];
}

const seqOf = (seqKey: string, seq: number): string => `${seqKey.toLowerCase()}:${seq}`;

/** Entities whose delete cascades along `field` (src/domain/cascade.ts). */
const cascadingAlong = (field: ParentField): EntityName[] =>
  (Object.entries(CASCADE) as [EntityName, readonly CascadeLink[]][]).filter(([, links]) => links.some((l) => l.field === field)).map(([e]) => e);

/**
 * The parents whose live children `load` reads, by the field that points at them: the records the
 * pushes delete (as cascade.ts looks them up, lowercase), and, one level down, the members of the
 * households deleted (found by the query itself) and the members the pushes write (a member moved
 * into a household deleted later in the batch). A cascade that asks about any other parent
 * (deeper, or a member only the view holds) is read when it asks (`children`).
 */
function cascadeParents(mutations: PushMutation[]): Record<ParentField, string[]> {
  const parents: Record<ParentField, Set<string>> = { householdId: new Set(), memberId: new Set() };
  for (const m of mutations) {
    if (m.op !== 'delete' || !isEntity(m.entity)) continue;
    for (const link of CASCADE[m.entity] ?? []) parents[link.field].add(m.id.toLowerCase());
  }
  if (parents.householdId.size > 0) {
    const moved = cascadingAlong('memberId');
    for (const m of mutations) if (moved.includes(m.entity as EntityName)) parents.memberId.add(m.id.toLowerCase());
  }
  return { householdId: [...parents.householdId], memberId: [...parents.memberId] };
}

export class BatchStore implements PushStore {
  /** Own-team records by lowercase id: the state so far in this batch; null when there is none. */
  private readonly view = new Map<string, RecordRow | null>();
  /** Lowercase ids already asked about in other teams, and whether another team uses them. */
  private readonly otherTeam = new Map<string, boolean>();
  private readonly answers = new Map<string, Outcome>();
  /** The record (lowercase id) each answer is about, and the mids this store answered itself. */
  private readonly answerRecords = new Map<string, string>();
  private readonly answeredHere = new Set<string>();
  /** `seqOf(seqKey, seq)` of every seq taken, by any installation of the pushes served. */
  private readonly takenSeqs = new Set<string>();
  /** Ids written in this batch; `created` among them are new rows (one insert with the final state). */
  private readonly changed = new Set<string>();
  private readonly created = new Set<string>();
  private readonly audits: (AuditEntry & { userId: string; deviceId: string })[] = [];
  private readonly remembered: (MutationEntry & { seqKey: string })[] = [];
  /**
   * Ids whose view row holds its data and field versions as the rules wrote them, not yet as the
   * database would give them back (`settled`): most records are written once in a batch and never
   * read again in it, and that copy (a JSON round trip and a sort of every object's keys) is made
   * only for those that are.
   */
  private readonly unsettled = new Set<string>();
  /** Live records, as they were before this batch, pointing at a parent in `childrenRead`. */
  private readonly prefetchedChildren: RecordRow[] = [];
  /** Parents, by the field pointing at them, whose children `prefetchedChildren` holds all of. */
  private readonly childrenRead: Record<ParentField, Set<string>> = { householdId: new Set(), memberId: new Set() };
  /** The push being decided: whose writes these are (`actAs`). */
  private s: StoreScope;

  private constructor(
    private readonly tx: Queryable,
    first: StoreScope,
  ) {
    this.s = first;
  }

  /**
   * Reads what the pushes will ask about in one query: their answered mids, taken seqs, records
   * and the records they refer to, which of the ids they create another team uses, and what their
   * deletes cascade to (one lookup per deleted household and member would otherwise be a round
   * trip each, made while the team's counter is locked). Every push is of the same team; the
   * store acts for the first one until `actAs` says otherwise.
   */
  static async load(tx: Queryable, pushes: BatchPush[]): Promise<BatchStore> {
    const s = pushes[0]!.scope;
    if (pushes.some((p) => p.scope.scope !== s.scope || p.scope.teamId !== s.teamId)) throw new Error('a batch store serves the pushes of one team');
    const store = new BatchStore(tx, s);
    const mutations = pushes.flatMap((p) => p.mutations);
    const mids = mutations.map((m) => m.mid.toLowerCase());
    const seqPairs = new Map<string, [string, number]>();
    for (const p of pushes) for (const m of p.mutations) seqPairs.set(seqOf(p.scope.seqKey, m.seq), [p.scope.seqKey, m.seq]);
    const seqKeys = [...seqPairs.values()].map(([k]) => k);
    const seqs = [...seqPairs.values()].map(([, seq]) => seq);
    const ids = [...new Set(mutations.flatMap((m) => [m.id, ...referencedIds(m)]).map((id) => id.toLowerCase()))];
    const creates = [...new Set(mutations.filter((m) => m.op === 'create').map((m) => m.id.toLowerCase()))];
    const parents = cascadeParents(mutations);
    const deeper = cascadingAlong('memberId');
    const rows = await tx.query<Prefetched>(
      `select 'answer' as kind, m.mid as id, null::text as entity, null::integer as version, null::boolean as deleted,
              m.result as data, null::jsonb as field_versions, null::bigint as server_seq,
              null::uuid as created_by, null::uuid as updated_by, null::timestamptz as updated_at, m.record_id
         from unnest($2::uuid[]) q(mid)
           cross join lateral (select mid, result, record_id from mutations where team_id = $1 and mid = q.mid offset 0) m
       union all
       select 'seq', m.device_id, null, null, null, null, null, m.seq, null, null, null, null
         from unnest($3::uuid[], $4::bigint[]) q(device_id, seq)
           cross join lateral (select device_id, seq from mutations where team_id = $1 and device_id = q.device_id and seq = q.seq offset 0) m
       union all
       select 'record', r.id, r.entity, r.version, r.deleted, r.data, r.field_versions, r.server_seq, r.created_by, r.updated_by, r.updated_at, null
         from unnest($6::uuid[]) q(id)
           cross join lateral (select * from records where team_id = $5 and id = q.id offset 0) r
       union all
       select 'other', r.id, null, null, null, null, null, null, null, null, null, null
         from unnest($7::uuid[]) q(id)
           cross join lateral (select id from records where id = q.id and team_id <> $5 limit 1) r
       union all
       select 'child', r.id, r.entity, r.version, r.deleted, r.data, r.field_versions, r.server_seq, r.created_by, r.updated_by, r.updated_at, null
         from unnest($8::text[]) q(parent)
           cross join lateral (select * from records where team_id = $5 and data ? 'householdId' and data->>'householdId' = q.parent and not deleted offset 0) r
       union all
       select 'child', r.id, r.entity, r.version, r.deleted, r.data, r.field_versions, r.server_seq, r.created_by, r.updated_by, r.updated_at, null
         from (select unnest($9::text[])
               union
               select c.id::text from unnest($8::text[]) h(parent)
                 cross join lateral (select id, entity from records where team_id = $5 and data ? 'householdId'
                                       and data->>'householdId' = h.parent and not deleted offset 0) c
               where c.entity = any($10::text[])) q(parent)
           cross join lateral (select * from records where team_id = $5 and data ? 'memberId' and data->>'memberId' = q.parent and not deleted offset 0) r`,
      [s.scope, mids, seqKeys, seqs, s.teamId, ids, creates, parents.householdId, parents.memberId, deeper],
      'push_batch_read',
    );
    for (const id of ids) store.view.set(id, null);
    for (const id of creates) store.otherTeam.set(id, false);
    for (const field of ['householdId', 'memberId'] as const) for (const id of parents[field]) store.childrenRead[field].add(id);
    const householdsRead = new Set(parents.householdId);
    const childIds = new Set<string>();
    for (const r of rows) {
      if (r.kind === 'answer') {
        store.answers.set(r.id!, r.data as unknown as Outcome);
        if (r.record_id) store.answerRecords.set(r.id!, r.record_id.toLowerCase());
      }
      else if (r.kind === 'seq') store.takenSeqs.add(seqOf(r.id!, Number(r.server_seq)));
      else if (r.kind === 'other') store.otherTeam.set(r.id!, true);
      else if (r.kind === 'child') {
        const { kind: _kind, record_id: _answerRecord, ...row } = r;
        const child = normalize({ ...row, id: r.id!, team_id: s.teamId } as RecordRow);
        // Found by both lookups (a member of a deleted household that points at a member too).
        if (!childIds.has(child.id)) store.prefetchedChildren.push(child);
        childIds.add(child.id);
        const household = child.data?.householdId;
        if (deeper.includes(child.entity as EntityName) && typeof household === 'string' && householdsRead.has(household)) store.childrenRead.memberId.add(child.id);
      } else {
        const { kind: _kind, record_id: _answerRecord, ...row } = r;
        store.view.set(r.id!, normalize({ ...row, id: r.id!, team_id: s.teamId } as RecordRow));
      }
    }
    return store;
  }

  /** The push decided from now on (one of those `load` was given): its writes are in its name. */
  actAs(scope: StoreScope): void {
    if (scope.scope !== this.s.scope || scope.teamId !== this.s.teamId) throw new Error('a batch store serves the pushes of one team');
    this.s = scope;
  }

  /** Puts the own-team records of `ids` not in the view yet into it (null for the missing ones). */
  private async load(ids: string[]): Promise<void> {
    const missing = [...new Set(ids.map((id) => id.toLowerCase()))].filter((id) => !this.view.has(id));
    if (missing.length === 0) return;
    const rows = await this.tx.query<RecordRow>(
      'select r.* from unnest($2::uuid[]) q(id) cross join lateral (select * from records where team_id = $1 and id = q.id offset 0) r',
      [this.s.teamId, missing],
    );
    for (const id of missing) this.view.set(id, null);
    for (const r of rows) this.view.set(r.id, normalize(r));
  }

  private async loadOtherTeams(ids: string[]): Promise<void> {
    const missing = ids.filter((id) => !this.otherTeam.has(id));
    if (missing.length === 0) return;
    const rows = await this.tx.query<{ id: string }>(
      'select r.id from unnest($1::uuid[]) q(id) cross join lateral (select id from records where id = q.id and team_id <> $2 offset 0) r',
      [missing, this.s.teamId],
    );
    for (const id of missing) this.otherTeam.set(id, false);
    for (const r of rows) this.otherTeam.set(r.id, true);
  }

  /** The view's row of `id` (lowercase), as the database would give it back. */
  private settled(id: string): RecordRow | null | undefined {
    const r = this.view.get(id);
    if (!r || !this.unsettled.delete(id)) return r;
    const stored = { ...r, data: r.data === null ? null : asStored(r.data), field_versions: asStored(r.field_versions) };
    this.view.set(id, stored);
    return stored;
  }

  async find(id: string): Promise<RecordRow | undefined> {
    await this.load([id]);
    return this.settled(id.toLowerCase()) ?? undefined;
  }

  async usedByOtherTeam(id: string): Promise<boolean> {
    await this.loadOtherTeams([id.toLowerCase()]);
    return this.otherTeam.get(id.toLowerCase()) === true;
  }

  async anyDeleted(ids: string[]): Promise<boolean> {
    await this.load(ids);
    return ids.some((id) => this.view.get(id.toLowerCase())?.deleted === true);
  }

  /**
   * The rows as they were before this batch (those `load` read, the rest from the database); the
   * view then replaces the ones this batch changed and adds those it made match (created, or
   * re-parented), and they are put in `childrenOf`'s order again.
   */
  async children(entity: string, field: ParentField, ids: string[]): Promise<RecordRow[]> {
    if (ids.length === 0) return [];
    const parents = new Set(ids);
    const matches = (r: RecordRow | null | undefined): r is RecordRow =>
      !!r && r.entity === entity && !r.deleted && typeof r.data?.[field] === 'string' && parents.has(r.data[field] as string);
    const read = this.childrenRead[field];
    const unread = ids.filter((id) => !read.has(id));
    const before = [
      ...this.prefetchedChildren.filter((r) => matches(r) && read.has(r.data![field] as string)),
      ...(unread.length > 0 ? await childrenOf(this.tx, this.s.teamId, entity, field, unread) : []),
    ];
    const found: RecordRow[] = [];
    const listed = new Set<string>();
    for (const row of before) {
      listed.add(row.id);
      if (!this.view.has(row.id)) this.view.set(row.id, row);
      if (matches(this.view.get(row.id))) found.push(this.settled(row.id)!);
    }
    for (const id of this.changed) {
      if (!listed.has(id) && matches(this.view.get(id))) found.push(this.settled(id)!);
    }
    return found.sort((a, b) => a.server_seq - b.server_seq);
  }

  async insert(r: NewRecord): Promise<void> {
    const id = r.id.toLowerCase();
    this.view.set(id, {
      team_id: this.s.teamId,
      id,
      entity: r.entity,
      version: 1,
      deleted: false,
      data: r.data,
      field_versions: r.fieldVersions,
      server_seq: r.serverSeq,
      created_by: this.s.userId,
      updated_by: this.s.userId,
      updated_at: '',
    });
    this.unsettled.add(id);
    this.changed.add(id);
    this.created.add(id);
  }

  async update(r: RecordChange): Promise<void> {
    const id = r.id.toLowerCase();
    const before = this.view.get(id);
    if (!before) throw new Error(`update of a record not in the batch view: ${id}`);
    this.view.set(id, {
      ...before,
      version: r.version,
      deleted: r.deleted,
      data: r.data,
      field_versions: r.fieldVersions,
      server_seq: r.serverSeq,
      updated_by: this.s.userId,
    });
    this.unsettled.add(id);
    this.changed.add(id);
  }

  async audit(e: AuditEntry): Promise<void> {
    this.audits.push({ ...e, userId: this.s.userId, deviceId: this.s.deviceId });
  }

  async answered(mid: string): Promise<Outcome | undefined> {
    const stored = this.answers.get(mid);
    if (stored === undefined) return undefined;
    // A kept conflict answer whose record is deleted by now reads as the mutations_scrub_*
    // triggers leave it once that delete is stored, as in `flush`.
    const recordId = this.answerRecords.get(mid);
    if (stored.status === 'conflict' && recordId !== undefined && this.view.get(recordId)?.deleted === true) {
      return asStored({ mid: stored.mid, status: 'rejected', code: 'GONE', message: 'this record was deleted' });
    }
    // An answer given earlier in this store (by another push of the group, which a re-sent batch
    // can join) is read back as the database would give it, key order included.
    return this.answeredHere.has(mid) ? asStored(stored) : stored;
  }

  async seqTaken(seq: number): Promise<boolean> {
    return this.takenSeqs.has(seqOf(this.s.seqKey, seq));
  }

  async remember(e: MutationEntry): Promise<void> {
    this.answers.set(e.mid, e.result);
    this.answerRecords.set(e.mid, e.recordId.toLowerCase());
    this.answeredHere.add(e.mid);
    this.takenSeqs.add(seqOf(this.s.seqKey, e.seq));
    this.remembered.push({ ...e, seqKey: this.s.seqKey });
  }

  /**
   * Writes the batch in one statement: new records with their final state, changed ones, the
   * audit and mutation rows, and the team's counter (`lastSeq`). Rows go as one jsonb parameter
   * per table (no limit on the row count). Each row names the user and device it is written for:
   * the pushes served may come from several.
   */
  async flush(lastSeq: number): Promise<void> {
    const { tx, s } = this;
    const state = (id: string) => {
      const r = this.view.get(id)!;
      return {
        id,
        entity: r.entity,
        version: r.version,
        deleted: r.deleted,
        data: r.data,
        field_versions: r.field_versions,
        server_seq: r.server_seq,
        created_by: r.created_by,
        updated_by: r.updated_by,
      };
    };
    const inserts = [...this.created].map(state);
    const updates = [...this.changed].filter((id) => !this.created.has(id)).map(state);
    const audits = this.audits.map((e) => ({ ...e, fields: e.fields === undefined ? null : e.fields }));
    // A conflict answer on a record this batch ends up deleting is kept as the answer a re-send
    // would get now, as the mutations_scrub_* triggers make it (their checks cannot see rows
    // written by the same statement).
    const remembered = this.remembered.map((e) =>
      e.result.status === 'conflict' && this.view.get(e.recordId.toLowerCase())?.deleted === true
        ? { ...e, result: { mid: e.result.mid, status: 'rejected', code: 'GONE', message: 'this record was deleted' } }
        : e,
    );
    const recordColumns = 'id uuid, entity text, version integer, deleted boolean, data jsonb, field_versions jsonb, server_seq bigint, created_by uuid, updated_by uuid';
    // Each updated row is found by a primary-key probe (see the note at the top), then updated by
    // its address (ctid). The team counter lock keeps other pushes of the team from moving a row
    // meanwhile; should one move anyway, fewer rows are updated and the batch is redone. The
    // records' triggers (the report rows) give the same rows in either order of the two writes.
    const rows = await tx.query<{ updated: number | string }>(
      `with inserted as (
         insert into records (team_id, id, entity, version, deleted, data, field_versions, server_seq, created_by, updated_by)
         select $1, v.id, v.entity, v.version, v.deleted, v.data, v.field_versions, v.server_seq, v.created_by, v.updated_by
         from jsonb_to_recordset($2::jsonb) as v(${recordColumns})
       ), updated as (
         update records r set version = v.version, deleted = v.deleted, data = v.data, field_versions = v.field_versions,
           server_seq = v.server_seq, updated_by = v.updated_by, updated_at = now()
         from jsonb_to_recordset($4::jsonb) as v(${recordColumns})
           cross join lateral (select ctid as address from records where team_id = $1 and id = v.id offset 0) x
         where r.ctid = x.address
         returning r.id
       ), audited as (
         insert into audit_log (team_id, commune_id, server_seq, record_id, entity, op, fields, user_id, device_id, mid, client_ts)
         select $1, (select commune_id from teams where id = $1), v."serverSeq", v."recordId", v.entity, v.op, v.fields, v."userId", v."deviceId", v.mid, v."clientTs"
         from jsonb_to_recordset($5::jsonb) as v("serverSeq" bigint, "recordId" uuid, entity text, op text, fields jsonb, mid uuid, "clientTs" text, "userId" uuid, "deviceId" uuid)
       ), answered as (
         insert into mutations (team_id, mid, device_id, seq, entity, record_id, result)
         select $1, v.mid, v."seqKey", v.seq, v.entity, v."recordId", v.result
         from jsonb_to_recordset($6::jsonb) as v(mid uuid, seq bigint, entity text, "recordId" uuid, result jsonb, "seqKey" uuid)
       ), counted as (
         update team_counters set last_seq = $3 where team_id = $1 and last_seq <> $3
       )
       select count(*) as updated from updated`,
      [s.teamId, JSON.stringify(inserts), lastSeq, JSON.stringify(updates), JSON.stringify(audits), JSON.stringify(remembered)],
      'push_batch_write',
    );
    const done = Number(rows[0]?.updated ?? 0);
    if (done !== updates.length) throw new Error(`updated ${done} of ${updates.length} records`);
  }
}
