import { describe, expect, it } from 'vitest';
import { kindOf, summarizeLoad, type TraceEvent } from '../bench/traceSummary';

const origin = 'http://127.0.0.1:4000';
const MAIN = { pid: 1, tid: 1 };
const x = (name: string, tsMs: number, durMs: number, where = MAIN, cpuMs?: number): TraceEvent => ({
  name,
  ph: 'X',
  ...where,
  ts: 1_000_000 + tsMs * 1000,
  dur: durMs * 1000,
  ...(cpuMs === undefined ? {} : { tdur: cpuMs * 1000 }),
});
const mark = (name: string, tsMs: number, args?: TraceEvent['args']): TraceEvent => ({ name, ph: 'R', ...MAIN, ts: 1_000_000 + tsMs * 1000, args });

describe('summarizeLoad', () => {
  const events: TraceEvent[] = [
    mark('navigationStart', 0, { data: { documentLoaderURL: `${origin}/join` } }),
    // The mount: script with lazy compilation inside.
    x('RunTask', 100, 40, MAIN, 30),
    x('v8.evaluateModule', 100, 40),
    x('V8.CompileCode', 110, 25),
    // The first frame: layout with a font look-up, then paint.
    x('RunTask', 150, 20, MAIN, 8),
    x('Layout', 150, 15),
    x('FontDataManager::onMatchFamilyStyle', 152, 10),
    x('WebSandboxSupportLinux::GetWebFontRenderStyleForStrike', 162, 1),
    x('Paint', 165, 5),
    mark('firstContentfulPaint', 170),
    // Short, and on another thread: neither is a long task of the page.
    x('RunTask', 200, 5, MAIN, 4),
    x('RunTask', 300, 80, { pid: 1, tid: 2 }, 80),
  ];

  it('finds the long tasks of the main thread and splits each by self time', () => {
    const load = summarizeLoad(events, origin);
    expect(load.fcpMs).toBe(170);
    expect(load.longTasks.map((t) => [t.startMs, t.durMs])).toEqual([
      [100, 40],
      [150, 20],
    ]);
    expect(load.longTasks[0]!.kinds).toEqual({ script: 15, compile: 25 });
    expect(load.longTasks[1]!.kinds).toEqual({ 'layout+fonts': 15, paint: 5 });
    expect(load.totals.compile).toBe(25);
  });

  it('gives the CPU time of each task and before and after the paint, and counts the font requests to the browser process', () => {
    const load = summarizeLoad(events, origin);
    expect(load.longTasks.map((t) => t.cpuMs)).toEqual([30, 8]);
    expect(load.cpuMs).toEqual({ beforePaint: 38, afterPaint: 4 });
    expect(load.fontRequests).toBe(2);
  });

  it('tells the font requests made once the app\'s code has started from those made before it', () => {
    const before = [x('RunTask', 50, 20, MAIN, 5), x('Layout', 50, 15), x('FontDataManager::onMatchFamilyStyle', 52, 10)];
    const load = summarizeLoad([...events.slice(0, 1), ...before, ...events.slice(1)], origin);
    expect(load.fontRequests).toBe(3);
    expect(load.fontRequestsAfterCode).toBe(2);
  });

  it('refuses a trace without a navigation to the origin', () => {
    expect(() => summarizeLoad(events, 'http://127.0.0.1:5000')).toThrow(/no navigation/);
  });
});

describe('kindOf', () => {
  it('tells compiling, optimising, style, layout and fonts, paint and GC apart', () => {
    expect(kindOf('V8.ParseFunction')).toBe('compile');
    expect(kindOf('V8.CompileIgnition')).toBe('compile');
    expect(kindOf('V8.BytecodeBudgetInterrupt')).toBe('tier-up');
    expect(kindOf('V8.MaglevConcurrentFinalize')).toBe('tier-up');
    expect(kindOf('Document::recalcStyle')).toBe('style');
    expect(kindOf('WebSandboxSupportLinux::GetWebFontRenderStyleForStrike')).toBe('layout+fonts');
    expect(kindOf('LocalFrameView::performLayout')).toBe('layout+fonts');
    expect(kindOf('Blink.Paint.UpdateTime')).toBe('paint');
    expect(kindOf('V8.GC_SCAVENGER_SCAVENGE_PARALLEL')).toBe('gc');
    expect(kindOf('ParseHTML')).toBe('parse HTML/CSS');
    expect(kindOf('RunMicrotasks')).toBe('script');
  });
});
