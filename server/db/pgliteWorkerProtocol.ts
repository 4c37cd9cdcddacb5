/**
 * The messages between the server's event loop and the thread that runs PGlite
 * (pgliteWorker.ts ↔ pgliteWorkerThread.ts). Values cross by structured clone, which keeps what
 * PGlite's parsers give (numbers, bigints, Dates, parsed json/jsonb, Uint8Array) as they are.
 */

/** What the worker is started with (`workerData`). */
export interface WorkerStart {
  /** A data folder; absent: in memory. */
  dataDir?: string;
  /** A dump (`dumpDataDir`) to start from instead of a new cluster. */
  loadDataDir?: ArrayBuffer;
}

/**
 * One request; the worker answers each with a `Reply` of the same `id`. `tx` names a transaction
 * opened by `begin`: its statements run inside it, while every other request waits until it ends.
 * `lane` is the team whose work it is (`Database.forTeam`): a statement or transaction waits in
 * that team's lane, and the lanes take turns (fairQueue.ts); absent, the lane of no team.
 */
export type Request =
  | { id: number; op: 'query'; sql: string; params?: unknown[]; tx?: number; lane?: string }
  | { id: number; op: 'exec'; sql: string; tx?: number; lane?: string }
  | { id: number; op: 'begin'; tx: number; lane?: string }
  | { id: number; op: 'commit'; tx: number }
  | { id: number; op: 'rollback'; tx: number }
  | { id: number; op: 'close' };

/** Without `id`: what a caller asks, before it is numbered. */
export type Ask = Unnumbered<Request>;
type Unnumbered<R> = R extends unknown ? Omit<R, 'id'> : never;

/** The answer to the request `id`; `READY` answers the start. */
export type Reply = { id: number; ok: true; rows?: unknown[] } | { id: number; ok: false; error: CrossedError };

export const READY = 0;

type Plain = string | number | boolean | bigint | null | undefined;

/**
 * An error as it crosses: structured clone keeps only an Error's message, so PostgreSQL's fields
 * (`code` such as 23505, `detail`, `constraint`, …) travel as plain properties and are put back.
 */
export interface CrossedError {
  message: string;
  props: Record<string, Plain | unknown[]>;
}

export function crossError(e: unknown): CrossedError {
  if (!(e instanceof Error)) return { message: String(e), props: {} };
  const props: CrossedError['props'] = { name: e.name, stack: e.stack };
  for (const [key, value] of Object.entries(e)) {
    if (value === null || ['string', 'number', 'boolean', 'bigint', 'undefined'].includes(typeof value)) props[key] = value as Plain;
    // The parameters of the failed query came in a message, so they can go back in one.
    else if (key === 'params' && Array.isArray(value)) props[key] = value;
  }
  return { message: e.message, props };
}

export function restoreError(crossed: CrossedError): Error {
  return Object.assign(new Error(crossed.message), crossed.props);
}
