/** Changes of the caller's team after a cursor, in server order (sync spec, "GET /api/sync/pull"). */
import type { Database, Queryable } from '../db/adapter';
import type { PullResponse } from '../../src/domain/wire';
import type { Caller } from './auth';

interface Cursor {
  e: string;
  s: number;
}

export function encodeCursor(epoch: string, seq: number): string {
  return Buffer.from(JSON.stringify({ e: epoch, s: seq })).toString('base64url');
}

/** The cursor, or null when it is not one of ours. */
export function decodeCursor(raw: string): Cursor | null {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (typeof c !== 'object' || c === null) return null;
    const { e, s } = c as Record<string, unknown>;
    if (typeof e !== 'string' || !Number.isSafeInteger(s) || (s as number) < 0) return null;
    return { e, s: s as number };
  } catch {
    return null;
  }
}

/**
 * The server's epoch. It changes when a database is restored. PGlite belongs to one process, which
 * is restarted then, so it is read once. A PostgreSQL is `shared`: other server processes use it
 * and it can be restored under a running one, so each pull reads it (one row, by its key) and a
 * cursor from before the restore is answered `reset` by every process at once.
 * A test that changes it under a running PGlite app calls `forget()`.
 */
export class EpochCache {
  private value: string | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly options: { shared: boolean } = { shared: false },
  ) {}

  async get(): Promise<string> {
    if (this.value === undefined || this.options.shared) {
      const rows = await this.db.query<{ value: string }>(`select value from server_meta where key = 'epoch'`);
      this.value = rows[0]?.value ?? 'none';
    }
    return this.value;
  }

  forget(): void {
    this.value = undefined;
  }
}

/**
 * A page stops early once its records pass this much JSON (sync spec v1.1, "Limits"), so no
 * answer is much larger than 1 MiB plus one record, whatever the team stored.
 */
export const PAGE_BYTES = 1024 * 1024;

/**
 * The page stops at `limit` records, or earlier once the records before one pass the byte
 * budget: the database measures them, so records past the budget never reach this process.
 * Each record is written out as text once, in the innermost query (it cannot be flattened, it
 * has a LIMIT), and measured on that text: measuring `data::text` beside a jsonb `data` made
 * the database write every record out twice.
 * Parameters: team, cursor's seq, limit + 1, byte budget.
 */
export const PAGE_SQL = `select entity, id, version, deleted, data, server_seq, created_by, updated_by, updated_at, fetched
     from (
       select p.*, count(*) over () as fetched,
              coalesce(sum(octet_length(p.data)) over (order by p.server_seq rows between unbounded preceding and 1 preceding), 0) as before
       from (
         select entity, id, version, deleted, data::text as data, server_seq, created_by, updated_by, updated_at
         from records where team_id = $1 and server_seq > $2 order by server_seq limit $3
       ) p
     ) w
     where before < $4
     order by server_seq`;

/**
 * PGlite runs no autovacuum, so its planner never learns how many records a team has: it
 * estimated 127 rows where 140,000 matched and chose a bitmap scan of every record after the
 * cursor (each written out as text), sorted for the first `limit` — a page's cost grew with what
 * was left to send, and larger pages looked slower. A page is the index on (team_id, server_seq)
 * read in order up to the limit, so there the bitmap scan is switched off for this one query.
 * PostgreSQL's autovacuum keeps statistics, and with them it chooses that plan itself.
 */
export function inIndexOrder<T>(db: Database, read: (q: Queryable) => Promise<T>): Promise<T> {
  if (db.kind !== 'pglite') return read(db);
  return db.transaction(async (tx) => {
    await tx.query('set local enable_bitmapscan = off');
    return read(tx);
  });
}

/** A JSON string literal. */
const str = (v: string | null) => JSON.stringify(v);

/**
 * A record's data as the page sends it: the stored JSON with the record's metadata added last.
 * The database's text goes out as it came, not parsed and written out again (a first sync's
 * 140 pages of 1,000 records spent a fifth of the server's time on that). A key of the stored
 * data that the metadata also names is named twice; JSON.parse keeps the last value in the
 * first key's place, as the object spread this replaces did.
 */
export function dataJson(data: string | null, meta: string): string {
  const text = data?.trimEnd() ?? '{}';
  if (!text.startsWith('{') || !text.endsWith('}')) {
    return JSON.stringify({ ...(JSON.parse(text) as Record<string, unknown>), ...(JSON.parse(`{${meta}}`) as Record<string, unknown>) });
  }
  const inner = text.slice(1, -1).trim();
  return inner ? `{${inner},${meta}}` : `{${meta}}`;
}

/** The page (a `PullResponse`) as JSON text, ready to send. */
export async function pull(db: Database, epoch: string, caller: Caller, cursor: Cursor | null, limit: number): Promise<string> {
  const reset = !!cursor && cursor.e !== epoch;
  const after = cursor && !reset ? cursor.s : 0;
  const teamId = caller.teamId;
  if (!teamId) return JSON.stringify({ changes: [], cursor: encodeCursor(epoch, after), hasMore: false, reset } satisfies PullResponse);
  const rows = await inIndexOrder(db, (q) =>
    q.query<{
      entity: string;
      id: string;
      version: number;
      deleted: boolean;
      /** The record's JSON as the database wrote it: measured here, and sent as it is. */
      data: string | null;
      server_seq: number | string;
      created_by: string | null;
      updated_by: string | null;
      updated_at: string | Date;
      fetched: number | string;
    }>(PAGE_SQL, [teamId, after, limit + 1, PAGE_BYTES]),
  );
  // A first sync shows how far it is: counted once, on the page it starts from.
  const total =
    after === 0
      ? Number((await db.query<{ n: number | string }>('select count(*) as n from records where team_id = $1', [teamId]))[0]?.n ?? 0)
      : undefined;
  const fetched = rows.length ? Number(rows[0]!.fetched) : 0;
  const hasMore = rows.length > limit || fetched > rows.length;
  const page = rows.length > limit ? rows.slice(0, limit) : rows;
  const last = page.length ? Number(page[page.length - 1]!.server_seq) : after;
  const team = str(teamId);
  const changes = page.map((r) => {
    const data = r.deleted
      ? 'null'
      : dataJson(r.data, `"teamId":${team},"createdBy":${str(r.created_by)},"updatedBy":${str(r.updated_by)},"updatedAt":${str(new Date(r.updated_at).toISOString())}`);
    return `{"entity":${str(r.entity)},"id":${str(r.id)},"version":${Number(r.version)},"deleted":${r.deleted === true},"data":${data}}`;
  });
  const tail = JSON.stringify({ cursor: encodeCursor(epoch, last), hasMore, reset, ...(total === undefined ? {} : { total }) } satisfies Omit<PullResponse, 'changes'>);
  return `{"changes":[${changes.join(',')}],${tail.slice(1)}`;
}
