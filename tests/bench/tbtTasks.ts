/**
 * Which tasks of a load Lighthouse counts in its total blocking time, as its own computation
 * (Lantern, throttlingMethod "simulate") places them:
 *
 *   npx tsx tests/bench/tbtTasks.ts [--route=/guides/vneid-level-1] [--runs=1] [--dist=dist] [--keep=FILE]
 *
 * The same audit as tests/bench/lighthouse.ts (real server, fresh Chromium, mobile, simulated slow
 * 4G and 4× CPU), performance only. For each run it prints the simulated window blocking time is
 * counted in (from the first contentful paint to "interactive") and every top-level task that
 * adds to it or lasts over 12 ms: its observed start and duration, the blocking time Lighthouse
 * gives it, and its events with the most self time. A task of the page that ran before the first
 * paint may still count: Lantern replays the load on a slower network and CPU, and the paint it
 * estimates comes before the end of the work that produced it. `--keep` writes each run's trace.
 */
import lighthouse from 'lighthouse';
import { Audit } from 'lighthouse/core/audits/audit.js';
import { TBTImpactTasks } from 'lighthouse/core/computed/tbt-impact-tasks.js';
import * as chromeLauncher from 'chrome-launcher';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { startAppServer } from '../support/appServer';
import { CHROMIUM_ARGS, chromiumPath } from '../support/browser';
import { installIteratorHelpers } from './iteratorHelpers';

installIteratorHelpers();

/** The part of Lighthouse's task tree (LH.Artifacts.TBTImpactTask) read here. */
interface ImpactTask {
  event: { name: string };
  startTime: number;
  duration: number;
  selfTime: number;
  children: ImpactTask[];
  parent?: ImpactTask;
  attributableURLs: string[];
  tbtImpact: number;
}

type AuditContext = Parameters<typeof Audit.makeMetricComputationDataInput>[1];
type ComputationData = ReturnType<typeof Audit.makeMetricComputationDataInput>;
/** Not in Lighthouse's published types: the window that TBTImpactTasks itself uses. */
type WithBounds = { getTbtBounds(data: ComputationData, context: AuditContext): Promise<{ startTimeMs: number; endTimeMs: number }> };

function arg(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function selfByName(task: ImpactTask, acc = new Map<string, number>()): Map<string, number> {
  acc.set(task.event.name, (acc.get(task.event.name) ?? 0) + task.selfTime);
  for (const c of task.children) selfByName(c, acc);
  return acc;
}

async function main(): Promise<void> {
  const route = arg('route') ?? '/guides/vneid-level-1';
  const runs = Number(arg('runs') ?? 1);
  const keep = arg('keep');
  const server = await startAppServer(resolve(arg('dist') ?? 'dist'));
  try {
    for (let i = 0; i < runs; i++) {
      const load1 = loadavg()[0]!.toFixed(1);
      const chrome = await chromeLauncher.launch({ chromePath: chromiumPath(), chromeFlags: CHROMIUM_ARGS, logLevel: 'silent' });
      const result = await lighthouse(server.url + route, {
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance'],
        formFactor: 'mobile',
        throttlingMethod: 'simulate',
        port: chrome.port,
      }).finally(() => chrome.kill());
      if (!result) throw new Error(`lighthouse returned nothing for ${route}`);
      const { lhr, artifacts } = result;
      const metric = (id: string) => Math.round(lhr.audits[id]?.numericValue ?? NaN);
      console.log(
        `${route} run ${i + 1} (load average ${load1}): performance ${Math.round((lhr.categories.performance?.score ?? 0) * 100)}, ` +
          `TBT ${metric('total-blocking-time')} ms, FCP ${metric('first-contentful-paint')} ms, LCP ${metric('largest-contentful-paint')} ms, benchmark index ${Math.round(lhr.environment.benchmarkIndex)}`,
      );
      const context = { computedCache: new Map(), settings: lhr.configSettings, options: {} } as unknown as AuditContext;
      const data = Audit.makeMetricComputationDataInput(artifacts, context);
      const tasks = (await TBTImpactTasks.request(data, context)) as unknown as ImpactTask[];
      const bounds = await (TBTImpactTasks as unknown as WithBounds).getTbtBounds(data, context);
      console.log(`  blocking time counted from ${Math.round(bounds.startTimeMs)} to ${Math.round(bounds.endTimeMs)} ms (simulated)`);
      for (const t of tasks.filter((x) => !x.parent && (x.tbtImpact > 0 || x.duration > 12))) {
        const top = [...selfByName(t)]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 5)
          .map(([n, ms]) => `${n} ${ms.toFixed(1)}`);
        const url = t.attributableURLs.at(-1)?.replace(server.url, '') ?? '';
        console.log(`  observed ${Math.round(t.startTime)} ms +${t.duration.toFixed(1)} ms: blocking ${Math.round(t.tbtImpact)} ms ${url ? `(${url})` : '(no script)'}  [${top.join('; ')}]`);
      }
      if (keep) await writeFile(`${keep}-${i + 1}.json`, JSON.stringify({ traceEvents: artifacts.Trace.traceEvents }));
    }
  } finally {
    await server.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(2);
  },
);
