/**
 * The server's event loop under sync load, with PGlite on it (in-thread) and in a worker thread
 * (what `npm start` opens), issue 12 point 4. Run: `npx tsx tests/bench/pgliteWorker.ts`
 * (options: --devices=100 --seconds=20 --modes=in-thread,worker).
 *
 * For each mode: the real app (`buildApp`) on an in-memory PGlite on 127.0.0.1, devices/10 teams
 * of 10 enrolled devices. A child process (so that the clients' own work stays off the server's
 * event loop) runs every device for the given time: push 1–20 household creates, then pull from
 * its cursor, again and again; beside them a probe asks GET /api/health every 50 ms, the
 * cheapest request there is. The server process measures its event-loop delay
 * (`monitorEventLoopDelay`); the child measures each request from send to answer.
 *
 * The machine's load shows in the figures: compare the two modes of one run, not runs.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Database } from '../../server/db/adapter';
import { openPglite } from '../../server/db/pglite';
import { openPgliteWorker } from '../../server/db/pgliteWorker';
import { migrate } from '../../server/db/migrate';
import { buildApp } from '../../server/app';
import { configFromEnv } from '../../server/config';
import { createInvite, createTeam } from '../../server/services/teams';
import { enroll } from '../../server/services/auth';

const MODES = { 'in-thread': () => openPglite('memory://'), worker: () => openPgliteWorker('memory://') } satisfies Record<string, () => Promise<Database>>;
type Mode = keyof typeof MODES;

interface Load {
  url: string;
  tokens: string[];
  seconds: number;
}

interface Spread {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

interface ClientFigures {
  sync: Spread & { perSecond: number; status5xx: number; status429: number; timeouts: number; otherErrors: number };
  health: Spread & { timeouts: number };
}

const TIMEOUT_MS = 60_000;

function spread(ms: number[]): Spread {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN);
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: Math.round(s[s.length - 1] ?? NaN) };
}

function household(): Record<string, unknown> {
  return {
    neighborhood: 'Thôn Đông',
    address: 'Số 12, ngõ 3, thôn Đông',
    headName: 'Trần Văn Bình',
    phone: '0912345678',
    consent: { recordedAt: '2026-03-01T08:30:00+07:00', recordedBy: 'Nguyễn Thị Lan', purposes: ['support', 'followUp'], textVersion: 'vi-2026-01' },
  };
}

/** The child process: every device pushes and pulls until the time is up; the probe runs beside. */
async function runClients(load: Load): Promise<ClientFigures> {
  const until = performance.now() + load.seconds * 1000;
  const syncMs: number[] = [];
  const healthMs: number[] = [];
  const counts = { status5xx: 0, status429: 0, timeouts: 0, otherErrors: 0, healthTimeouts: 0 };
  const timed = async (path: string, init: RequestInit = {}): Promise<{ ms: number; status: number; body: unknown } | 'timeout'> => {
    const t0 = performance.now();
    try {
      const r = await fetch(load.url + path, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
      const body: unknown = await r.json();
      return { ms: performance.now() - t0, status: r.status, body };
    } catch (e) {
      if (e instanceof Error && e.name === 'TimeoutError') return 'timeout';
      throw e;
    }
  };
  const count = (r: Awaited<ReturnType<typeof timed>>): void => {
    if (r === 'timeout') return void counts.timeouts++;
    syncMs.push(r.ms);
    if (r.status >= 500) counts.status5xx++;
    else if (r.status === 429) counts.status429++;
    else if (r.status !== 200) counts.otherErrors++;
  };
  const device = async (token: string): Promise<void> => {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const deviceId = randomUUID();
    let seq = 0;
    let cursor = '';
    while (performance.now() < until) {
      const mutations = Array.from({ length: 1 + Math.floor(Math.random() * 20) }, () => ({
        mid: randomUUID(),
        seq: ++seq,
        entity: 'household',
        op: 'create',
        id: randomUUID(),
        baseVersion: null,
        fields: household(),
        clientTs: new Date().toISOString(),
      }));
      count(await timed('/api/sync/push', { method: 'POST', headers, body: JSON.stringify({ protocol: 1, deviceId, appVersion: 'bench', mutations }) }));
      const pulled = await timed(`/api/sync/pull${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`, { headers });
      count(pulled);
      if (pulled !== 'timeout' && pulled.status === 200) cursor = (pulled.body as { cursor: string }).cursor;
    }
  };
  const probe = async (): Promise<void> => {
    while (performance.now() < until) {
      const r = await timed('/api/health');
      if (r === 'timeout') counts.healthTimeouts++;
      else healthMs.push(r.ms);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const t0 = performance.now();
  await Promise.all([...load.tokens.map(device), probe()]);
  const seconds = (performance.now() - t0) / 1000;
  const { healthTimeouts, ...syncCounts } = counts;
  return {
    sync: { ...spread(syncMs), perSecond: Math.round(syncMs.length / seconds), ...syncCounts },
    health: { ...spread(healthMs), timeouts: healthTimeouts },
  };
}

async function measure(mode: Mode, devices: number, seconds: number): Promise<{ mode: Mode; loopDelay: Spread; clients: ClientFigures }> {
  const db = await MODES[mode]();
  await migrate(db);
  const config = { ...configFromEnv({}, 'bench'), staticDir: undefined, logLevel: 'warn', rateLimit: { perSecond: 1_000_000, burst: 1_000_000 }, addressLimit: { perSecond: 1_000_000, burst: 1_000_000 } };
  const app = await buildApp({ db, config });
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const tokens: string[] = [];
    for (let t = 0; t * 10 < devices; t++) {
      const team = await createTeam(db, app.ctx.inviteKey, 'Xã Đo Tải', `Tổ ${t + 1}`);
      for (let d = 0; d < 10 && tokens.length < devices; d++) {
        const code = d === 0 ? team.inviteCode : (await createInvite(db, app.ctx.inviteKey, { communeId: team.communeId, teamId: team.teamId, role: 'member', maxUses: 1, ttlHours: 1 })).code;
        const enrolled = await enroll(db, app.ctx.inviteKey, code, `Thiết bị ${tokens.length + 1}`, 'bench');
        if (!enrolled) throw new Error('enroll failed');
        tokens.push(enrolled.token);
      }
    }
    const child = fork(fileURLToPath(import.meta.url), ['--client'], { execArgv: process.execArgv });
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const clients = await new Promise<ClientFigures>((resolve, reject) => {
      child.once('message', (m) => resolve(m as ClientFigures));
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the clients' process stopped (exit code ${code})`)));
      child.send({ url, tokens, seconds } satisfies Load);
    });
    histogram.disable();
    child.kill();
    const ms = (ns: number) => Math.round(ns / 1e6);
    return {
      mode,
      loopDelay: { n: histogram.count, p50: ms(histogram.percentile(50)), p95: ms(histogram.percentile(95)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) },
      clients,
    };
  } finally {
    await app.close();
    await db.close();
  }
}

if (process.argv.includes('--client')) {
  process.once('message', (load) => {
    void runClients(load as Load).then((figures) => process.send?.(figures, undefined, {}, () => process.exit(0)));
  });
} else {
  const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
  const devices = Number(arg('devices', '100'));
  const seconds = Number(arg('seconds', '20'));
  const modes = arg('modes', 'in-thread,worker').split(',') as Mode[];
  console.log(`${devices} devices (${Math.ceil(devices / 10)} teams), ${seconds} s per mode; times in ms`);
  const rows = [];
  for (const mode of modes) {
    const r = await measure(mode, devices, seconds);
    const { sync, health } = r.clients;
    rows.push({
      mode,
      'loop delay p50/p99/max': `${r.loopDelay.p50} / ${r.loopDelay.p99} / ${r.loopDelay.max}`,
      'sync req/s': sync.perSecond,
      'sync p50/p95/p99/max': `${sync.p50} / ${sync.p95} / ${sync.p99} / ${sync.max}`,
      'health p50/p99/max': `${health.p50} / ${health.p99} / ${health.max}`,
      'timeouts/5xx/429': `${sync.timeouts + health.timeouts} / ${sync.status5xx} / ${sync.status429}`,
    });
    console.log(JSON.stringify(r));
  }
  console.table(rows);
}
