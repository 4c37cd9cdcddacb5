/**
 * One simulated phone: it pushes a batch of 1–40 mutations (creates, patches and deletes of its own
 * records, and patches of the one household its whole team edits), then follows its pull cursor
 * to the end, then waits a while, and again. Errors are handled as the app does (sync spec, "What
 * the device does with answers"): the same batch is sent again after a 5xx, a timeout or a lost
 * connection, with exponential backoff and full jitter; `429`/`503` wait for `Retry-After`.
 */
import { randomUUID } from 'node:crypto';
import type { PullResponse, PushResponse } from '../../../src/domain/wire';
import type { Mutation } from '../../../src/domain/sync';
import { CursorFollower, type TeamLedger, type Violations } from './ledger';
import type { Answer, LoadClient, RequestKind } from './client';

export type OwnEntity = 'household' | 'visit' | 'session' | 'neighborhood';

/** What the devices of one team share: its ledger, and the household every one of them patches. */
export interface TeamRun {
  name: string;
  ledger: TeamLedger;
  sharedId: string;
  violations: Violations;
}

export interface DeviceCounters {
  batches: number;
  mutations: number;
  applied: number;
  duplicates: number;
  conflicts: number;
  rejected: Record<string, number>;
  /** Batches unanswered by the end of the window, answered when sent again after it (the app resends too). */
  answeredAfterWindow: number;
  /** Batches never answered, even after the window (their records are left out of the value check). */
  unresolvedBatches: number;
  /** Answers the app would treat as a bug (4xx other than 429): status and the start of the body. */
  unexpected: string[];
}

const MAX_BATCH = 40;
const BACKOFF_CAP_MS = 8_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function consent(): Record<string, unknown> {
  return { recordedAt: '2026-03-01T08:30:00+07:00', recordedBy: 'Nguyễn Thị Lan', purposes: ['support', 'followUp'], textVersion: 'vi-2026-01' };
}

export class SimDevice {
  readonly deviceId = randomUUID();
  readonly follower: CursorFollower;
  /** Samples of requests sent from now on carry this group (the checks afterwards use another). */
  group: string;
  readonly counters: DeviceCounters = { batches: 0, mutations: 0, applied: 0, duplicates: 0, conflicts: 0, rejected: {}, answeredAfterWindow: 0, unresolvedBatches: 0, unexpected: [] };
  private seq = 0;
  private cursor: string | undefined;
  private sharedVersion = 1;
  /** This device's own live records (acknowledged, not deleted), for patches and deletes. */
  private readonly own = new Map<string, { entity: OwnEntity; version: number }>();
  private readonly ownIds: string[] = [];
  /** Batches sent but not answered in time, kept as they were (same mids) to be sent again. */
  private readonly unanswered: Mutation[][] = [];

  constructor(
    readonly name: string,
    group: string,
    private readonly token: string,
    private readonly team: TeamRun,
    private readonly client: LoadClient,
    private readonly rng: () => number,
    private readonly pullLimit: number,
  ) {
    this.group = group;
    this.follower = new CursorFollower(name, team.ledger, team.violations);
  }

  /** Rounds until `stopAt`; a batch already sent is retried until `giveUpAt` at most. */
  async run(options: { stopAt: number; giveUpAt: number; thinkMs: number }): Promise<void> {
    const { stopAt, giveUpAt, thinkMs } = options;
    // Phones do not all sync on the same millisecond.
    if (thinkMs > 0) await sleep(Math.min(this.rng() * thinkMs, Math.max(0, stopAt - performance.now())));
    while (performance.now() < stopAt) {
      await this.pushBatch(giveUpAt);
      await this.pullToEnd(giveUpAt);
      const left = stopAt - performance.now();
      if (thinkMs > 0 && left > 0) await sleep(Math.min(thinkMs * (0.5 + this.rng()), left));
    }
  }

  /** Follows the cursor until `hasMore: false`; false when the server could not be reached in time. */
  async pullToEnd(giveUpAt: number): Promise<boolean> {
    for (;;) {
      const query = `limit=${this.pullLimit}${this.cursor === undefined ? '' : `&cursor=${encodeURIComponent(this.cursor)}`}`;
      const a = await this.send('pull', 'GET', `/api/sync/pull?${query}`, undefined, giveUpAt);
      if (!a) return false;
      const page = JSON.parse(a.text) as PullResponse;
      this.follower.page(page.changes, page.reset);
      for (const c of page.changes) if (c.id === this.team.sharedId) this.sharedVersion = Math.max(this.sharedVersion, c.version);
      this.cursor = page.cursor;
      if (!page.hasMore) {
        this.follower.caughtUp(a.sentAt);
        return true;
      }
    }
  }

  private async pushBatch(giveUpAt: number): Promise<void> {
    const mutations = this.makeBatch();
    this.counters.batches++;
    this.counters.mutations += mutations.length;
    const a = await this.send('push', 'POST', '/api/sync/push', this.body(mutations), giveUpAt);
    if (a) this.applyAnswer(mutations, a.text);
    else this.unanswered.push(mutations);
  }

  /** After the window: sends the unanswered batches again, so that the checks know what they did. */
  async settle(giveUpAt: number): Promise<void> {
    for (const mutations of this.unanswered.splice(0)) {
      const a = await this.send('push', 'POST', '/api/sync/push', this.body(mutations), giveUpAt);
      if (a) {
        this.counters.answeredAfterWindow++;
        this.applyAnswer(mutations, a.text);
      } else {
        this.counters.unresolvedBatches++;
        this.team.ledger.markUnresolved(mutations.map((m) => m.id));
      }
    }
  }

  private body(mutations: Mutation[]) {
    return { protocol: 1, deviceId: this.deviceId, appVersion: 'load-bench', mutations };
  }

  private applyAnswer(mutations: Mutation[], text: string): void {
    const { results } = JSON.parse(text) as PushResponse;
    const at = performance.now();
    results.forEach((r, i) => {
      const m = mutations[i]!;
      if (r.mid !== m.mid) throw new Error(`push answer ${i} is for mid ${r.mid}, not ${m.mid}`);
      if (r.status === 'rejected') {
        this.counters.rejected[r.code] = (this.counters.rejected[r.code] ?? 0) + 1;
        return;
      }
      if (r.status === 'conflict') {
        this.counters.conflicts++;
        // Something applied (other fields than the conflicting ones) only when it has a serverSeq.
        const applied = r.serverSeq === undefined ? undefined : Object.fromEntries(Object.entries(m.fields ?? {}).filter(([k]) => !r.fields.includes(k)));
        this.team.ledger.observe(m.id, r.version, at, applied && { id: m.id, version: r.version, op: 'patch', fields: applied });
      } else {
        if (r.status === 'applied') this.counters.applied++;
        else this.counters.duplicates++;
        this.team.ledger.observe(m.id, r.version, at, { id: m.id, version: r.version, op: m.op, fields: m.fields });
      }
      if (m.id === this.team.sharedId) {
        this.sharedVersion = Math.max(this.sharedVersion, r.version);
      } else if (m.op === 'delete') {
        this.forget(m.id);
      } else if (m.op === 'create') {
        this.own.set(m.id, { entity: m.entity as OwnEntity, version: r.version });
        this.ownIds.push(m.id);
      } else {
        const o = this.own.get(m.id);
        if (o) o.version = r.version;
      }
    });
  }

  /** The mix: about 15 % patches of the team's household, 25 % patches and 10 % deletes of own records, the rest creates. */
  private makeBatch(): Mutation[] {
    const size = 1 + Math.floor(this.rng() * MAX_BATCH);
    const used = new Set<string>();
    const out: Mutation[] = [];
    const clientTs = new Date().toISOString();
    const base = { clientTs };
    for (let i = 0; i < size; i++) {
      const r = this.rng();
      const seq = ++this.seq;
      const mid = randomUUID();
      if (r < 0.15 && !used.has(this.team.sharedId)) {
        used.add(this.team.sharedId);
        out.push({ ...base, mid, seq, entity: 'household', op: 'patch', id: this.team.sharedId, baseVersion: this.sharedVersion, fields: { notes: `${this.name} #${seq}` } });
        continue;
      }
      const pick = r < 0.5 ? this.pickOwn(used) : undefined;
      if (pick && r < 0.4) {
        const o = this.own.get(pick)!;
        out.push({ ...base, mid, seq, entity: o.entity, op: 'patch', id: pick, baseVersion: o.version, fields: this.patchFields(o.entity, seq) });
      } else if (pick) {
        const o = this.own.get(pick)!;
        out.push({ ...base, mid, seq, entity: o.entity, op: 'delete', id: pick, baseVersion: o.version });
      } else {
        const entity = this.pickEntity();
        const id = randomUUID();
        used.add(id);
        out.push({ ...base, mid, seq, entity, op: 'create', id, fields: this.createFields(entity, seq) });
      }
    }
    return out;
  }

  private pickOwn(used: Set<string>): string | undefined {
    if (this.ownIds.length === 0) return undefined;
    const id = this.ownIds[Math.floor(this.rng() * this.ownIds.length)]!;
    if (used.has(id)) return undefined;
    used.add(id);
    return id;
  }

  private forget(id: string): void {
    this.own.delete(id);
    const i = this.ownIds.indexOf(id);
    if (i >= 0) {
      this.ownIds[i] = this.ownIds[this.ownIds.length - 1]!;
      this.ownIds.pop();
    }
  }

  private pickEntity(): OwnEntity {
    const r = this.rng();
    return r < 0.4 ? 'household' : r < 0.7 ? 'visit' : r < 0.85 ? 'session' : 'neighborhood';
  }

  private phone(): string {
    return `09${String(Math.floor(this.rng() * 1e8)).padStart(8, '0')}`;
  }

  /** Visits belong to the team's household, which is never deleted: no cascade to model. */
  private createFields(entity: OwnEntity, seq: number): Record<string, unknown> {
    switch (entity) {
      case 'household':
        return { neighborhood: 'Thôn Đông', address: `Số ${seq}, ngõ ${1 + Math.floor(this.rng() * 40)}, thôn Đông`, headName: `Chủ hộ ${this.name} ${seq}`, phone: this.phone(), consent: consent() };
      case 'visit':
        return { householdId: this.team.sharedId, date: '2026-03-02', topics: ['vneid', 'scamAwareness'], outcome: 'done', durationMinutes: 15 };
      case 'session':
        return { date: '2026-03-05', place: `Nhà văn hóa ${this.name}`, topics: ['digitalSkills'], attendees: Math.floor(this.rng() * 60) };
      case 'neighborhood':
        return { name: `Thôn ${this.name} ${seq}`, kind: 'thon' };
    }
  }

  private patchFields(entity: OwnEntity, seq: number): Record<string, unknown> {
    const notes = `Ghi chú ${seq} của ${this.name}`;
    switch (entity) {
      case 'household':
        return { notes, phone: this.phone() };
      case 'visit':
        return { notes, durationMinutes: Math.floor(this.rng() * 600) };
      case 'session':
        return { notes, attendees: Math.floor(this.rng() * 60) };
      case 'neighborhood':
        return { notes };
    }
  }

  /** One request, sent again as the app would until it gets an answer or `giveUpAt` passes. */
  private async send(kind: RequestKind, method: 'GET' | 'POST', path: string, body: unknown, giveUpAt: number): Promise<Answer | undefined> {
    for (let attempt = 0; ; attempt++) {
      const a = await this.client.request(kind, this.group, method, path, this.token, body);
      if (a.status === 200) return a;
      let wait: number;
      if (a.status === 429 || a.status === 503) wait = (a.retryAfter ?? 1) * 1000;
      else if (a.status >= 500 || a.status <= 0) wait = this.rng() * Math.min(BACKOFF_CAP_MS, 1000 * 2 ** attempt);
      else {
        this.counters.unexpected.push(`${method} ${path.split('?')[0]} → ${a.status} ${a.text.slice(0, 200)}`);
        return undefined;
      }
      if (performance.now() + wait > giveUpAt) return undefined;
      await sleep(wait);
    }
  }
}
