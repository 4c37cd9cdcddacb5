/**
 * A logical backup of the whole database and its restore (`npm run admin -- backup|restore <file>`),
 * the same SQL on PGlite and PostgreSQL.
 *
 * The file is text, one line each: a header (JSON: format, the migrations applied, the tables and
 * their columns), then one line per row (`<table>\t<row as JSON>`), then a last line with the row
 * count of each table, so that a file cut short is refused rather than half restored. Rows are read
 * in one repeatable-read transaction: every table as of the same instant.
 *
 * A restore replaces every table's rows in one transaction and starts a new epoch: devices are
 * answered `reset` on their next pull, pull again from the beginning and send back what the
 * server lost (sync spec, "GET /api/sync/pull"). Access is not rolled back with the data: a device
 * revoked, or a token renewed, since the backup stays so.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/adapter';

export const BACKUP_FORMAT = 'cong-dong-so-backup';
const BACKUP_VERSION = 1;
/** Migrations are checked apart: the schema comes from the code, not from the file. */
const SKIPPED = new Set(['schema_migrations']);
/** Rows per insert on restore: few statements, and parameters of a few MiB at most. */
const BATCH_ROWS = 500;

interface TableInfo {
  name: string;
  columns: string[];
}

interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  db: Database['kind'];
  migrations: string[];
  /** Parents before children (foreign keys), the order in which they are restored. */
  tables: TableInfo[];
}

interface BackupTrailer {
  end: true;
  rows: Record<string, number>;
}

export interface BackupSummary {
  rows: Record<string, number>;
  migrations: number;
}

export interface RestoreSummary extends BackupSummary {
  epoch: string;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The tables of this schema with their writable columns, parents before the tables that refer to them. */
async function tablesOf(db: Queryable): Promise<TableInfo[]> {
  const columns = await db.query<{ table: string; column: string }>(
    `select c.relname as table, a.attname as column
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
     where n.nspname = current_schema() and c.relkind in ('r', 'p')
     order by c.relname, a.attnum`,
  );
  const refs = await db.query<{ child: string; parent: string }>(
    `select c.relname as child, p.relname as parent
     from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
       join pg_namespace n on n.oid = c.relnamespace
     where k.contype = 'f' and n.nspname = current_schema() and c.oid <> p.oid`,
  );
  const byTable = new Map<string, string[]>();
  for (const { table, column } of columns) {
    if (SKIPPED.has(table)) continue;
    const list = byTable.get(table);
    if (list) list.push(column);
    else byTable.set(table, [column]);
  }
  const ordered: TableInfo[] = [];
  const placed = new Set<string>();
  const place = (name: string, path: Set<string>) => {
    if (placed.has(name) || path.has(name) || !byTable.has(name)) return;
    path.add(name);
    for (const r of refs) if (r.child === name) place(r.parent, path);
    placed.add(name);
    ordered.push({ name, columns: byTable.get(name)! });
  };
  for (const name of [...byTable.keys()].sort()) place(name, new Set());
  return ordered;
}

async function migrationsOf(db: Queryable): Promise<string[]> {
  return (await db.query<{ name: string }>('select name from schema_migrations order by name')).map((r) => r.name);
}

/** Writes the backup to `file` (through `<file>.partial`, renamed once complete). */
export async function backup(db: Database, file: string): Promise<BackupSummary> {
  const partial = `${file}.partial`;
  // Personal data and token hashes: readable by this user only.
  const out = createWriteStream(partial, { mode: 0o600 });
  const write = async (line: string) => {
    if (!out.write(line + '\n')) await once(out, 'drain');
  };
  try {
    const summary = await db.transaction(async (tx) => {
      await tx.query('set transaction isolation level repeatable read, read only');
      const tables = await tablesOf(tx);
      const migrations = await migrationsOf(tx);
      const header: BackupHeader = { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: new Date().toISOString(), db: db.kind, migrations, tables };
      await write(JSON.stringify(header));
      const rows: Record<string, number> = {};
      for (const t of tables) {
        // jsonb's text never holds a raw line break, so one row stays one line.
        const found = await tx.query<{ j: string }>(`select to_jsonb(t)::text as j from ${ident(t.name)} t`);
        for (const r of found) await write(`${t.name}\t${r.j}`);
        rows[t.name] = found.length;
      }
      await write(JSON.stringify({ end: true, rows } satisfies BackupTrailer));
      return { rows, migrations: migrations.length };
    });
    out.end();
    await once(out, 'finish');
    await rename(partial, file);
    return summary;
  } catch (e) {
    out.destroy();
    await rm(partial, { force: true });
    throw e;
  }
}

function parseHeader(line: string | undefined): BackupHeader {
  let header: unknown;
  try {
    header = line === undefined ? undefined : JSON.parse(line);
  } catch {
    header = undefined;
  }
  const h = header as Partial<BackupHeader> | undefined;
  if (!h || h.format !== BACKUP_FORMAT || !Array.isArray(h.tables) || !Array.isArray(h.migrations)) throw new Error('this file is not a backup made by `npm run admin -- backup`');
  if (h.version !== BACKUP_VERSION) throw new Error(`this backup has format version ${String(h.version)}; this app reads version ${BACKUP_VERSION}`);
  return h as BackupHeader;
}

/** Refuses a backup whose schema is not this database's: its rows would not mean the same. */
function checkSchema(header: BackupHeader, migrations: string[], tables: TableInfo[]): void {
  const mine = new Set(migrations);
  const theirs = new Set(header.migrations);
  const missing = header.migrations.filter((m) => !mine.has(m));
  const extra = migrations.filter((m) => !theirs.has(m));
  if (missing.length || extra.length) {
    throw new Error(
      `this backup was made by another version of the app (migrations only in the backup: ${missing.join(', ') || 'none'}; only here: ${extra.join(', ') || 'none'}); restore it with the version that made it, then upgrade`,
    );
  }
  const columns = new Map(tables.map((t) => [t.name, new Set(t.columns)]));
  for (const t of header.tables) {
    const here = columns.get(t.name);
    if (!here || t.columns.some((c) => !here.has(c))) throw new Error(`the backup's table ${t.name} does not match this database`);
  }
}

/**
 * Replaces every row of the database with the backup's, in one transaction, and starts a new epoch.
 * Run it on a migrated database (the same migrations as the backup's). Triggers are held off while
 * the rows go in: the rows they would derive are in the backup already.
 */
export async function restore(db: Database, file: string): Promise<RestoreSummary> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })[Symbol.asyncIterator]();
  try {
    const header = parseHeader((await lines.next()).value as string | undefined);
    return await db.transaction(async (tx) => {
      const tables = await tablesOf(tx);
      checkSchema(header, await migrationsOf(tx), tables);
      // As JSON text from the database and back, so no timestamp loses its microseconds on the way.
      const live = (
        await tx.query<{ j: string }>(
          `select coalesce(json_agg(d)::text, '[]') as j
           from (select id, token_hash, previous_token_hash, token_issued_at, token_used, last_seen_at, revoked_at from devices) d`,
        )
      )[0]!.j;
      for (const t of tables) await tx.query(`alter table ${ident(t.name)} disable trigger user`);
      await tx.query(`truncate table ${tables.map((t) => ident(t.name)).join(', ')}`);

      const declared = new Map(header.tables.map((t) => [t.name, t]));
      const rows: Record<string, number> = Object.fromEntries(header.tables.map((t) => [t.name, 0]));
      let batch: { table: TableInfo; rows: string[] } | undefined;
      const flush = async () => {
        if (!batch?.rows.length) return;
        const cols = batch.table.columns.map(ident).join(', ');
        await tx.query(`insert into ${ident(batch.table.name)} (${cols}) select ${cols} from json_populate_recordset(null::${ident(batch.table.name)}, $1::json)`, [
          `[${batch.rows.join(',')}]`,
        ]);
        rows[batch.table.name]! += batch.rows.length;
        batch.rows = [];
      };
      let trailer: BackupTrailer | undefined;
      for (;;) {
        const next = await lines.next();
        if (next.done) break;
        const line = next.value as string;
        if (line.startsWith('{')) {
          trailer = JSON.parse(line) as BackupTrailer;
          break;
        }
        const tab = line.indexOf('\t');
        const table = declared.get(line.slice(0, tab));
        if (tab < 0 || !table) throw new Error('the backup holds a line that is not a row of its tables');
        if (batch?.table !== table) {
          await flush();
          batch = { table, rows: [] };
        }
        batch.rows.push(line.slice(tab + 1));
        if (batch.rows.length >= BATCH_ROWS) await flush();
      }
      await flush();
      if (!trailer?.end || header.tables.some((t) => trailer!.rows[t.name] !== rows[t.name])) {
        throw new Error('the backup file is incomplete (cut short or edited); nothing was restored');
      }
      for (const t of tables) await tx.query(`alter table ${ident(t.name)} enable trigger user`);
      await resetSequences(tx, tables);

      // Who may sign in is today's answer, not the backup's: a phone revoked or a token renewed
      // since then stays so. Devices enrolled after the backup join again.
      await tx.query(
        `update devices d set token_hash = l.token_hash, previous_token_hash = l.previous_token_hash,
           token_issued_at = l.token_issued_at, token_used = l.token_used,
           last_seen_at = greatest(d.last_seen_at, l.last_seen_at), revoked_at = coalesce(l.revoked_at, d.revoked_at)
         from json_populate_recordset(null::devices, $1::json) l where d.id = l.id`,
        [live],
      );
      const epoch = randomUUID();
      await tx.query(`insert into server_meta (key, value) values ('epoch', $1) on conflict (key) do update set value = excluded.value`, [epoch]);
      return { rows, migrations: header.migrations.length, epoch };
    });
  } finally {
    await lines.return?.();
  }
}

/** Identity and serial columns go on after the largest value restored. */
async function resetSequences(db: Queryable, tables: TableInfo[]): Promise<void> {
  for (const t of tables) {
    for (const c of t.columns) {
      const seq = (await db.query<{ s: string | null }>('select pg_get_serial_sequence($1, $2) as s', [ident(t.name), c]))[0]?.s;
      if (!seq) continue;
      await db.query(`select setval($1, coalesce((select max(${ident(c)}) from ${ident(t.name)}), 1), (select count(*) > 0 from ${ident(t.name)}))`, [seq]);
    }
  }
}
