/**
 * Lighthouse audits of the production build (run by tests/bench/run.mjs through Vitest, see
 * lighthouse.run.ts; full mode only, after the rest of the benchmark so nothing else competes for
 * the CPU).
 *
 * - The real server (server/app.ts, in-memory PGlite; tests/support/appServer.ts) serves the
 *   build and the API on 127.0.0.1, like in production. It serves a copy of dist/ taken when no
 *   build is writing it (a `vite build` running meanwhile would otherwise empty it under the
 *   audits: 404s, NO_FCP).
 * - Debian's Chromium (tests/support/browser.ts), launched with chrome-launcher (a dependency of
 *   Lighthouse) in a fresh temporary profile for every run; Lighthouse drives it over the
 *   DevTools port.
 * - Lighthouse defaults: mobile form factor (Moto G Power screen), simulated slow 4G and 4× CPU
 *   slowdown (throttlingMethod "simulate": the load runs unthrottled and the metrics are
 *   computed by Lantern). Each run resets the origin's storage, so every run is a first visit:
 *   no service worker, empty HTTP cache.
 * - Categories performance, accessibility, best-practices (Lighthouse 13 has no PWA category).
 * - One uncounted warm-up run, then `runs` runs per route (each in a fresh browser); the reported run is Lighthouse's own
 *   median run (closest to the median FCP and TTI, `computeMedianRun`), as in Lighthouse CI. The
 *   score spread over the runs is kept too. The median run's report is written next to the
 *   results (results/lighthouse-<route>.html, and .json for the Lighthouse viewer).
 *
 * Goals (only reported, never fail the run): performance ≥ 95, accessibility 100,
 * best practices 100, LCP ≤ 2.0 s (simulated).
 */
import lighthouse, { generateReport, type Flags, type Result } from 'lighthouse';
import { computeMedianRun } from 'lighthouse/core/lib/median-run.js';
import * as chromeLauncher from 'chrome-launcher';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { startAppServer } from '../support/appServer';
import { CHROMIUM_ARGS, chromiumPath } from '../support/browser';
import { installIteratorHelpers } from './iteratorHelpers';

// Lighthouse 13 wants Node ≥ 22; on Node 20 it runs, except three insights that need these.
installIteratorHelpers();

export const LIGHTHOUSE_ROUTES = ['/', '/guides/vneid-level-1', '/join'];

export const LIGHTHOUSE_GOALS = {
  performance: 95,
  accessibility: 100,
  bestPractices: 100,
  lcpMs: 2000,
};

export interface LighthouseOptions {
  /** Counted runs per route (the median one is reported). */
  runs: number;
  /** One uncounted run first (cold disk cache and server: the very first run is slower). */
  warmup: boolean;
  routes: string[];
  /**
   * Wait (60 s at most) for a quiet CPU first. Off, the audits measure the machine as it is: a
   * cheap phone is busy too, and the benchmark index of each run says how busy.
   */
  quietWait: boolean;
}

export const DEFAULT_LIGHTHOUSE_OPTIONS: LighthouseOptions = { runs: 5, warmup: true, routes: LIGHTHOUSE_ROUTES, quietWait: true };

const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;

const repo = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const DIST = process.env.BENCH_DIST ? resolve(process.env.BENCH_DIST) : join(repo, 'dist');

function log(msg: string): void {
  process.stdout.write(`[lighthouse] ${msg}\n`);
}

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The median of the numbers (the mean of the middle two for an even count); NaN for none. */
export function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (!sorted.length) return NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function medianOfRuns(runs: RunSummary[]): RouteLighthouse['medianOfRuns'] {
  const scores = runs.map((r) => r.performance).filter((p): p is number => p !== null);
  return {
    performance: scores.length ? round(medianOf(scores)) : null,
    tbtMs: round(medianOf(runs.map((r) => r.tbtMs))),
    lcpMs: round(medianOf(runs.map((r) => r.lcpMs))),
    benchmarkIndex: round(medianOf(runs.map((r) => r.benchmarkIndex))),
  };
}
const score100 = (s: number | null | undefined) => (s === null || s === undefined ? null : Math.round(s * 100));

export interface FailingAudit {
  category: string;
  id: string;
  title: string;
  /** 0–100; null when the audit errored. */
  score: number | null;
  displayValue?: string;
  /** Weight in the category score (0: does not move the score, e.g. performance insights). */
  weight: number;
  group?: string;
  errorMessage?: string;
  /** The offending elements / URLs, as Lighthouse lists them (origin removed from URLs). */
  items: string[];
}

interface RunSummary {
  performance: number | null;
  accessibility: number | null;
  bestPractices: number | null;
  lcpMs: number;
  fcpMs: number;
  tbtMs: number;
  cls: number;
  benchmarkIndex: number;
}

export interface RouteLighthouse {
  route: string;
  scores: { performance: number | null; accessibility: number | null; bestPractices: number | null };
  metrics: { lcpMs: number; fcpMs: number; tbtMs: number; cls: number; speedIndexMs: number; ttiMs: number; totalBytes: number; requests: number };
  lcpElement?: string;
  pass: { performance: boolean; accessibility: boolean; bestPractices: boolean; lcp: boolean };
  /** Every counted run; `median` is the index of the reported one. */
  runs: RunSummary[];
  median: number;
  /**
   * The median of each figure over the counted runs, taken one by one (the median run above is
   * Lighthouse's own pick, by FCP and TTI, and its score can differ from the median score).
   */
  medianOfRuns: { performance: number | null; tbtMs: number; lcpMs: number; benchmarkIndex: number };
  failingAudits: FailingAudit[];
  runWarnings: string[];
  report: string;
}

export interface LighthouseResults {
  lighthouseVersion: string;
  chromium: string;
  settings: Record<string, unknown>;
  options: LighthouseOptions;
  /** The build audited (a copy of it was served) and when its index.html was written. */
  dist: string;
  distBuiltAt: string;
  goals: typeof LIGHTHOUSE_GOALS;
  /** Load average (1 min) before and after: Lighthouse's CPU-bound metrics suffer on a busy machine. */
  loadavg: { before: number; after: number };
  /** Runs that failed to record the load and were repeated (not counted). */
  retried: { route: string; code: string }[];
  routes: RouteLighthouse[];
  durationMs: number;
}

// ------------------------------------------------------------------------------------------------
// Reading a report

type Json = Record<string, unknown>;

function numeric(lhr: Result, id: string): number {
  return lhr.audits[id]?.numericValue ?? NaN;
}

function summarize(lhr: Result): RunSummary {
  return {
    performance: score100(lhr.categories.performance?.score),
    accessibility: score100(lhr.categories.accessibility?.score),
    bestPractices: score100(lhr.categories['best-practices']?.score),
    lcpMs: round(numeric(lhr, 'largest-contentful-paint')),
    fcpMs: round(numeric(lhr, 'first-contentful-paint')),
    tbtMs: round(numeric(lhr, 'total-blocking-time')),
    cls: round(numeric(lhr, 'cumulative-layout-shift'), 3),
    benchmarkIndex: round(lhr.environment.benchmarkIndex),
  };
}

/** Short, human-readable lines for an audit's details: elements, URLs, reasons, with sizes/times. */
function detailItems(details: unknown, origin: string): string[] {
  const out: string[] = [];
  const rel = (u: string) => (u.startsWith(origin) ? u.slice(origin.length) || '/' : u);
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
  const describe = (item: Json): string | null => {
    const parts: string[] = [];
    const node = (item.type === 'node' ? item : item.node) as Json | undefined;
    if (node && node.type === 'text' && typeof node.value === 'string') parts.push(node.value);
    if (node && node.type === 'node') {
      parts.push([node.selector, node.snippet].filter(Boolean).join('  '));
      if (node.explanation && typeof node.explanation === 'string') parts.push(`— ${node.explanation.split('\n').join(' ')}`);
    }
    const url = (item.url ?? (item.source as Json | undefined)?.url ?? item.frameUrl ?? item.scriptUrl) as string | undefined;
    if (typeof url === 'string') parts.push(rel(url));
    for (const key of ['reason', 'label', 'groupLabel', 'description', 'failureType', 'issueType', 'directive', 'severity', 'name', 'value']) {
      const v = item[key];
      if (typeof v === 'string' && v && !parts.includes(v)) parts.push(key === 'description' || key === 'name' ? v : `${v}`);
    }
    const extra: string[] = [];
    for (const [key, fmt] of [
      ['totalBytes', kb],
      ['transferSize', kb],
      ['wastedBytes', (b: number) => `${kb(b)} wasted`],
      ['wastedMs', (n: number) => `${Math.round(n)} ms`],
      ['duration', (n: number) => `${Math.round(n)} ms`],
      ['total', (n: number) => `${Math.round(n)} ms`],
      ['score', (n: number) => `layout shift ${n.toFixed(3)}`],
    ] as const) {
      const v = item[key];
      if (typeof v === 'number') extra.push(fmt(v));
    }
    if (!parts.length) return null;
    return parts.join(' ') + (extra.length ? ` (${extra.join(', ')})` : '');
  };
  const walkTree = (chains: Json, depth: number) => {
    for (const chain of Object.values(chains) as Json[]) {
      out.push(`${'  '.repeat(depth)}${rel(String(chain.url))} (${Math.round(Number(chain.navStartToEndTime))} ms, ${kb(Number(chain.transferSize))})`);
      if (chain.children) walkTree(chain.children as Json, depth + 1);
    }
  };
  const walk = (d: unknown): void => {
    if (!d || typeof d !== 'object') return;
    const det = d as Json;
    if (det.type === 'network-tree' && det.chains) return walkTree(det.chains as Json, 0);
    // (Skips the sections' plain-text notes, such as "no origins were preconnected".)
    if (det.type === 'list-section') return (det.value as Json | undefined)?.type === 'text' ? undefined : walk(det.value);
    if (det.type === 'text' && typeof det.value === 'string') return void out.push(det.value);
    if (det.type === 'checklist' && det.items) {
      for (const [k, v] of Object.entries(det.items as Json)) {
        const it = v as Json;
        if (it.value === false) out.push(`${k}: ${it.label ?? ''}`.trim());
      }
      return;
    }
    if (Array.isArray(det.items)) {
      for (const raw of det.items as Json[]) {
        if (raw && (raw.type === 'list-section' || raw.type === 'network-tree' || raw.type === 'table' || raw.type === 'opportunity' || raw.type === 'list' || raw.type === 'checklist' || raw.type === 'text')) {
          walk(raw);
          continue;
        }
        const line = describe(raw);
        if (line) out.push(line);
        const sub = (raw.subItems as Json | undefined)?.items as Json[] | undefined;
        for (const s of sub ?? []) {
          const l = describe(s);
          if (l) out.push(`  ${l}`);
        }
      }
    }
  };
  walk(details);
  return out.slice(0, 25);
}

export function failingAudits(lhr: Result, origin: string): FailingAudit[] {
  const out: FailingAudit[] = [];
  for (const category of CATEGORIES) {
    const cat = lhr.categories[category];
    if (!cat) continue;
    for (const ref of cat.auditRefs) {
      // Metrics are in the table; "hidden" ones (TTI, max potential FID) are not shown by Lighthouse.
      if (ref.group === 'metrics' || ref.group === 'hidden') continue;
      const audit = lhr.audits[ref.id];
      if (!audit) continue;
      const errored = audit.scoreDisplayMode === 'error';
      const failed = ['binary', 'numeric', 'metricSavings'].includes(audit.scoreDisplayMode) && audit.score !== null && audit.score < 1;
      if (!errored && !failed) continue;
      out.push({
        category,
        id: ref.id,
        title: audit.title,
        score: score100(audit.score),
        ...(audit.displayValue ? { displayValue: audit.displayValue } : {}),
        weight: ref.weight,
        ...(ref.group ? { group: ref.group } : {}),
        ...(audit.errorMessage ? { errorMessage: audit.errorMessage } : {}),
        items: detailItems(audit.details, origin),
      });
    }
  }
  return out;
}

/** The LCP element and the LCP's parts (time to first byte, render delay…), from the LCP breakdown insight. */
export function lcpElement(lhr: Result): string | undefined {
  const items = detailItems(lhr.audits['lcp-breakdown-insight']?.details ?? lhr.audits['largest-contentful-paint-element']?.details, '');
  return items.length ? items.join('; ') : undefined;
}

// ------------------------------------------------------------------------------------------------
// Main

/** Files under `dir` with size and mtime, to tell whether a build wrote there meanwhile. */
async function listing(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const lines: string[] = [];
  for (const e of entries) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    const st = await stat(path).catch(() => null);
    lines.push(`${path.slice(dir.length)} ${st?.size} ${st?.mtimeMs}`);
  }
  return lines.sort().join('\n');
}

/**
 * Copies `dist` to a temporary folder once it is complete and no build is writing it: the listing
 * is the same before and after the copy, and every local file index.html refers to is there.
 */
async function snapshotDist(dist: string): Promise<{ dir: string; builtAt: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'cds-lighthouse-dist-'));
  for (let attempt = 1; ; attempt++) {
    const before = existsSync(join(dist, 'index.html')) ? await listing(dist) : '';
    if (before) {
      await rm(dir, { recursive: true, force: true });
      await cp(dist, dir, { recursive: true });
      const after = await listing(dist);
      const html = await readFile(join(dir, 'index.html'), 'utf8').catch(() => '');
      const refs = [...html.matchAll(/(?:src|href)="\/([^"?#]+)"/g)].map((m) => m[1] as string);
      if (after === before && html && refs.every((ref) => existsSync(join(dir, ref)))) {
        return { dir, builtAt: (await stat(join(dist, 'index.html'))).mtime.toISOString() };
      }
    }
    if (attempt === 60) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`${dist} kept changing (or stayed incomplete) for a minute: is a build running?`);
    }
    if (attempt === 1) log(`${dist} is incomplete or being written (a build running?); waiting…`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}


/** Lighthouse's "good" total blocking time on mobile; a run above it has its tasks logged. */
const TBT_GOOD_MS = 200;

/** The four longest main-thread tasks Lighthouse observed in a run, as `url@start+duration`. */
function longestTasks(lhr: Result, origin: string): string {
  const items = (lhr.audits['long-tasks']?.details as { items?: { url: string; startTime: number; duration: number }[] } | undefined)?.items ?? [];
  return [...items]
    .sort((a, b) => b.duration - a.duration)
    .slice(0, 4)
    .map((t) => `${t.url.replace(origin, '')}@${Math.round(t.startTime)}+${Math.round(t.duration)} ms`)
    .join(', ') || 'none listed';
}

function slug(route: string): string {
  return route === '/' ? 'home' : route.replace(/^\/+|\/+$/g, '').replace(/[^a-z0-9]+/gi, '-');
}

/** Share of CPU time busy across all cores over `ms`. */
async function cpuBusy(ms: number): Promise<number> {
  const total = () => cpus().reduce((acc, c) => {
    const t = c.times;
    return { busy: acc.busy + t.user + t.nice + t.sys + t.irq, all: acc.all + t.user + t.nice + t.sys + t.irq + t.idle };
  }, { busy: 0, all: 0 });
  const a = total();
  await new Promise((r) => setTimeout(r, ms));
  const b = total();
  return (b.busy - a.busy) / Math.max(1, b.all - a.all);
}

/**
 * Lighthouse simulates a 4× slower CPU from the tasks it observes, so work left over from an
 * earlier phase (the first sync's disk writeback, its browser closing) inflates blocking time.
 * Waits until two 2-second windows in a row are under 15 % busy, 60 s at most, and says so.
 */
async function waitForQuietCpu(): Promise<{ waitedMs: number; busy: number }> {
  const start = Date.now();
  let quiet = 0;
  let busy = 1;
  while (Date.now() - start < 60_000 && quiet < 2) {
    busy = await cpuBusy(2000);
    quiet = busy < 0.15 ? quiet + 1 : 0;
  }
  return { waitedMs: Date.now() - start, busy: round(busy, 2) };
}

export async function runLighthouse(options: LighthouseOptions, outFile: string): Promise<LighthouseResults> {
  if (options.quietWait) {
    const quiet = await waitForQuietCpu();
    log(`waited ${Math.round(quiet.waitedMs / 1000)} s for a quiet CPU (last 2 s: ${Math.round(quiet.busy * 100)} % busy)`);
  } else {
    log(`no wait for a quiet CPU: the machine as it is (load average ${round(loadavg()[0] ?? 0, 2)}, CPU ${Math.round((await cpuBusy(2000)) * 100)} % busy over 2 s)`);
  }
  const started = Date.now();
  if (!existsSync(join(DIST, 'index.html'))) throw new Error(`${DIST}/index.html missing: run \`npm run build\``);
  const require = createRequire(import.meta.url);
  const lighthouseVersion = (require('lighthouse/package.json') as { version: string }).version;
  const resultsDir = dirname(outFile);
  await mkdir(resultsDir, { recursive: true });
  const load = loadavg()[0] ?? 0;

  const snapshot = await snapshotDist(DIST);
  const retried: { route: string; code: string }[] = [];
  const server = await startAppServer(snapshot.dir).catch(async (e: unknown) => {
    await rm(snapshot.dir, { recursive: true, force: true });
    throw e;
  });
  try {
    log(`serving a copy of ${DIST} (built ${snapshot.builtAt}) with the app server (API on in-memory PGlite) at ${server.url}`);
    const flags: Flags = {
      output: 'json',
      logLevel: 'error',
      onlyCategories: [...CATEGORIES],
      // Lighthouse's defaults, spelled out: a mid-range phone on slow 4G, simulated.
      formFactor: 'mobile',
      throttlingMethod: 'simulate',
    };
    /** One run in a fresh browser (as Lighthouse CI does; a second run in the same one can lose its trace). */
    const once = async (route: string): Promise<Result> => {
      const chrome = await chromeLauncher.launch({ chromePath: chromiumPath(), chromeFlags: CHROMIUM_ARGS, logLevel: 'silent' });
      try {
        const result = await lighthouse(server.url + route, { ...flags, port: chrome.port });
        if (!result) throw new Error(`lighthouse returned nothing for ${route}`);
        return result.lhr;
      } finally {
        chrome.kill();
      }
    };
    /**
     * A run that failed to record the load (now and then NO_NAVSTART or NO_FCP on a busy machine)
     * is repeated, up to twice; the failures are kept in the results.
     */
    const audit = async (route: string): Promise<Result> => {
      for (let attempt = 1; ; attempt++) {
        const lhr = await once(route);
        if (!lhr.runtimeError) return lhr;
        const failure = `${lhr.runtimeError.code} ${lhr.runtimeError.message}`;
        retried.push({ route, code: lhr.runtimeError.code });
        if (attempt === 3) throw new Error(`lighthouse ${route}, ${attempt} attempts, last: ${failure}`);
        log(`${route}: the run failed (${lhr.runtimeError.code}); once more`);
      }
    };

    if (options.warmup) {
      const t = Date.now();
      await audit(options.routes[0] ?? '/');
      log(`warm-up run (not counted): ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }

    const routes: RouteLighthouse[] = [];
    let first: Result | undefined;
    for (const route of options.routes) {
      const lhrs: Result[] = [];
      for (let i = 0; i < options.runs; i++) {
        const t = Date.now();
        const lhr = await audit(route);
        lhrs.push(lhr);
        const s = summarize(lhr);
        log(`${route} run ${i + 1}/${options.runs}: performance ${s.performance}, accessibility ${s.accessibility}, best practices ${s.bestPractices}; LCP ${s.lcpMs} ms, FCP ${s.fcpMs} ms, TBT ${s.tbtMs} ms, CLS ${s.cls} (benchmarkIndex ${s.benchmarkIndex}; ${((Date.now() - t) / 1000).toFixed(1)} s)`);
        if (s.tbtMs > TBT_GOOD_MS) {
          // A run far from the others must be explainable: its longest tasks, and the whole report.
          const file = join(resultsDir, `lighthouse-${slug(route)}-run${i + 1}.json`);
          await writeFile(file, JSON.stringify(lhr));
          log(`  TBT over ${TBT_GOOD_MS} ms; longest tasks (as Lighthouse reports them): ${longestTasks(lhr, server.url)}; report ${file}`);
        }
      }
      const lhr = computeMedianRun(lhrs);
      first ??= lhr;
      const median = lhrs.indexOf(lhr);
      const s = summarize(lhr);
      const report = join(resultsDir, `lighthouse-${slug(route)}.html`);
      await writeFile(report, generateReport(lhr, 'html'));
      await writeFile(report.replace(/\.html$/, '.json'), JSON.stringify(lhr));
      const requests = (lhr.audits['network-requests']?.details as { items?: unknown[] } | undefined)?.items?.length ?? NaN;
      const r: RouteLighthouse = {
        route,
        scores: { performance: s.performance, accessibility: s.accessibility, bestPractices: s.bestPractices },
        metrics: {
          lcpMs: s.lcpMs,
          fcpMs: s.fcpMs,
          tbtMs: s.tbtMs,
          cls: s.cls,
          speedIndexMs: round(numeric(lhr, 'speed-index')),
          ttiMs: round(numeric(lhr, 'interactive')),
          totalBytes: round(numeric(lhr, 'total-byte-weight')),
          requests,
        },
        lcpElement: lcpElement(lhr),
        pass: {
          performance: (s.performance ?? 0) >= LIGHTHOUSE_GOALS.performance,
          accessibility: (s.accessibility ?? 0) >= LIGHTHOUSE_GOALS.accessibility,
          bestPractices: (s.bestPractices ?? 0) >= LIGHTHOUSE_GOALS.bestPractices,
          lcp: s.lcpMs <= LIGHTHOUSE_GOALS.lcpMs,
        },
        runs: lhrs.map(summarize),
        median,
        medianOfRuns: medianOfRuns(lhrs.map(summarize)),
        failingAudits: failingAudits(lhr, server.url),
        runWarnings: lhr.runWarnings,
        report: report.startsWith(repo + '/') ? report.slice(repo.length + 1) : report,
      };
      routes.push(r);
      log(`${route} median run (#${median + 1}): performance ${s.performance}, accessibility ${s.accessibility}, best practices ${s.bestPractices}, LCP ${s.lcpMs} ms → ${r.report}`);
      for (const a of r.failingAudits) log(`  ${a.category}: ${a.id} (${a.score ?? `error: ${a.errorMessage}`}) ${a.title}${a.displayValue ? ` — ${a.displayValue}` : ''}`);
    }
    for (const r of routes) {
      const m = r.medianOfRuns;
      const verdict = (m.performance ?? 0) >= LIGHTHOUSE_GOALS.performance ? 'PASS' : 'MISS';
      log(`${r.route}: median of ${r.runs.length} performance ${m.performance} (goal ≥ ${LIGHTHOUSE_GOALS.performance}: ${verdict}), TBT ${m.tbtMs} ms, LCP ${m.lcpMs} ms, benchmark index ${m.benchmarkIndex} (runs ${r.runs.map((x) => x.benchmarkIndex).join(', ')})`);
    }

    const settings = first?.configSettings;
    const results: LighthouseResults = {
      lighthouseVersion,
      chromium: first?.environment.hostUserAgent ?? '',
      settings: settings
        ? {
            formFactor: settings.formFactor,
            throttlingMethod: settings.throttlingMethod,
            throttling: settings.throttling,
            screenEmulation: settings.screenEmulation,
            emulatedUserAgent: settings.emulatedUserAgent,
          }
        : {},
      options,
      dist: DIST.startsWith(repo + '/') ? `${DIST.slice(repo.length + 1)}/` : DIST,
      distBuiltAt: snapshot.builtAt,
      goals: LIGHTHOUSE_GOALS,
      loadavg: { before: round(load, 2), after: round(loadavg()[0] ?? 0, 2) },
      retried,
      routes,
      durationMs: Date.now() - started,
    };
    await writeFile(outFile, JSON.stringify(results, null, 2) + '\n');
    log(`wrote ${outFile} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    return results;
  } finally {
    await server.close();
    await rm(snapshot.dir, { recursive: true, force: true });
  }
}
