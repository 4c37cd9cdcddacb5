/**
 * The server under load: `server/index.ts`, the entry `npm start` runs, in a child process of its
 * own (so the devices' load generation does not share its event loop), on 127.0.0.1 and a port the
 * system picks, API only (STATIC_DIR names no build, so nothing is built or compressed), on a fresh
 * PGlite folder or a fresh schema of a PostgreSQL. The rate limit is set out of reach: the
 * benchmark measures the server, not its limiter (429s are still counted).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export const REPO = new URL('../../../', import.meta.url).pathname;

/**
 * The tree whose server is measured (`--server-root=DIR`, default this one): an A/B runs the same
 * devices and the same measuring against another checkout's `server/index.ts`.
 */
let serverRoot = REPO;
export function measureServerOf(root: string): void {
  serverRoot = root;
}

/**
 * The settings the server gets on top of the environment. The per-device and per-address limits are lifted (every simulated device comes from one
 * address); the per-team limit is left at its default, as are the teams' push and pull gates:
 * they are part of what is measured (the noisy-neighbour run).
 */
export const BENCH_ENV = {
  RATE_LIMIT_PER_SECOND: '1000000',
  RATE_LIMIT_BURST: '1000000',
  // Every simulated device comes from 127.0.0.1: one address, which the per-address limits would throttle.
  ADDRESS_LIMIT_PER_MINUTE: '1000000',
  ADDRESS_LIMIT_BURST: '1000000',
  ENROLL_LIMIT_PER_ADDRESS: '1000000',
  ENROLL_LIMIT_TOTAL: '1000000',
  LOG_LEVEL: 'warn',
} as const;

export type DbKind = 'pglite' | 'postgres';

export interface Storage {
  kind: DbKind;
  /**
   * PostgreSQL: the `application_name` every connection of this run's server has, by which its
   * backends are found (their CPU is counted apart from the server's). PGlite runs inside the
   * server process, so its CPU is the server's.
   */
  applicationName?: string;
  /** DATA_DIR or DATABASE_URL for the children. */
  env: Record<string, string>;
  label: string;
  dispose(): Promise<void>;
}

export async function freshStorage(kind: DbKind, postgresUrl: string): Promise<Storage> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'cds-load-'));
    return { kind, env: { DATA_DIR: join(dir, 'data') }, label: 'PGlite (on disk, as npm start)', dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `load_${randomUUID().replace(/-/g, '')}`;
  const admin = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 });
  await admin.connect();
  const version = (await admin.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? '?';
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(postgresUrl);
  // node-postgres passes `options` to the server at connect: every connection of the pool starts in the fresh schema.
  url.searchParams.set('options', `-c search_path=${schema}`);
  url.searchParams.set('application_name', schema);
  return {
    kind,
    applicationName: schema,
    env: { DATABASE_URL: url.toString() },
    label: `PostgreSQL ${version} (fresh schema)`,
    async dispose() {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

function childEnv(storage: Storage, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...BENCH_ENV, ...storage.env, ...extra };
  if (storage.kind === 'pglite') delete env.DATABASE_URL;
  return env;
}

/** Lines of a child's output until `pattern` matches, or it exits, or `timeoutMs` passes. */
function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let errors = '';
    const timer = setTimeout(() => fail(new Error(`${what}: nothing after ${timeoutMs / 1000} s`)), timeoutMs);
    const onData = (d: Buffer) => {
      buffer += d.toString();
      const m = buffer.match(pattern);
      if (m) {
        cleanup();
        resolve(m);
      }
    };
    const onErr = (d: Buffer) => {
      errors = (errors + d.toString()).slice(-4000);
    };
    const onExit = (code: number | null) => fail(new Error(`${what} exited (${code}) before it was ready:\n${errors || buffer.slice(-4000)}`));
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onErr);
      child.off('exit', onExit);
    };
    const fail = (e: Error) => {
      cleanup();
      reject(e);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onErr);
    child.on('exit', onExit);
  });
}

const tsx = (script: string) => [process.execPath, ['--import', 'tsx', script]] as const;

export interface PreparedTeam {
  name: string;
  teamId: string;
  inviteCode: string;
}

export async function prepareTeams(storage: Storage, names: string[]): Promise<PreparedTeam[]> {
  const [cmd, args] = tsx('tests/bench/load/prepare.ts');
  const child = spawn(cmd, args, { cwd: serverRoot, env: childEnv(storage, { LOAD_TEAMS: JSON.stringify(names) }), stdio: ['ignore', 'pipe', 'pipe'] });
  const m = await waitForLine(child, /LOAD-TEAMS (\[.*\])\n/, 180_000, 'preparing the teams');
  await new Promise<void>((r) => (child.exitCode === null ? child.once('exit', () => r()) : r()));
  return JSON.parse(m[1]!) as PreparedTeam[];
}

export interface RunningServer {
  url: string;
  pid: number;
  /** CPU seconds (user + system) the server process has used so far. */
  cpuSeconds(): number;
  /** Lines the server logged at level warn or above (Pino JSON). */
  logLines(): { warn: number; error: number };
  stop(): Promise<void>;
}

const CLOCK_TICKS = 100;

/** CPU seconds (user + system) a process has used, from /proc; NaN where there is none (not Linux, or it has exited). */
function processCpuSeconds(pid: number): number {
  // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks; the name (field 2) may hold spaces.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** Counts the CPU of the database backends serving one run's server, between `start` and `stop`. */
export interface DatabaseCpu {
  /** CPU seconds the backends used since the start (NaN when they cannot be read: PGlite, not Linux, another host). */
  stop(): Promise<number>;
}

/**
 * The backends are looked up by `application_name` once a second. A backend that appears after the
 * start is counted from zero; one that exits between two looks loses its last second, so the
 * figure is a little low when the pool closes idle connections (it does not under load).
 */
export async function measureDatabaseCpu(storage: Storage, postgresUrl: string): Promise<DatabaseCpu> {
  if (!storage.applicationName || !existsSync('/proc/self/stat')) return { stop: async () => NaN };
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  const seen = new Map<number, { first: number; last: number }>();
  let started = false;
  const look = async () => {
    const rows = (await client.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [storage.applicationName])).rows;
    for (const { pid } of rows) {
      const now = processCpuSeconds(pid);
      if (!Number.isFinite(now)) continue;
      const known = seen.get(pid);
      if (known) known.last = now;
      else seen.set(pid, { first: started ? 0 : now, last: now });
    }
  };
  await look();
  started = true;
  let looking = Promise.resolve();
  const timer = setInterval(() => {
    looking = looking.then(look).catch(() => undefined);
  }, 1000);
  return {
    async stop() {
      clearInterval(timer);
      await looking;
      await look().catch(() => undefined);
      await client.end();
      // Backends on another host are not in this /proc: none seen.
      if (seen.size === 0) return NaN;
      let total = 0;
      for (const { first, last } of seen.values()) total += last - first;
      return total;
    },
  };
}

/** `profileDir`: the server writes a V8 CPU profile there when it exits (`node --cpu-prof`). */
export async function startServer(storage: Storage, logFile: string, profileDir?: string): Promise<RunningServer> {
  const [cmd, tsxArgs] = tsx('server/index.ts');
  const args = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, ...tsxArgs] : [...tsxArgs];
  const child = spawn(cmd, args, { cwd: serverRoot, env: childEnv(storage, { PORT: '0', HOST: '127.0.0.1', STATIC_DIR: '' }), stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  const counts = { warn: 0, error: 0 };
  let partial = '';
  child.stdout.on('data', (d: Buffer) => {
    log.write(d);
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const level = /"level":(\d+)/.exec(line)?.[1];
      if (level === undefined) continue;
      if (Number(level) >= 50) counts.error++;
      else if (Number(level) >= 40) counts.warn++;
    }
  });
  child.stderr.on('data', (d: Buffer) => log.write(d));
  const m = await waitForLine(child, /is running at (http:\/\/[^\s/]+)\//, 180_000, 'the server');
  const pid = child.pid!;
  return {
    url: m[1]!,
    pid,
    // Linux only: elsewhere the figure is NaN and the rest of the run is unaffected.
    cpuSeconds: () => processCpuSeconds(pid),
    logLines: () => ({ ...counts }),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
      await new Promise<void>((r) => log.end(() => r()));
    },
  };
}
