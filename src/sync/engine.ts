/**
 * The sync engine: push then pull, in batches, with backoff, one runner per origin. No Vue: the
 * app's sync store wires it to triggers and shows its state.
 */
import type { AppDB } from '../db/database';
import { Transport, SyncHttpError, type FetchLike, type PullResponse } from './transport';
import { deviceId } from '../db/meta';
import { getMembership, saveMembership, type DeviceMembership } from './membership';
import { clearCursor, finishReset, getCursor, getResetMarker, pullProgress, setLastSync, startReset, takeRepullFlag, type PullProgress } from './progress';
import { applyPushResults, foldOutbox, noneSettled, takeBatch } from './outbox';
import { applyPullPage, preparePullPage, sealSummariesAhead, startPullRun, type PreparedPage, type PullRun, type SummariesAhead } from './pull';
import { requeueMissing } from './restore';
import { refreshDirtyHouseholds } from './dirtyHouseholds';
import { pendingCount } from './outboxCounts';
import { wipeTeamData } from './teamWipe';

export type SyncPhase =
  | 'idle'
  | 'syncing'
  | 'offline'
  /** Not a member of a team yet. */
  | 'notJoined'
  /** The server no longer knows this device's token: join again (data kept). */
  | 'needsJoin'
  /** The device was removed from the team: its team data was wiped. */
  | 'revoked'
  | 'upgradeRequired'
  | 'error';

export interface SyncStatus {
  phase: SyncPhase;
  lastSyncAt?: string;
  /** i18n key of the last problem, if any. */
  errorKey?: string;
  /** When the next automatic attempt will run (after an error). */
  retryAt?: number;
  /** While a pull of several pages runs: how far it is. */
  progress?: PullProgress;
}

export interface EngineOptions {
  db: AppDB;
  fetch?: FetchLike;
  baseUrl?: string;
  appVersion?: string;
  pushBatchSize?: number;
  /** Records per pull page; by default the server's default, and its maximum for a pull from the beginning. */
  pullPageSize?: number;
  /** For tests: how to wait (defaults to setTimeout). */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  locks?: LockManager | null;
  onStatus?: (status: SyncStatus) => void;
  /** The device's token was replaced: whoever holds a copy of the membership reads it again. */
  onTokenRenewed?: () => void;
  /**
   * True while the sync must not talk to the server (the phone is locked): a sync under way stops
   * before its next request, keeping what it has written, and the next sync goes on from there.
   */
  halted?: () => boolean;
}

/** Thrown between two requests when `halted` says so: not an error, the sync just stops. */
class SyncHalted extends Error {}

/** A pulled page with what was started for it as it arrived. */
interface FetchedPage {
  page: PullResponse;
  prepared: Promise<PreparedPage>;
  summariesAhead?: Promise<SummariesAhead | undefined>;
}

const BACKOFF_START_MS = 1000;
const BACKOFF_CAP_MS = 5 * 60 * 1000;
const LOCK_NAME = 'cong-dong-so-sync';
/**
 * The server's default and largest pull page (PULL_LIMIT in src/domain/wire, not imported: that
 * module's schemas would come into the engine's chunk).
 */
const PULL_PAGE = 500;
const PULL_PAGE_MAX = 1000;
/**
 * A token older than this is swapped for a new one while the phone is in use, so a copy of an old
 * token (an old backup of the phone, a leaked log) stops working; an unused one expires on the server.
 */
export const TOKEN_RENEW_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

/** The i18n key that says why this phone must join again. */
export function rejoinErrorKey(membership: Pick<DeviceMembership, 'rejoinReason'>): string {
  return membership.rejoinReason === 'tokenExpired' ? 'sync.errors.tokenExpired' : 'sync.errors.needsJoin';
}

export class SyncEngine {
  private readonly db: AppDB;
  private readonly transport: Transport;
  private membership: DeviceMembership | undefined;
  private pushBatch: number;
  private readonly pullPage: number | undefined;
  private attempt = 0;
  private running: Promise<SyncStatus> | null = null;
  private rerun = false;
  status: SyncStatus = { phase: 'idle' };

  constructor(private readonly options: EngineOptions) {
    this.db = options.db;
    this.pushBatch = options.pushBatchSize ?? 500;
    this.pullPage = options.pullPageSize;
    this.transport = new Transport({ baseUrl: options.baseUrl, fetch: options.fetch, token: () => this.membership?.token });
  }

  private setStatus(s: SyncStatus): SyncStatus {
    this.status = s;
    this.options.onStatus?.(s);
    return s;
  }

  /** The delay before the next retry: exponential with full jitter, 1 s to 5 min. */
  backoffDelay(attempt: number): number {
    const cap = Math.min(BACKOFF_CAP_MS, BACKOFF_START_MS * 2 ** attempt);
    return Math.floor((this.options.random ?? Math.random)() * cap);
  }

  /** Call when connectivity returns: the next failure starts again from a short delay. */
  resetBackoff(): void {
    this.attempt = 0;
  }

  /** Runs a sync now, or joins the one in progress (and runs once more after it). */
  sync(): Promise<SyncStatus> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = this.withLock(() => this.runUntilQuiet()).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async withLock(fn: () => Promise<SyncStatus>): Promise<SyncStatus> {
    const locks = this.options.locks === undefined ? (typeof navigator !== 'undefined' ? navigator.locks : undefined) : this.options.locks;
    if (!locks) return fn();
    // Another tab is syncing: it does the work for every tab of this origin.
    const result = await locks.request(LOCK_NAME, { ifAvailable: true }, async (lock) => (lock ? fn() : null));
    return result ?? this.status;
  }

  private async runUntilQuiet(): Promise<SyncStatus> {
    let status: SyncStatus;
    do {
      this.rerun = false;
      status = await this.runOnce();
    } while (this.rerun && status.phase === 'idle' && !this.halted());
    return status;
  }

  private halted(): boolean {
    return this.options.halted?.() ?? false;
  }

  /** Called before each request to the server. */
  private goOn(): void {
    if (this.halted()) throw new SyncHalted();
  }

  private async runOnce(): Promise<SyncStatus> {
    this.membership = await getMembership(this.db);
    if (this.db.isDemo || !this.membership) return this.setStatus({ phase: 'notJoined' });
    if (this.membership.needsRejoin) return this.setStatus({ phase: 'needsJoin', errorKey: rejoinErrorKey(this.membership) });
    if (!this.membership.team) return this.setStatus({ phase: 'idle', lastSyncAt: this.status.lastSyncAt });
    this.setStatus({ ...this.status, phase: 'syncing', errorKey: undefined, progress: undefined });
    try {
      this.goOn();
      await this.renewTokenIfDue();
      await this.pushAll();
      await this.pullAll();
      const at = new Date((this.options.now ?? Date.now)()).toISOString();
      await setLastSync(at, this.db);
      this.attempt = 0;
      return this.setStatus({ phase: 'idle', lastSyncAt: at });
    } catch (e) {
      return this.handleError(e);
    }
  }

  /**
   * Swaps an old token for a new one before syncing. Only a 401 stops the sync: any other failure
   * leaves the old token, which keeps working, and the next sync asks again.
   */
  private async renewTokenIfDue(): Promise<void> {
    const membership = this.membership!;
    const now = (this.options.now ?? Date.now)();
    const issued = Date.parse(membership.tokenIssuedAt ?? membership.joinedAt);
    // A clock set back since then would put the renewal off for as long: renew then too.
    if (now - issued < TOKEN_RENEW_AFTER_MS && now >= issued) return;
    let token: string;
    try {
      ({ token } = await this.transport.renewToken());
    } catch (e) {
      if (e instanceof SyncHttpError && e.status === 401) throw e;
      return;
    }
    // Should this write fail, the server still takes the old token until the new one is used.
    const renewed: DeviceMembership = { ...membership, token, tokenIssuedAt: new Date(now).toISOString() };
    await saveMembership(renewed, this.db);
    this.membership = renewed;
    this.options.onTokenRenewed?.();
  }

  private async pushAll(): Promise<void> {
    const device = await deviceId(this.db);
    await foldOutbox(this.db);
    for (;;) {
      const batch = await takeBatch(this.pushBatch, this.db);
      if (batch.length === 0) return;
      let answer;
      this.goOn();
      try {
        answer = await this.transport.push(
          device,
          this.options.appVersion ?? 'unknown',
          batch.map(({ mid, seq, entity, op, id, baseVersion, fields, clientTs }) => ({ mid, seq, entity, op, id, baseVersion, fields, clientTs })),
        );
      } catch (e) {
        if (e instanceof SyncHttpError && e.status === 413 && this.pushBatch > 1) {
          this.pushBatch = Math.max(1, Math.floor(this.pushBatch / 2));
          continue;
        }
        throw e;
      }
      await applyPushResults(batch, answer.results, this.db);
      // Entries the answer did not settle would come back at once: stop rather than loop.
      if (await noneSettled(batch, this.db)) return;
    }
  }

  private async pullAll(): Promise<void> {
    // A discarded edit asks for the team's data again, so the device shows the server's values.
    if (await takeRepullFlag(this.db)) await clearCursor(this.db);
    const cursor = await getCursor(this.db);
    // A re-pull after a server restore that was interrupted goes on where it stopped.
    let marker = await getResetMarker(this.db);
    const clock = this.options.now ?? Date.now;
    const startedAt = clock();
    let received = 0;
    let total: number | undefined;
    // A pull from the beginning writes into tables that are mostly empty: larger pages mean fewer
    // requests and fewer transactions, each with its cursor, outbox check and dirty marks.
    const pageSize = this.pullPage ?? (cursor ? PULL_PAGE : PULL_PAGE_MAX);
    this.goOn();
    // The first page is asked for while the tables are counted: until it comes, the device waits.
    const starting = startPullRun(this.db);
    // The page being written, while it is.
    const writing: { now?: FetchedPage } = {};
    let next = this.pullAhead(cursor, pageSize, starting, writing);
    next.catch(() => undefined);
    const run = await starting;
    for (;;) {
      const fetched = await next;
      const { page, prepared, summariesAhead } = fetched;
      total ??= page.total;
      writing.now = fetched;
      // The next page travels, and is prepared, while this one is written. If writing fails, its
      // answer is dropped unread: the cursor stored is still this page's predecessor's. A halted
      // sync asks for no more, but still writes the page it has.
      const asked = page.hasMore && !this.halted();
      if (asked) {
        next = this.pullAhead(page.cursor, pageSize, run, writing);
        next.catch(() => undefined);
      }
      if (page.reset && !marker) {
        // The server was restored: its answer starts from the beginning; the outbox is kept.
        marker = await startReset(this.db);
      }
      try {
        await applyPullPage(page, marker ? { resetMode: { marker }, run, prepared } : { run, prepared, last: !page.hasMore, summariesAhead }, this.db);
      } finally {
        writing.now = undefined;
      }
      received += page.changes.length;
      // A pull of one page needs no bar; after the last page of a long one, the summaries may remain.
      if (page.hasMore || (total ?? 0) > 0) this.setStatus({ ...this.status, progress: pullProgress(received, total, clock() - startedAt) });
      if (!page.hasMore) break;
      if (!asked) throw new SyncHalted();
    }
    await refreshDirtyHouseholds(this.db, undefined, run.summaries);
    if (marker) {
      // Then what the server no longer has (or has older) goes back to it.
      await requeueMissing(marker, this.db);
      await finishReset(this.db);
      await this.pushAll();
    }
  }

  /**
   * A page, and its preparation for writing (started as soon as it arrives); for the last page of a
   * first sync, also its households' summaries, sealed ahead while the page before (`writing.now`)
   * is still being written.
   */
  private pullAhead(cursor: string | undefined, pageSize: number, run: PullRun | Promise<PullRun>, writing: { now?: FetchedPage }): Promise<FetchedPage> {
    return this.transport.pull(cursor, pageSize).then(async (page) => {
      const r = await run;
      const prepared = preparePullPage(page, r, this.db);
      if (page.hasMore || !r.summaries || page.reset) return { page, prepared };
      const before = writing.now;
      return { page, prepared, summariesAhead: sealSummariesAhead([...(before ? [before] : []), { page, prepared }], r, this.db) };
    });
  }

  private async handleError(e: unknown): Promise<SyncStatus> {
    // Locking mid-sync also drops the sealing key, so a write under way may fail: neither is an error.
    if (e instanceof SyncHalted || (this.halted() && !(e instanceof SyncHttpError))) {
      return this.setStatus({ phase: 'idle', lastSyncAt: this.status.lastSyncAt });
    }
    if (!(e instanceof SyncHttpError)) {
      console.error('sync failed', e);
      return this.scheduleRetry('sync.errors.unexpected');
    }
    if (e.status === 401) {
      if (e.code === 'DEVICE_REVOKED') {
        await wipeTeamData(this.db, { removed: true });
        return this.setStatus({ phase: 'revoked', errorKey: 'sync.errors.revoked' });
      }
      // The phone keeps everything, unsynced changes included, and sends them once it has joined again.
      const rejoin = { needsRejoin: true, rejoinReason: e.code === 'TOKEN_EXPIRED' ? ('tokenExpired' as const) : undefined };
      if (this.membership) await saveMembership({ ...this.membership, ...rejoin }, this.db);
      return this.setStatus({ phase: 'needsJoin', errorKey: rejoinErrorKey(rejoin) });
    }
    if (e.status === 426) return this.setStatus({ phase: 'upgradeRequired', errorKey: 'sync.errors.upgrade' });
    // A 400 on a push is a bug in the app: keep the batch, report it, do not retry in a loop.
    if (e.status === 400) return this.setStatus({ phase: 'error', errorKey: 'sync.errors.appBug', lastSyncAt: this.status.lastSyncAt });
    if (e.status === 403) return this.setStatus({ phase: 'error', errorKey: 'sync.errors.forbidden', lastSyncAt: this.status.lastSyncAt });
    if ((e.status === 429 || e.status === 503) && e.retryAfterSeconds) {
      return this.scheduleRetry(e.status === 429 ? 'sync.errors.busy' : 'sync.errors.server', e.retryAfterSeconds * 1000);
    }
    if (e.status === 0) return this.scheduleRetry('sync.errors.offline', undefined, 'offline');
    return this.scheduleRetry('sync.errors.server');
  }

  private scheduleRetry(errorKey: string, delayMs?: number, phase: SyncPhase = 'error'): SyncStatus {
    const delay = delayMs ?? this.backoffDelay(this.attempt++);
    const now = (this.options.now ?? Date.now)();
    return this.setStatus({ phase, errorKey, retryAt: now + delay, lastSyncAt: this.status.lastSyncAt });
  }

  async waiting(): Promise<number> {
    return pendingCount(this.db);
  }
}
