/** Latency and error figures of a set of request samples. */
import { NETWORK_ERROR, TIMED_OUT, type Sample } from './client';

export interface Latency {
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface Figures {
  requests: number;
  perSecond: number;
  all: Latency;
  push: Latency;
  pull: Latency;
  status5xx: number;
  timeouts: number;
  networkErrors: number;
  status429: number;
  other4xx: number;
  /** Requests that took longer than 10 s (answered or not). */
  over10s: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function latency(ms: readonly number[]): Latency {
  const s = [...ms].sort((a, b) => a - b);
  return { requests: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s.length ? s[s.length - 1]! : NaN };
}

/** The samples of `group` sent within [from, to) (requests still open at `to` count: they were sent in the window). */
export function figures(samples: readonly Sample[], from: number, to: number, group?: string): Figures {
  const inWindow = samples.filter((s) => s.start >= from && s.start < to && (group === undefined || s.group === group) && s.kind !== 'setup');
  const ms = (kind?: string) => inWindow.filter((s) => kind === undefined || s.kind === kind).map((s) => s.ms);
  return {
    requests: inWindow.length,
    perSecond: inWindow.length / ((to - from) / 1000),
    all: latency(ms()),
    push: latency(ms('push')),
    pull: latency(ms('pull')),
    status5xx: inWindow.filter((s) => s.status >= 500).length,
    timeouts: inWindow.filter((s) => s.status === TIMED_OUT).length,
    networkErrors: inWindow.filter((s) => s.status === NETWORK_ERROR).length,
    status429: inWindow.filter((s) => s.status === 429).length,
    other4xx: inWindow.filter((s) => s.status >= 400 && s.status < 500 && s.status !== 429).length,
    over10s: inWindow.filter((s) => s.ms > 10_000).length,
  };
}
