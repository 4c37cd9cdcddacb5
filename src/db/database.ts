import { Dexie, type Table } from 'dexie';
import type {
  ChecklistStepRow,
  DraftRow,
  HouseholdRow,
  MemberRow,
  MetaRow,
  NeighborhoodRow,
  OutboxRow,
  SessionRow,
  UserRow,
  VisitRow,
} from './rows';
import { DB_NAMES, STORAGE_KEYS } from '../storageKeys';
import { setReopen } from './errors';
import { changeTokenMiddleware } from './changeToken';
import { sealMiddleware } from './seal';

/** The one typed Dexie database. Schema changes only by adding `version(n)`. */
export class AppDB extends Dexie {
  households!: Table<HouseholdRow, string>;
  members!: Table<MemberRow, string>;
  visits!: Table<VisitRow, string>;
  sessions!: Table<SessionRow, string>;
  neighborhoods!: Table<NeighborhoodRow, string>;
  checklistSteps!: Table<ChecklistStepRow, string>;
  outbox!: Table<OutboxRow, number>;
  drafts!: Table<DraftRow, string>;
  meta!: Table<MetaRow, string>;
  users!: Table<UserRow, string>;
  dirtyHouseholds!: Table<{ id: string }, string>;
  guides!: Table<{ id: string; version: number; guide: unknown; publishedSeq: number }, string>;

  /** Demo data lives in its own database and never enters the outbox. */
  readonly isDemo: boolean;

  constructor(name: string, isDemo = false) {
    super(name);
    this.isDemo = isDemo;
    this.use(changeTokenMiddleware);
    this.version(1).stores({
      households: 'id, nameKey, neighborhood, lastVisitDate, followUpDate, syncState',
      members: 'id, householdId, syncState',
      visits: 'id, [householdId+date], date, syncState',
      sessions: 'id, date, syncState',
      neighborhoods: 'id, name',
      checklistSteps: 'id, memberId',
      outbox: '++key, &mid, seq, [entity+id], state',
      drafts: 'key, updatedAt',
      meta: 'key',
      users: 'id',
    });
    // v2: visits by household alone, for recomputing many households after a pull.
    this.version(2).stores({
      visits: 'id, householdId, [householdId+date], date, syncState',
      // Households whose search text or visit summary must be recomputed after a pull.
      dirtyHouseholds: 'id',
    });
    // v3: guides published by the server, newer than the ones shipped with the app.
    this.version(3).stores({
      guides: 'id',
    });
    // v4: only the indexes a query reads. Every index entry is written again with each row a pull
    // stores, so an unread index slows every sync: `syncState` (rows are found by their outbox
    // entries, never by state) and `households.neighborhood` (similar households are matched on
    // folded text) had no reader; visits by household alone are the prefix of
    // `[householdId+date]` (Dexie reads a compound index's prefix as a virtual index; every visit
    // has a date).
    this.version(4).stores({
      households: 'id, nameKey, lastVisitDate, followUpDate',
      members: 'id, householdId',
      visits: 'id, [householdId+date], date',
      sessions: 'id, date',
    });
    // v5: the personal fields are sealed (src/db/seal.ts), the folded head name with them: the
    // list sorts by name in memory, where it searches already.
    this.version(5).stores({
      households: 'id, lastVisitDate, followUpDate',
    });
    // v6: visits lose their `date` index, a third of what IndexedDB writes for each of the 100,000
    // visits a first sync stores. Its one reader, the newest visits of "Today", walks the
    // households' `lastVisitDate` index instead and reads their visits by `[householdId+date]`.
    this.version(6).stores({
      visits: 'id, [householdId+date]',
    });
    if (!isDemo) this.use(sealMiddleware);
  }
}

let active: AppDB | undefined;

function demoModeRequested(): boolean {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEYS.demoMode) === '1';
  } catch {
    return false;
  }
}

/** The database the app works on: the team's, or the demo one while demo mode is on. */
export function db(): AppDB {
  if (!active) {
    const demo = demoModeRequested();
    active = new AppDB(demo ? DB_NAMES.demo : DB_NAMES.main, demo);
  }
  return active;
}

setReopen(async () => {
  const d = db();
  d.close();
  await d.open();
});

/** For tests and for switching demo mode: the next `db()` call opens a fresh instance. */
export function resetDbInstance(): void {
  active?.close();
  active = undefined;
}
