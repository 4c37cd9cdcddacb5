/**
 * Set-up requests and the checks after a run, shared by the benchmark's main process and a team
 * run in a process of its own (team-process.ts): each team is checked where its devices live.
 */
import type { PullResponse } from '../../../src/domain/wire';
import type { LoadClient, Answer } from './client';
import type { SimDevice, TeamRun } from './device';
import { Violations, verifyTeam, type FinalChange } from './ledger';

/** A setup request; retried on 429/503 (an enrollment limit) and 5xx, any other answer is fatal. */
export async function setupCall(client: LoadClient, method: 'GET' | 'POST', path: string, token: string | undefined, body: unknown, want: number): Promise<Answer> {
  for (let attempt = 0; attempt < 30; attempt++) {
    const a = await client.request('setup', 'setup', method, path, token, body);
    if (a.status === want) return a;
    if (a.status !== 429 && a.status !== 503 && a.status < 500 && a.status > 0) throw new Error(`${method} ${path} answered ${a.status}: ${a.text.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, (a.retryAfter ?? 1) * 1000));
  }
  throw new Error(`${method} ${path}: no answer after 30 attempts`);
}

export async function inPool<T, R>(items: T[], width: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

export interface CheckedTeam {
  run: TeamRun;
  devices: SimDevice[];
  headToken: string;
}

export interface CheckResult {
  records: number;
  acknowledged: number;
  unresolvedRecords: number;
  violations: Record<string, number>;
  examples: { kind: string; id: string; device?: string; detail: string }[];
  rejected: Record<string, number>;
  unexpected: string[];
  ok: boolean;
}

/** Settles every device's unanswered batches, follows every cursor to the end, then checks each team against one pass from the beginning. */
export async function checkTeams(client: LoadClient, teams: CheckedTeam[], giveUpAt: number): Promise<CheckResult> {
  const devices = teams.flatMap((t) => t.devices);
  for (const d of devices) d.group = 'check';
  await inPool(devices, 32, (d) => d.settle(giveUpAt));
  await inPool(devices, 32, (d) => d.pullToEnd(giveUpAt));
  let records = 0;
  let acknowledged = 0;
  let unresolvedRecords = 0;
  const all = new Violations();
  for (const t of teams) {
    const finalPull: FinalChange[] = [];
    let cursor: string | undefined;
    for (;;) {
      const q = `limit=1000${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const page = JSON.parse((await setupCall(client, 'GET', `/api/sync/pull?${q}`, t.headToken, undefined, 200)).text) as PullResponse;
      finalPull.push(...page.changes);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    const r = verifyTeam(t.run.ledger, finalPull, t.devices.map((d) => d.follower), t.run.violations);
    records += r.records;
    acknowledged += r.acknowledged;
    unresolvedRecords += t.run.ledger.unresolved.size;
    for (const [kind, n] of t.run.violations.counts) all.counts.set(kind, (all.counts.get(kind) ?? 0) + n);
    all.examples.push(...t.run.violations.examples.slice(0, 10));
  }
  const rejected: Record<string, number> = {};
  const unexpected: string[] = [];
  for (const d of devices) {
    for (const [code, n] of Object.entries(d.counters.rejected)) rejected[code] = (rejected[code] ?? 0) + n;
    unexpected.push(...d.counters.unexpected);
  }
  return {
    records,
    acknowledged,
    unresolvedRecords,
    violations: all.summary(),
    examples: all.examples.slice(0, 20),
    rejected,
    unexpected: unexpected.slice(0, 20),
    ok: all.total === 0 && Object.keys(rejected).length === 0 && unexpected.length === 0,
  };
}

/** Two checks' results as one. */
export function mergeChecks(a: CheckResult, b: CheckResult): CheckResult {
  const violations = { ...a.violations };
  for (const [k, n] of Object.entries(b.violations)) violations[k] = (violations[k] ?? 0) + n;
  const rejected = { ...a.rejected };
  for (const [k, n] of Object.entries(b.rejected)) rejected[k] = (rejected[k] ?? 0) + n;
  return {
    records: a.records + b.records,
    acknowledged: a.acknowledged + b.acknowledged,
    unresolvedRecords: a.unresolvedRecords + b.unresolvedRecords,
    violations,
    examples: [...a.examples, ...b.examples].slice(0, 20),
    rejected,
    unexpected: [...a.unexpected, ...b.unexpected].slice(0, 20),
    ok: a.ok && b.ok,
  };
}

export type Counters = ReturnType<typeof sumCounters>;

export function sumCounters(devices: SimDevice[]) {
  const c = { batches: 0, mutations: 0, applied: 0, duplicates: 0, conflicts: 0, answeredAfterWindow: 0, unresolvedBatches: 0 };
  for (const d of devices) {
    c.batches += d.counters.batches;
    c.mutations += d.counters.mutations;
    c.applied += d.counters.applied;
    c.duplicates += d.counters.duplicates;
    c.conflicts += d.counters.conflicts;
    c.answeredAfterWindow += d.counters.answeredAfterWindow;
    c.unresolvedBatches += d.counters.unresolvedBatches;
  }
  return c;
}
