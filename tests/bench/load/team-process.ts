/**
 * One team's devices in a process of their own (the noisy-neighbour run's hammering team): phones
 * are separate machines, and 30 devices answering each other's pages without pause in the same
 * event loop as the quiet team's devices would delay the quiet team's timings on the client side.
 * The team is enrolled by the main process; here it runs, then settles and is checked like any
 * other (teamCheck.ts), and sends back its samples (times on the wall clock), counters, CPU and
 * event-loop delay. Driven over IPC by RemoteTeam (remoteTeam.ts).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mulberry32 } from '../../../src/domain/random';
import { LoadClient } from './client';
import { SimDevice, type TeamRun } from './device';
import { TeamLedger, Violations, type AppliedChange } from './ledger';
import { checkTeams, sumCounters } from './teamCheck';
import type { ToTeam, FromTeam } from './remoteTeam';

const send = (m: FromTeam) => process.send!(m);
const local = (wall: number) => wall - performance.timeOrigin;

let client: LoadClient | undefined;
let run: TeamRun | undefined;
let devices: SimDevice[] = [];
let headToken = '';

process.on('message', (m: ToTeam) => {
  void handle(m).catch((e: unknown) => {
    send({ type: 'failed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    process.exit(2);
  });
});

async function handle(m: ToTeam): Promise<void> {
  if (m.type === 'init') {
    client = new LoadClient(m.url, m.tokens.length + 4, m.timeoutMs);
    const ledger = new TeamLedger();
    const shared: AppliedChange = { id: m.shared.id, version: m.shared.version, op: 'create', fields: m.shared.fields };
    ledger.observe(m.shared.id, m.shared.version, performance.now(), shared);
    run = { name: m.name, ledger, sharedId: m.shared.id, violations: new Violations() };
    devices = m.tokens.map((t, i) => new SimDevice(`${m.name}/${i}`, m.group, t, run!, client!, mulberry32(m.seeds[i]!), m.pullLimit));
    headToken = m.tokens[0]!;
    send({ type: 'ready' });
  } else if (m.type === 'run') {
    const loop = monitorEventLoopDelay({ resolution: 20 });
    loop.enable();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const stopAt = local(m.stopAtWall);
    await Promise.all(devices.map((d) => d.run({ stopAt, giveUpAt: local(m.giveUpAtWall), thinkMs: m.thinkMs })));
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    loop.disable();
    send({
      type: 'ran',
      samples: client!.samples.map((s) => ({ ...s, start: s.start + performance.timeOrigin })),
      cpuPercent: ((cpu.user + cpu.system) / 1e6 / wall) * 100,
      loopDelayP99Ms: loop.percentile(99) / 1e6,
    });
    client!.samples.length = 0;
  } else if (m.type === 'check') {
    const checks = await checkTeams(client!, [{ run: run!, devices, headToken }], local(m.giveUpAtWall));
    send({ type: 'checked', checks, counters: sumCounters(devices) });
    client!.close();
    process.disconnect();
  }
}
