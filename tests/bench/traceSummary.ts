/**
 * The page's main thread during one load, from a Chromium trace: its long tasks and what they are
 * made of (tests/bench/startupTrace.ts records the traces).
 */
export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** Thread (CPU) time: what the task itself cost, without the waits for other processes and for a core. */
  tdur?: number;
  args?: { data?: { documentLoaderURL?: string } };
}

export type Kind = 'compile' | 'tier-up' | 'script' | 'style' | 'layout+fonts' | 'paint' | 'parse HTML/CSS' | 'gc' | 'other';

const LONG_TASK_MS = 50 / 4;
const TOP_LEVEL = new Set(['RunTask', 'ThreadControllerImpl::RunTask']);

/** The kind of work an event's self time is, from its name. */
export function kindOf(name: string): Kind {
  if (/^V8\.GC|GC_|MinorGC|MajorGC/.test(name)) return 'gc';
  if (/ParseHTML|HTMLDocumentParser|CSSParser|ParseAuthorStyleSheet|ParseStyleSheet/.test(name)) return 'parse HTML/CSS';
  // Optimising hot code: it follows from running the code, whatever was compiled beforehand.
  if (/BytecodeBudget|FlushInstructionCache|Maglev|Sparkplug|Baseline|Turbofan|Optimize/.test(name)) return 'tier-up';
  if (/Compile|ParseFunction|PreParse|ParseProgram|Ignition|ModuleCache|produceCache|Streaming/.test(name)) return 'compile';
  if (/Font|Strike|Shape/.test(name)) return 'layout+fonts';
  if (/Layout|layout/.test(name)) return 'layout+fonts';
  if (/Style|style|recalc/.test(name)) return 'style';
  if (/Paint|Commit|Composit|Lifecycle|BeginMainFrame|Raster|Layer/.test(name)) return 'paint';
  if (/^v8\.|^V8\.|Microtask|FunctionCall|EvaluateScript|TimerFire|FireIdleCallback|FireAnimationFrame|EventDispatch/.test(name)) return 'script';
  return 'other';
}

export interface TaskSummary {
  startMs: number;
  durMs: number;
  /** The main thread's CPU time in the task; on a busy machine far below `durMs`. */
  cpuMs: number;
  kinds: Partial<Record<Kind, number>>;
  /** The three events with the most self time. */
  top: string[];
}

export interface LoadSummary {
  fcpMs: number | null;
  longTasks: TaskSummary[];
  /** Self time by kind of every main-thread task from navigation until 3 s after the paint. */
  totals: Partial<Record<Kind, number>>;
  /** CPU time of every main-thread task before the first contentful paint, and in the 3 s after it. */
  cpuMs: { beforePaint: number; afterPaint: number };
  /**
   * The main thread's synchronous font requests to the browser process (a face for a family and
   * weight, and the rendering settings for each size of it): each waits for another process, so
   * on a busy machine each costs far more than its CPU time.
   */
  fontRequests: number;
  /**
   * Those made once the app's code has started (its first module evaluated): in the app's own
   * long tasks, where index.html's hidden paragraph did not set the size up beforehand.
   */
  fontRequestsAfterCode: number;
}

const FONT_REQUESTS = new Set(['FontDataManager::onMatchFamilyStyle', 'WebSandboxSupportLinux::GetWebFontRenderStyleForStrike']);

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Self time per event name of the events nested in `[start, end]` (sorted by start). */
function selfTimes(events: TraceEvent[]): Map<string, number> {
  const self = new Map<string, number>();
  const stack: TraceEvent[] = [];
  for (const e of events) {
    while (stack.length && stack[stack.length - 1]!.ts + stack[stack.length - 1]!.dur! <= e.ts) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur!);
    self.set(e.name, (self.get(e.name) ?? 0) + e.dur!);
    stack.push(e);
  }
  return self;
}

function byKind(self: Map<string, number>): Partial<Record<Kind, number>> {
  const out: Partial<Record<Kind, number>> = {};
  for (const [name, us] of self) {
    const k = kindOf(name);
    out[k] = (out[k] ?? 0) + us / 1000;
  }
  for (const k of Object.keys(out) as Kind[]) out[k] = round1(out[k]!);
  return out;
}

/** The page's main thread, its tasks and their composition, from a trace of one load of `origin`. */
export function summarizeLoad(events: TraceEvent[], origin: string): LoadSummary {
  const nav = events.filter((e) => e.name === 'navigationStart' && e.args?.data?.documentLoaderURL?.startsWith(origin)).at(-1);
  if (!nav) throw new Error(`no navigation to ${origin} in the trace`);
  const onMain = (e: TraceEvent) => e.pid === nav.pid && e.tid === nav.tid;
  const fcp = events.filter((e) => e.name === 'firstContentfulPaint' && e.pid === nav.pid).at(-1);
  const end = (fcp?.ts ?? nav.ts) + 3_000_000;
  const complete = events
    .filter((e) => onMain(e) && e.ph === 'X' && e.dur !== undefined && e.ts >= nav.ts && e.ts <= end)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const tasks: TraceEvent[] = [];
  for (const e of complete) {
    const last = tasks.at(-1);
    if (TOP_LEVEL.has(e.name) && (!last || e.ts >= last.ts + last.dur!)) tasks.push(e);
  }
  const inner = complete.filter((e) => !TOP_LEVEL.has(e.name));
  const longTasks = tasks
    .filter((t) => t.dur! / 1000 >= LONG_TASK_MS)
    .map((t) => {
      const self = selfTimes(inner.filter((e) => e.ts >= t.ts && e.ts + e.dur! <= t.ts + t.dur!));
      const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([n, us]) => `${n} ${round1(us / 1000)}`);
      return { startMs: round1((t.ts - nav.ts) / 1000), durMs: round1(t.dur! / 1000), cpuMs: round1((t.tdur ?? 0) / 1000), kinds: byKind(self), top };
    });
  const paintTs = fcp?.ts ?? Infinity;
  const cpuMs = { beforePaint: 0, afterPaint: 0 };
  for (const t of tasks) cpuMs[t.ts < paintTs ? 'beforePaint' : 'afterPaint'] += (t.tdur ?? 0) / 1000;
  const fonts = inner.filter((e) => FONT_REQUESTS.has(e.name));
  const codeTs = inner.find((e) => e.name === 'v8.evaluateModule')?.ts ?? Infinity;
  return {
    fcpMs: fcp ? round1((fcp.ts - nav.ts) / 1000) : null,
    longTasks,
    totals: byKind(selfTimes(inner)),
    cpuMs: { beforePaint: round1(cpuMs.beforePaint), afterPaint: round1(cpuMs.afterPaint) },
    fontRequests: fonts.length,
    fontRequestsAfterCode: fonts.filter((e) => e.ts >= codeTs).length,
  };
}
