/**
 * PGlite in a worker thread: the database `npm start` opens by default. PGlite runs its queries
 * synchronously in WebAssembly; on the server's own thread every query stops the event loop,
 * and under load requests wait in the kernel's queue while the server's log, which starts timing
 * a request only when it is read, shows nothing wrong (issue 12: 1–3 % of requests past 60 s at
 * 200 devices). In a worker the event loop keeps accepting, parsing and answering while the
 * database works.
 *
 * The same `Database` as the in-thread adapter (pglite.ts), with a message per statement
 * (pgliteWorkerProtocol.ts). A transaction's callback runs here and sends its statements tagged
 * with the transaction; the worker keeps every other request waiting until it ends.
 */
import { Worker } from 'node:worker_threads';
import type { PGliteOptions } from '@electric-sql/pglite';
import type { Database, Queryable } from './adapter';
import { restrictDataDir } from './pglite';
import { READY, restoreError, type Ask, type Reply, type WorkerStart } from './pgliteWorkerProtocol';

interface Pending {
  resolve(rows: unknown[]): void;
  reject(error: Error): void;
}

export async function openPgliteWorker(dataDir: string, options: Pick<PGliteOptions, 'loadDataDir'> = {}): Promise<Database> {
  const onDisk = dataDir !== 'memory://';
  // Made here too, before the thread starts: its files are tightened in the worker as it opens.
  if (onDisk) restrictDataDir(dataDir);
  const start: WorkerStart = { dataDir: onDisk ? dataDir : undefined };
  if (options.loadDataDir) start.loadDataDir = await options.loadDataDir.arrayBuffer();
  const worker = new Worker(new URL('./pgliteWorkerThread.mjs', import.meta.url), {
    workerData: start,
    transferList: start.loadDataDir ? [start.loadDataDir] : [],
  });

  const pending = new Map<number, Pending>();
  let nextId = READY + 1;
  /** Set once the thread is gone (closed or crashed): every request after it fails at once. */
  let gone: Error | undefined;
  /** Set when close() was called: only the statements of transactions already open go on. */
  let closing: Promise<void> | undefined;

  // An idle database does not keep the process alive (as in-thread PGlite does not); a request
  // in flight does.
  worker.unref();
  const settle = (id: number): Pending | undefined => {
    const p = pending.get(id);
    pending.delete(id);
    if (pending.size === 0 && !closing) worker.unref();
    return p;
  };
  worker.on('message', (reply: Reply) => {
    const p = settle(reply.id);
    if (reply.ok) p?.resolve(reply.rows ?? []);
    else p?.reject(restoreError(reply.error));
  });
  const exited = new Promise<void>((resolve) => {
    const fail = (error: Error): void => {
      gone ??= error;
      for (const id of [...pending.keys()]) settle(id)?.reject(gone);
    };
    worker.on('error', (e) => fail(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => {
      fail(new Error(`the PGlite worker has stopped (exit code ${code})`));
      resolve();
    });
  });

  const send = (ask: Ask): Promise<unknown[]> => {
    if (gone) return Promise.reject(gone);
    const id = nextId++;
    return new Promise<unknown[]>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      if (pending.size === 1) worker.ref();
      try {
        worker.postMessage({ ...ask, id });
      } catch (e) {
        // A parameter that cannot be cloned (a function): this request fails, the others go on.
        settle(id);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  };
  const closedError = (): Promise<never> => Promise.reject(new Error('PGlite is closed'));

  await new Promise<unknown[]>((resolve, reject) => {
    pending.set(READY, { resolve, reject });
    worker.ref();
  });

  const inTransaction = (tx: number): Queryable => ({
    query: async <T>(sql: string, params?: unknown[]) => (await send({ op: 'query', sql, params, tx })) as T[],
    exec: async (sql: string) => void (await send({ op: 'exec', sql, tx })),
  });

  const inLane = (lane: string | undefined): Database => ({
    kind: 'pglite',
    query: async <T>(sql: string, params?: unknown[]) => (closing ? closedError() : ((await send({ op: 'query', sql, params, lane })) as T[])),
    exec: async (sql) => (closing ? closedError() : void (await send({ op: 'exec', sql, lane }))),
    transaction: async <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => {
      if (closing) return closedError();
      const tx = nextId++;
      // The callback's statements go at once, without waiting for the answer to `begin`: the
      // worker keeps them until the transaction has begun, which spares the transaction a round
      // trip through this event loop while it holds the one session.
      const began = send({ op: 'begin', tx, lane });
      began.catch(() => undefined);
      let result: T;
      try {
        result = await fn(inTransaction(tx));
      } catch (e) {
        // A transaction that could not begin has nothing to roll back: its error is the answer.
        await began;
        await send({ op: 'rollback', tx });
        throw e;
      }
      await began;
      await send({ op: 'commit', tx });
      return result;
    },
    close,
    forTeam: (team) => inLane(team),
  });
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Until the thread has ended, or a process with nothing else to do would end first.
      worker.ref();
      await send({ op: 'close' });
      await exited;
      if (onDisk) restrictDataDir(dataDir);
    })();
    return closing;
  };
  return inLane(undefined);
}
