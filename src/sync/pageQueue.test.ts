// @vitest-environment node
/** The pull's pages asked ahead: two in flight while one is written, in server order, never more. */
import { describe, expect, it } from 'vitest';
import { PageQueue, type FetchedPage } from './engine';
import type { PreparedPage } from './pull';

function server() {
  const asked: (string | undefined)[] = [];
  const answers: ((hasMore: boolean) => void)[] = [];
  const fetchPage = (cursor: string | undefined) =>
    new Promise<FetchedPage>((resolve) => {
      const n = asked.push(cursor);
      answers.push((hasMore) =>
        resolve({ page: { changes: [], cursor: `c${n}`, hasMore, reset: false }, prepared: Promise.resolve<PreparedPage>({ now: '', planned: new Map() }) }),
      );
    });
  return { asked, answers, fetchPage };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('PageQueue', () => {
  it('asks for two pages ahead of the one being written, each from its predecessor’s cursor', async () => {
    const s = server();
    const q = new PageQueue(s.fetchPage, () => false);
    q.ask(undefined);
    const first = q.take();
    s.answers[0]!(true);
    expect((await first).page.cursor).toBe('c1');
    await settle();
    // Page 1 is being written: page 2 was asked as page 1 arrived, page 3 as page 2 arrives.
    expect(s.asked).toEqual([undefined, 'c1']);
    s.answers[1]!(true);
    await settle();
    expect(s.asked).toEqual([undefined, 'c1', 'c2']);
    // Page 3 arrives while page 1 is still written: two wait already, page 4 waits for a take.
    s.answers[2]!(true);
    await settle();
    expect(s.asked).toHaveLength(3);
    const second = await q.take();
    expect(second.page.cursor).toBe('c2');
    expect(s.asked).toEqual([undefined, 'c1', 'c2', 'c3']);
    s.answers[3]!(false);
    expect((await q.take()).page.cursor).toBe('c3');
    expect((await q.take()).page.hasMore).toBe(false);
    await settle();
    // The last page said there is no more: nothing further is asked.
    expect(s.asked).toHaveLength(4);
  });

  it('asks for nothing more once halted or stopped', async () => {
    const s = server();
    let halted = false;
    const q = new PageQueue(s.fetchPage, () => halted);
    q.ask(undefined);
    const first = q.take();
    halted = true;
    s.answers[0]!(true);
    await first;
    await settle();
    expect(s.asked).toHaveLength(1);
    await expect(q.take()).rejects.toThrow();

    const t = server();
    const stopped = new PageQueue(t.fetchPage, () => false);
    stopped.ask(undefined);
    void stopped.take();
    stopped.stop();
    t.answers[0]!(true);
    await settle();
    expect(t.asked).toHaveLength(1);
  });
});
