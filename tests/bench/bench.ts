/**
 * The benchmark itself (run by tests/bench/run.mjs through Vitest, see bench.run.ts).
 *
 * Everything is measured in Debian's Chromium against the production build in dist/, served
 * together with the seeding page (dist-bench/, at /__bench/) from one origin so both share
 * IndexedDB.
 *
 * - JS bytes: each entry route in a fresh, empty browser context; gzip sizes computed here from
 *   the built files (zlib default level), independent of the server's compression.
 * - Data phases: one on-disk Chromium profile (a temporary user-data dir), so IndexedDB persists
 *   across browser restarts like on a phone. Each phase (and each cold load) relaunches the
 *   browser on that profile. The app's service worker registers on the first app load and serves
 *   the assets afterwards, as it would on a device.
 * - Sync (full mode): the real app server (syncServer.ts) serves dist/ and dist-bench/ with the API;
 *   the sync page (sync/) runs the app's SyncEngine into the main database of a fresh on-disk
 *   profile, then createVisit calls; the raw bulkPut of the same rows runs in fresh profiles too.
 * - Push (full mode, Node only): POST /api/sync/push through app.inject against raw multi-row
 *   INSERTs, on PGlite and on PostgreSQL.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir, cpus, totalmem, type as osType, release, arch } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { startStaticServer, type StaticServer } from '../support/staticServer';
import { CHROMIUM_ARGS, chromiumPath, launchChromium } from '../support/browser';
import { dashboardPhase } from './dashboard';
import { BENCH_PIN } from './pin';
import { findPostgres, freshPglite, freshPostgres, pushThroughput, seedTeam, startBenchServer, type BenchServer, type RequestTiming, type SeededTeam } from './syncServer';

// ------------------------------------------------------------------------------------------------
// Options

export type BenchMode = 'quick' | 'full';

export interface BenchOptions {
  households: number;
  membersPerHousehold: number;
  visits: number;
  sessions: number;
  seed: number;
  /** Cold loads of /households (after one uncounted first-ever load). */
  loadRuns: number;
  /** Households with 20 visits to open. */
  opens: number;
  /** Chrome DevTools CPU throttling rate; 1 = none. */
  cpuThrottle: number;
  /** Pause between keystrokes while typing, ms (people type 4–8 characters a second). */
  keyGapMs: number;
  /** After the measured search, type everything again under the CPU profiler (not counted). */
  profile: boolean;
  /** The second, small first sync: households / members per household / visits. */
  smallSyncHouseholds: number;
  smallSyncMembers: number;
  smallSyncVisits: number;
  /** createVisit calls timed after the big first sync. */
  writes: number;
  /** Household creates pushed through the HTTP app, in batches of `pushBatch`. */
  pushMutations: number;
  pushBatch: number;
  /** Phases besides the JS budget (full mode): ui (seed, list, search, open), dashboard, sync, push. */
  phases: string[];
}

export const DEFAULT_OPTIONS: BenchOptions = {
  households: 10_000,
  membersPerHousehold: 3,
  visits: 100_000,
  sessions: 200,
  seed: 20260101,
  loadRuns: 5,
  opens: 20,
  cpuThrottle: 1,
  keyGapMs: 60,
  profile: false,
  smallSyncHouseholds: 1_000,
  smallSyncMembers: 3,
  smallSyncVisits: 6_000,
  writes: 200,
  pushMutations: 10_000,
  pushBatch: 100,
  phases: ['ui', 'dashboard', 'sync', 'push'],
};

export const BUDGET_JS_GZIP = 102_400;
export const GOAL_SEARCH_P95_MS = 50;
export const GOAL_OPEN_MS = 100;
/** Issue 15: from the PIN's "unlock" to the first household row, with 10,000 households sealed. */
export const GOAL_UNLOCK_TO_ROW_MS = 1000;
/** First sync: rows/s at least this share of a raw bulkPut of the same rows (500 per transaction). */
export const GOAL_SYNC_RATIO = 0.5;
/**
 * First sync: at most this many times the time of a bulkPut of the same rows into tables with a
 * primary key only, 1,000 per transaction (issue 16: what the device itself allows).
 */
export const GOAL_SYNC_PK_FACTOR = 2.2;
/** First sync of 10,000 records in all. */
export const GOAL_SMALL_SYNC_MS = 3000;
/** One local write (record + outbox in one transaction), p95. */
export const GOAL_WRITE_P95_MS = 50;
/** Rows per transaction of the raw bulkPut: the sync's pull page size. */
const RAW_CHUNK_ROWS = 500;
/** Rows per transaction of the primary-key-only bulkPut. */
const PK_CHUNK_ROWS = 1000;

const VIEWPORT = { width: 360, height: 800 };
/** A cheap Android phone: 720×1600 physical pixels, touch. */
const DEVICE = { viewport: VIEWPORT, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'vi-VN' };

/** Typed character by character; the last one has diacritics, as a phone keyboard would produce. */
export const SEARCH_QUERIES = [
  'nguyen van',
  'tran thi h',
  'so 12',
  'dong',
  'le',
  'pham minh',
  'hoang',
  'thon tay',
  'duong le loi',
  'xom ben',
  '0912',
  'bui thi lan',
  'vo van',
  'Nguyễn Thị',
];

const ROUTES_FOR_JS = ['/', '/households'];

const repo = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const DIST = process.env.BENCH_DIST ? resolve(process.env.BENCH_DIST) : join(repo, 'dist');
const DIST_BENCH = join(repo, 'dist-bench');
const DIST_LABEL = DIST.startsWith(repo + '/') ? `${DIST.slice(repo.length + 1)}/` : DIST;

// ------------------------------------------------------------------------------------------------
// Small helpers

function log(msg: string): void {
  process.stdout.write(`[bench] ${msg}\n`);
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function stats(values: number[]): { n: number; p50: number; p95: number; max: number; min: number; mean: number } {
  const mean = values.reduce((a, b) => a + b, 0) / (values.length || 1);
  return {
    n: values.length,
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    max: round(Math.max(...values)),
    min: round(Math.min(...values)),
    mean: round(mean),
  };
}

const gzipCache = new Map<string, { raw: number; gzip: number } | null>();
async function builtFileSize(urlPath: string): Promise<{ raw: number; gzip: number } | null> {
  if (gzipCache.has(urlPath)) return gzipCache.get(urlPath) ?? null;
  const file = join(DIST, decodeURIComponent(urlPath));
  let size: { raw: number; gzip: number } | null = null;
  if (file.startsWith(DIST) && existsSync(file)) {
    const body = await readFile(file);
    size = { raw: body.length, gzip: gzipSync(body).length };
  }
  gzipCache.set(urlPath, size);
  return size;
}

async function throttle(context: BrowserContext, page: Page, rate: number): Promise<void> {
  if (rate <= 1) return;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
}

async function withProfile<T>(profileDir: string, fn: (context: BrowserContext) => Promise<T>): Promise<T> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
    ...DEVICE,
  });
  try {
    return await fn(context);
  } finally {
    await context.close();
  }
}

async function freshPage(context: BrowserContext, options: BenchOptions): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(120_000);
  await throttle(context, page, options.cpuThrottle);
  return page;
}

// ------------------------------------------------------------------------------------------------
// 3. JS bytes before first paint

interface JsFile {
  path: string;
  raw: number;
  gzip: number;
  /** Finished loading before the first contentful paint. */
  beforeFcp: boolean;
  /** Requested before the route's own content (its main heading) was first painted. Budgeted. */
  beforeRoutePaint: boolean;
}

export interface RouteJs {
  route: string;
  fcpMs: number | null;
  /** When the route's main heading was first painted. */
  routePaintMs: number | null;
  /**
   * Scripts requested before the route's content was first painted: what a person waits for.
   * Budgeted. (Scripts fetched later, at idle — the service-worker registration — are not.)
   */
  gzipBytes: number;
  /** Every script the page requested until load + network idle. */
  gzipBytesUntilIdle: number;
  rawBytes: number;
  /** Only the scripts that finished loading before the first contentful paint. */
  gzipBytesBeforeFcp: number;
  files: JsFile[];
  budget: number;
  pass: boolean;
}

async function measureRouteJs(browser: Browser, baseUrl: string, route: string): Promise<RouteJs> {
  const context = await browser.newContext(DEVICE);
  try {
    const page = await context.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { __routePaint?: number };
      const poll = () => {
        if (document.querySelector('main h1')) requestAnimationFrame(() => (w.__routePaint = performance.now()));
        else requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);
    });
    const scripts = new Set<string>();
    page.on('response', (response) => {
      const request = response.request();
      if (request.resourceType() !== 'script' || request.serviceWorker()) return;
      const url = new URL(response.url());
      if (url.origin === baseUrl) scripts.add(url.pathname);
    });
    await page.goto(baseUrl + route, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    const timing = await page.evaluate(() => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      const resources = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((e) => new URL(e.name).pathname.endsWith('.js'))
        .map((e) => ({ path: new URL(e.name).pathname, responseEnd: e.responseEnd, startTime: e.startTime }));
      const routePaint = (window as unknown as { __routePaint?: number }).__routePaint ?? null;
      return { fcp: fcp ? fcp.startTime : null, routePaint, resources };
    });
    const files: JsFile[] = [];
    for (const path of [...scripts].sort()) {
      const size = await builtFileSize(path);
      if (!size) throw new Error(`script ${path} is not in ${DIST_LABEL} (stale build? run with --rebuild)`);
      const res = timing.resources.find((r) => r.path === path);
      files.push({
        path,
        ...size,
        beforeFcp: timing.fcp !== null && !!res && res.responseEnd <= timing.fcp,
        // A script with no timing entry is counted, to err on the side of the budget.
        beforeRoutePaint: timing.routePaint === null || !res || res.startTime <= timing.routePaint,
      });
    }
    const gzipBytes = files.filter((f) => f.beforeRoutePaint).reduce((a, f) => a + f.gzip, 0);
    return {
      route,
      fcpMs: timing.fcp === null ? null : round(timing.fcp),
      routePaintMs: timing.routePaint === null ? null : round(timing.routePaint),
      gzipBytes,
      gzipBytesUntilIdle: files.reduce((a, f) => a + f.gzip, 0),
      rawBytes: files.reduce((a, f) => a + f.raw, 0),
      gzipBytesBeforeFcp: files.filter((f) => f.beforeFcp).reduce((a, f) => a + f.gzip, 0),
      files,
      budget: BUDGET_JS_GZIP,
      pass: gzipBytes <= BUDGET_JS_GZIP,
    };
  } finally {
    await context.close();
  }
}

// ------------------------------------------------------------------------------------------------
// Seeding

interface SeedTarget {
  id: string;
  headName: string;
  address: string;
  neighborhood: string;
  phone?: string;
  visits: number;
}

interface SeedResult {
  params: Record<string, string | number | boolean>;
  ms: { generate: number; write: number; topUp: number; total: number };
  counts: Record<string, number>;
  twentyVisitHouseholds: SeedTarget[];
  toppedUp: number;
  extraVisits: number;
  storageUsageBytes?: number;
}

/** `locked`: the app lock's PIN is set first and the rows are written sealed (the dashboard's profile has none). */
async function seed(context: BrowserContext, baseUrl: string, options: BenchOptions, locked = true): Promise<SeedResult & { wallMs: number }> {
  const page = await freshPage(context, options);
  const q = new URLSearchParams({
    pin: locked ? '1' : '0',
    households: String(options.households),
    membersPerHousehold: String(options.membersPerHousehold),
    visits: String(options.visits),
    sessions: String(options.sessions),
    seed: String(options.seed),
    synced: 'true',
    twenty: String(options.opens),
  });
  const started = Date.now();
  // The page's load event may wait behind the seeding's long tasks: the done flag below is what counts.
  await page.goto(`${baseUrl}/__bench/seed/?${q.toString()}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => document.body.dataset.done === 'true' || !!document.body.dataset.error, null, {
    timeout: 10 * 60_000,
    polling: 250,
  });
  const error = await page.evaluate(() => (window as unknown as { __seedError?: string }).__seedError);
  if (error) throw new Error(`seeding failed: ${error}`);
  const result = await page.evaluate(() => (window as unknown as { __seedResult: SeedResult }).__seedResult);
  return { ...result, wallMs: Date.now() - started };
}

// ------------------------------------------------------------------------------------------------
// 1a. Cold load of /households

interface LoadMarks {
  /** When the bench tapped "unlock" on the lock screen the app opens on. */
  unlockAt?: number;
  firstRowDom?: number;
  firstRowPaint?: number;
  firstRowInViewport?: boolean;
  completeDom?: number;
  completePaint?: number;
  count?: string | null;
}

export interface ListLoad {
  firstRowMs: number;
  /** From the tap on "unlock" (the PIN typed) to the first row painted. */
  unlockToFirstRowMs: number;
  firstRowDomMs: number;
  completeMs: number;
  fcpMs: number | null;
  rowsShown: number;
  count: number;
  firstRowInViewport: boolean;
  serviceWorkerControlled: boolean;
}

/** Runs at document start in every page: notes when the first row and the full list appear. */
function installListObserver(): void {
  if (location.pathname !== '/households') return;
  const marks: LoadMarks = {};
  (window as unknown as { __benchLoad: LoadMarks }).__benchLoad = marks;
  const afterPaint = (fn: () => void) => requestAnimationFrame(() => setTimeout(fn, 0));
  const check = () => {
    const list = document.querySelector('[data-testid="household-list"]');
    if (!list) return;
    const li = list.querySelector('li');
    if (marks.firstRowDom === undefined && li) {
      marks.firstRowDom = performance.now();
      afterPaint(() => {
        marks.firstRowPaint = performance.now();
        const r = li.getBoundingClientRect();
        marks.firstRowInViewport = r.height > 0 && r.top < innerHeight && r.bottom > 0;
      });
    }
    if (marks.completeDom === undefined && list.getAttribute('data-complete') === 'true') {
      marks.completeDom = performance.now();
      marks.count = list.getAttribute('data-count');
      afterPaint(() => (marks.completePaint = performance.now()));
    }
    if (marks.firstRowDom !== undefined && marks.completeDom !== undefined) observer.disconnect();
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-complete'] });
}

async function coldLoadList(profileDir: string, baseUrl: string, options: BenchOptions, waitForServiceWorker: boolean): Promise<ListLoad> {
  return withProfile(profileDir, async (context) => {
    await context.addInitScript(installListObserver);
    const page = await freshPage(context, options);
    await page.goto(`${baseUrl}/households`, { waitUntil: 'commit' });
    await unlockWithBenchPin(page, true);
    await page.waitForFunction(
      () => {
        const m = (window as unknown as { __benchLoad?: LoadMarks }).__benchLoad;
        return !!m && m.completePaint !== undefined && m.firstRowPaint !== undefined;
      },
      null,
      { timeout: 120_000, polling: 50 },
    );
    const r = await page.evaluate(() => {
      const m = (window as unknown as { __benchLoad: LoadMarks }).__benchLoad;
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return {
        marks: m,
        fcp: fcp ? fcp.startTime : null,
        rowsShown: document.querySelectorAll('[data-testid="household-list"] li').length,
        controlled: !!navigator.serviceWorker?.controller,
      };
    });
    if (waitForServiceWorker) {
      // Let the service worker install and precache, as it would after a first visit.
      await page.evaluate(() => navigator.serviceWorker?.ready.then(() => true));
      await page.waitForTimeout(500);
    }
    return {
      firstRowMs: round(r.marks.firstRowPaint as number),
      unlockToFirstRowMs: round((r.marks.firstRowPaint as number) - (r.marks.unlockAt as number)),
      firstRowDomMs: round(r.marks.firstRowDom as number),
      completeMs: round(r.marks.completePaint as number),
      fcpMs: r.fcp === null ? null : round(r.fcp),
      rowsShown: r.rowsShown,
      count: Number(r.marks.count ?? NaN),
      firstRowInViewport: !!r.marks.firstRowInViewport,
      serviceWorkerControlled: r.controlled,
    };
  });
}

// ------------------------------------------------------------------------------------------------
// 1b. Search as you type

export interface Keystroke {
  query: string;
  value: string;
  /** Until data-query is patched (Vue's flush: filter + DOM patch). */
  flushMs: number;
  /** Until the next frame after that (layout + paint). */
  ms: number;
  results: number;
}

/**
 * The seeded phone has a PIN, so the app opens on its lock screen: the PIN is typed and "unlock"
 * tapped (`mark`: the moment is noted for the list's marks).
 */
async function unlockWithBenchPin(page: Page, mark = false): Promise<void> {
  const pin = page.getByTestId('lock-pin');
  await pin.waitFor({ timeout: 120_000 });
  await pin.fill(BENCH_PIN);
  await page.evaluate((mark) => {
    if (mark) (window as unknown as { __benchLoad: LoadMarks }).__benchLoad.unlockAt = performance.now();
    document.querySelector<HTMLButtonElement>('[data-testid="lock-submit"]')!.click();
  }, mark);
}

async function openLoadedList(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/households`);
  await unlockWithBenchPin(page);
  await page.waitForSelector('[data-testid="household-list"][data-complete="true"]', { state: 'attached', timeout: 120_000 });
  await page.waitForSelector('[data-testid="household-list"] li', { timeout: 60_000 });
}

/** Sets the search box in the page and resolves once the list shows `value` and a frame has been painted. */
async function typeValues(page: Page, values: string[], gapMs: number): Promise<Omit<Keystroke, 'query'>[]> {
  return page.evaluate(
    async ({ values, gapMs }) => {
      const input = document.querySelector<HTMLInputElement>('[data-testid="household-search"]');
      const list = document.querySelector<HTMLElement>('[data-testid="household-list"]');
      if (!input || !list) throw new Error('household list or search box missing');
      const out: { value: string; flushMs: number; ms: number; results: number }[] = [];
      for (const value of values) {
        await new Promise((r) => setTimeout(r, gapMs));
        const t0 = performance.now();
        const flushed = new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`search did not show "${value}" within 10 s`)), 10_000);
          const observer = new MutationObserver(() => {
            if (list.getAttribute('data-query') === value) {
              observer.disconnect();
              clearTimeout(timer);
              resolve(performance.now());
            }
          });
          observer.observe(list, { attributes: true, attributeFilter: ['data-query'] });
        });
        input.value = value;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        // The attribute may already be right (same value again): then Vue patches nothing.
        const t1 = list.getAttribute('data-query') === value ? performance.now() : await flushed;
        await new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        const t2 = performance.now();
        out.push({ value, flushMs: t1 - t0, ms: t2 - t0, results: Number(list.getAttribute('data-count')) });
      }
      return out;
    },
    { values, gapMs },
  );
}

async function searchAsYouType(profileDir: string, baseUrl: string, options: BenchOptions) {
  return withProfile(profileDir, async (context) => {
    const page = await freshPage(context, options);
    await openLoadedList(page, baseUrl);
    await page.waitForTimeout(500);
    const keystrokes: Keystroke[] = [];
    const clears: number[] = [];
    for (const query of SEARCH_QUERIES) {
      const [clear] = await typeValues(page, [''], options.keyGapMs);
      if (clear) clears.push(clear.ms);
      const chars = [...query];
      const values = chars.map((_, i) => chars.slice(0, i + 1).join(''));
      for (const k of await typeValues(page, values, options.keyGapMs)) keystrokes.push({ query, ...k });
    }
    await typeValues(page, [''], options.keyGapMs);
    const profile = options.profile ? await profileSearch(context, page, options) : undefined;
    return { keystrokes, clears, profile };
  });
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

/**
 * Types every query once more under the CPU profiler, writes results/search.cpuprofile (open it
 * in Chrome DevTools → Performance) and summarises self time by script and by function.
 */
async function profileSearch(context: BrowserContext, page: Page, options: BenchOptions) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  for (const query of SEARCH_QUERIES) {
    const chars = [...query];
    await typeValues(page, ['', ...chars.map((_, i) => chars.slice(0, i + 1).join(''))], options.keyGapMs);
  }
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
  const file = join(repo, 'tests/bench/results/search.cpuprofile');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const byScript = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const [id, ms] of self) {
    const f = byId.get(id)?.callFrame;
    if (!f) continue;
    if (f.functionName === '(idle)') continue;
    busy += ms;
    const script = f.url ? (new URL(f.url).pathname.split('/').pop() ?? f.url) : f.functionName || '(native)';
    byScript.set(script, (byScript.get(script) ?? 0) + ms);
    const fn = `${f.functionName || '(anonymous)'} ${script}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, ms]) => ({ name, ms: round(ms), share: round((100 * ms) / busy) }));
  return { file: file.slice(repo.length + 1), busyMs: round(busy), byScript: top(byScript, 12), byFunction: top(byFunction, 25) };
}

// ------------------------------------------------------------------------------------------------
// 1c. Opening a household with 20 visits

export interface OpenRun {
  id: string;
  ms: number;
  domMs: number;
  visits: number;
  pageChunkCached: boolean;
}

async function openHouseholds(profileDir: string, baseUrl: string, options: BenchOptions, targets: SeedTarget[]): Promise<OpenRun[]> {
  return withProfile(profileDir, async (context) => {
    const page = await freshPage(context, options);
    await openLoadedList(page, baseUrl);
    await page.waitForTimeout(500);
    const runs: OpenRun[] = [];
    let first = true;
    for (const target of targets) {
      // Find the household as a field worker would: search for its head's name and address.
      let found = false;
      for (const query of [`${target.headName} ${target.address}`, target.phone ?? '', target.headName]) {
        if (!query) continue;
        await typeValues(page, [query], 0);
        found = (await page.locator(`[data-testid="household-list"] a[href="/households/${target.id}"]`).count()) > 0;
        if (found) break;
      }
      if (!found) throw new Error(`household ${target.id} (${target.headName}) not found through search`);
      await page.waitForTimeout(200);
      const r = await page.evaluate(async (id) => {
        const link = document.querySelector<HTMLAnchorElement>(`[data-testid="household-list"] a[href="/households/${id}"]`);
        if (!link) throw new Error('link missing');
        const count = () => document.querySelectorAll('[data-testid="visit-history"] li').length;
        const t0 = performance.now();
        const shown = new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`visit history of ${id} did not show 20 visits within 10 s`)), 10_000);
          const observer = new MutationObserver(() => {
            if (location.pathname === `/households/${id}` && count() === 20) {
              observer.disconnect();
              clearTimeout(timer);
              resolve(performance.now());
            }
          });
          observer.observe(document.body, { childList: true, subtree: true });
        });
        link.click();
        const t1 = await shown;
        await new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        return { ms: performance.now() - t0, domMs: t1 - t0, visits: count() };
      }, target.id);
      runs.push({ id: target.id, ms: round(r.ms), domMs: round(r.domMs), visits: r.visits, pageChunkCached: !first });
      first = false;
      // Back to the list (client-side), ready for the next one.
      await page.goBack();
      await page.waitForSelector('[data-testid="household-list"][data-complete="true"]', { state: 'attached' });
    }
    return runs;
  });
}

// ------------------------------------------------------------------------------------------------
// 4. First sync from the real app server, local writes, raw bulkPut (Chromium IndexedDB)

interface SyncPageResult {
  sync: {
    status: string;
    totalMs: number;
    counts: Record<string, number>;
    rows: number;
    requests: { pulls: number; pushes: number; responseChars: number };
    /** Sums in ms, and `applyByEntity`: per entity, its pages' apply transactions. */
    breakdown: Record<string, number | Record<string, number> | Record<string, { ms: number }>>;
    idbRequests: Record<string, { n: number; rows: number; ms: number }>;
  };
  refreshProbe?: Record<string, unknown>;
  writes?: { n: number; ms: number[]; p50: number; p95: number; max: number; first: number; outbox: number };
  upload?: { rows: number; readMs: number; bytes: number };
  storageUsageBytes?: number;
}

interface RawPageResult {
  raw: { rows: number; schema: 'app' | 'pk'; chunk: number; ms: number; perTable: Record<string, number>; rowsPerSecond: number };
}

/** Each part's share of `totalMs`, in percent. */
function shares(parts: Record<string, number>, totalMs: number): Record<string, number> {
  return Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, (v / totalMs) * 100]));
}

/**
 * Where a first sync's time went by table: the applyPullPage transactions of the pages each entity
 * fills (most of a page), refreshDirtyHouseholds, and the rest (network and JSON.parse not
 * overlapped with writing, the push before the pull), in ms and as a share of the sync.
 */
function syncByTable(sync: SyncPageResult['sync']) {
  const byEntity = (sync.breakdown.applyByEntity ?? {}) as Record<string, { ms: number }>;
  const ms: Record<string, number> = {};
  for (const [entity, x] of Object.entries(byEntity)) ms[entity] = x.ms;
  ms.refreshDirtyHouseholds = sync.breakdown.refreshDirtyHouseholdsMs as number;
  ms.rest = sync.totalMs - Object.values(ms).reduce((a, b) => a + b, 0);
  return { ms, sharePercent: shares(ms, sync.totalMs) };
}

function serverSummary(timings: RequestTiming[]) {
  const pulls = timings.filter((t) => t.url === '/api/sync/pull');
  const s = (k: keyof RequestTiming) => round(pulls.reduce((a, t) => a + (t[k] as number), 0));
  return {
    pulls: pulls.length,
    /** onRequest → onSend: auth, query, row mapping, JSON serialization. */
    handlerMs: s('handlerMs'),
    /** onRequest → onResponse: plus brotli/gzip and writing. */
    totalMs: s('totalMs'),
    dbMs: s('dbMs'),
    dbQueries: s('dbQueries'),
    perPull: stats(pulls.map((t) => t.totalMs)),
  };
}

/** Opens /__bench/sync/?query in a fresh on-disk profile (thrown away afterwards) and returns its result. */
async function runBenchPage<T>(server: BenchServer, options: BenchOptions, query: Record<string, string>): Promise<T & { wallMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'cds-bench-sync-'));
  try {
    return await withProfile(dir, async (context) => {
      const p = await freshPage(context, options);
      const started = Date.now();
      await p.goto(`${server.url}/__bench/sync/?${new URLSearchParams(query).toString()}`);
      await p.waitForFunction(() => document.body.dataset.done === 'true' || !!document.body.dataset.error, null, { timeout: 15 * 60_000, polling: 250 });
      const error = await p.evaluate(() => window.__syncError);
      if (error) throw new Error(`bench page (${query.mode ?? 'sync'}) failed: ${error}`);
      const r = (await p.evaluate(() => window.__syncResult)) as T;
      return { ...r, wallMs: Date.now() - started };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runSyncPage(server: BenchServer, team: SeededTeam, options: BenchOptions, page: { writes: number; probe: boolean }) {
  server.takeTimings();
  const result = await runBenchPage<SyncPageResult>(server, options, {
    token: team.token,
    userId: team.userId,
    userName: team.userName,
    teamId: team.teamId,
    teamName: team.teamName,
    writes: String(page.writes),
    upload: '1',
    probe: page.probe ? '1' : '0',
  });
  return { ...result, server: serverSummary(server.takeTimings()) };
}

/** The raw bulkPut of the rows the last sync page uploaded, in a fresh profile. */
async function runRawPage(server: BenchServer, options: BenchOptions, chunk: number, schema: 'app' | 'pk' = 'app') {
  return (await runBenchPage<RawPageResult>(server, options, { mode: 'raw', chunk: String(chunk), schema })).raw;
}

function roundDeep<T>(v: T): T {
  // Six significant digits: short JSON, and small ratios (0.036) keep their value.
  if (typeof v === 'number') return (Number.isInteger(v) || !Number.isFinite(v) ? v : Number(v.toPrecision(6))) as T;
  if (Array.isArray(v)) return v.map(roundDeep) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roundDeep(x)])) as T;
  return v;
}

export interface PreparedSync {
  server: BenchServer;
  big: SeededTeam;
  small: SeededTeam;
  ms: number;
}

/** Starts the app server and seeds both teams (preparation, nothing measured). */
async function prepareSync(options: BenchOptions): Promise<PreparedSync> {
  const t0 = Date.now();
  const require = createRequire(import.meta.url);
  const appVersion = (require('../../package.json') as { version: string }).version;
  const server = await startBenchServer(DIST, DIST_BENCH, appVersion);
  try {
    log(`sync: app server (PGlite in memory) at ${server.url}; seeding records…`);
    const bigSizes = { households: options.households, membersPerHousehold: options.membersPerHousehold, visits: options.visits, sessions: 0 };
    const big = await seedTeam(server.db, bigSizes, options.seed, 'Tổ công nghệ số thôn Đông');
    log(`  team 1: ${big.records} records (${JSON.stringify(big.counts)}) generated in ${Math.round(big.ms.generate)} ms, inserted in ${Math.round(big.ms.insert)} ms`);
    const smallSizes = { households: options.smallSyncHouseholds, membersPerHousehold: options.smallSyncMembers, visits: options.smallSyncVisits, sessions: 0 };
    const small = await seedTeam(server.db, smallSizes, options.seed + 1, 'Tổ công nghệ số thôn Tây');
    log(`  team 2: ${small.records} records (${JSON.stringify(small.counts)}) inserted in ${Math.round(small.ms.insert)} ms`);
    return { server, big, small, ms: Date.now() - t0 };
  } catch (e) {
    await server.close();
    throw e;
  }
}

async function syncPhase(options: BenchOptions, prepared: PreparedSync) {
  const { server, big, small } = prepared;
  try {
    log(`first sync of ${big.records} records into Chromium IndexedDB (fresh profile), then ${options.writes} createVisit calls…`);
    const b = await runSyncPage(server, big, options, { writes: options.writes, probe: false });
    if (b.sync.rows !== big.records) throw new Error(`first sync stored ${b.sync.rows} rows, the server has ${big.records}`);
    const syncRowsPerSecond = (b.sync.rows / b.sync.totalMs) * 1000;
    log(`  sync ${Math.round(b.sync.totalMs)} ms (${Math.round(syncRowsPerSecond)} rows/s, ${b.sync.requests.pulls} pulls)`);
    log(`  breakdown: ${JSON.stringify(roundDeep(b.sync.breakdown))}`);
    log(`  IndexedDB requests: ${JSON.stringify(roundDeep(b.sync.idbRequests))}`);
    log(`  server: ${JSON.stringify(roundDeep(b.server))}`);
    const w = b.writes;
    if (w) log(`  ${w.n} createVisit: p50 ${round(w.p50)} ms, p95 ${round(w.p95)} ms, max ${round(w.max)} ms`);
    log(`  raw bulkPut of the ${b.upload?.rows} rows read back (${Math.round(b.upload?.readMs ?? 0)} ms), each in a fresh profile: ${RAW_CHUNK_ROWS} rows per transaction, then one transaction per table…`);
    const chunked = await runRawPage(server, options, RAW_CHUNK_ROWS);
    const oneShot = await runRawPage(server, options, 0);
    const pkOnly = await runRawPage(server, options, PK_CHUNK_ROWS, 'pk');
    const pk = { ...pkOnly, sharePercent: shares(pkOnly.perTable, pkOnly.ms) };
    const raw = { rows: chunked.rows, readMs: b.upload?.readMs, chunk: RAW_CHUNK_ROWS, chunked, oneShot, pkOnly: pk };
    const ratio = syncRowsPerSecond / chunked.rowsPerSecond;
    const pkFactor = b.sync.totalMs / pkOnly.ms;
    const byTable = syncByTable(b.sync);
    log(`  raw ${Math.round(chunked.ms)} ms (${Math.round(chunked.rowsPerSecond)} rows/s) ${JSON.stringify(roundDeep(chunked.perTable))}; one-shot ${Math.round(oneShot.ms)} ms ${JSON.stringify(roundDeep(oneShot.perTable))}; sync ÷ raw ${ratio.toFixed(3)}`);
    log(`  primary keys only, ${PK_CHUNK_ROWS} rows/tx: ${Math.round(pkOnly.ms)} ms ${JSON.stringify(roundDeep(pk.sharePercent))} %; sync ÷ that ${pkFactor.toFixed(2)}× (goal ≤ ${GOAL_SYNC_PK_FACTOR}×); sync by table ${JSON.stringify(roundDeep(byTable.sharePercent))} %`);

    log(`first sync of ${small.records} records (fresh profile)…`);
    const s = await runSyncPage(server, small, options, { writes: 0, probe: true });
    if (s.sync.rows !== small.records) throw new Error(`small first sync stored ${s.sync.rows} rows, the server has ${small.records}`);
    const smallRaw = await runRawPage(server, options, RAW_CHUNK_ROWS);
    const smallPk = await runRawPage(server, options, PK_CHUNK_ROWS, 'pk');
    server.clearRows();
    log(`  ${Math.round(s.sync.totalMs)} ms (${s.sync.requests.pulls} pulls; raw ${Math.round(smallRaw.ms)} ms); breakdown ${JSON.stringify(roundDeep(s.sync.breakdown))}`);
    log(`  IndexedDB requests: ${JSON.stringify(roundDeep(s.sync.idbRequests))}`);
    log(`  refreshDirtyHouseholds step by step: ${JSON.stringify(roundDeep(s.refreshProbe))}`);

    return roundDeep({
      server: { database: 'PGlite (in-memory)', url: server.url, pullPageSize: 500, prepareMs: prepared.ms, seeded: [big, small].map(({ token: _t, ...t }) => t) },
      big: {
        records: big.records,
        ...b.sync,
        rowsPerSecond: syncRowsPerSecond,
        raw,
        ratio,
        goalRatio: GOAL_SYNC_RATIO,
        ratioPass: ratio >= GOAL_SYNC_RATIO,
        /** Sync time ÷ the primary-key-only bulkPut's (the goal). */
        pkFactor,
        goalPkFactor: GOAL_SYNC_PK_FACTOR,
        pass: pkFactor <= GOAL_SYNC_PK_FACTOR,
        byTable,
        server: b.server,
        storageUsageBytes: b.storageUsageBytes,
        wallMs: b.wallMs,
      },
      small: {
        records: small.records,
        ...s.sync,
        rowsPerSecond: (s.sync.rows / s.sync.totalMs) * 1000,
        raw: { rows: smallRaw.rows, chunk: RAW_CHUNK_ROWS, chunked: smallRaw, pkOnly: { ...smallPk, sharePercent: shares(smallPk.perTable, smallPk.ms) } },
        pkFactor: s.sync.totalMs / smallPk.ms,
        byTable: syncByTable(s.sync),
        refreshProbe: s.refreshProbe,
        goalMs: GOAL_SMALL_SYNC_MS,
        pass: s.sync.totalMs <= GOAL_SMALL_SYNC_MS,
        server: s.server,
      },
      writes: w ? { n: w.n, p50: w.p50, p95: w.p95, max: w.max, first: w.first, outbox: w.outbox, samples: w.ms, goalP95Ms: GOAL_WRITE_P95_MS, pass: w.p95 <= GOAL_WRITE_P95_MS, schemasPreloaded: true } : undefined,
    });
  } finally {
    await server.close();
  }
}

// ------------------------------------------------------------------------------------------------
// 5. Server push throughput (Node, no browser): PGlite and PostgreSQL

async function pushPhase(options: BenchOptions) {
  const spec = { mutations: options.pushMutations, batchSize: options.pushBatch, seed: options.seed + 2 };
  const out: Record<string, unknown> = {};
  const one = async (fresh: Awaited<ReturnType<typeof freshPglite>>) => {
    try {
      const r = await pushThroughput(fresh, spec);
      log(`  ${r.database}: push ${Math.round(r.push.perSecond)} mutations/s (${Math.round(r.push.ms)} ms, ${round(r.push.queriesPerMutation)} queries/mutation, ${Math.round(r.push.dbMs)} ms waiting on the database); raw INSERT ${Math.round(r.raw.perSecond)} rows/s (${Math.round(r.raw.ms)} ms); ratio ${r.ratio.toFixed(3)}`);
      return roundDeep(r);
    } finally {
      await fresh.close();
    }
  };
  log(`push throughput: ${spec.mutations} household creates in batches of ${spec.batchSize} through POST /api/sync/push (inject), against raw multi-row INSERTs…`);
  out.pglite = await one(await freshPglite());
  const where = await findPostgres();
  if ('url' in where) out.postgres = await one(await freshPostgres(where.url));
  else {
    log(`  ${where.skipped}`);
    out.postgres = { skipped: where.skipped };
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Main

export interface Goal {
  name: string;
  value: number;
  limit: number;
  unit: 'bytes' | 'ms' | 'ratio' | 'factor';
  pass: boolean;
  /** Budgets fail the run; goals are only reported. */
  enforced: boolean;
}

export async function runBench(mode: BenchMode, options: BenchOptions, outFile: string): Promise<Record<string, unknown>> {
  const started = Date.now();
  const require = createRequire(import.meta.url);
  const playwrightVersion = (require('playwright-core/package.json') as { version: string }).version;
  if (!existsSync(join(DIST, 'index.html'))) throw new Error(`${DIST}/index.html missing: run \`npm run build\``);
  if (mode === 'full' && !(existsSync(join(DIST_BENCH, 'seed/index.html')) && existsSync(join(DIST_BENCH, 'sync/index.html')))) {
    throw new Error('dist-bench/seed/ or dist-bench/sync/ missing: run.mjs builds them');
  }

  const server: StaticServer = await startStaticServer(DIST, { '/__bench/': DIST_BENCH });
  const results: Record<string, unknown> = { mode, startedAt: new Date(started).toISOString() };
  const goals: Goal[] = [];
  let profileDir: string | undefined;
  let serverClosed = false;
  let syncPrep: Promise<PreparedSync> | undefined;
  const phaseMs: Record<string, number> = {};
  results.phaseMs = phaseMs;
  try {
    log(`serving ${DIST_LABEL} and dist-bench/ at ${server.url}`);
    results.dist = DIST_LABEL;
    results.distBuiltAt = (await stat(join(DIST, 'index.html'))).mtime.toISOString();

    // 3. JS bytes, in fresh contexts of a plain browser.
    const browser = await launchChromium();
    try {
      results.machine = {
        os: `${osType()} ${release()} ${arch()}`,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? '',
        memoryGB: round(totalmem() / 2 ** 30),
        node: process.version,
        chromium: browser.version(),
        playwright: playwrightVersion,
      };
      const routes: RouteJs[] = [];
      for (const route of ROUTES_FOR_JS) {
        const r = await measureRouteJs(browser, server.url, route);
        routes.push(r);
        log(`JS ${route}: ${r.gzipBytes} B gzip before the route painted (${r.gzipBytesUntilIdle} B until idle, ${r.files.length} scripts)`);
        goals.push({ name: `JS gzip ${route}`, value: r.gzipBytes, limit: BUDGET_JS_GZIP, unit: 'bytes', pass: r.pass, enforced: true });
      }
      results.jsBytes = { budget: BUDGET_JS_GZIP, gzip: 'node:zlib gzipSync, default level (6)', routes };
    } finally {
      await browser.close();
    }

    if (mode === 'full') {
      results.config = { ...options, device: DEVICE };
    }
    phaseMs.js = Date.now() - started;
    if (mode === 'full' && options.phases.includes('ui')) {
      const uiStarted = Date.now();
      profileDir = await mkdtemp(join(tmpdir(), 'cds-bench-profile-'));

      log(`seeding ${options.households} households / ~${options.households * options.membersPerHousehold} members / ${options.visits} visits / ${options.sessions} sessions…`);
      // The sync server is seeded alongside (both are preparation; every measurement runs alone).
      if (options.phases.includes('sync')) syncPrep = prepareSync(options);
      const [seeded] = await Promise.all([withProfile(profileDir, (context) => seed(context, server.url, options)), syncPrep]);
      if (syncPrep) (results as { seedAlongsideSyncServer?: boolean }).seedAlongsideSyncServer = true;
      results.seed = seeded;
      log(`seeded in ${(seeded.wallMs / 1000).toFixed(1)} s: ${JSON.stringify(seeded.counts)}; ${seeded.twentyVisitHouseholds.length} households with 20 visits (${seeded.toppedUp} topped up)`);
      const bad = seeded.twentyVisitHouseholds.filter((t) => t.visits !== 20);
      if (bad.length) throw new Error(`seeded households without exactly 20 visits: ${bad.map((t) => t.id).join(', ')}`);

      // 1a. The first-ever load installs the service worker (not counted), then cold loads.
      log('cold loads of /households…');
      const firstEver = await coldLoadList(profileDir, server.url, options, true);
      log(`  first-ever load (no service worker yet): first row ${firstEver.firstRowMs} ms, complete ${firstEver.completeMs} ms`);
      const loads: ListLoad[] = [];
      for (let i = 0; i < options.loadRuns; i++) {
        const r = await coldLoadList(profileDir, server.url, options, false);
        loads.push(r);
        log(`  run ${i + 1}: first row ${r.firstRowMs} ms (DOM ${r.firstRowDomMs}), complete ${r.completeMs} ms, ${r.count} households, SW ${r.serviceWorkerControlled ? 'on' : 'off'}`);
      }
      const firstRow = loads.map((l) => l.firstRowMs);
      const complete = loads.map((l) => l.completeMs);
      const unlockToRow = loads.map((l) => l.unlockToFirstRowMs);
      const unlockToFirstRow = { median: percentile(unlockToRow, 50), max: Math.max(...unlockToRow), goalMs: GOAL_UNLOCK_TO_ROW_MS };
      results.listLoad = {
        firstEver,
        runs: loads,
        firstRow: { median: percentile(firstRow, 50), max: Math.max(...firstRow) },
        complete: { median: percentile(complete, 50), max: Math.max(...complete) },
        unlockToFirstRow: { ...unlockToFirstRow, pass: unlockToFirstRow.median <= GOAL_UNLOCK_TO_ROW_MS },
      };
      log(`  unlock to first row: median ${unlockToFirstRow.median} ms, max ${unlockToFirstRow.max} ms (goal ≤ ${GOAL_UNLOCK_TO_ROW_MS} ms)`);
      goals.push({ name: 'Unlock to first list row', value: unlockToFirstRow.median, limit: GOAL_UNLOCK_TO_ROW_MS, unit: 'ms', pass: unlockToFirstRow.median <= GOAL_UNLOCK_TO_ROW_MS, enforced: false });

      // 1b.
      log('search as you type…');
      const search = await searchAsYouType(profileDir, server.url, options);
      const ks = search.keystrokes.map((k) => k.ms);
      const flush = search.keystrokes.map((k) => k.flushMs);
      const searchStats = stats(ks);
      const perQuery = SEARCH_QUERIES.map((query) => {
        const mine = search.keystrokes.filter((k) => k.query === query);
        return { query, keystrokes: mine.length, ...stats(mine.map((k) => k.ms)), finalResults: mine[mine.length - 1]?.results ?? 0 };
      });
      results.search = {
        ...searchStats,
        flush: stats(flush),
        clear: stats(search.clears),
        goalP95Ms: GOAL_SEARCH_P95_MS,
        pass: searchStats.p95 <= GOAL_SEARCH_P95_MS,
        perQuery,
        keystrokes: search.keystrokes.map((k) => ({ ...k, ms: round(k.ms), flushMs: round(k.flushMs) })),
      };
      if (search.profile) {
        (results.search as Record<string, unknown>).profile = search.profile;
        log(`  profile (${search.profile.busyMs} ms busy) → ${search.profile.file}`);
        for (const s of search.profile.byScript) log(`    ${String(s.share).padStart(5)}%  ${s.ms} ms  ${s.name}`);
      }
      log(`  ${searchStats.n} keystrokes: p50 ${searchStats.p50} ms, p95 ${searchStats.p95} ms, max ${searchStats.max} ms`);
      goals.push({ name: 'Search keystroke p95', value: searchStats.p95, limit: GOAL_SEARCH_P95_MS, unit: 'ms', pass: searchStats.p95 <= GOAL_SEARCH_P95_MS, enforced: false });

      // 1c.
      log(`opening ${seeded.twentyVisitHouseholds.length} households with 20 visits…`);
      const opens = await openHouseholds(profileDir, server.url, options, seeded.twentyVisitHouseholds);
      const openStats = stats(opens.map((o) => o.ms));
      results.openHousehold = {
        ...openStats,
        dom: stats(opens.map((o) => o.domMs)),
        goalMs: GOAL_OPEN_MS,
        pass: openStats.p95 <= GOAL_OPEN_MS,
        runs: opens,
      };
      log(`  p50 ${openStats.p50} ms, p95 ${openStats.p95} ms, max ${openStats.max} ms`);
      goals.push({ name: 'Open household p95', value: openStats.p95, limit: GOAL_OPEN_MS, unit: 'ms', pass: openStats.p95 <= GOAL_OPEN_MS, enforced: false });
      await rm(profileDir, { recursive: true, force: true });
      profileDir = undefined;
      phaseMs.ui = Date.now() - uiStarted;
    }
    if (mode === 'full' && options.phases.includes('dashboard')) {
      const t = Date.now();
      const dashboard = await dashboardPhase({
        baseUrl: server.url,
        cpuThrottle: options.cpuThrottle,
        runs: options.loadRuns,
        profile: options.profile,
        withProfile,
        freshPage: (context) => freshPage(context, options),
        seed: (context) => seed(context, server.url, options),
        log,
      });
      results.dashboard = dashboard;
      goals.push({ name: 'Dashboard figures for a month', value: dashboard.figuresMs.median, limit: dashboard.figuresMs.goal, unit: 'ms', pass: dashboard.figuresMs.pass, enforced: false });
      goals.push({ name: 'Dashboard figures for a month after a change', value: dashboard.changedFiguresMs.median, limit: dashboard.changedFiguresMs.goal, unit: 'ms', pass: dashboard.changedFiguresMs.pass, enforced: false });
      goals.push({ name: 'Dashboard .xlsx ready', value: dashboard.xlsxMs.median, limit: dashboard.xlsxMs.goal, unit: 'ms', pass: dashboard.xlsxMs.pass, enforced: false });
      phaseMs.dashboard = Date.now() - t;
    }
    // The static server is not needed any more: the sync phase has its own (the real app).
    await server.close();
    serverClosed = true;

    if (mode === 'full' && options.phases.includes('sync')) {
      const t = Date.now();
      syncPrep ??= prepareSync(options);
      const sync = await syncPhase(options, await syncPrep);
      phaseMs.sync = Date.now() - t;
      results.sync = sync;
      goals.push({ name: 'First sync time ÷ primary-key-only bulkPut', value: sync.big.pkFactor, limit: GOAL_SYNC_PK_FACTOR, unit: 'factor', pass: sync.big.pass, enforced: false });
      goals.push({ name: 'First sync of 10,000 records', value: sync.small.totalMs, limit: GOAL_SMALL_SYNC_MS, unit: 'ms', pass: sync.small.pass, enforced: false });
      if (sync.writes) goals.push({ name: 'Local write p95', value: sync.writes.p95, limit: GOAL_WRITE_P95_MS, unit: 'ms', pass: sync.writes.pass, enforced: false });
    }
    if (mode === 'full' && options.phases.includes('push')) {
      const t = Date.now();
      results.push = await pushPhase(options);
      phaseMs.push = Date.now() - t;
    }
  } finally {
    if (!serverClosed) await server.close();
    // Closes the sync server if its phase never ran (closing is idempotent).
    await (await syncPrep?.catch(() => undefined))?.server.close();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  }

  results.goals = goals;
  results.budgetsPass = goals.filter((g) => g.enforced).every((g) => g.pass);
  results.finishedAt = new Date().toISOString();
  results.durationMs = Date.now() - started;
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, JSON.stringify(results, null, 2) + '\n');
  log(`wrote ${outFile}`);
  return results;
}
