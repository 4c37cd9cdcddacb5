/** Changes of the caller's team after a cursor, in server order (sync spec, "GET /api/sync/pull"). */
import type { Database, Queryable } from '../db/adapter';
import type { Caller } from './auth';
import { PULL_LIMIT } from '../../src/domain/wire';
import type { Settled } from './push';

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
 * A record's `updated_at` as the answer carries it (`Date.prototype.toISOString`: UTC, milliseconds,
 * truncated as a Date truncates them), written by the database with the row: read as a timestamp,
 * each row's would be parsed into a Date here only to be written out again.
 */
const UPDATED_AT = `to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as updated_at`;

/**
 * The page stops at `limit` records, or earlier once the records before one pass the byte
 * budget: the database measures them, so records past the budget never reach this process.
 * Each record is written out as text once, in the innermost query (it cannot be flattened, it
 * has a LIMIT), and measured on that text: measuring `data::text` beside a jsonb `data` made
 * the database write every record out twice. That text is also what the answer carries (see
 * `changeText`). Every row carries the server's epoch, read in the same statement: a pull is one
 * round trip after its token's, not two.
 * Parameters: team, cursor's seq, limit + 1, byte budget.
 */
export const PAGE_SQL = `select (select value from server_meta where key = 'epoch') as epoch,
            entity, id, version, deleted, data, server_seq, created_by, updated_by, updated_at, fetched
     from (
       select p.*, count(*) over () as fetched,
              coalesce(sum(octet_length(p.data)) over (order by p.server_seq rows between unbounded preceding and 1 preceding), 0) as before
       from (
         select entity, id, version, deleted, data::text as data, server_seq, created_by, updated_by, ${UPDATED_AT}
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
    // Sent with the read, not before its answer (the statements of a transaction run in the order
    // sent): one round trip less while the transaction holds PGlite's one session.
    const [, rows] = await Promise.all([tx.query('set local enable_bitmapscan = off'), read(tx)]);
    return rows;
  });
}

export interface PageRow {
  epoch: string | null;
  entity: string;
  id: string;
  version: number;
  deleted: boolean;
  /** The record's JSON as the database wrote it: measured there, and sent as it is. */
  data: string | null;
  server_seq: number | string;
  created_by: string | null;
  updated_by: string | null;
  updated_at: string | Date;
  fetched: number | string;
}

const jsonText = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v));
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A time as `toISOString` writes it; the page queries already give it so (`UPDATED_AT`). */
const isoText = (t: string | Date): string => (typeof t === 'string' && ISO_UTC.test(t) ? t : new Date(t).toISOString());

/**
 * One change of the answer as JSON text. A record's `data` is the object text the database wrote,
 * with the server's fields (teamId, createdBy, updatedBy, updatedAt) written in before its closing
 * brace: each record is written out once, by the database, instead of being parsed here and
 * written out again. It reads back as `{ ...data, teamId, createdBy, updatedBy, updatedAt }` would
 * (stored fields never have those names: the record schemas are strict).
 */
export function changeText(r: PageRow, teamIdJson: string): string {
  const head = `{"entity":${JSON.stringify(r.entity)},"id":${JSON.stringify(r.id)},"version":${Number(r.version)},"deleted":${r.deleted ? 'true' : 'false'},"data":`;
  if (r.deleted) return `${head}null}`;
  const server = `"teamId":${teamIdJson},"createdBy":${jsonText(r.created_by)},"updatedBy":${jsonText(r.updated_by)},"updatedAt":"${isoText(r.updated_at)}"`;
  const data = r.data;
  if (data === null || data === '{}') return `${head}{${server}}}`;
  if (data[0] === '{' && data[data.length - 1] === '}') return `${head}${data.slice(0, -1)},${server}}}`;
  // Not an object (no record is written so): spread as the fields of an object would be.
  return `${head}${JSON.stringify({ ...(JSON.parse(data) as Record<string, unknown>), ...(JSON.parse(`{${server}}`) as Record<string, unknown>) })}}`;
}

/** The answer to a pull (sync spec, "GET /api/sync/pull") as UTF-8 JSON, ready to send. */
export async function pull(db: Database, epochs: EpochCache, caller: Caller, cursor: Cursor | null, limit: number): Promise<Buffer> {
  const teamId = caller.teamId;
  if (!teamId) {
    const epoch = await epochs.get();
    const reset = !!cursor && cursor.e !== epoch;
    return answer([], encodeCursor(epoch, cursor && !reset ? cursor.s : 0), false, reset, undefined);
  }
  const page = (after: number) => inIndexOrder(db, (q) => q.query<PageRow>(PAGE_SQL, [teamId, after, limit + 1, PAGE_BYTES], 'pull_page'));
  // The cursor's epoch is taken to be the current one (it is, but after a restore): the page
  // tells which epoch it was read in, and only a cursor from another one is read again from 0.
  let after = cursor ? cursor.s : 0;
  let rows = await page(after);
  const epoch = rows[0]?.epoch ?? (await epochs.get());
  const reset = !!cursor && cursor.e !== epoch;
  if (reset && after !== 0) {
    after = 0;
    rows = await page(after);
  }
  // A first sync shows how far it is: counted once, on the page it starts from.
  const total =
    after === 0
      ? Number((await db.query<{ n: number | string }>('select count(*) as n from records where team_id = $1', [teamId], 'pull_total'))[0]?.n ?? 0)
      : undefined;
  const fetched = rows.length ? Number(rows[0]!.fetched) : 0;
  const hasMore = rows.length > limit || fetched > rows.length;
  const kept = rows.length > limit ? rows.slice(0, limit) : rows;
  const last = kept.length ? Number(kept[kept.length - 1]!.server_seq) : after;
  const teamIdJson = JSON.stringify(teamId);
  return answer(
    kept.map((r) => Buffer.from(changeText(r, teamIdJson))),
    encodeCursor(epoch, last),
    hasMore,
    reset,
    total,
  );
}

/**
 * A `PullResponse` as UTF-8 JSON, its changes already written out. Each change is encoded on its
 * own and the bytes put together: joining the texts first made one long string out of a few hundred
 * small ones, which cost twice as much as encoding them (a 500-record page: 2.6 ms against 0.8 ms).
 */
function answer(changes: Buffer[], cursor: string, hasMore: boolean, reset: boolean, total: number | undefined): Buffer {
  const parts: Buffer[] = [Buffer.from('{"changes":[')];
  changes.forEach((c, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(c);
  });
  parts.push(Buffer.from(`],"cursor":${JSON.stringify(cursor)},"hasMore":${hasMore},"reset":${reset}${total === undefined ? '' : `,"total":${total}`}}`));
  return Buffer.concat(parts);
}

const COMMA = Buffer.from(',');

/** One pull request: who asks, from which cursor, for how many changes at most. */
export interface PullWork {
  caller: Caller;
  cursor: Cursor | null;
  limit: number;
}

/** Pulls read together at most. */
export const GROUP_PULLS = 16;
/** How far apart (in change numbers) the cursors of pulls read together may be. */
export const GROUP_SPREAD = 2 * PULL_LIMIT.max;

/**
 * Whether `next` is read with the pulls of `group` (`TeamPushes.runGrouped`): one team, cursors
 * close together, and no more rows read for them all than their own pages would read one by one
 * (each reads `limit + 1`; together they read the cursors' spread and the largest limit + 1).
 */
export function pullGroupFits(group: PullWork[], next: PullWork): boolean {
  const team = group[0]?.caller.teamId;
  if (!team || next.caller.teamId !== team || group.length >= GROUP_PULLS) return false;
  const all = [...group, next];
  const afters = all.map((w) => w.cursor?.s ?? 0);
  const spread = Math.max(...afters) - Math.min(...afters);
  const alone = all.reduce((n, w) => n + w.limit + 1, 0);
  return spread <= GROUP_SPREAD && spread + Math.max(...all.map((w) => w.limit)) + 1 <= alone;
}

/**
 * The changes after the smallest cursor of a group, each record written out and measured once.
 * Parameters: team, the smallest cursor's seq, how many rows.
 */
export const GROUP_PAGE_SQL = `select (select value from server_meta where key = 'epoch') as epoch, p.*, octet_length(p.data) as bytes
     from (
       select entity, id, version, deleted, data::text as data, server_seq, created_by, updated_by, ${UPDATED_AT}
       from records where team_id = $1 and server_seq > $2 order by server_seq limit $3
     ) p
     order by server_seq`;

type GroupRow = Omit<PageRow, 'fetched'> & { bytes: number | string | null };

async function settle<R>(p: Promise<R>): Promise<Settled<R>> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Pulls of one team that waited for each other, read with one query: after a group of pushes is
 * answered, its devices pull at once, from cursors a few changes apart, and each would otherwise
 * have the database write out the same records again. The rows after the smallest cursor are read
 * once, enough of them for every pull (change numbers are unique in a team, so at most the cursors'
 * spread of them come before any pull's own first row), and each pull gets exactly the page `pull`
 * gives it: the same limit, the same byte budget counted from its own cursor, the same `hasMore`.
 * A cursor from another epoch (a restored database) is answered by `pull` alone.
 */
export async function pullGroup(db: Database, epochs: EpochCache, group: PullWork[]): Promise<Settled<Buffer>[]> {
  const teamId = group[0]?.caller.teamId;
  if (group.length === 1 || !teamId || !group.every((w) => w.caller.teamId === teamId)) {
    const settled: Settled<Buffer>[] = [];
    for (const w of group) settled.push(await settle(pull(db, epochs, w.caller, w.cursor, w.limit)));
    return settled;
  }
  const afters = group.map((w) => (w.cursor ? w.cursor.s : 0));
  const from = Math.min(...afters);
  const rows = await inIndexOrder(db, (q) =>
    q.query<GroupRow>(GROUP_PAGE_SQL, [teamId, from, Math.max(...afters) - from + Math.max(...group.map((w) => w.limit)) + 1], 'pull_group_page'),
  );
  const epoch = rows[0]?.epoch ?? (await epochs.get());
  const teamIdJson = JSON.stringify(teamId);
  const texts = new Map<GroupRow, Buffer>();
  const textOf = (r: GroupRow): Buffer => {
    let t = texts.get(r);
    if (!t) texts.set(r, (t = Buffer.from(changeText({ ...r, fetched: 0 }, teamIdJson))));
    return t;
  };
  let total: number | undefined;
  const totalOf = async (): Promise<number> =>
    (total ??= Number((await db.query<{ n: number | string }>('select count(*) as n from records where team_id = $1', [teamId], 'pull_total'))[0]?.n ?? 0));
  const settled: Settled<Buffer>[] = [];
  for (const [i, w] of group.entries()) {
    const after = afters[i]!;
    if (w.cursor && w.cursor.e !== epoch) {
      settled.push(await settle(pull(db, epochs, w.caller, w.cursor, w.limit)));
      continue;
    }
    const start = rows.findIndex((r) => Number(r.server_seq) > after);
    const candidates = start < 0 ? [] : rows.slice(start, start + w.limit + 1);
    const kept: GroupRow[] = [];
    let before = 0;
    for (const r of candidates) {
      if (before >= PAGE_BYTES) break;
      kept.push(r);
      before += Number(r.bytes ?? 0);
    }
    const hasMore = kept.length > w.limit || candidates.length > kept.length;
    const page = kept.length > w.limit ? kept.slice(0, w.limit) : kept;
    const last = page.length ? Number(page[page.length - 1]!.server_seq) : after;
    const counted = after === 0 ? await totalOf() : undefined;
    settled.push({ ok: true, value: answer(page.map(textOf), encodeCursor(epoch, last), hasMore, false, counted) });
  }
  return settled;
}
