/**
 * The load benchmark's checker: what the server acknowledged, what each device's pull cursor
 * delivered, and the final state of each team, compared. Pure: no I/O, no clock (times are passed
 * in), so tests/bench/load/ledger.test.ts can feed it a skip or a repeat and see it caught.
 *
 * A pull returns each record's latest state, so a record changed twice between two pulls
 * legitimately jumps a version; what a cursor must never do is (1) deliver a record at a version it
 * already delivered or an older one (a repeat), or (2) finish a pass (`hasMore: false`) without a
 * version the server had acknowledged before that pass's last request was sent (a skip): such a
 * change was committed before the request, and the cursor either passed it or reaches it there.
 */

export type ViolationKind =
  | 'repeat'
  | 'skip'
  | 'reset'
  | 'twice-in-final-pull'
  | 'missing'
  | 'wrong-version'
  | 'wrong-deleted'
  | 'wrong-value'
  | 'unknown-record'
  | 'device-behind';

export interface Violation {
  kind: ViolationKind;
  id: string;
  device?: string;
  detail: string;
}

/** Counts every violation, keeps the first few of each kind as examples. */
export class Violations {
  readonly counts = new Map<ViolationKind, number>();
  readonly examples: Violation[] = [];
  private readonly perKind: number;

  constructor(perKind = 5) {
    this.perKind = perKind;
  }

  add(v: Violation): void {
    const n = (this.counts.get(v.kind) ?? 0) + 1;
    this.counts.set(v.kind, n);
    if (n <= this.perKind) this.examples.push(v);
  }

  get total(): number {
    let t = 0;
    for (const n of this.counts.values()) t += n;
    return t;
  }

  summary(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}

/** One change a push answer says it made (applied, duplicate of an applied one, or a partly applied conflict). */
export interface AppliedChange {
  id: string;
  version: number;
  op: 'create' | 'patch' | 'delete';
  /** The fields that took effect (a conflict's conflicting fields left out). */
  fields?: Record<string, unknown>;
}

interface AckEntry {
  id: string;
  version: number;
  /** When the answer was received (the caller's clock, e.g. performance.now()). */
  at: number;
}

interface Expected {
  version: number;
  deleted: boolean;
  fields: Record<string, unknown>;
}

/** One team's acknowledgements. Each record's changes are folded in version order: versions are the record's own change numbers. */
export class TeamLedger {
  /** Every version a push answer reported, in the order the answers arrived. */
  readonly acks: AckEntry[] = [];
  private readonly changes = new Map<string, AppliedChange[]>();
  /** Records touched by a batch whose answer never came (timed out at the end): their final state is unknown. */
  readonly unresolved = new Set<string>();

  /** A push answer saw `id` at `version`; `change` when it made that version. */
  observe(id: string, version: number, at: number, change?: AppliedChange): void {
    this.acks.push({ id, version, at });
    if (!change) return;
    const list = this.changes.get(id);
    if (list) list.push(change);
    else this.changes.set(id, [change]);
  }

  markUnresolved(ids: Iterable<string>): void {
    for (const id of ids) this.unresolved.add(id);
  }

  get records(): number {
    return this.changes.size;
  }

  /** The state each acknowledged record must have at the end. */
  expected(): Map<string, Expected> {
    const out = new Map<string, Expected>();
    for (const [id, list] of this.changes) {
      const sorted = [...list].sort((a, b) => a.version - b.version);
      const state: Expected = { version: 0, deleted: false, fields: {} };
      for (const c of sorted) {
        state.version = Math.max(state.version, c.version);
        if (c.op === 'delete') state.deleted = true;
        else if (c.fields) Object.assign(state.fields, c.fields);
      }
      out.set(id, state);
    }
    return out;
  }
}

/** What one device's pull cursor delivered, checked as it goes. */
export class CursorFollower {
  readonly seen = new Map<string, number>();
  /** Index of the first acknowledgement of the team not yet checked against this device. */
  private checkedAcks = 0;

  constructor(
    readonly device: string,
    private readonly ledger: TeamLedger,
    private readonly violations: Violations,
  ) {}

  /** One pull page, in the order received. */
  page(changes: readonly { id: string; version: number }[], reset: boolean): void {
    if (reset) this.violations.add({ kind: 'reset', id: '', device: this.device, detail: 'a pull answered reset: true (no restore happened)' });
    for (const c of changes) {
      const before = this.seen.get(c.id);
      if (before !== undefined && c.version <= before) {
        this.violations.add({ kind: 'repeat', id: c.id, device: this.device, detail: `delivered version ${c.version} after version ${before}` });
      }
      this.seen.set(c.id, Math.max(before ?? 0, c.version));
    }
  }

  /** The cursor reached the end (`hasMore: false`) on a request sent at `sentAt`. */
  caughtUp(sentAt: number): void {
    const acks = this.ledger.acks;
    while (this.checkedAcks < acks.length) {
      const a = acks[this.checkedAcks]!;
      if (a.at >= sentAt) break;
      const seen = this.seen.get(a.id) ?? 0;
      if (seen < a.version) {
        this.violations.add({
          kind: 'skip',
          id: a.id,
          device: this.device,
          detail: `version ${a.version} was acknowledged before the last page was asked for; the cursor delivered ${seen || 'nothing'}`,
        });
      }
      this.checkedAcks++;
    }
  }
}

export interface FinalChange {
  id: string;
  version: number;
  deleted: boolean;
  data: Record<string, unknown> | null;
}

/** JSON equality with object keys in any order (jsonb stores them in its own order). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameJson(x, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && sameJson((a as Record<string, unknown>)[k], rb[k]));
}

/**
 * After the run: `finalPull` is one pass from the beginning (no writes meanwhile). Every record is
 * in it once; every acknowledged record is there with its last acknowledged version, tombstone
 * flag and field values; nothing is there that no answer acknowledged (unless a batch's answer
 * never came); and every device's cursor, caught up, holds exactly that version of each record.
 */
export function verifyTeam(
  ledger: TeamLedger,
  finalPull: readonly FinalChange[],
  followers: readonly CursorFollower[],
  violations: Violations,
): { records: number; acknowledged: number } {
  const final = new Map<string, FinalChange>();
  for (const c of finalPull) {
    if (final.has(c.id)) violations.add({ kind: 'twice-in-final-pull', id: c.id, detail: 'one pass from the beginning listed the record twice' });
    final.set(c.id, c);
  }
  const expected = ledger.expected();
  for (const [id, e] of expected) {
    if (ledger.unresolved.has(id)) continue;
    const got = final.get(id);
    if (!got) {
      violations.add({ kind: 'missing', id, detail: `acknowledged at version ${e.version}, absent from the final pull` });
      continue;
    }
    if (got.version !== e.version) violations.add({ kind: 'wrong-version', id, detail: `acknowledged last at version ${e.version}, the server has ${got.version}` });
    if (got.deleted !== e.deleted) violations.add({ kind: 'wrong-deleted', id, detail: `deleted should be ${e.deleted}, the server says ${got.deleted}` });
    if (!e.deleted) {
      for (const [k, v] of Object.entries(e.fields)) {
        const actual = got.data?.[k];
        if (!sameJson(actual, v)) violations.add({ kind: 'wrong-value', id, detail: `${k}: expected ${JSON.stringify(v)}, the server has ${JSON.stringify(actual)}` });
      }
    }
  }
  for (const id of final.keys()) {
    if (!expected.has(id) && !ledger.unresolved.has(id)) {
      violations.add({ kind: 'unknown-record', id, detail: 'on the server, but no push answer acknowledged it' });
    }
  }
  for (const f of followers) {
    for (const [id, c] of final) {
      const seen = f.seen.get(id);
      if (seen !== c.version) violations.add({ kind: 'device-behind', id, device: f.device, detail: `caught up at version ${seen ?? 'none'}, the server has ${c.version}` });
    }
    for (const id of f.seen.keys()) {
      if (!final.has(id)) violations.add({ kind: 'device-behind', id, device: f.device, detail: 'delivered to the device, absent from the final pull' });
    }
  }
  return { records: final.size, acknowledged: expected.size };
}
