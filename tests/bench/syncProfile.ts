/**
 * One first sync of a small team under Chromium's CPU profiler: where the page's thread spends a
 * first sync (`npm run bench -- --phases=sync` times it; this says what the time is made of).
 *
 *   npx vite build -c tests/bench/vite.config.ts --minify false --outDir DIR   (readable names)
 *   npx tsx tests/bench/syncProfile.ts --bench-dir=DIR [--out=FILE.cpuprofile] [--households=1000]
 *     [--members=3] [--visits=6000] [--runs=1] [--dist=DIR] [--no-profile]
 *
 * `--dist` serves another build of the app (with `--bench-dir`, another tree's pages: an A/B of
 * the small sync alone in a minute); `--no-profile` only times the syncs (the profiler slows them).
 *
 * Seeds the team into the real app server (PGlite in memory), opens /__bench/sync/ in a fresh
 * on-disk profile with the profiler on (sampling every 200 µs), and prints the sync's time, its
 * breakdown, the server's time per pull, and the functions with the most self time and the most
 * time under them (by name and file). The profile is written to `--out` for DevTools.
 */
import { chromium } from 'playwright-core';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CHROMIUM_ARGS, chromiumPath } from '../support/browser';
import { seedTeam, startBenchServer } from './syncServer';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const value = (name: string, fallback: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const repo = resolve(dirname(new URL(import.meta.url).pathname), '../..');

/**
 * CPU time (user + system, ms) used so far by this process's descendants (the browser's processes):
 * on a machine others load too, the work a sync costs varies less than its duration. Linux only.
 */
async function browserCpuMs(): Promise<Map<string, number>> {
  const procs: { pid: number; ppid: number; ticks: number; kind: string }[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // Fields after the command's closing parenthesis: state ppid … utime(14) stime(15).
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8');
      const kind = /--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser';
      const service = /--utility-sub-type=([\w.]+)/.exec(cmd)?.[1];
      procs.push({ pid: Number(name), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), kind: service ? `${kind}:${service.split('.').pop()}` : kind });
    } catch {
      // Gone meanwhile.
    }
  }
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) {
      if (mine.has(p.pid) || !mine.has(p.ppid)) continue;
      mine.add(p.pid);
      grew = true;
    }
  }
  // Clock ticks are 10 ms on Linux (sysconf(_SC_CLK_TCK) = 100).
  const byKind = new Map<string, number>();
  for (const p of procs) if (p.pid !== process.pid && mine.has(p.pid)) byKind.set(p.kind, (byKind.get(p.kind) ?? 0) + p.ticks * 10);
  return byKind;
}

/** CPU ms by kind of process between two readings of browserCpuMs, and their sum. */
function cpuBetween(before: Map<string, number>, after: Map<string, number>): { total: number; byKind: Record<string, number> } {
  const byKind: Record<string, number> = {};
  for (const [kind, ms] of after) byKind[kind] = ms - (before.get(kind) ?? 0);
  return { total: Object.values(byKind).reduce((a, b) => a + b, 0), byKind };
}

/** Self and total ms by function (name + file), from a CPU profile. */
function summarize(p: CpuProfile) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
  const label = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop() ?? ''}:${n.callFrame.lineNumber + 1}`;
  const selfBy = new Map<string, number>();
  const totalBy = new Map<string, number>();
  for (const [id, ms] of self) {
    const node = byId.get(id)!;
    selfBy.set(label(node), (selfBy.get(label(node)) ?? 0) + ms);
    // Each function counted once per sample, however deep it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const l = label(byId.get(at)!);
      if (seen.has(l)) continue;
      seen.add(l);
      totalBy.set(l, (totalBy.get(l) ?? 0) + ms);
    }
  }
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${v.toFixed(1).padStart(8)} ms  ${k}`);
  return { self: top(selfBy, 40), total: top(totalBy, 60) };
}

async function main() {
  const benchDir = resolve(value('bench-dir', join(repo, 'dist-bench')));
  const out = value('out', '');
  const sizes = { households: Number(value('households', '1000')), membersPerHousehold: Number(value('members', '3')), visits: Number(value('visits', '6000')), sessions: 0 };
  const runs = Number(value('runs', '1'));
  const profiling = !args.includes('--no-profile');
  const server = await startBenchServer(resolve(value('dist', join(repo, 'dist'))), benchDir, 'bench');
  try {
    const team = await seedTeam(server.db, sizes, 20260102, 'Tổ công nghệ số thôn Tây');
    for (let run = 0; run < runs; run++) {
      const dir = await mkdtemp(join(tmpdir(), 'cds-sync-profile-'));
      const context = await chromium.launchPersistentContext(dir, { executablePath: chromiumPath(), args: CHROMIUM_ARGS, viewport: { width: 360, height: 800 } });
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        const cdp = await context.newCDPSession(page);
        if (profiling) {
          await cdp.send('Profiler.enable');
          await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
          await cdp.send('Profiler.start');
        }
        server.takeTimings();
        const query = new URLSearchParams({ token: team.token, userId: team.userId, userName: team.userName, teamId: team.teamId, teamName: team.teamName, writes: '0', gate: '1' });
        await page.goto(`${server.url}/__bench/sync/?${query.toString()}`);
        await page.waitForFunction(() => document.body.dataset.syncPhase === 'ready' || !!document.body.dataset.error, null, { timeout: 10 * 60_000, polling: 50 });
        const cpuBefore = await browserCpuMs();
        await page.evaluate(() => (window as unknown as { __syncGo?: () => void }).__syncGo?.());
        await page.waitForFunction(() => document.body.dataset.syncPhase === 'done' || !!document.body.dataset.error, null, { timeout: 10 * 60_000, polling: 'raf' });
        const cpu = cpuBetween(cpuBefore, await browserCpuMs());
        await page.waitForFunction(() => document.body.dataset.done === 'true' || !!document.body.dataset.error, null, { timeout: 10 * 60_000, polling: 250 });
        const profile = profiling ? ((await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile }).profile : undefined;
        const error = await page.evaluate(() => (window as unknown as { __syncError?: string }).__syncError);
        if (error) throw new Error(error);
        const result = (await page.evaluate(() => (window as unknown as { __syncResult: unknown }).__syncResult)) as { sync: { totalMs: number; breakdown: unknown; idbRequests: unknown } };
        const pulls = server.takeTimings().filter((t) => t.url === '/api/sync/pull');
        console.log(`run ${run + 1}: sync ${Math.round(result.sync.totalMs)} ms; browser CPU ${cpu.total} ms ${JSON.stringify(cpu.byKind)}; ${team.records} records`);
        console.log(`breakdown ${JSON.stringify(result.sync.breakdown)}`);
        console.log(`IndexedDB requests ${JSON.stringify(result.sync.idbRequests)}`);
        console.log(`server per pull (total ms): ${pulls.map((t) => t.totalMs.toFixed(0)).join(' ')}; db ms: ${pulls.map((t) => t.dbMs.toFixed(0)).join(' ')}`);
        if (!profile) continue;
        const s = summarize(profile);
        console.log(`self time:\n${s.self.join('\n')}\ntotal time:\n${s.total.join('\n')}`);
        if (out) await writeFile(runs > 1 ? out.replace(/\.cpuprofile$/, `.${run + 1}.cpuprofile`) : out, JSON.stringify(profile));
      } finally {
        await context.close();
        await rm(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await server.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
