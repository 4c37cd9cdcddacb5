/**
 * Places (database connections, transactions) shared between teams. When a place frees, it goes
 * to the waiting team served longest ago (one that was not served since it last had nothing in
 * flight goes first), and within a team to its oldest waiter. So a team whose thirty requests
 * queue up gets one place in turn with each other waiting team, not thirty before them: a team
 * waits for at most one place given to each other waiting team. A team alone, or the only one
 * waiting, gets every place: nothing is held back while nobody else waits. Two exceptions keep
 * waits as short as first come, first served would: a waiter that has already waited half its
 * limit goes first (under an overload where every team waits long, order matters less than
 * nobody being refused), and so does one that already holds something others wait for (a
 * transaction's connection: it holds one of the writers' places).
 *
 * Per process, like the queues in front of it: it only orders this process's own waits.
 */
export interface FairSlotsOptions {
  limit: number;
  /** How long a caller waits for a place before `refusal`. */
  maxWaitMs: number;
  refusal: () => Error;
  /** Milliseconds, for how long a waiter has waited (injected by the tests). */
  now?: () => number;
}

interface Waiter {
  grant: () => void;
  timer: NodeJS.Timeout;
  since: number;
}

interface Share {
  held: number;
  /** Its waiters in the urgent line. */
  urgent: number;
  /** When it was last given a place (a count of places given); 0: not since it became active. */
  served: number;
  waiting: Waiter[];
}

export class FairSlots {
  private held = 0;
  private given = 0;
  private readonly shares = new Map<string, Share>();
  /** Waiters that go before every team's turn, first come first served. */
  private readonly urgent: Waiter[] = [];
  private readonly now: () => number;

  constructor(private readonly options: FairSlotsOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Holders and waiters of `key`. */
  pending(key: string): number {
    const s = this.shares.get(key);
    return s ? s.held + s.waiting.length : 0;
  }

  /** Teams holding or waiting. */
  get teams(): number {
    return this.shares.size;
  }

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire(key);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Resolves with the function that gives the place back (once); `urgent` goes before the teams' turns. */
  acquire(key: string, urgent = false): Promise<() => void> {
    let share = this.shares.get(key);
    if (!share) {
      share = { held: 0, urgent: 0, served: 0, waiting: [] };
      this.shares.set(key, share);
    }
    const own = share;
    if (this.held < this.options.limit) return Promise.resolve(this.take(key, own));
    const line = urgent ? this.urgent : own.waiting;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          if (urgent) own.urgent--;
          resolve(this.take(key, own));
        },
        since: this.now(),
        timer: setTimeout(() => {
          line.splice(line.indexOf(waiter), 1);
          if (urgent) own.urgent--;
          this.forgetIfIdle(key, own);
          reject(this.options.refusal());
        }, this.options.maxWaitMs),
      };
      line.push(waiter);
      if (urgent) own.urgent++;
    });
  }

  private take(key: string, share: Share): () => void {
    this.held++;
    share.held++;
    share.served = ++this.given;
    let returned = false;
    return () => {
      if (returned) return;
      returned = true;
      share.held--;
      this.held--;
      this.forgetIfIdle(key, share);
      this.next();
    };
  }

  private next(): void {
    if (this.held >= this.options.limit) return;
    let waiter = this.urgent.shift();
    if (!waiter) {
      let best: Share | undefined;
      let oldest: Share | undefined;
      for (const s of this.shares.values()) {
        const head = s.waiting[0];
        if (!head) continue;
        if (!best || s.served < best.served) best = s;
        if (!oldest || head.since < oldest.waiting[0]!.since) oldest = s;
      }
      const late = oldest && this.now() - oldest.waiting[0]!.since >= this.options.maxWaitMs / 2;
      waiter = (late ? oldest : best)?.waiting.shift();
    }
    if (!waiter) return;
    clearTimeout(waiter.timer);
    waiter.grant();
  }

  private forgetIfIdle(key: string, share: Share): void {
    if (share.held === 0 && share.urgent === 0 && share.waiting.length === 0 && this.shares.get(key) === share) this.shares.delete(key);
  }
}

/**
 * Which team a bearer token belonged to the last time it was checked, so that the check itself
 * (a query) already queues as that team's work. Only ever a hint for ordering: the token is still
 * checked, and an unknown one queues with every other unknown one.
 */
export class TeamHints {
  private readonly teams = new Map<string, string>();

  constructor(private readonly max = 10_000) {}

  static readonly UNKNOWN = 'unknown token';

  of(tokenHash: string | undefined): string {
    return (tokenHash && this.teams.get(tokenHash)) ?? TeamHints.UNKNOWN;
  }

  learn(tokenHash: string, team: string): void {
    if (this.teams.get(tokenHash) === team) return;
    this.teams.delete(tokenHash);
    // Bounded: the oldest entry goes first (a device that syncs again is learnt again).
    if (this.teams.size >= this.max) this.teams.delete(this.teams.keys().next().value!);
    this.teams.set(tokenHash, team);
  }
}

export interface WorkShareOptions {
  /** How quickly past work stops counting: it weighs half as much after this long. */
  halfLifeMs?: number;
  /** How many times the recent work of the busiest other team a team may have before its work is held to one at a time. */
  slack?: number;
  now?: () => number;
}

interface TeamWork {
  running: number;
  /** Start times of the work running now. */
  starts: number[];
  /** Each is given its start time when it may go (counted as running from then on). */
  waiting: ((start: number) => void)[];
  /** Milliseconds of finished work, decayed to `at`. */
  used: number;
  at: number;
}

/**
 * A team's share of the server's work (its pushes and pulls, each from its turn to its answer).
 * The cores, the event loop and the database's CPU are shared by whatever runs at once, so a team
 * running three pieces of work beside another team's one gets three quarters of the machine. While
 * other teams have work in flight, a team that has recently had much more work done (by time spent
 * on it) than every one of them runs one piece at a time; its next one waits in its own line until
 * that one is done, and nobody else's work ever waits for it. A team alone, or one of several
 * about as busy (200 phones in 20 teams), runs as much at once as its own limits allow
 * (server/services/push.ts, TeamPushes): the hold only bites when one team outweighs all others.
 */
export class WorkShare {
  private readonly teams = new Map<string, TeamWork>();
  private readonly now: () => number;
  private readonly halfLifeMs: number;
  private readonly slack: number;

  constructor(options: WorkShareOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.halfLifeMs = options.halfLifeMs ?? 2_000;
    this.slack = options.slack ?? 1.5;
  }

  /** Work running and waiting of `team`. */
  pending(team: string): { running: number; waiting: number } {
    const t = this.teams.get(team);
    return { running: t?.running ?? 0, waiting: t?.waiting.length ?? 0 };
  }

  async run<T>(team: string, fn: () => Promise<T>): Promise<T> {
    let t = this.teams.get(team);
    if (!t) {
      t = { running: 0, starts: [], waiting: [], used: 0, at: this.now() };
      this.teams.set(team, t);
    }
    const work = t;
    const start = this.mayStart(work) ? this.begin(work) : await new Promise<number>((resolve) => work.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      work.running--;
      work.starts.splice(work.starts.indexOf(start), 1);
      this.decay(work);
      work.used += this.now() - start;
      if (work.running === 0 && work.waiting.length === 0) this.teams.delete(team);
      this.wake();
    }
  }

  private begin(t: TeamWork): number {
    const start = this.now();
    t.running++;
    t.starts.push(start);
    return start;
  }

  private decay(t: TeamWork): void {
    const now = this.now();
    t.used *= 0.5 ** ((now - t.at) / this.halfLifeMs);
    t.at = now;
  }

  /** Recent work, the running pieces' time so far included. */
  private usage(t: TeamWork): number {
    this.decay(t);
    const now = this.now();
    return t.starts.reduce((sum, s) => sum + (now - s), t.used);
  }

  private mayStart(t: TeamWork): boolean {
    if (t.running === 0) return true;
    let busiestOther: number | undefined;
    for (const other of this.teams.values()) {
      if (other === t || (other.running === 0 && other.waiting.length === 0)) continue;
      busiestOther = Math.max(busiestOther ?? 0, this.usage(other));
    }
    return busiestOther === undefined || this.usage(t) <= this.slack * busiestOther;
  }

  /** Starts what may start now, the teams with the least running first. */
  private wake(): void {
    const waiting = [...this.teams.values()].filter((t) => t.waiting.length > 0).sort((a, b) => a.running - b.running);
    for (const t of waiting) {
      while (t.waiting.length > 0 && this.mayStart(t)) t.waiting.shift()!(this.begin(t));
    }
  }
}
