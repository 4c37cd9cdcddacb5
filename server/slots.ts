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
  resolve: () => void;
  timer: NodeJS.Timeout;
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

  private acquire(): Promise<void> {
    const { limit, maxQueue = Infinity, maxWaitMs, refusal } = this.options;
    if (this.held < limit) {
      this.held++;
      return Promise.resolve();
    }
    if (this.waiting.length >= maxQueue) return Promise.reject(refusal('queue full'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          reject(refusal('waited too long'));
        }, maxWaitMs),
      };
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    // The slot passes straight to the next in line, so nobody can overtake it in between.
    const next = this.waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      next.resolve();
    } else this.held--;
  }
}
