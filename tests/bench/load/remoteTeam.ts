/** The main process's side of a team run in a process of its own (team-process.ts). */
import { fork, type ChildProcess } from 'node:child_process';
import type { Sample } from './client';
import type { CheckResult, Counters } from './teamCheck';

export type ToTeam =
  | {
      type: 'init';
      url: string;
      timeoutMs: number;
      pullLimit: number;
      name: string;
      group: string;
      /** The head's first. */
      tokens: string[];
      seeds: number[];
      /** The household the whole team patches, created at enrollment. */
      shared: { id: string; version: number; fields: Record<string, unknown> };
    }
  | { type: 'run'; stopAtWall: number; giveUpAtWall: number; thinkMs: number }
  | { type: 'check'; giveUpAtWall: number };

export type FromTeam =
  | { type: 'ready' }
  | { type: 'ran'; samples: Sample[]; cpuPercent: number; loopDelayP99Ms: number }
  | { type: 'checked'; checks: CheckResult; counters: Counters }
  | { type: 'failed'; message: string };

type Reply<K extends FromTeam['type']> = Extract<FromTeam, { type: K }>;

/** Times cross the process boundary on the wall clock (performance.timeOrigin + now), as each process's performance.now() has its own origin. */
const wall = (local: number) => local + performance.timeOrigin;

export class RemoteTeam {
  private readonly child: ChildProcess;
  private readonly pending: { want: string; resolve: (m: FromTeam) => void; reject: (e: Error) => void }[] = [];

  constructor() {
    this.child = fork(new URL('./team-process.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: FromTeam) => {
      const p = this.pending.shift();
      if (!p) return;
      if (m.type === 'failed') p.reject(new Error(`the team's process failed: ${m.message}`));
      else if (m.type !== p.want) p.reject(new Error(`the team's process answered ${m.type}, not ${p.want}`));
      else p.resolve(m);
    });
    this.child.on('exit', (code) => {
      for (const p of this.pending.splice(0)) p.reject(new Error(`the team's process exited (${code}) before answering ${p.want}`));
    });
  }

  private ask<K extends FromTeam['type']>(message: ToTeam, want: K): Promise<Reply<K>> {
    return new Promise((resolve, reject) => {
      this.pending.push({ want, resolve: resolve as (m: FromTeam) => void, reject });
      this.child.send(message);
    });
  }

  init(message: Extract<ToTeam, { type: 'init' }>): Promise<Reply<'ready'>> {
    return this.ask(message, 'ready');
  }

  /** Runs the team until `stopAt` (this process's clock); its samples come back on this process's clock. */
  async run(stopAt: number, giveUpAt: number, thinkMs: number): Promise<Reply<'ran'>> {
    const r = await this.ask({ type: 'run', stopAtWall: wall(stopAt), giveUpAtWall: wall(giveUpAt), thinkMs }, 'ran');
    return { ...r, samples: r.samples.map((s) => ({ ...s, start: s.start - performance.timeOrigin })) };
  }

  check(giveUpAt: number): Promise<Reply<'checked'>> {
    return this.ask({ type: 'check', giveUpAtWall: wall(giveUpAt) }, 'checked');
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}
