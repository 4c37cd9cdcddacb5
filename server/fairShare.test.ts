import { describe, expect, it } from 'vitest';
import { FairSlots, TeamHints } from './fairShare';

/** A clock the test moves by hand: how long places are held never depends on the machine. */
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

  it('between teams holding as many places, the one that held them the least time lately goes first', async () => {
    const clock = manualClock();
    const slots = new FairSlots({ limit: 1, maxWaitMs: 60_000, refusal: refused, now: clock.now });
    const long = await slots.acquire('long');
    const order: string[] = [];
    // 'long' asks again first, 'short' after it: first come, first served would pick 'long'.
    const waiting = queue(slots, order, ['long', 'long'], ['short', 'short']).map((w) => w.then((release) => release()));
    clock.advance(500);
    long();
    await Promise.all(waiting);
    expect(order).toEqual(['short', 'long']);
  });

  it('a team back from idle carries no credit: it starts level with the least served active team', async () => {
    const clock = manualClock();
    const slots = new FairSlots({ limit: 1, maxWaitMs: 60_000, refusal: refused, now: clock.now });
    // 'back' holds 1 ms and leaves, then 'busy' holds 100 ms and asks again.
    const early = await slots.acquire('back');
    clock.advance(1);
    early();
    const first = await slots.acquire('busy');
    const order: string[] = [];
    const [again] = queue(slots, order, ['busy', 'busy again']);
    clock.advance(100);
    first();
    const release = await again!;
    // Both wait while 'busy' holds for no time: level at 100 ms, the one waiting first goes first.
    // Had 'back' kept its 1 ms (or started at 0), it would have gone ahead.
    const waiting = queue(slots, order, ['busy', 'busy third'], ['back', 'back']).map((w) => w.then((r) => r()));
    release();
    await Promise.all(waiting);
    expect(order).toEqual(['busy again', 'busy third', 'back']);
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
