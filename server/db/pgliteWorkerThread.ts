/**
 * Runs inside the worker thread (started by pgliteWorker.ts through pgliteWorkerThread.mjs):
 * owns the PGlite instance and answers requests. PGlite executes synchronously in WebAssembly, so
 * here a long query blocks only this thread, not the server's event loop.
 *
 * It wraps the same in-thread adapter the tests use (`openPglite`): requests without a
 * transaction join its queue, and a transaction holds that queue from `begin` until `commit` or
 * `rollback`, PGlite having a single session.
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { NO_TEAM_LANE, openPglite } from './pglite';
import type { Database, Queryable } from './adapter';
import { READY, crossError, type Reply, type Request, type WorkerStart } from './pgliteWorkerProtocol';

interface OpenTransaction {
  /**
   * The transaction, once it has begun. Its statements are sent without waiting for the answer to
   * `begin` and wait here for it: a transaction holds the one session from its start, and a round
   * trip to the event loop (busy with other requests) less is that much less for the others to wait.
   */
  tx: Promise<Queryable>;
  end(commit: boolean): void;
  ended: Promise<void>;
}

/** Rejects the transaction's callback so that PGlite rolls it back; never reaches a caller. */
const ROLLED_BACK = Symbol('rolled back');

/** Answers the requests that reach `port`; returns the handler of one request. */
function serve(port: MessagePort, db: Database): (m: Request) => void {
  const open = new Map<number, OpenTransaction>();
  const lanes = new Map<string, Database>();
  const inLane = (lane: string | undefined): Database => {
    if (lane === undefined || lane === NO_TEAM_LANE) return db;
    let d = lanes.get(lane);
    if (!d) {
      d = db.forTeam!(lane);
      lanes.set(lane, d);
    }
    return d;
  };
  const send = (reply: Reply): void => port.postMessage(reply);
  const answer = (id: number, work: Promise<unknown[] | void>): void => {
    work.then(
      (rows) => send(rows ? { id, ok: true, rows } : { id, ok: true }),
      (e: unknown) => send({ id, ok: false, error: crossError(e) }),
    );
  };
  const inTransaction = async (tx: number): Promise<Queryable> => {
    const t = open.get(tx);
    // PGlite's own words for a transaction used after it ended.
    if (!t) throw new Error('Transaction is closed');
    return t.tx;
  };

  const begin = (id: number, txId: number, lane: string | undefined): void => {
    let began = false;
    let opened!: (tx: Queryable) => void;
    let failed!: (e: unknown) => void;
    const tx = new Promise<Queryable>((resolve, reject) => {
      opened = resolve;
      failed = reject;
    });
    // Answered through its statements, if any were sent.
    tx.catch(() => undefined);
    let finish!: (commit: boolean) => void;
    // In the map before the transaction joins the line: choosing the next work reads the requests
    // that arrived (readArrived), this transaction's statements among them. They, and its end,
    // wait for it to begin.
    const t: OpenTransaction = { tx, ended: Promise.resolve(), end: (commit) => void tx.then(() => finish(commit), () => undefined) };
    open.set(txId, t);
    const ended: Promise<void> = inLane(lane).transaction(
      (q) =>
        new Promise<void>((resolve, reject) => {
          began = true;
          finish = (commit) => (commit ? resolve() : reject(ROLLED_BACK));
          opened(q);
          send({ id, ok: true });
        }),
    );
    t.ended = ended;
    ended.then(
      () => open.delete(txId),
      (e: unknown) => {
        open.delete(txId);
        if (!began) {
          failed(e);
          send({ id, ok: false, error: crossError(e) });
        }
      },
    );
  };

  const end = (id: number, txId: number, commit: boolean): void => {
    const t = open.get(txId);
    if (!t) return send({ id, ok: false, error: crossError(new Error('Transaction is closed')) });
    t.end(commit);
    answer(
      id,
      // Read once it has begun: `ended` is set just after it joins the line.
      t.tx
        .then(() => t.ended)
        .catch((e: unknown) => {
          if (e !== ROLLED_BACK) throw e;
        }),
    );
  };

  const handle = (m: Request): void => {
    switch (m.op) {
      case 'query':
        return answer(m.id, (async () => (m.tx === undefined ? inLane(m.lane) : await inTransaction(m.tx)).query(m.sql, m.params))());
      case 'exec':
        return answer(m.id, (async () => (m.tx === undefined ? inLane(m.lane) : await inTransaction(m.tx)).exec(m.sql))());
      case 'begin':
        return begin(m.id, m.tx, m.lane);
      case 'commit':
        return end(m.id, m.tx, true);
      case 'rollback':
        return end(m.id, m.tx, false);
      case 'close':
        // The adapter's close waits for its queue, open transactions included.
        return void db.close().then(
          () => {
            send({ id: m.id, ok: true });
            port.close();
          },
          (e: unknown) => send({ id: m.id, ok: false, error: crossError(e) }),
        );
    }
  };
  port.on('message', handle);
  return handle;
}

const port = parentPort;
if (!port) throw new Error('pgliteWorkerThread runs only as a worker thread (see pgliteWorker.ts)');
const start = workerData as WorkerStart;
let handle: ((m: Request) => void) | undefined;
/**
 * Before the database takes its next statement or transaction, the requests that arrived while it
 * worked are read: the fair line chooses among all that wait, and a quiet team's query that came
 * during a busy team's page goes next, not after another of theirs already in line.
 */
const readArrived = (): void => {
  if (!handle || !port) return;
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    try {
      handle(m.message as Request);
    } catch (e) {
      // As if thrown by a 'message' listener (which answers every request, so never does), not
      // in the middle of the line choosing its next work.
      queueMicrotask(() => {
        throw e;
      });
    }
  }
};
try {
  const db = await openPglite(start.dataDir ?? 'memory://', {
    ...(start.loadDataDir ? { loadDataDir: new Blob([start.loadDataDir]) } : {}),
    beforeNext: readArrived,
  });
  handle = serve(port, db);
  port.postMessage({ id: READY, ok: true } satisfies Reply);
} catch (e) {
  port.postMessage({ id: READY, ok: false, error: crossError(e) } satisfies Reply);
  port.close();
}
