/**
 * The summaries a pull leaves to be recomputed: search text (with the members' names), last visit
 * and follow-up date of each household marked in `dirtyHouseholds` (see applyPullPage), or of
 * every household while the table holds `ALL_HOUSEHOLDS`.
 */
import { Dexie } from 'dexie';
import { db, type AppDB } from '../db/database';
import type { HouseholdRow } from '../db/rows';
import type { SyncedRow } from '../db/tables';
import { followUpFrom, householdSearchText, type VisitSummaryFields } from '../db/derived';
import { presealRows } from '../db/seal';

type VisitFacts = VisitSummaryFields & { householdId: string };

/**
 * The mark that stands for every household on the device. A pull into an empty households table
 * writes it once, in its first transaction that would mark any household, instead of a mark per
 * household (about a tenth of the rows a first sync writes): every household on the device is
 * then one the pull stored or one the person created meanwhile, so "all of them" covers every
 * household the pull touched. Like the marks, it is committed with the rows that made it needed
 * and removed only by the transaction that refreshes the last household, so a sync interrupted
 * anywhere (mid-pull, mid-refresh) still refreshes every household on the next one. No household
 * id is `*` (ids are UUIDs).
 */
export const ALL_HOUSEHOLDS = '*';

/**
 * What a pull into empty member and visit tables wrote of them, kept as it commits: every member
 * and visit on the device then came from this pull, so the households' summaries are computed
 * from here at its end instead of reading 130,000 rows back (most of the refresh after a first
 * sync). Only the fields the summaries read are kept. A person's own writes to members or visits
 * meanwhile make it incomplete: `refreshDirtyHouseholds` sees them in the outbox and reads the
 * tables instead.
 */
export class PulledSummaries {
  private readonly members = new Map<string, { householdId: string; fullName: string }>();
  private readonly visits = new Map<string, VisitFacts>();
  /**
   * The households as the pull stored them: their summaries are sealed ahead from these, and a
   * household stored otherwise since is simply sealed at its write (never written from here).
   */
  private readonly households = new Map<string, SyncedRow>();

  /** A row the pull stored (a record pulled twice keeps its last value). */
  stored(entity: 'household' | 'member' | 'visit', row: SyncedRow): void {
    if (entity === 'household') {
      if (row.deleted) this.households.delete(row.id);
      else this.households.set(row.id, row);
      return;
    }
    if (typeof row.householdId !== 'string') return this.removed(entity, row.id);
    if (entity === 'member') {
      if (row.deleted) this.members.delete(row.id);
      else this.members.set(row.id, { householdId: row.householdId, fullName: row.fullName as string });
      return;
    }
    this.visits.set(row.id, {
      householdId: row.householdId,
      deleted: row.deleted,
      date: row.date as string,
      localUpdatedAt: row.localUpdatedAt,
      outcome: row.outcome as VisitFacts['outcome'],
      followUpDate: row.followUpDate as VisitFacts['followUpDate'],
    });
  }

  removed(entity: 'household' | 'member' | 'visit', id: string): void {
    if (entity === 'household') this.households.delete(id);
    else if (entity === 'member') this.members.delete(id);
    else this.visits.delete(id);
  }

  household(id: string): SyncedRow | undefined {
    return this.households.get(id);
  }

  /** How many households the pull stored (and holds still). */
  get householdCount(): number {
    return this.households.size;
  }

  /** A copy, to lay a page on that is not written yet (see `summarizedHouseholds`). */
  copy(): PulledSummaries {
    const out = new PulledSummaries();
    for (const [id, m] of this.members) out.members.set(id, m);
    for (const [id, v] of this.visits) out.visits.set(id, v);
    for (const [id, h] of this.households) out.households.set(id, h);
    return out;
  }

  /** Every household the pull stored, with its summary computed from what the pull stored. */
  summarizedHouseholds(): SyncedRow[] {
    const { names, visits } = this.byHousehold();
    return [...this.households.values()].map((h) => summarized(h as SyncedRow & HouseholdRow, names, visits));
  }

  /** Each household's member names and visits, as the tables hold them. */
  byHousehold(): { names: Map<string, string[]>; visits: Map<string, VisitFacts[]> } {
    const names = new Map<string, string[]>();
    for (const m of this.members.values()) push(names, m.householdId, m.fullName);
    const visits = new Map<string, VisitFacts[]>();
    for (const v of this.visits.values()) push(visits, v.householdId, v);
    return { names, visits };
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The household with its summary: search text with its members' names, last visit, follow-up. */
function summarized<T extends Pick<HouseholdRow, 'id' | 'headName' | 'address' | 'neighborhood' | 'phone'>>(
  h: T,
  names: Map<string, string[]>,
  visits: Map<string, VisitSummaryFields[]>,
): T {
  return { ...h, searchText: householdSearchText(h, names.get(h.id) ?? []), ...followUpFrom(visits.get(h.id) ?? []) };
}

/**
 * Recomputes search text and visit summaries of the households a pull touched. With `pulled`
 * (a pull into empty member and visit tables), names and visits come from it rather than from
 * the tables, unless the person wrote members or visits meanwhile.
 */
/**
 * Households refreshed per transaction: a longer one would keep the list, which reads households,
 * waiting for as long.
 */
export const REFRESH_CHUNK = 2000;

export async function refreshDirtyHouseholds(database: AppDB = db(), chunkSize = REFRESH_CHUNK, pulled?: PulledSummaries): Promise<number> {
  // Both asked at once: most syncs find no mark, and the count is a cheap read besides.
  const [marked, households] = (await Promise.all([database.dirtyHouseholds.toCollection().primaryKeys(), database.households.count()])) as [string[], number];
  if (marked.length === 0) return 0;
  // Every household (ALL_HOUSEHOLDS): the marks of single households are refreshed with them.
  const all = marked.includes(ALL_HOUSEHOLDS);
  const ids = all ? ((await database.households.toCollection().primaryKeys()) as string[]) : marked;
  if (ids.length === 0) {
    await database.dirtyHouseholds.clear();
    return 0;
  }
  const CHUNK = chunkSize;
  // After a first sync nearly every household is dirty: reading each chunk as one key range (the
  // ids come sorted) is far quicker than looking 2,000 keys up one by one, and reads little extra.
  const dense = all || ids.length * 2 >= households;
  // …and when one chunk holds them all, reading the tables straight through is quicker still (an
  // index range fetches every row through the index).
  const whole = dense && ids.length <= CHUNK;
  const fromPull = pulled?.byHousehold();
  let refreshed = 0;
  // Sealed ahead from the rows the pull stored, a chunk ahead of its transaction (the next one's
  // while this one is written); the transaction still reads and computes each household, and takes
  // a blob only where its text is the same.
  const sealAhead = (chunk: string[]): Promise<void> => {
    if (!fromPull || !pulled) return Promise.resolve();
    const rows = chunk.map((id) => pulled.household(id)).filter((h): h is SyncedRow => !!h);
    return presealRows(
      database.households.name,
      rows.map((h) => summarized(h as SyncedRow & HouseholdRow, fromPull.names, fromPull.visits)),
    ).catch((e: unknown) => console.warn('sealing summaries ahead failed', e));
  };
  let sealing = sealAhead(ids.slice(0, CHUNK));
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const last = i + CHUNK >= ids.length;
    const [lo, hi] = [chunk[0]!, chunk[chunk.length - 1]!];
    await sealing;
    sealing = sealAhead(ids.slice(i + CHUNK, i + 2 * CHUNK));
    await database.transaction('rw', [database.households, database.members, database.visits, database.dirtyHouseholds, database.outbox], async () => {
      // The marks in this key range, read again inside the transaction: removed below as one range,
      // every one of them is refreshed here. For every household, every household in the range is,
      // and the marks (ALL_HOUSEHOLDS with them) go with the last chunk: until it commits, the next
      // refresh does them all again.
      const marks = database.dirtyHouseholds.where(':id').between(lo, hi, true, true);
      const removeMarks = (): Promise<unknown> => (all ? (last ? database.dirtyHouseholds.clear() : Promise.resolve()) : marks.delete());
      // With the pull's own summaries, the reads it may need are asked for with the marks, not
      // after them (each wait is a round trip through the page's thread): whether a person wrote
      // members or visits meanwhile, and, for a chunk read as a key range, its households.
      const [keys, local, range] = await Promise.all([
        all ? Promise.resolve(undefined) : (marks.primaryKeys() as Promise<string[]>),
        fromPull ? localMemberOrVisitWrites(database) : Promise.resolve(true),
        fromPull && dense ? database.households.where(':id').between(lo, hi, true, true).toArray() : Promise.resolve(undefined),
      ]);
      const wanted = keys ? new Set(keys) : undefined;
      const pick = (rows: HouseholdRow[]) => (wanted ? rows.filter((h) => wanted.has(h.id)) : rows);
      // Checked in the transaction a person's write to a member or visit would need too.
      if (fromPull && !local) {
        const households = range ? pick(range) : await database.households.bulkGet(keys!);
        refreshed += keys ? keys.length : households.length;
        await Promise.all([
          database.households.bulkPut(households.filter((h): h is HouseholdRow => !!h).map((h) => summarized(h, fromPull.names, fromPull.visits))),
          removeMarks(),
        ]);
        return;
      }
      const [households, members, visits] = await Promise.all(
        whole
          ? [database.households.toArray().then(pick), database.members.toArray(), database.visits.toArray()]
          : dense
          ? [
              database.households.where(':id').between(lo, hi, true, true).toArray().then(pick),
              database.members.where('householdId').between(lo, hi, true, true).toArray(),
              database.visits.where('householdId').between(lo, hi, true, true).toArray(),
            ]
          : [
              database.households.bulkGet(keys!),
              database.members.where('householdId').anyOf(keys!).toArray(),
              database.visits.where('householdId').anyOf(keys!).toArray(),
            ],
      );
      refreshed += keys ? keys.length : households.length;
      const names = new Map<string, string[]>();
      for (const m of members) {
        if (m.deleted) continue;
        const list = names.get(m.householdId);
        if (list) list.push(m.fullName);
        else names.set(m.householdId, [m.fullName]);
      }
      const visitsBy = new Map<string, typeof visits>();
      for (const v of visits) {
        const list = visitsBy.get(v.householdId);
        if (list) list.push(v);
        else visitsBy.set(v.householdId, [v]);
      }
      const updated: HouseholdRow[] = [];
      for (const h of households) {
        if (!h) continue;
        updated.push({ ...h, searchText: householdSearchText(h, names.get(h.id) ?? []), ...followUpFrom(visitsBy.get(h.id) ?? []) });
      }
      await database.households.bulkPut(updated);
      await removeMarks();
    });
  }
  return refreshed;
}

async function localMemberOrVisitWrites(database: AppDB): Promise<boolean> {
  const counts = await Promise.all(
    ['member', 'visit'].map((entity) => database.outbox.where('[entity+id]').between([entity, Dexie.minKey], [entity, Dexie.maxKey]).count()),
  );
  return counts.some((n) => n > 0);
}
