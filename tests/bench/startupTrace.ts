/**
 * What the main thread does during a cold load, task by task: the long tasks Lighthouse reports
 * without a script ("Unattributable") are style, layout, fonts and paint, and those it gives the
 * page's address are mostly V8 compiling functions the first time they are called.
 *
 *   npx tsx tests/bench/startupTrace.ts [--routes=/,/join] [--runs=3] [--dist=dist] [--keep=DIR] [--large-text]
 *
 * Like Lighthouse's default run (throttlingMethod "simulate"): the real server serving a copy of
 * the build (tests/support/appServer.ts), a fresh Chromium per load (no service worker, empty
 * cache), the Moto G Power screen, no throttling while recording (Lantern multiplies the main
 * thread's tasks by 4 afterwards; a task of 12.5 ms here is a 50 ms long task there) and
 * Lighthouse's trace categories plus V8's compile events. For each load it prints the first
 * contentful paint, every main-thread task of 12.5 ms or more until 3 s after it, each split by
 * kind (the task's own events by self time), and the load's totals by kind. Timings on a shared
 * machine are inflated: compare runs of two builds made back to back, and the kinds, not the
 * durations alone. Each task's CPU time (the thread's own time) is printed beside its duration:
 * on a shared machine it is the figure to compare, as a task's wall time there is mostly waiting
 * for a core and for the browser process (fonts). `--keep` writes the traces for the DevTools
 * Performance panel. `--large-text` loads with the large-text setting (125 %) stored, as a phone
 * that chose it.
 */
import { chromium, type CDPSession } from 'playwright-core';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { startAppServer } from '../support/appServer';
import { CHROMIUM_ARGS, chromiumPath } from '../support/browser';
import { summarizeLoad, type Kind, type LoadSummary, type TraceEvent } from './traceSummary';

const CATEGORIES = [
  '-*',
  'loading',
  'v8',
  'v8.execute',
  'blink.user_timing',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'disabled-by-default-devtools.timeline.stack',
  'latencyInfo',
  // Lazy compilation (V8.ParseFunction, V8.CompileCode…) and the font look-ups are only here.
  'disabled-by-default-v8.compile',
  'fonts',
  'blink',
];

async function recordLoad(url: string, largeText: boolean): Promise<TraceEvent[]> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true });
    if (largeText) await context.addInitScript(() => localStorage.setItem('cds.largeText', '1'));
    const page = await context.newPage();
    const cdp: CDPSession = await context.newCDPSession(page);
    await page.goto('about:blank');
    const events: TraceEvent[] = [];
    cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
    const complete = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
    await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordAsMuchAsPossible' }, transferMode: 'ReportEvents' });
    await page.goto(url, { waitUntil: 'load' });
    // Long enough for what starts after the first paint (the locale, the service worker's registration).
    await page.waitForTimeout(5000);
    await cdp.send('Tracing.end');
    await complete;
    return events;
  } finally {
    await browser.close();
  }
}

function arg(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const fmtKinds = (k: Partial<Record<Kind, number>>) =>
  (Object.entries(k) as [Kind, number][])
    .filter(([, ms]) => ms >= 1)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, ms]) => `${kind} ${Math.round(ms)}`)
    .join(', ');

async function main(): Promise<void> {
  const routes = (arg('routes') ?? '/,/guides/vneid-level-1,/join').split(',');
  const runs = Number(arg('runs') ?? 3);
  const keep = arg('keep');
  const dist = resolve(arg('dist') ?? 'dist');
  if (keep) await mkdir(keep, { recursive: true });
  const server = await startAppServer(dist);
  const results: { route: string; run: number; loadavg: number; load: LoadSummary }[] = [];
  try {
    for (let run = 1; run <= runs; run++) {
      for (const route of routes) {
        const load1 = loadavg()[0]!;
        const events = await recordLoad(server.url + route, process.argv.includes('--large-text'));
        if (keep) await writeFile(join(keep, `${route.replace(/\W+/g, '_')}-${run}.json`), JSON.stringify({ traceEvents: events }));
        const load = summarizeLoad(events, server.url);
        results.push({ route, run, loadavg: load1, load });
        console.log(`${route} run ${run} (load average ${load1.toFixed(1)}): first contentful paint ${load.fcpMs} ms`);
        for (const t of load.longTasks) {
          const when = load.fcpMs !== null && t.startMs >= load.fcpMs ? 'after paint' : 'before paint';
          console.log(`  ${String(t.startMs).padStart(7)} ms  ${String(t.durMs).padStart(6)} ms (CPU ${String(t.cpuMs).padStart(5)} ms)  ${when}: ${fmtKinds(t.kinds)}  [${t.top.join('; ')}]`);
        }
        console.log(`  main thread in all: ${fmtKinds(load.totals)}`);
        console.log(`  main thread's CPU time: ${load.cpuMs.beforePaint} ms before the paint, ${load.cpuMs.afterPaint} ms in the 3 s after it; ${load.fontRequests} font requests to the browser process, ${load.fontRequestsAfterCode} of them once the app's code ran`);
      }
    }
  } finally {
    await server.close();
  }
  const out = new URL('./results/startup-trace.json', import.meta.url).pathname;
  await writeFile(out, JSON.stringify({ dist, routes, runs, results }, null, 2));
  console.log(`\nwritten: ${out}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(2);
  },
);
