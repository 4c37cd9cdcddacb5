/**
 * A token that changes with every write to the records the report indicators count, committed in
 * the same transaction as the write. Figures kept with the token they were counted at are current
 * exactly while the token is unchanged: a local write, a pull, a restore or a wipe all go through
 * this layer, so none of them can leave old figures looking current.
 */
import type { DBCore, DBCoreTransaction, Middleware } from 'dexie';
import { uuidv7 } from '../domain/ids';
import { META_KEYS } from './metaKeys';

/** The tables `loadReportData` reads. */
export const COUNTED_TABLES: ReadonlySet<string> = new Set(['households', 'members', 'visits', 'sessions', 'checklistSteps']);

export const changeTokenMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'reportChangeToken',
  create(down) {
    const stamped = new WeakSet<DBCoreTransaction>();
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
            if (!stamped.has(req.trans)) {
              stamped.add(req.trans);
              // Queued before the write on the same transaction. Dexie counts a failed request
              // without aborting, so a failed token aborts the write itself: both commit or neither.
              const trans = req.trans;
              const abort = () => {
                try {
                  trans.abort();
                } catch {
                  // Already finished or aborted: the write has failed with its own error.
                }
              };
              void down
                .table('meta')
                .mutate({ trans, type: 'put', values: [{ key: META_KEYS.reportDataToken, value: uuidv7() }] })
                .then((res) => (res.numFailures ? abort() : undefined), abort);
            }
            return table.mutate(req);
          },
        };
      },
    };
  },
};
