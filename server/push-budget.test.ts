// @vitest-environment node
/**
 * Each team has a budget of concurrent pushes in each process (PGlite and PostgreSQL alike): past
 * it, pushes wait their turn in a bounded queue, and past the queue they are answered
 * `503 TEAM_BUSY` with `Retry-After`. Another team's pushes never wait behind them. Pulls have a
 * budget of their own, so one team's devices cannot take every connection either.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { startTestServer, type TestServer, type TestTeam } from './testing';
import { Device, expectError, householdFields, NO_RATE_LIMIT, SETUP_TIMEOUT, count, pullPage } from './test-fixtures';
import { TeamPushes, type Settled } from './services/push';
import { BusyError } from './errors';

const WAIT = { timeout: 60_000, interval: 10 };

/** A promise and the function that settles it: a push held open for as long as a test needs. */
function hold(): { done: Promise<void>; release: () => void } {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return { done, release };
}

describe('the per-team push budget', () => {
  let server: TestServer;
  let a: TestTeam;
  let b: TestTeam;

  beforeAll(async () => {
    server = await startTestServer({ ...NO_RATE_LIMIT, push: { perTeam: 1, queuePerTeam: 2, queueWaitMs: 60_000, lockTimeoutMs: 60_000 } });
    a = await server.team('Tổ Bận');
    b = await server.team('Tổ Rảnh');
  }, SETUP_TIMEOUT);
  afterAll(() => server?.close(), SETUP_TIMEOUT);

  it('past the budget pushes queue; past the queue they get 503 TEAM_BUSY with Retry-After; another team pushes meanwhile', async () => {
    const { pushes } = server.app.ctx;
    // A push of team A that has not finished yet holds the team's only place.
    const running = hold();
    const held = pushes.run(a.teamId, () => running.done);
    const queued = [new Device(server, a.headToken), new Device(server, a.headToken)].map((d) => d.pushRaw([d.create('household', householdFields())]));
    await vi.waitFor(() => expect(pushes.pending(a.teamId)).toBe(3), WAIT);

    const over = new Device(server, a.headToken);
    const refused = await over.pushRaw([over.create('household', householdFields())]);
    expectError(refused, 503, 'TEAM_BUSY');
    expect(refused.headers['retry-after']).toMatch(/^[1-3]$/);

    const other = new Device(server, b.headToken);
    expect((await other.pushRaw([other.create('household', householdFields())])).statusCode).toBe(200);
    // Team A's queue is untouched by team B's push: its two pushes still wait.
    expect(pushes.pending(a.teamId)).toBe(3);

    running.release();
    await held;
    const answers = await Promise.all(queued);
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200]);
    // The refused push stored nothing; the two that waited stored theirs.
    expect(Number((await server.db.query<{ n: number }>('select count(*) as n from records where team_id = $1', [a.teamId]))[0]!.n)).toBe(2);
    expect(pushes.size).toBe(0);
    expect(await count(server, 'records')).toBe(3);
  });
});

describe('the per-team pull budget', () => {
  let server: TestServer;
  let a: TestTeam;
  let b: TestTeam;

  beforeAll(async () => {
    server = await startTestServer({ ...NO_RATE_LIMIT, pull: { perTeam: 1, queuePerTeam: 1, queueWaitMs: 60_000 } });
    a = await server.team('Tổ Đọc Nhiều');
    b = await server.team('Tổ Đọc Ít');
  }, SETUP_TIMEOUT);
  afterAll(() => server?.close(), SETUP_TIMEOUT);

  it('a team pulling without pause holds at most its budget of the database; another team pulls meanwhile', async () => {
    const { pulls } = server.app.ctx;
    const pull = (token: string) => server.inject({ method: 'GET', url: '/api/sync/pull', token });
    // A pull of team A that has not finished yet holds the team's only place.
    const running = hold();
    const held = pulls.run(a.teamId, () => running.done);
    const queued = pull(a.headToken);
    await vi.waitFor(() => expect(pulls.pending(a.teamId)).toBe(2), WAIT);

    const refused = await pull(a.headToken);
    expectError(refused, 503, 'TEAM_BUSY');
    expect(refused.headers['retry-after']).toMatch(/^[1-3]$/);

    expect((await pull(b.headToken)).statusCode).toBe(200);
    expect(pulls.pending(a.teamId)).toBe(2);

    running.release();
    await held;
    expect((await queued).statusCode).toBe(200);
    expect(pulls.size).toBe(0);
  });
});

describe('TeamPushes', () => {
  const limits = { perTeam: 2, queuePerTeam: 1, queueWaitMs: 60_000 };

  it('runs up to perTeam at once per team and hands each freed place to the next in line', async () => {
    const pushes = new TeamPushes(limits);
    const order: string[] = [];
    const h1 = hold();
    const h2 = hold();
    const p1 = pushes.run('t', async () => {
      await h1.done;
      order.push('1');
    });
    const p2 = pushes.run('t', async () => {
      await h2.done;
      order.push('2');
    });
    const p3 = pushes.run('t', async () => void order.push('3'));
    expect(pushes.pending('t')).toBe(3);
    // A second team has a budget of its own.
    await pushes.run('u', async () => void order.push('u'));
    expect(order).toEqual(['u']);
    h2.release();
    await p2;
    await p3;
    expect(order).toEqual(['u', '2', '3']);
    h1.release();
    await p1;
    expect(pushes.size).toBe(0);
  });

  it('refuses at once past the queue, and a push that waited too long, with a TEAM_BUSY BusyError', async () => {
    const pushes = new TeamPushes({ perTeam: 1, queuePerTeam: 1, queueWaitMs: 1 });
    const h = hold();
    const running = pushes.run('t', () => h.done);
    const waiting = pushes.run('t', async () => 'ran');
    const full = pushes.run('t', async () => 'ran');
    await expect(full).rejects.toBeInstanceOf(BusyError);
    await expect(full).rejects.toMatchObject({ busyCode: 'TEAM_BUSY' });
    // Its wait of 1 ms runs out while the first push is still held.
    await expect(waiting).rejects.toMatchObject({ busyCode: 'TEAM_BUSY' });
    expect(pushes.pending('t')).toBe(1);
    h.release();
    await running;
    expect(pushes.size).toBe(0);
    expect(await pushes.run('t', async () => 'ran')).toBe('ran');
  });

  it('frees the place of a push that failed', async () => {
    const pushes = new TeamPushes({ perTeam: 1, queuePerTeam: 0, queueWaitMs: 60_000 });
    await expect(pushes.run('t', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(pushes.size).toBe(0);
    expect(await pushes.run('t', async () => 'ran')).toBe('ran');
  });

  it('runGrouped: who gets the turn takes the work waiting behind it (as far as it fits) and answers each piece', async () => {
    const pushes = new TeamPushes({ perTeam: 1, queuePerTeam: 8, queueWaitMs: 60_000 });
    const groups: number[][] = [];
    const first = hold();
    const runGroup = async (group: number[]): Promise<Settled<string>[]> => {
      groups.push(group);
      if (group.includes(0)) await first.done;
      return group.map((n) => (n === 3 ? { ok: false, error: new Error(`no ${n}`) } : { ok: true, value: `done ${n}` }));
    };
    // At most three pieces, counted by their numbers' sum, go together (0 + 1 + 2 + 3 = 6 > 5).
    const fits = (group: number[], next: number) => group.reduce((a, b) => a + b, next) <= 5;
    const answers = [pushes.runGrouped('t', 0, fits, runGroup)];
    // Piece 0 has the turn (and took nothing: the queue was empty) before the others arrive.
    await vi.waitFor(() => expect(groups).toHaveLength(1), WAIT);
    answers.push(...[1, 2, 3, 4].map((n) => pushes.runGrouped('t', n, fits, runGroup)));
    answers.forEach((a) => a.catch(() => undefined));
    await vi.waitFor(() => expect(pushes.pending('t')).toBe(5), WAIT);
    first.release();
    expect(await answers[0]).toBe('done 0');
    expect(await answers[1]).toBe('done 1');
    expect(await answers[2]).toBe('done 2');
    await expect(answers[3]).rejects.toThrow('no 3');
    expect(await answers[4]).toBe('done 4');
    expect(groups).toEqual([[0], [1, 2], [3], [4]]);
    expect(pushes.size).toBe(0);
  });

  it('runGrouped: work that fits a running group waits for the next group even with a place free; other work takes the place', async () => {
    const pushes = new TeamPushes({ perTeam: 2, queuePerTeam: 8, queueWaitMs: 60_000 });
    const groups: number[][] = [];
    const first = hold();
    const far = hold();
    const runGroup = async (group: number[]): Promise<Settled<string>[]> => {
      groups.push(group);
      if (group.includes(0)) await first.done;
      if (group.includes(9)) await far.done;
      return group.map((n) => ({ ok: true, value: `done ${n}` }));
    };
    const fits = (group: number[], next: number) => group.reduce((a, b) => a + b, next) <= 5;
    const answers = [pushes.runGrouped('t', 0, fits, runGroup)];
    await vi.waitFor(() => expect(groups).toHaveLength(1), WAIT);
    // 1 could have gone with 0: it waits although the second place is free…
    answers.push(pushes.runGrouped('t', 1, fits, runGroup));
    await vi.waitFor(() => expect(pushes.pending('t')).toBe(2), WAIT);
    // …while 9, which could not, takes that place at once.
    answers.push(pushes.runGrouped('t', 9, fits, runGroup));
    await vi.waitFor(() => expect(groups).toHaveLength(2), WAIT);
    answers.push(pushes.runGrouped('t', 2, fits, runGroup));
    await vi.waitFor(() => expect(pushes.pending('t')).toBe(4), WAIT);
    expect(groups).toEqual([[0], [9]]);
    first.release();
    expect(await answers[0]).toBe('done 0');
    expect(await answers[1]).toBe('done 1');
    expect(await answers[3]).toBe('done 2');
    far.release();
    expect(await answers[2]).toBe('done 9');
    // One read for 1 and 2, where each would have been read alone in the free place.
    expect(groups).toEqual([[0], [9], [1, 2]]);
    expect(pushes.size).toBe(0);
  });

  it('runGrouped: a piece taken into a group no longer waits in the queue, so its wait cannot run out', async () => {
    const pushes = new TeamPushes({ perTeam: 1, queuePerTeam: 4, queueWaitMs: 200 });
    const first = hold();
    const taken = hold();
    const started: string[][] = [];
    const runGroup = async (group: string[]): Promise<Settled<string>[]> => {
      started.push(group);
      if (group.includes('first')) await first.done;
      else await taken.done;
      return group.map((w) => ({ ok: true, value: w }));
    };
    const all = () => true;
    const a = pushes.runGrouped('t', 'first', all, runGroup);
    await vi.waitFor(() => expect(started).toHaveLength(1), WAIT);
    const b = pushes.runGrouped('t', 'second', all, runGroup);
    const c = pushes.runGrouped('t', 'third', all, runGroup);
    first.release();
    expect(await a).toBe('first');
    // second and third now run as one group, held far longer than the queue's wait.
    await vi.waitFor(() => expect(pushes.pending('t')).toBe(1), WAIT);
    await new Promise((r) => setTimeout(r, 400));
    taken.release();
    expect(await Promise.all([b, c])).toEqual(['second', 'third']);
    expect(started).toEqual([['first'], ['second', 'third']]);
    expect(pushes.size).toBe(0);
  });

  it('runGrouped waits behind a plain run and is refused like run past the queue', async () => {
    const pushes = new TeamPushes({ perTeam: 1, queuePerTeam: 1, queueWaitMs: 60_000 });
    const h = hold();
    const running = pushes.run('t', () => h.done);
    const runGroup = async (group: string[]): Promise<Settled<string>[]> => group.map((w) => ({ ok: true, value: w }));
    const waiting = pushes.runGrouped('t', 'w', () => true, runGroup);
    await expect(pushes.runGrouped('t', 'x', () => true, runGroup)).rejects.toMatchObject({ busyCode: 'TEAM_BUSY' });
    h.release();
    await running;
    expect(await waiting).toBe('w');
    expect(pushes.size).toBe(0);
  });
});

describe('the teams\' lanes', () => {
  it("on PGlite, a team's pushes and pulls wait in its own lane of the one session (db/fairQueue.ts)", async (ctx) => {
    const server = await startTestServer(NO_RATE_LIMIT);
    onTestFinished(() => server.close());
    const { db } = server.app.ctx;
    if (db.kind !== 'pglite') return ctx.skip();
    const pushing = await server.team('Tổ Làn Một');
    const pulling = await server.team('Tổ Làn Hai');
    const lanes = vi.spyOn(db, 'forTeam');
    const device = new Device(server, pushing.headToken);
    await device.created('household', householdFields());
    await pullPage(server, pulling.headToken);
    expect(lanes.mock.calls).toEqual([[pushing.teamId], [pulling.teamId]]);
  });
});
