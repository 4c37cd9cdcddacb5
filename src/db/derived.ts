/** Local, derived fields kept on rows so lists, search and "Today" need no joins. */
import type { AppDB } from './database';
import type { HouseholdRow, MemberRow, VisitRow } from './rows';
import { foldForSearch, personSortKey } from '../domain/text';
import { OPEN_OUTCOMES } from '../domain/vocab';

export function householdSearchText(h: Pick<HouseholdRow, 'headName' | 'address' | 'neighborhood' | 'phone'>, memberNames: string[]): string {
  return foldForSearch([h.headName, h.address, h.neighborhood, h.phone ?? '', ...memberNames].join(' '));
}

/** What of a visit decides its household's summary. */
export type VisitSummaryFields = Pick<VisitRow, 'deleted' | 'date' | 'localUpdatedAt' | 'outcome' | 'followUpDate'>;

/** The newest visit decides whether the household still waits for another one. */
export function followUpFrom(visits: VisitSummaryFields[]): { lastVisitDate: string; followUpDate: string } {
  let latest: VisitSummaryFields | undefined;
  for (const v of visits) {
    if (v.deleted) continue;
    if (!latest || v.date > latest.date || (v.date === latest.date && v.localUpdatedAt > latest.localUpdatedAt)) latest = v;
  }
  if (!latest) return { lastVisitDate: '', followUpDate: '' };
  const followUpDate = latest.followUpDate ?? (OPEN_OUTCOMES.includes(latest.outcome) ? latest.date : '');
  return { lastVisitDate: latest.date, followUpDate };
}

export function withHouseholdKeys<H extends Omit<HouseholdRow, 'searchText' | 'nameKey' | 'lastVisitDate' | 'followUpDate'> & Partial<HouseholdRow>>(
  h: H,
  memberNames: string[],
): HouseholdRow {
  return {
    lastVisitDate: '',
    followUpDate: '',
    ...h,
    searchText: householdSearchText(h, memberNames),
    nameKey: personSortKey(h.headName),
  } as HouseholdRow;
}

/** Recomputes a household's search text and visit summary. Call inside a transaction. */
export async function refreshHousehold(database: AppDB, householdId: string): Promise<void> {
  const h = await database.households.get(householdId);
  if (!h) return;
  const [members, visits] = await Promise.all([
    database.members.where('householdId').equals(householdId).toArray(),
    database.visits.where('[householdId+date]').between([householdId, ''], [householdId, '\uffff']).toArray(),
  ]);
  const names = members.filter((m: MemberRow) => !m.deleted).map((m) => m.fullName);
  const summary = followUpFrom(visits);
  await database.households.put({ ...withHouseholdKeys(h, names), ...summary });
}
