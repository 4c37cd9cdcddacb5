/**
 * A head's phone builds the dashboard's kept records in its quiet moments when there are none
 * (after the first sync, a large pull, or a pulled deletion or erasure, which drops them): then
 * opening the dashboard counts from them instead of reading every row (seconds with 100,000
 * visits). Started after a sync and after the unlock; one build at a time, in idle callbacks, and
 * never while the dashboard is open (it keeps its own records after its count). The figures the
 * dashboard opens on are counted from the same records, a pass per idle moment, and kept with them
 * when nothing was written meanwhile: the dashboard then shows them without counting.
 */
import { whenIdle } from '../../modules/afterPaint';
import { useLockStore } from '../lock/store';
import { useMembershipStore } from '../team/store';

/** At most this long between two chunks when the phone is never idle. */
const CHUNK_WAIT_MS = 2000;

let running: Promise<boolean> | undefined;
let holds = 0;

/** The dashboard is open: no build starts or goes on until the returned release is called. */
export function holdReportBuild(): () => void {
  holds++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holds--;
  };
}

/**
 * Starts a build unless one runs, the dashboard is open, the phone is locked or its user is not a
 * head. Resolves with whether records were kept.
 */
export function scheduleReportBuild(): Promise<boolean> {
  const wanted = () => holds === 0 && !useLockStore().locked && useMembershipStore().membership?.user.role === 'head';
  if (running || !wanted()) return running ?? Promise.resolve(false);
  running = (async () => {
    const [{ buildReportData }, { countOpeningFigures }] = await Promise.all([import('../../db/reportData'), import('./teamCounts')]);
    return buildReportData({ pause: () => whenIdle(CHUNK_WAIT_MS), wanted, count: countOpeningFigures });
  })()
    .catch(() => false)
    .finally(() => (running = undefined));
  return running;
}
