/**
 * One piece of work at a time, shared fairly between lanes (a team each): PGlite has a single
 * session, so every team's statements wait in one line, and in a first-come line one team's
 * devices syncing without pause always have work queued ahead of a quiet team's (issue 12: the
 * quiet team's p95 went 3.5× its idle figure on PGlite, where PostgreSQL's connections kept it
 * under 2×).
 *
 * Fair by time used, not by count (start-time fair queueing): each lane counts the milliseconds
 * its work has held the line, and the next work is the oldest of the lane that has used the least.
 * A lane that had nothing waiting starts from the count of the work last started, so waiting
 * idle earns no credit, and a lane that just ran a long transaction (a push of 40 mutations, a
 * page of 500 records) goes behind a lane whose last work was a short query. Within a lane the
 * order stays first come, first served. Nothing is ever put off for good: a lane's count only
 * grows while it runs, so every other waiting lane comes before it again.
 *
 * A piece of work holds the line until its promise settles (a transaction until its commit or
 * rollback); what it runs meanwhile (its transaction's statements) does not go through the line,
 * so fairness never comes between a transaction and its own statements.
 */

export interface FairQueueOptions {
  /** Milliseconds, for the time each work holds the line (tests give their own clock). */
  now?: () => number;
  /**
   * Called just before the next work is chosen: the worker thread reads the requests that
   * arrived while the database was busy, so that a quiet team's request that came during the
   * last query is a candidate, not left for the pick after.
   */
  beforeNext?: () => void;
  /**
   * A lane whose time is not counted: whenever it has work waiting, that work goes next. For the
   * work of no team, which every team's requests share: authentication comes before a request's
   * team is known, and counted as one lane it would have one team's share of the line for all the
   * teams' requests together.
   */
  first?: string;
}

interface Task {
  /** Its place in the order of arrival, to break ties first come, first served. */
  order: number;
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Lane {
  waiting: Task[];
  /** Milliseconds of the line this lane has used, on the queue's common count. */
  used: number;
}

export class FairQueue {
  private readonly lanes = new Map<string, Lane>();
  /** The count of the work last started: where a lane that was idle starts again. */
  private clock = 0;
  private arrivals = 0;
  /** Work holds the line, or the next is being chosen. */
  private busy = false;
  /** Every work not yet settled, the one holding the line included. */
  private readonly unsettled = new Set<Promise<unknown>>();
  private readonly now: () => number;

  constructor(private readonly options: FairQueueOptions = {}) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Work waiting, not counting the one that holds the line. */
  get waiting(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.waiting.length;
    return n;
  }

  /** Settles once every work given so far has settled (not waiting for work given later). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.unsettled]);
  }

  run<T>(lane: string, work: () => Promise<T>): Promise<T> {
    const result = new Promise<T>((resolve, reject) => {
      let l = this.lanes.get(lane);
      if (!l) {
        l = { waiting: [], used: this.clock };
        this.lanes.set(lane, l);
      }
      // No credit for having waited idle.
      if (l.waiting.length === 0) l.used = Math.max(l.used, this.clock);
      l.waiting.push({ order: this.arrivals++, run: work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.busy) this.next();
    });
    this.unsettled.add(result);
    const forget = (): void => void this.unsettled.delete(result);
    result.then(forget, forget);
    return result;
  }

  /** Chooses and starts the next work, if any. */
  private next(): void {
    this.busy = true;
    this.options.beforeNext?.();
    let chosen: Lane | undefined;
    const first = this.options.first === undefined ? undefined : this.lanes.get(this.options.first);
    if (first && first.waiting.length > 0) chosen = first;
    else
      for (const [name, lane] of this.lanes) {
        if (lane.waiting.length === 0) {
          // Nothing to remember of a lane that owes nothing: it would start from the clock anyway.
          if (lane.used <= this.clock) this.lanes.delete(name);
          continue;
        }
        if (!chosen || lane.used < chosen.used || (lane.used === chosen.used && lane.waiting[0]!.order < chosen.waiting[0]!.order)) chosen = lane;
      }
    if (!chosen) {
      this.busy = false;
      return;
    }
    const lane = chosen;
    const counted = lane !== first;
    const task = lane.waiting.shift()!;
    if (counted) this.clock = Math.max(this.clock, lane.used);
    const started = this.now();
    let running: Promise<unknown>;
    try {
      running = task.run();
    } catch (e) {
      running = Promise.reject(e);
    }
    running.then(task.resolve, task.reject).finally(() => {
      if (counted) lane.used += Math.max(0, this.now() - started);
      this.next();
    });
  }
}
