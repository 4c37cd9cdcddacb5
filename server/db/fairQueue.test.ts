// @vitest-environment node
/**
 * The fair line in front of PGlite's one session: one work at a time; the next from the lane (team)
 * that has used the least time, first come first served within a lane and between equals; a lane
 * that was idle earns no credit; a failure answers its own caller only.
 */
import { describe, expect, it } from 'vitest';
import { FairQueue } from './fairQueue';

/** A line on a clock the test moves, and work that ends when the test says, `ms` after it started. */
function setUp() {
  let clock = 0;
  const line = new FairQueue({ now: () => clock });
  const started: string[] = [];
  const running = new Map<string, () => void>();
  const give = (lane: string, name: string, fail = false): Promise<string> =>
    line.run(
      lane,
      () =>
        new Promise<string>((resolve, reject) => {
          started.push(name);
          running.set(name, () => (fail ? reject(new Error(name)) : resolve(name)));
        }),
    );
  /** Ends the work `name` after `ms` of the clock, then lets the line choose the next. */
  const finish = async (name: string, ms: number): Promise<void> => {
    const end = running.get(name);
    if (!end) throw new Error(`${name} is not running (started: ${started.join(', ')})`);
    running.delete(name);
    clock += ms;
    end();
    // The line chooses in the promise callbacks that follow the settling.
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return { line, started, give, finish };
}

describe('the fair line', () => {
  it('runs one work at a time', async () => {
    const { started, give, finish } = setUp();
    void give('a', 'a1');
    void give('b', 'b1');
    expect(started).toEqual(['a1']);
    await finish('a1', 1);
    expect(started).toEqual(['a1', 'b1']);
  });

  it("puts a quiet team's work next, not behind what a busy team already has waiting", async () => {
    const { started, give, finish } = setUp();
    for (const n of [1, 2, 3, 4]) void give('busy', `busy${n}`);
    void give('quiet', 'quiet1');
    await finish('busy1', 10);
    // First come, first served would give busy2, busy3, busy4, then quiet1.
    expect(started).toEqual(['busy1', 'quiet1']);
    await finish('quiet1', 1);
    expect(started.at(-1)).toBe('busy2');
  });

  it('counts time, not work: a lane whose work is long gets fewer turns than a lane of short ones', async () => {
    const { started, give, finish } = setUp();
    for (const n of [1, 2, 3]) void give('long', `long${n}`);
    for (const n of [1, 2, 3, 4, 5, 6]) void give('short', `short${n}`);
    await finish('long1', 30);
    // short has used nothing: its work runs until it has used as much as long (30 ms, 3 of 10 ms).
    await finish('short1', 10);
    await finish('short2', 10);
    expect(started).toEqual(['long1', 'short1', 'short2', 'short3']);
    await finish('short3', 10);
    // Equal now (30 and 30): the older waiting work goes first, long2.
    expect(started.at(-1)).toBe('long2');
    await finish('long2', 30);
    expect(started.at(-1)).toBe('short4');
  });

  it('keeps first come, first served within a lane, and between lanes that have used the same', async () => {
    const { started, give, finish } = setUp();
    void give('a', 'a1');
    void give('b', 'b1');
    void give('a', 'a2');
    void give('c', 'c1');
    void give('b', 'b2');
    await finish('a1', 0);
    await finish('b1', 0);
    await finish('a2', 0);
    await finish('c1', 0);
    await finish('b2', 0);
    expect(started).toEqual(['a1', 'b1', 'a2', 'c1', 'b2']);
  });

  it('gives no credit for having been idle: a lane that comes back starts from the work last started', async () => {
    const { started, give, finish } = setUp();
    // busy works alone for a long while…
    for (const n of [1, 2, 3, 4, 5]) {
      void give('busy', `busy${n}`);
      await finish(`busy${n}`, 100);
    }
    // …then back comes a team that was idle all along: it does not get 500 ms of turns first.
    for (const n of [6, 7, 8]) void give('busy', `busy${n}`);
    for (const n of [1, 2, 3]) void give('back', `back${n}`);
    expect(started.at(-1)).toBe('busy6');
    await finish('busy6', 100);
    await finish('back1', 100);
    await finish('busy7', 100);
    await finish('back2', 100);
    expect(started.slice(5)).toEqual(['busy6', 'back1', 'busy7', 'back2', 'busy8']);
  });

  it("takes the work of the first lane (no team's: authentication) next whenever it waits, its time not counted", async () => {
    let clock = 0;
    const line = new FairQueue({ now: () => clock, first: '' });
    const order: string[] = [];
    const ends = new Map<string, () => void>();
    const give = (lane: string, name: string) =>
      line.run(lane, () => new Promise<void>((resolve) => (order.push(name), ends.set(name, resolve))));
    const finish = async (name: string, ms: number) => {
      clock += ms;
      ends.get(name)!();
      for (let i = 0; i < 10; i++) await Promise.resolve();
    };
    void give('a', 'a1');
    void give('b', 'b1');
    void give('', 'auth1');
    void give('', 'auth2');
    void give('a', 'a2');
    await finish('a1', 10);
    await finish('auth1', 50);
    await finish('auth2', 50);
    // b has used nothing and a 10 ms: b1, then a2, the 100 ms of authentication counted for no one.
    await finish('b1', 10);
    void give('', 'auth3');
    await finish('a2', 10);
    expect(order).toEqual(['a1', 'auth1', 'auth2', 'b1', 'a2', 'auth3']);
  });

  it('answers each caller with its own result or error, and goes on after a failure', async () => {
    const { give, finish } = setUp();
    const a = give('a', 'a1', true);
    const b = give('b', 'b1');
    const failed = expect(a).rejects.toThrow('a1');
    await finish('a1', 1);
    await failed;
    await finish('b1', 1);
    expect(await b).toBe('b1');
  });

  it('goes on when a work throws before giving a promise', async () => {
    const line = new FairQueue();
    await expect(
      line.run('a', () => {
        throw new Error('at once');
      }),
    ).rejects.toThrow('at once');
    expect(await line.run('a', async () => 'next')).toBe('next');
  });

  it('asks for late arrivals before each choice, and chooses among them too', async () => {
    const late: (() => void)[] = [];
    let clock = 0;
    const line = new FairQueue({ now: () => clock, beforeNext: () => late.splice(0).forEach((f) => f()) });
    const order: string[] = [];
    let endBusy1!: () => void;
    const busy1 = line.run('busy', () => new Promise<void>((resolve) => (endBusy1 = resolve)).then(() => void order.push('busy1')));
    const busy2 = line.run('busy', async () => void order.push('busy2'));
    // Arrives while busy1 runs, but is only handed over when the line asks (as the worker reads
    // the messages that came while the database worked).
    let quiet!: Promise<void>;
    late.push(() => (quiet = line.run('quiet', async () => void order.push('quiet'))));
    clock = 5;
    endBusy1();
    await Promise.all([busy1, busy2]);
    await quiet;
    expect(order).toEqual(['busy1', 'quiet', 'busy2']);
  });

  it('settles once all work given so far has, however many lanes it was in', async () => {
    const { line, give, finish } = setUp();
    const works = [give('a', 'a1'), give('b', 'b1'), give('a', 'a2')];
    let settled = false;
    const all = line.settled().then(() => (settled = true));
    await finish('a1', 1);
    await finish('b1', 1);
    expect(settled).toBe(false);
    await finish('a2', 1);
    await all;
    expect(settled).toBe(true);
    expect(await Promise.all(works)).toEqual(['a1', 'b1', 'a2']);
    expect(line.waiting).toBe(0);
  });
});
