/** What the report indicators read on the device, and the last copy of the commune's report settings. */
import { db, type AppDB } from './database';
import { currentUserId, getMeta, setMeta } from './meta';
import { META_KEYS } from './metaKeys';
import type { ReportData } from '../domain/indicators';
import type { StoredReportSettings } from '../domain/reportSettings';


/**
 * Every synced record the indicators read, in one read transaction so the figures are of one
 * moment. Records made on this phone and not yet sent have no `createdBy` yet: they are this
 * phone's user's, as the server will record them.
 */
export async function loadReportData(database: AppDB = db()): Promise<ReportData> {
  const me = await currentUserId(database);
  return database.transaction('r', [database.households, database.members, database.visits, database.sessions, database.checklistSteps], async () => {
    const [households, members, visits, sessions, checklistSteps] = await Promise.all([
      database.households.toArray(),
      database.members.toArray(),
      database.visits.toArray(),
      database.sessions.toArray(),
      database.checklistSteps.toArray(),
    ]);
    if (me) {
      for (const v of visits) v.createdBy ??= me;
      for (const s of sessions) s.createdBy ??= me;
    }
    return { households, members, visits, sessions, checklistSteps };
  });
}

export function cachedReportSettings(database: AppDB = db()): Promise<StoredReportSettings | undefined> {
  return getMeta<StoredReportSettings>(META_KEYS.reportSettings, database);
}

export function cacheReportSettings(settings: StoredReportSettings, database: AppDB = db()): Promise<void> {
  return setMeta(META_KEYS.reportSettings, settings, database);
}
