/**
 * A token that changes with every write to the records the report indicators count, committed in
 * the same transaction as the write. Figures kept with the token they were counted at are current
 * exactly while the token is unchanged: a local write, a pull, a restore or a wipe all go through
 * this layer, so none of them can leave old figures looking current.
 */
import type { DBCore, DBCoreMutateRequest, DBCoreTransaction, Middleware } from 'dexie';
import { uuidv7 } from '../domain/ids';
import { META_KEYS } from './metaKeys';

/** The tables `loadReportData` reads. */
export const COUNTED_TABLES: ReadonlySet<string> = new Set(['households', 'members', 'visits', 'sessions', 'checklistSteps']);

/**
 * The ids of the counted records written since the dashboard's kept records (db/reportData.ts),
 * by table, so that it reads those rows again and not every row. Past `CHANGES_MAX` ids (a sync's
 * pages, a restore) or a write whose ids are not known, only `overflow` is kept: the next count
 * reads every row, as the first one does, and a pull writes one small value per page.
 */
export interface ReportChanges {
  ids: Record<string, string[]>;
  overflow?: true;
  /**
   * Set by a build of the kept records a chunk at a time (db/reportData.ts) when it starts, and
   * carried by every note after: the build keeps its records only if its mark is still there.
   */
  since?: string;
}

export const CHANGES_MAX = 2000;

function changedIds(req: DBCoreMutateRequest): string[] | undefined {
  if (req.type === 'add' || req.type === 'put') {
    const ids = req.values.map((v) => (v as { id?: unknown } | null)?.id);
    return ids.every((id) => typeof id === 'string') ? (ids as string[]) : undefined;
  }
  return undefined;
}

/** `changes` with `ids` of `table` added (an entry written before this code is read as overflow). */
export function addChanges(changes: unknown, table: string, ids: readonly string[] | undefined): ReportChanges {
  const known = changes as ReportChanges | undefined;
  if (!ids || (known && (known.overflow || typeof known.ids !== 'object'))) return { ids: {}, overflow: true };
  const out: ReportChanges = { ids: { ...known?.ids, [table]: [...new Set([...(known?.ids[table] ?? []), ...ids])] }, ...(known?.since ? { since: known.since } : {}) };
  let total = 0;
  for (const list of Object.values(out.ids)) total += list.length;
  return total > CHANGES_MAX ? { ids: {}, overflow: true } : out;
}

export const changeTokenMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'reportChangeToken',
  create(down) {
    const stamped = new WeakSet<DBCoreTransaction>();
    /** Transactions that already dropped the kept records. */
    const forgotten = new WeakSet<DBCoreTransaction>();
    /** Each transaction's last update of the changed ids: the next one reads what it wrote. */
    const noted = new WeakMap<DBCoreTransaction, Promise<void>>();
    /**
     * Transactions whose notes are known to say `overflow`: no later write of theirs can change
     * that, so they neither read nor write the notes again (a pull's page writes several tables).
     */
    const overflowed = new WeakSet<DBCoreTransaction>();
    return {
      ...down,
      transaction(stores, mode, options) {
        // A write to a counted table also writes the token: its transaction must reach `meta`.
        const widen = mode === 'readwrite' && !stores.includes('meta') && stores.some((s) => COUNTED_TABLES.has(s));
        return down.transaction(widen ? [...stores, 'meta'] : stores, mode, options);
      },
      table(name) {
        const table = down.table(name);
        if (!COUNTED_TABLES.has(name)) return table;
        return {
          ...table,
          mutate(req) {
            const trans = req.trans;
            const abort = () => {
              try {
                trans.abort();
              } catch {
                // Already finished or aborted: the write has failed with its own error.
              }
            };
            const meta = down.table('meta');
            if (!stamped.has(trans)) {
              stamped.add(trans);
              // Queued before the write on the same transaction. Dexie counts a failed request
              // without aborting, so a failed token aborts the write itself: both commit or neither.
              void meta.mutate({ trans, type: 'put', values: [{ key: META_KEYS.reportDataToken, value: uuidv7() }] }).then((res) => (res.numFailures ? abort() : undefined), abort);
            }
            // Rows leaving the phone (a pulled deletion, an erasure, a wipe) must leave no trace in
            // the kept records either: those go with them, and the next count reads every row.
            const removes = req.type === 'delete' || req.type === 'deleteRange';
            if (removes && !forgotten.has(trans)) {
              forgotten.add(trans);
              void meta.mutate({ trans, type: 'delete', keys: [META_KEYS.reportRecords] }).then((res) => (res.numFailures ? abort() : undefined), abort);
            }
            // Read and written again on the same transaction, each after the one before (IndexedDB
            // keeps a transaction open while one of its requests is pending).
            if (overflowed.has(trans)) return table.mutate(req);
            const ids = removes ? undefined : changedIds(req);
            const before = noted.get(trans);
            const read = () => meta.get({ trans, key: META_KEYS.reportChanges });
            // The first read is queued now, beside the write: a transaction with nothing pending commits.
            const note = (before ? before.then(() => (overflowed.has(trans) ? undefined : read())) : read())
              .then((row) => {
                if (overflowed.has(trans)) return;
                const known = (row as { value?: unknown } | undefined)?.value;
                const next = addChanges(known, name, ids);
                if (!next.overflow) return meta.mutate({ trans, type: 'put', values: [{ key: META_KEYS.reportChanges, value: next }] });
                overflowed.add(trans);
                // Stored as overflow already (every write after a sync's first pages): nothing to write.
                if ((known as ReportChanges | undefined)?.overflow === true) return;
                return meta.mutate({ trans, type: 'put', values: [{ key: META_KEYS.reportChanges, value: next }] });
              })
              .then((res) => (res?.numFailures ? abort() : undefined), abort);
            noted.set(trans, note);
            return table.mutate(req);
          },
        };
      },
    };
  },
};
