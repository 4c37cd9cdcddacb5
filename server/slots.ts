/**
 * At most `limit` holders at once; the rest wait in order, at most `maxQueue` of them and each at
 * most `maxWaitMs`. A caller that cannot wait gets `refusal()`'s error at once (queue full) or when
 * its wait runs out, so nothing queues without bound and nothing waits without end.
 */
export interface SlotsOptions {
  limit: number;
  maxQueue?: number;
  maxWaitMs: number;
  refusal: (reason: 'queue full' | 'waited too long') => Error;
}

interface Waiter {
  /** true: the slot is this waiter's now; false: a holder took its work (`take`). */
  resolve: (holding: boolean) => void;
  timer: NodeJS.Timeout;
  /** The work a holder may take over; a waiter without it only ever gets a slot. */
  work?: unknown;
}

export class Slots {
  private held = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly options: SlotsOptions) {}

  /** Holders and waiters. */
  get pending(): number {
    return this.held + this.waiting.length;
  }

  get busy(): boolean {
    return this.pending > 0;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /**
   * Waits like `run`, carrying `work` that a holder may take over meanwhile (`take`): resolves
   * true when the slot is the caller's (to be given back with `release`), false when a holder
   * took the work, which is then the holder's to finish. `behind`: while anyone holds a slot, the
   * caller waits in line even if a slot is free, and gets one when a holder gives it back.
   */
  acquire(work?: unknown, behind = false): Promise<boolean> {
    const { limit, maxQueue = Infinity, maxWaitMs, refusal } = this.options;
    if (this.held < limit && !(behind && this.held > 0)) {
      this.held++;
      return Promise.resolve(true);
    }
    if (this.waiting.length >= maxQueue) return Promise.reject(refusal('queue full'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        work,
        resolve,
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          reject(refusal('waited too long'));
        }, maxWaitMs),
      };
      this.waiting.push(waiter);
    });
  }

  /**
   * For a holder: takes the work of the waiters at the front of the line, oldest first, for as
   * long as `accept` agrees (and they carry work). They leave the line and their wait's limit no
   * longer applies: their answer is now the holder's to give.
   */
  take(accept: (work: unknown) => boolean): unknown[] {
    const taken: unknown[] = [];
    while (this.waiting.length > 0 && this.waiting[0]!.work !== undefined && accept(this.waiting[0]!.work)) {
      const waiter = this.waiting.shift()!;
      clearTimeout(waiter.timer);
      waiter.resolve(false);
      taken.push(waiter.work);
    }
    return taken;
  }

  release(): void {
    // The slot passes straight to the next in line, so nobody can overtake it in between.
    const next = this.waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      next.resolve(true);
    } else this.held--;
  }
}
