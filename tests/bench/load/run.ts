/**
 * `npm run bench:load`: simulated devices against the real server on loopback.
 *
 *   npm run bench:load -- [--quick] [--db=pglite|postgres|both] [--phases=load,noisy]
 *                         [--devices=N] [--seconds=S] [--think=MS] [--timeout=MS]
 *                         [--noisy-devices=N] [--pull-limit=N] [--seed=N] [--profile-server=DIR]
 *                         [--server-root=DIR] [--hammer=process|inline]
 *
 * Each phase starts `server/index.ts` (the `npm start` entry) in a child process on a fresh
 * database, enrolls the devices through the real routes (10 per team), lets them push and pull for
 * S seconds, then checks every record and every cursor (tests/bench/load/ledger.ts).
 *
 * load: N devices (default: 50 and 200 on PGlite, 200 on PostgreSQL). noisy: a quiet team of 10
 * devices alone for S seconds, then again while another team of --noisy-devices devices (default
 * 30) pushes with no pause; the quiet team's p95 under load ÷ alone. The noisy team runs in a
 * process of its own (--hammer=process, default; phones are separate machines) or in this one
 * (--hammer=inline, whose event loop then also delays the quiet team's times); GET /api/health is
 * timed beside the quiet team (the event loops' and the machine's share of its times).
 * PostgreSQL: TEST_DATABASE_URL, else DATABASE_URL, else postgres://cds:cds@127.0.0.1:5432/cds_test
 * (a fresh schema, dropped afterwards); skipped with a note when unreachable.
 * --quick: PGlite, 20 devices, 10 s, the load phase only (CI).
 * --profile-server=DIR: the server process writes a V8 CPU profile (`node --cpu-prof`) into DIR.
 * --server-root=DIR: measures the server of another checkout (an A/B with the same devices and figures).
 *
 * Writes tests/bench/results/load-latest.json (--quick: load-quick.json) and the server's log beside
 * it. Exit codes: 0 every check held, 1 a check failed (a record lost, doubled or wrong, a cursor
 * that skipped or repeated, an unexpected answer), 2 the harness failed. The goals are printed
 * PASS/FAIL and never change the exit code: the machine may be shared.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadavg, cpus } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { mulberry32 } from '../../../src/domain/random';
import type { EnrollResponse, InviteResponse, PushResponse } from '../../../src/domain/wire';
import { LoadClient } from './client';
import { SimDevice, type TeamRun } from './device';
import { TeamLedger, Violations } from './ledger';
import { checkTeams, inPool, mergeChecks, setupCall, sumCounters, type CheckResult } from './teamCheck';
import { RemoteTeam } from './remoteTeam';
import { figures, type Figures, type Latency } from './stats';
import { BENCH_ENV, REPO, freshStorage, measureDatabaseCpu, measureServerOf, prepareTeams, startServer, type DatabaseCpu, type DbKind, type RunningServer } from './server';

// ------------------------------------------------------------------------------------------------
// Options

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
function num(name: string, fallback: number): number {
  const v = value(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} needs a non-negative number, got ${v}`);
    process.exit(2);
  }
  return n;
}
if (flag('help')) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]);
  process.exit(0);
}

const quick = flag('quick');
const dbChoice = value('db') ?? (quick ? 'pglite' : 'both');
if (!['pglite', 'postgres', 'both'].includes(dbChoice)) {
  console.error(`--db is pglite, postgres or both, got ${dbChoice}`);
  process.exit(2);
}
const phaseChoice = (value('phases') ?? (quick ? 'load' : 'load,noisy')).split(',');
const unknownPhase = phaseChoice.find((p) => p !== 'load' && p !== 'noisy');
if (unknownPhase) {
  console.error(`--phases takes load and noisy, got ${unknownPhase}`);
  process.exit(2);
}
const options = {
  seconds: num('seconds', quick ? 10 : 60),
  thinkMs: num('think', 1000),
  timeoutMs: num('timeout', 30_000),
  noisyDevices: num('noisy-devices', 30),
  pullLimit: num('pull-limit', 500),
  seed: num('seed', 1),
  devices: value('devices') === undefined ? undefined : num('devices', 0),
  profileServer: value('profile-server'),
  serverRoot: value('server-root'),
  hammer: (value('hammer') ?? 'process') as 'process' | 'inline',
};
if (!['process', 'inline'].includes(options.hammer)) {
  console.error(`--hammer is process or inline, got ${options.hammer}`);
  process.exit(2);
}
if (options.serverRoot) measureServerOf(options.serverRoot.endsWith('/') ? options.serverRoot : `${options.serverRoot}/`);
if (options.seconds <= 0) {
  console.error('--seconds must be more than 0');
  process.exit(2);
}
const PER_TEAM = 10;
/** After the S seconds, a batch already sent is retried this long; one still unanswered is sent again before the checks. */
const DRAIN_MS = 30_000;
/** The noisy run's health probe: one request, then this pause. */
const PROBE_MS = 200;
/** How long the checks after a run may take. */
const CHECK_MS = 120_000;
const resultsDir = join(REPO, 'tests/bench/results');
const outName = quick ? 'load-quick' : 'load-latest';

// ------------------------------------------------------------------------------------------------
// Setup through the real routes

interface Team {
  run: TeamRun;
  devices: SimDevice[];
  headToken: string;
  /** What a process of its own needs to run the same devices (--hammer=process). */
  remote: { name: string; group: string; tokens: string[]; seeds: number[]; shared: { id: string; version: number; fields: Record<string, unknown> } };
}

async function enrollTeam(client: LoadClient, prepared: { name: string; inviteCode: string }, devices: number, group: string, rng: () => number): Promise<Team> {
  const enroll = async (code: string, i: number) =>
    JSON.parse((await setupCall(client, 'POST', '/api/auth/enroll', undefined, { code, name: `${prepared.name} người ${i}`, device: `Điện thoại ${i}` }, 201)).text) as EnrollResponse;
  const head = await enroll(prepared.inviteCode, 0);
  const tokens = [head.token];
  if (devices > 1) {
    const invite = JSON.parse((await setupCall(client, 'POST', '/api/invites', head.token, { role: 'member', maxUses: devices - 1, ttlHours: 2 }, 201)).text) as InviteResponse;
    for (let i = 1; i < devices; i++) tokens.push((await enroll(invite.code, i)).token);
  }

  // The household the whole team patches, created by the head from an installation of its own.
  const ledger = new TeamLedger();
  const sharedId = randomUUID();
  const fields = {
    neighborhood: 'Thôn Đông',
    address: 'Nhà văn hóa thôn Đông',
    headName: 'Hộ dùng chung',
    consent: { recordedAt: '2026-03-01T08:30:00+07:00', recordedBy: 'Nguyễn Thị Lan', purposes: ['support'], textVersion: 'vi-2026-01' },
  };
  const mutation = { mid: randomUUID(), seq: 1, entity: 'household', op: 'create', id: sharedId, fields, clientTs: new Date().toISOString() };
  const a = await setupCall(client, 'POST', '/api/sync/push', head.token, { protocol: 1, deviceId: randomUUID(), appVersion: 'load-bench', mutations: [mutation] }, 200);
  const r = (JSON.parse(a.text) as PushResponse).results[0];
  if (r?.status !== 'applied') throw new Error(`creating the team's household: ${JSON.stringify(r)}`);
  ledger.observe(sharedId, r.version, performance.now(), { id: sharedId, version: r.version, op: 'create', fields });

  const run: TeamRun = { name: prepared.name, ledger, sharedId, violations: new Violations() };
  const seeds = tokens.map(() => Math.floor(rng() * 2 ** 31));
  return {
    run,
    headToken: head.token,
    devices: tokens.map((t, i) => new SimDevice(`${prepared.name}/${i}`, group, t, run, client, mulberry32(seeds[i]!), options.pullLimit)),
    remote: { name: prepared.name, group, tokens, seeds, shared: { id: sharedId, version: r.version, fields } },
  };
}

// ------------------------------------------------------------------------------------------------
// Phases

interface Machine {
  /** The client process's CPU (user + system) over the window, in % of one core. */
  clientCpuPercent: number;
  serverCpuPercent: number;
  /** CPU seconds the server process used in the window: divided by the requests, a figure a busy machine distorts less than times. */
  serverCpuSeconds: number;
  /** CPU seconds PostgreSQL's backends serving the server used in the window (NaN on PGlite, whose CPU is the server's). */
  databaseCpuSeconds: number;
  /** The client's event-loop delay: when high, the client itself slowed the figures. */
  clientLoopDelayP99Ms: number;
  loadAverage: { before: number; after: number };
  cores: number;
}

const counters = sumCounters;

/** Runs `body` while measuring both processes' CPU, the client's event loop and the load average. */
async function measured(server: RunningServer, database: DatabaseCpu, body: () => Promise<void>): Promise<Machine> {
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const srv0 = server.cpuSeconds();
  const t0 = performance.now();
  const before = loadavg()[0]!;
  await body();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const serverCpuSeconds = server.cpuSeconds() - srv0;
  const databaseCpuSeconds = await database.stop();
  loop.disable();
  return {
    clientCpuPercent: ((cpu.user + cpu.system) / 1e6 / wall) * 100,
    serverCpuPercent: (serverCpuSeconds / wall) * 100,
    serverCpuSeconds,
    databaseCpuSeconds,
    clientLoopDelayP99Ms: loop.percentile(99) / 1e6,
    loadAverage: { before, after: loadavg()[0]! },
    cores: cpus().length,
  };
}

/** The noisy team's own process (--hammer=process; NaN when inline). */
interface HammerClient {
  cpuPercent: number;
  loopDelayP99Ms: number;
}

interface Goal {
  goal: string;
  value: string;
  pass: boolean;
}

interface PhaseResult {
  phase: string;
  database: string;
  devices: number;
  teams: number;
  seconds: number;
  thinkMs: number;
  figures: Figures;
  mutations: ReturnType<typeof counters>;
  machine: Machine;
  serverLog: { warn: number; error: number; file: string };
  checks: CheckResult;
  goals: Goal[];
  setupSeconds: number;
}

interface NoisyResult {
  phase: 'noisy';
  database: string;
  quietDevices: number;
  hammerDevices: number;
  seconds: number;
  thinkMs: number;
  /** `probe`: GET /api/health from the quiet team's process (PROBE_MS apart). */
  idle: { figures: Figures; machine: Machine; probe: Latency };
  /** Where the noisy team's devices ran: a process of their own, or this one. */
  hammerMode: 'process' | 'inline';
  /** `machine`'s client figures are this process's (the quiet team's, and the noisy team's when inline); `hammerClient` the noisy team's own process's. */
  loaded: { figures: Figures; hammer: Figures; machine: Machine; hammerClient: HammerClient; probe: Latency };
  p95Ratio: number;
  pushP95Ratio: number;
  pullP95Ratio: number;
  mutations: { quiet: ReturnType<typeof counters>; hammer: ReturnType<typeof counters> };
  serverLog: { warn: number; error: number; file: string };
  checks: CheckResult;
  goals: Goal[];
  setupSeconds: number;
}

const times = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '—');
const ms = (x: number) => (Number.isNaN(x) ? '—' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`);

function loadGoals(kind: DbKind, devices: number, f: Figures): Goal[] {
  if (kind === 'postgres' && devices === 200) {
    return [
      { goal: 'PostgreSQL, 200 devices: p99 ≤ 500 ms', value: ms(f.all.p99), pass: f.all.p99 <= 500 },
      { goal: 'PostgreSQL, 200 devices: no timeouts', value: String(f.timeouts), pass: f.timeouts === 0 },
    ];
  }
  if (kind === 'pglite' && devices === 50) return [{ goal: 'PGlite, 50 devices: p99 ≤ 1 s', value: ms(f.all.p99), pass: f.all.p99 <= 1000 }];
  if (kind === 'pglite' && devices === 200) {
    return [{ goal: 'PGlite, 200 devices: no request over 10 s', value: `${f.over10s} over 10 s (max ${ms(f.all.max)})`, pass: f.over10s === 0 && f.timeouts === 0 }];
  }
  return [];
}

async function withServer<T>(
  kind: DbKind,
  postgresUrl: string,
  label: string,
  teamSpecs: { name: string; devices: number; group: string }[],
  body: (ctx: {
    server: RunningServer;
    client: LoadClient;
    teams: Team[];
    database: string;
    logFile: string;
    setupSeconds: number;
    /** Starts counting the database's CPU (PostgreSQL backends) for one window. */
    databaseCpu: () => Promise<DatabaseCpu>;
  }) => Promise<T>,
): Promise<T> {
  const s0 = performance.now();
  const storage = await freshStorage(kind, postgresUrl);
  try {
    const prepared = await prepareTeams(
      storage,
      teamSpecs.map((t) => t.name),
    );
    const s1 = performance.now();
    const logFile = join(resultsDir, `${outName}-${label}.log`);
    const server = await startServer(storage, logFile, options.profileServer);
    const s2 = performance.now();
    const total = teamSpecs.reduce((n, t) => n + t.devices, 0);
    const client = new LoadClient(server.url, total + 8, options.timeoutMs);
    try {
      const rng = mulberry32(options.seed);
      const teams = await inPool(teamSpecs, 8, (spec, i) => enrollTeam(client, prepared[i]!, spec.devices, spec.group, rng));
      const s3 = performance.now();
      const setupSeconds = (s3 - s0) / 1000;
      console.log(`  teams prepared in ${((s1 - s0) / 1000).toFixed(1)} s, server started in ${((s2 - s1) / 1000).toFixed(1)} s, ${total} devices enrolled in ${((s3 - s2) / 1000).toFixed(1)} s`);
      return await body({ server, client, teams, database: storage.label, logFile, setupSeconds, databaseCpu: () => measureDatabaseCpu(storage, postgresUrl) });
    } finally {
      client.close();
      await server.stop();
    }
  } finally {
    await storage.dispose();
  }
}

async function loadPhase(kind: DbKind, devices: number, postgresUrl: string): Promise<PhaseResult> {
  const teamCount = Math.ceil(devices / PER_TEAM);
  const specs = Array.from({ length: teamCount }, (_, i) => ({ name: `Tổ tải ${i + 1}`, devices: Math.min(PER_TEAM, devices - i * PER_TEAM), group: 'load' }));
  const label = `${kind}-${devices}`;
  console.log(`\n▶ load: ${kind}, ${devices} devices in ${teamCount} teams, ${options.seconds} s`);
  return withServer(kind, postgresUrl, label, specs, async ({ server, client, teams, database, logFile, setupSeconds, databaseCpu }) => {
    console.log(`  set up in ${setupSeconds.toFixed(1)} s (server ${server.url}, pid ${server.pid}); running…`);
    const all = teams.flatMap((t) => t.devices);
    const t0 = performance.now();
    const stopAt = t0 + options.seconds * 1000;
    const machine = await measured(server, await databaseCpu(), () => Promise.all(all.map((d) => d.run({ stopAt, giveUpAt: stopAt + DRAIN_MS, thinkMs: options.thinkMs }))).then(() => undefined));
    const f = figures(client.samples, t0, stopAt, 'load');
    console.log('  checking records and cursors…');
    const checks = await checkTeams(client, teams, performance.now() + CHECK_MS);
    return {
      phase: 'load',
      database,
      devices,
      teams: teamCount,
      seconds: options.seconds,
      thinkMs: options.thinkMs,
      figures: f,
      mutations: counters(all),
      machine,
      serverLog: { ...server.logLines(), file: logFile },
      checks,
      goals: loadGoals(kind, devices, f),
      setupSeconds,
    };
  });
}

async function noisyPhase(kind: DbKind, postgresUrl: string): Promise<NoisyResult> {
  const specs = [
    { name: 'Tổ yên tĩnh', devices: PER_TEAM, group: 'quiet' },
    { name: 'Tổ ồn ào', devices: options.noisyDevices, group: 'hammer' },
  ];
  console.log(`\n▶ noisy neighbour: ${kind}, a team of ${PER_TEAM} alone ${options.seconds} s, then with a team of ${options.noisyDevices} pushing without pause ${options.seconds} s`);
  return withServer(kind, postgresUrl, `${kind}-noisy`, specs, async ({ server, client, teams, database, logFile, setupSeconds, databaseCpu }) => {
    const [quiet, hammer] = teams as [Team, Team];
    // --hammer=process (default): the noisy team's devices in a process of their own, as phones are
    // separate machines; --hammer=inline: in this process, whose event loop then also times the quiet team.
    const remote = options.hammer === 'process' ? new RemoteTeam() : undefined;
    try {
      await remote?.init({ type: 'init', url: server.url, timeoutMs: options.timeoutMs, pullLimit: options.pullLimit, ...hammer.remote });
      console.log(`  set up in ${setupSeconds.toFixed(1)} s (server ${server.url}, pid ${server.pid}, the noisy team ${remote ? 'in a process of its own' : 'in this process'}); the quiet team alone…`);
      // Beside the quiet team, from its process: GET /api/health every PROBE_MS, which needs no token
      // and no database. Its time is the client's and the server's event loops and the machine; what
      // the quiet team's requests take beyond it is the token check, the team's gates and the database.
      const probe = async (stopAt: number) => {
        while (performance.now() < stopAt) {
          await client.request('probe', 'probe', 'GET', '/api/health');
          await new Promise((r) => setTimeout(r, PROBE_MS));
        }
      };
      const runQuiet = (stopAt: number) => Promise.all([probe(stopAt), ...quiet.devices.map((d) => d.run({ stopAt, giveUpAt: stopAt + DRAIN_MS, thinkMs: options.thinkMs }))]);
      const i0 = performance.now();
      const iStop = i0 + options.seconds * 1000;
      const idleMachine = await measured(server, await databaseCpu(), () => runQuiet(iStop).then(() => undefined));
      const idle = figures(client.samples, i0, iStop, 'quiet');
      const idleProbe = figures(client.samples, i0, iStop, 'probe').all;
      console.log('  …and with the noisy team');
      const l0 = performance.now();
      const lStop = l0 + options.seconds * 1000;
      let hammerClient: HammerClient = { cpuPercent: NaN, loopDelayP99Ms: NaN };
      const loadedMachine = await measured(server, await databaseCpu(), async () => {
        if (!remote) {
          await Promise.all([runQuiet(lStop), ...hammer.devices.map((d) => d.run({ stopAt: lStop, giveUpAt: lStop + DRAIN_MS, thinkMs: 0 }))]);
          return;
        }
        const [, ran] = await Promise.all([runQuiet(lStop), remote.run(lStop, lStop + DRAIN_MS, 0)]);
        client.samples.push(...ran.samples);
        hammerClient = { cpuPercent: ran.cpuPercent, loopDelayP99Ms: ran.loopDelayP99Ms };
      });
      const loaded = figures(client.samples, l0, lStop, 'quiet');
      const hammerFigures = figures(client.samples, l0, lStop, 'hammer');
      const loadedProbe = figures(client.samples, l0, lStop, 'probe').all;
      console.log('  checking records and cursors…');
      const giveUpAt = performance.now() + CHECK_MS;
      let checks: CheckResult;
      let hammerCounters = counters(hammer.devices);
      if (remote) {
        const [own, theirs] = await Promise.all([checkTeams(client, [quiet], giveUpAt), remote.check(giveUpAt)]);
        checks = mergeChecks(own, theirs.checks);
        hammerCounters = theirs.counters;
      } else checks = await checkTeams(client, teams, giveUpAt);
    const p95Ratio = loaded.all.p95 / idle.all.p95;
    return {
      phase: 'noisy',
      database,
      quietDevices: PER_TEAM,
      hammerDevices: options.noisyDevices,
      seconds: options.seconds,
      thinkMs: options.thinkMs,
      idle: { figures: idle, machine: idleMachine, probe: idleProbe },
      hammerMode: options.hammer,
      loaded: { figures: loaded, hammer: hammerFigures, machine: loadedMachine, hammerClient, probe: loadedProbe },
      p95Ratio,
      pushP95Ratio: loaded.push.p95 / idle.push.p95,
      pullP95Ratio: loaded.pull.p95 / idle.pull.p95,
      mutations: { quiet: counters(quiet.devices), hammer: hammerCounters },
      serverLog: { ...server.logLines(), file: logFile },
      checks,
      goals: [{ goal: `noisy neighbour (${kind}): the quiet team's p95 ≤ 2 × alone`, value: `${times(p95Ratio)} × (${ms(idle.all.p95)} → ${ms(loaded.all.p95)})`, pass: p95Ratio <= 2 }],
      setupSeconds,
    };
    } finally {
      remote?.kill();
    }
  });
}

// ------------------------------------------------------------------------------------------------
// Printing

function printFigures(f: Figures, indent = '  '): void {
  const row = (name: string, l: Figures['all']) => `${indent}${name.padEnd(5)} ${String(l.requests).padStart(7)}  p50 ${ms(l.p50).padStart(8)}  p95 ${ms(l.p95).padStart(8)}  p99 ${ms(l.p99).padStart(8)}  max ${ms(l.max).padStart(8)}`;
  console.log(`${indent}${f.requests} requests, ${f.perSecond.toFixed(1)}/s (client-side times, sent to answer read)`);
  console.log(row('all', f.all));
  console.log(row('push', f.push));
  console.log(row('pull', f.pull));
  console.log(`${indent}5xx ${f.status5xx}, timeouts ${f.timeouts}, 429 ${f.status429}, network errors ${f.networkErrors}, other 4xx ${f.other4xx}, over 10 s ${f.over10s}`);
}

/** `requests`: every request the server answered in the window (all groups). */
function printMachine(m: Machine, requests: number, indent = '  '): void {
  console.log(
    `${indent}client CPU ${m.clientCpuPercent.toFixed(0)} % of a core (event-loop delay p99 ${m.clientLoopDelayP99Ms.toFixed(0)} ms), server process CPU ${m.serverCpuPercent.toFixed(0)} % (${((m.serverCpuSeconds * 1000) / requests).toFixed(1)} ms per request), load average ${m.loadAverage.before.toFixed(1)} → ${m.loadAverage.after.toFixed(1)} on ${m.cores} cores`,
  );
  // Per 1,000 requests: the figure that carries over from a busy machine to a quiet one.
  const database = Number.isFinite(m.databaseCpuSeconds) ? `, PostgreSQL backends ${((m.databaseCpuSeconds * 1000) / requests).toFixed(2)} s` : '';
  console.log(`${indent}CPU per 1,000 requests: server ${((m.serverCpuSeconds * 1000) / requests).toFixed(2)} s${database}`);
}

function printChecks(c: CheckResult, log: { warn: number; error: number; file: string }): void {
  const v = Object.entries(c.violations);
  console.log(
    `  checks: ${c.records} records on the server, ${c.acknowledged} acknowledged, ${c.unresolvedRecords} left unresolved; ` +
      (v.length ? `FAILED ${v.map(([k, n]) => `${k} ${n}`).join(', ')}` : 'each present once with its last value, no cursor skipped or repeated'),
  );
  for (const e of c.examples.slice(0, 5)) console.log(`    ${e.kind} ${e.id} ${e.device ?? ''}: ${e.detail}`);
  if (Object.keys(c.rejected).length) console.log(`  rejected mutations: ${JSON.stringify(c.rejected)}`);
  for (const u of c.unexpected.slice(0, 5)) console.log(`  unexpected answer: ${u}`);
  console.log(`  server log: ${log.error} errors, ${log.warn} warnings (${log.file.replace(REPO, '')})`);
}

function printGoals(goals: Goal[]): void {
  for (const g of goals) console.log(`  goal ${g.goal}: ${g.pass ? 'PASS' : 'FAIL'} (${g.value})`);
}

// ------------------------------------------------------------------------------------------------
// Main

async function postgresUrl(): Promise<{ url: string } | { skipped: string }> {
  const url = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgres://cds:cds@127.0.0.1:5432/cds_test';
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    return { url };
  } catch (e) {
    return { skipped: `PostgreSQL at ${url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')} unreachable (${(e as Error).message}); set TEST_DATABASE_URL` };
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function main(): Promise<number> {
  mkdirSync(resultsDir, { recursive: true });
  const kinds: DbKind[] = dbChoice === 'both' ? ['pglite', 'postgres'] : [dbChoice as DbKind];
  const pgAt = kinds.includes('postgres') ? await postgresUrl() : { skipped: 'not asked for' };
  const notes: string[] = [
    `rate limit set out of reach for the benchmark (${Object.entries(BENCH_ENV)
      .filter(([k]) => k.startsWith('RATE'))
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}); 429s are counted anyway`,
    `each device: a batch of 1–40 mutations, then its pull cursor to the end (pages of ${options.pullLimit}), then a pause of ${options.thinkMs} ms on average (0.5–1.5 ×); client timeout ${options.timeoutMs} ms`,
    `the server: server/index.ts (the npm start entry) of ${options.serverRoot ?? 'this tree'} in its own process, API only (no per-request compression), on 127.0.0.1`,
  ];
  if ('skipped' in pgAt && kinds.includes('postgres')) notes.push(`PostgreSQL skipped: ${pgAt.skipped}`);
  const runnable = kinds.filter((k) => k === 'pglite' || 'url' in pgAt);
  const loadRuns: [DbKind, number][] = [];
  if (phaseChoice.includes('load')) {
    for (const k of runnable) {
      const counts = options.devices !== undefined ? [options.devices] : quick ? [20] : k === 'pglite' ? [50, 200] : [200];
      for (const n of counts) loadRuns.push([k, n]);
    }
  }
  const noisyRuns = phaseChoice.includes('noisy') ? runnable : [];
  const phaseCount = loadRuns.length + noisyRuns.length * 2;
  console.log(`Load benchmark: ${phaseCount} measured window(s) of ${options.seconds} s, plus a setup and a check per phase (${loadRuns.length + noisyRuns.length}).`);
  for (const n of notes) console.log(`  ${n}`);

  const url = 'url' in pgAt ? pgAt.url : '';
  const results: (PhaseResult | NoisyResult)[] = [];
  for (const [k, n] of loadRuns) {
    const r = await loadPhase(k, n, url);
    printFigures(r.figures);
    const m = r.mutations;
    console.log(`  ${m.batches} batches, ${m.mutations} mutations: ${m.applied} applied, ${m.conflicts} conflicts (the shared household), ${m.duplicates} duplicates (resent batches); ${m.answeredAfterWindow} batches answered only when sent again after the window, ${m.unresolvedBatches} never`);
    printMachine(r.machine, r.figures.requests);
    printChecks(r.checks, r.serverLog);
    printGoals(r.goals);
    results.push(r);
  }
  for (const k of noisyRuns) {
    const r = await noisyPhase(k, url);
    console.log(`  the quiet team (${r.quietDevices} devices) alone:`);
    printFigures(r.idle.figures, '    ');
    printMachine(r.idle.machine, r.idle.figures.requests, '    ');
    console.log(`  the quiet team while ${r.hammerDevices} devices of another team push without pause:`);
    printFigures(r.loaded.figures, '    ');
    console.log('  the noisy team meanwhile:');
    printFigures(r.loaded.hammer, '    ');
    printMachine(r.loaded.machine, r.loaded.figures.requests + r.loaded.hammer.requests, '    ');
    if (r.hammerMode === 'process') {
      console.log(`    the noisy team's own client process: CPU ${r.loaded.hammerClient.cpuPercent.toFixed(0)} % of a core (event-loop delay p99 ${r.loaded.hammerClient.loopDelayP99Ms.toFixed(0)} ms)`);
    }
    const probeRow = (l: Latency) => `p50 ${ms(l.p50)}, p95 ${ms(l.p95)}, p99 ${ms(l.p99)} (${l.requests})`;
    console.log(`  GET /api/health (no token, no database) from the quiet team's process: alone ${probeRow(r.idle.probe)}; loaded ${probeRow(r.loaded.probe)}`);
    console.log(`  p95 ratio (loaded ÷ alone): all ${times(r.p95Ratio)}, push ${times(r.pushP95Ratio)}, pull ${times(r.pullP95Ratio)} (— when one side has no answers)`);
    printChecks(r.checks, r.serverLog);
    printGoals(r.goals);
    results.push(r);
  }

  const goals = results.flatMap((r) => r.goals);
  console.log('\nGoals (reported; the machine may be shared with other work — see the load average):');
  if (goals.length === 0) console.log('  none for these device counts');
  printGoals(goals);
  const failed = results.filter((r) => !r.checks.ok);
  console.log(failed.length ? `\nChecks FAILED in ${failed.length} phase(s).` : '\nChecks: every phase kept every acknowledged record exactly once, and no cursor skipped or repeated a record.');
  const file = join(resultsDir, `${outName}.json`);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), mode: quick ? 'quick' : 'full', options, notes, results, goals }, null, 2));
  console.log(`Results: ${file.replace(REPO, '')}`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(2);
  },
);
