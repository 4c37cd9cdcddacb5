import { describe, expect, it } from 'vitest';
import { FairSlots, TeamHints, WorkShare } from './fairShare';

/** A clock the test moves by hand: how long work ran never depends on the machine. */
function manualClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

const refused = () => new Error('busy');

/** Waiters queued now, in this order; `order` gets each label when its waiter gets a place. */
function queue(slots: FairSlots, order: string[], ...waiters: [key: string, label: string][]): Promise<() => void>[] {
  return waiters.map(([key, label]) =>
    slots.acquire(key).then((release) => {
      order.push(label);
      return release;
    }),
  );
}

const settle = () => new Promise<void>((r) => setImmediate(r));

describe('FairSlots', () => {
  it('a team with nothing in flight goes ahead of the waiters of a team that holds places', async () => {
    const slots = new FairSlots({ limit: 2, maxWaitMs: 60_000, refusal: refused });
    const a1 = await slots.acquire('busy');
    const a2 = await slots.acquire('busy');
    const order: string[] = [];
    const [b1, b2, b3, q] = queue(slots, order, ['busy', 'b1'], ['busy', 'b2'], ['busy', 'b3'], ['quiet', 'q']);
    a1();
    await settle();
    expect(order).toEqual(['q']);
    // Now each team holds one place: the busy team's next waiter is served.
    a2();
    await settle();
    expect(order).toEqual(['q', 'b1']);
    (await b1!)();
    (await q!)();
    await Promise.all([b2, b3]);
    expect(order).toEqual(['q', 'b1', 'b2', 'b3']);
  });

  it('a team alone takes every place, and its waiters are served first come, first served', async () => {
    const slots = new FairSlots({ limit: 3, maxWaitMs: 60_000, refusal: refused });
    const held = await Promise.all([slots.acquire('alone'), slots.acquire('alone'), slots.acquire('alone')]);
    expect(slots.pending('alone')).toBe(3);
    const order: string[] = [];
    const waiting = queue(slots, order, ['alone', '1'], ['alone', '2'], ['alone', '3']);
    for (const release of held) release();
    await Promise.all(waiting);
    expect(order).toEqual(['1', '2', '3']);
  });

  it('waiting teams take turns, the one served longest ago first: no team waits for more than one place per other team', async () => {
    const slots = new FairSlots({ limit: 1, maxWaitMs: 60_000, refusal: refused });
    const holder = await slots.acquire('busy');
    const order: string[] = [];
    // First come, first served would give b1 b2 x1 y1 x2.
    const waiting = queue(slots, order, ['busy', 'b1'], ['busy', 'b2'], ['x', 'x1'], ['y', 'y1'], ['x', 'x2']).map((w) => w.then((release) => release()));
    holder();
    await Promise.all(waiting);
    expect(order).toEqual(['x1', 'y1', 'b1', 'x2', 'b2']);
  });

  it('a waiter that has waited half its limit goes first, and an urgent one before every turn', async () => {
    const clock = manualClock();
    const slots = new FairSlots({ limit: 1, maxWaitMs: 1_000, refusal: refused, now: clock.now });
    const holder = await slots.acquire('busy');
    const order: string[] = [];
    const [late] = queue(slots, order, ['busy', 'late']);
    clock.advance(600);
    // 'fresh' was never served and 'busy' just was: without the limit, 'fresh' would go first.
    const [fresh] = queue(slots, order, ['fresh', 'fresh']);
    holder();
    const release = await late!;
    const urgent = slots.acquire('busy', true).then((r) => (order.push('urgent'), r));
    release();
    (await urgent)();
    (await fresh!)();
    expect(order).toEqual(['late', 'urgent', 'fresh']);
    expect(slots.teams).toBe(0);
  });

  it('a waiter whose wait runs out is refused and leaves the line', async () => {
    const slots = new FairSlots({ limit: 1, maxWaitMs: 1, refusal: refused });
    const held = await slots.acquire('a');
    await expect(slots.acquire('b')).rejects.toThrow('busy');
    expect(slots.pending('b')).toBe(0);
    held();
    // Giving a place back twice frees it once.
    held();
    expect(slots.teams).toBe(0);
    const again = await slots.acquire('b');
    const other = await slots.acquire('c').then(
      () => 'given',
      () => 'refused',
    );
    expect(other).toBe('refused');
    again();
  });
});

describe('TeamHints', () => {
  it('names the team a token was last checked for, and an unknown token as unknown', () => {
    const hints = new TeamHints();
    expect(hints.of('h1')).toBe(TeamHints.UNKNOWN);
    expect(hints.of(undefined)).toBe(TeamHints.UNKNOWN);
    hints.learn('h1', 'team-a');
    expect(hints.of('h1')).toBe('team-a');
  });

  it('keeps at most its bound, forgetting the least recently learnt first', () => {
    const hints = new TeamHints(2);
    hints.learn('h1', 'a');
    hints.learn('h2', 'b');
    hints.learn('h1', 'c');
    hints.learn('h3', 'd');
    expect([hints.of('h1'), hints.of('h2'), hints.of('h3')]).toEqual(['c', TeamHints.UNKNOWN, 'd']);
  });
});

/** A piece of work that ends when the test says, recording when it started. */
function piece(share: WorkShare, team: string, label: string, started: string[]) {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const ran = share.run(team, async () => {
    started.push(label);
    await done;
  });
  return { finish, ran };
}

describe('WorkShare', () => {
  it('a team alone runs all its work at once, however much it has done', async () => {
    const clock = manualClock();
    const share = new WorkShare({ now: clock.now });
    const started: string[] = [];
    const pieces = [1, 2, 3].map((i) => piece(share, 'busy', `b${i}`, started));
    clock.advance(10_000);
    await settle();
    expect(started).toEqual(['b1', 'b2', 'b3']);
    for (const p of pieces) p.finish();
    await Promise.all(pieces.map((p) => p.ran));
  });

  it('while another team has work in flight, a team over its share runs one piece at a time; the other never waits', async () => {
    const clock = manualClock();
    const share = new WorkShare({ now: clock.now });
    const started: string[] = [];
    const b1 = piece(share, 'busy', 'b1', started);
    clock.advance(1_000);
    const q1 = piece(share, 'quiet', 'q1', started);
    const b2 = piece(share, 'busy', 'b2', started);
    const q2 = piece(share, 'quiet', 'q2', started);
    await settle();
    // 'busy' has 1 s of work behind it, 'quiet' none: b2 waits, both of quiet's run.
    expect(started).toEqual(['b1', 'q1', 'q2']);
    expect(share.pending('busy')).toEqual({ running: 1, waiting: 1 });
    b1.finish();
    await b1.ran;
    await settle();
    // With nothing of its own running, the busy team's next piece goes.
    expect(started).toEqual(['b1', 'q1', 'q2', 'b2']);
    for (const p of [b2, q1, q2]) p.finish();
    await Promise.all([b2.ran, q1.ran, q2.ran]);
  });

  it('the held piece goes as soon as the other teams have nothing in flight', async () => {
    const clock = manualClock();
    const share = new WorkShare({ now: clock.now });
    const started: string[] = [];
    const b1 = piece(share, 'busy', 'b1', started);
    clock.advance(1_000);
    const q1 = piece(share, 'quiet', 'q1', started);
    const b2 = piece(share, 'busy', 'b2', started);
    await settle();
    expect(started).toEqual(['b1', 'q1']);
    q1.finish();
    await q1.ran;
    await settle();
    expect(started).toEqual(['b1', 'q1', 'b2']);
    b1.finish();
    b2.finish();
    await Promise.all([b1.ran, b2.ran]);
  });

  it('teams about as busy as each other are not held back', async () => {
    const clock = manualClock();
    const share = new WorkShare({ now: clock.now });
    const started: string[] = [];
    const a1 = piece(share, 'a', 'a1', started);
    const b1 = piece(share, 'b', 'b1', started);
    clock.advance(1_000);
    const a2 = piece(share, 'a', 'a2', started);
    const b2 = piece(share, 'b', 'b2', started);
    await settle();
    expect(started).toEqual(['a1', 'b1', 'a2', 'b2']);
    for (const p of [a1, a2, b1, b2]) p.finish();
    await Promise.all([a1, a2, b1, b2].map((p) => p.ran));
  });

  it('a team is held only when it outweighs every other team in flight, not the average of them', async () => {
    const clock = manualClock();
    const share = new WorkShare({ now: clock.now });
    const started: string[] = [];
    const a1 = piece(share, 'a', 'a1', started);
    clock.advance(200);
    const b1 = piece(share, 'b', 'b1', started);
    clock.advance(800);
    const c1 = piece(share, 'c', 'c1', started);
    // a: 1,000 ms, b: 800 ms, c: none. Against the average (600 ms) 'a' would be held; b is as busy.
    const a2 = piece(share, 'a', 'a2', started);
    await settle();
    expect(started).toEqual(['a1', 'b1', 'c1', 'a2']);
    b1.finish();
    await b1.ran;
    // Now 'a' outweighs the only other team in flight: its next piece waits.
    const a3 = piece(share, 'a', 'a3', started);
    await settle();
    expect(share.pending('a')).toEqual({ running: 2, waiting: 1 });
    for (const p of [a1, a2, c1]) p.finish();
    a3.finish();
    await Promise.all([a1, a2, a3, c1].map((p) => p.ran));
    expect(started).toEqual(['a1', 'b1', 'c1', 'a2', 'a3']);
  });

  it('past work weighs less as time passes: a team over its share an hour ago is not held now', async () => {
    const clock = manualClock();
    const share = new WorkShare({ now: clock.now, halfLifeMs: 1_000 });
    const started: string[] = [];
    const q1 = piece(share, 'quiet', 'q1', started);
    const b1 = piece(share, 'busy', 'b1', started);
    const b2 = piece(share, 'busy', 'b2', started);
    clock.advance(5_000);
    b2.finish();
    await b2.ran;
    // 'busy' has 10 s of work against quiet's 5 s, more than 1.5 times: held.
    const b3 = piece(share, 'busy', 'b3', started);
    await settle();
    expect(started).toEqual(['q1', 'b1', 'b2']);
    b1.finish();
    await b1.ran;
    await settle();
    expect(started).toEqual(['q1', 'b1', 'b2', 'b3']);
    b3.finish();
    await b3.ran;
    // Busy's finished 10 s decay while quiet's piece keeps running: an hour on, they are quiet's.
    clock.advance(3_600_000);
    const b4 = piece(share, 'busy', 'b4', started);
    const b5 = piece(share, 'busy', 'b5', started);
    await settle();
    expect(started).toEqual(['q1', 'b1', 'b2', 'b3', 'b4', 'b5']);
    for (const p of [q1, b4, b5]) p.finish();
    await Promise.all([q1, b4, b5].map((p) => p.ran));
  });
});
