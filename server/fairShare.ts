/**
 * Places (database connections, transactions) shared between teams. When a place frees, it goes
 * to the waiting team that holds the fewest places, then to the one that has held them the least
 * time lately, and within a team to the oldest waiter. A team that already has work in flight
 * thus goes behind a team that has none, and a team whose work holds places long (a busy team's
 * large pushes) goes behind one whose work is short — but a team alone, or the only one waiting,
 * gets every place: nothing is held back while nobody else waits.
 *
 * Per process, like the queues in front of it: it only orders this process's own waits.
 */
export interface FairSlotsOptions {
  limit: number;
  /** How long a caller waits for a place before `refusal`. */
  maxWaitMs: number;
  refusal: () => Error;
  /** Milliseconds, for the time a team holds its places (injected by the tests). */
  now?: () => number;
}

interface Waiter {
  grant: () => void;
  timer: NodeJS.Timeout;
}

interface Share {
  held: number;
  /** Milliseconds its places were held since it became active, counted from `base` (see `activate`). */
  used: number;
  waiting: Waiter[];
}

export class FairSlots {
  private held = 0;
  private readonly shares = new Map<string, Share>();
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

  /** Resolves with the function that gives the place back (once). */
  acquire(key: string): Promise<() => void> {
    const share = this.activate(key);
    if (this.held < this.options.limit) return Promise.resolve(this.take(key, share));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => resolve(this.take(key, share)),
        timer: setTimeout(() => {
          share.waiting.splice(share.waiting.indexOf(waiter), 1);
          this.forgetIfIdle(key, share);
          reject(this.options.refusal());
        }, this.options.maxWaitMs),
      };
      share.waiting.push(waiter);
    });
  }

  /**
   * A team that comes back after being idle starts level with the least served active team: it
   * goes ahead of those that have been busy, yet carries no credit from before.
   */
  private activate(key: string): Share {
    let share = this.shares.get(key);
    if (!share) {
      let least = Infinity;
      for (const s of this.shares.values()) least = Math.min(least, s.used);
      share = { held: 0, used: Number.isFinite(least) ? least : 0, waiting: [] };
      this.shares.set(key, share);
    }
    return share;
  }

  private take(key: string, share: Share): () => void {
    this.held++;
    share.held++;
    const since = this.now();
    let given = false;
    return () => {
      if (given) return;
      given = true;
      share.used += this.now() - since;
      share.held--;
      this.held--;
      this.forgetIfIdle(key, share);
      this.next();
    };
  }

  private next(): void {
    if (this.held >= this.options.limit) return;
    let best: Share | undefined;
    for (const s of this.shares.values()) {
      if (s.waiting.length === 0) continue;
      if (!best || s.held < best.held || (s.held === best.held && s.used < best.used)) best = s;
    }
    const waiter = best?.waiting.shift();
    if (!waiter) return;
    clearTimeout(waiter.timer);
    waiter.grant();
  }

  private forgetIfIdle(key: string, share: Share): void {
    if (share.held === 0 && share.waiting.length === 0 && this.shares.get(key) === share) this.shares.delete(key);
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
