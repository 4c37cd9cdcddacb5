/**
 * The benchmark's seeding page. It writes the demo generator's rows into the app's MAIN database
 * with the app's own code (AppDB, generateDemoData, seedDatabase, refreshHousehold), so that row
 * shapes, indexes and derived fields are exactly what the app reads.
 *
 * Query parameters (all optional):
 *   households=10000 membersPerHousehold=3 visits=100000 sessions=200 seed=20260101 synced=true
 *   today=YYYY-MM-DD  twenty=20 (how many households must have exactly 20 visits)  chunkSize=2000
 *   pin=1 (0: no app-lock PIN, the rows stay in the clear)
 *
 * When done: `document.body.dataset.done = 'true'` and `window.__seedResult`; on failure
 * `document.body.dataset.error` and `window.__seedError`.
 */
import { Dexie } from 'dexie';
import { AppDB } from '../../../src/db/database';
import { DB_NAMES } from '../../../src/storageKeys';
import { generateDemoData, seedDatabase, type DemoData } from '../../../src/features/demo/generate';
import { refreshHousehold } from '../../../src/db/derived';
import { addDays, localToday } from '../../../src/domain/dates';
import { OPEN_OUTCOMES, type Outcome, type Topic } from '../../../src/domain/vocab';
import type { HouseholdRow, VisitRow } from '../../../src/db/rows';
import { mulberry32 } from '../../../src/domain/random';
import { setPin } from '../../../src/lock/vault';
import { STORAGE_KEYS } from '../../../src/storageKeys';
import { BENCH_PIN } from '../pin';

export interface SeedTarget {
  id: string;
  headName: string;
  address: string;
  neighborhood: string;
  phone?: string;
  visits: number;
}

export interface SeedResult {
  params: Record<string, string | number | boolean>;
  ms: { generate: number; write: number; topUp: number; total: number };
  counts: Record<string, number>;
  /** Households with exactly 20 visits, for "open a household" measurements. */
  twentyVisitHouseholds: SeedTarget[];
  /** How many of them needed extra visits (the generator's distribution is random). */
  toppedUp: number;
  extraVisits: number;
  storageUsageBytes?: number;
}

declare global {
  interface Window {
    __seedResult?: SeedResult;
    __seedError?: string;
  }
}

const TARGET_VISITS = 20;

function num(params: URLSearchParams, key: string, fallback: number): number {
  const v = params.get(key);
  const n = v === null ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

const TOPICS: readonly Topic[] = ['vneid', 'onlineService', 'feePayment', 'paymentAccount', 'eHealth', 'digitalSkills', 'scamAwareness'];
const OUTCOMES: readonly Outcome[] = ['done', 'done', 'done', 'partial', 'followUp', 'notHome'];
const NOTES = ['Đã hướng dẫn cài đặt VNeID trên điện thoại.', 'Hẹn quay lại khi có con trai ở nhà.', 'Mạng yếu, làm được một nửa.'];

/**
 * Picks `wanted` households that end up with exactly 20 visits: first those the generator already
 * gave 20, then the ones closest below 20, which get the missing visits (same row shape as the
 * generator's, ids from crypto.randomUUID()).
 */
function planTopUp(data: DemoData, wanted: number): { ids: string[]; extra: Map<string, number> } {
  const counts = new Map<string, number>();
  for (const h of data.households) counts.set(h.id, 0);
  for (const v of data.visits) counts.set(v.householdId, (counts.get(v.householdId) ?? 0) + 1);
  const exact = data.households.filter((h) => counts.get(h.id) === TARGET_VISITS).map((h) => h.id);
  const ids = exact.slice(0, wanted);
  const extra = new Map<string, number>();
  if (ids.length < wanted) {
    const below = data.households
      .map((h, i) => ({ id: h.id, n: counts.get(h.id) ?? 0, i }))
      .filter((x) => x.n < TARGET_VISITS)
      .sort((a, b) => b.n - a.n || a.i - b.i);
    for (const x of below) {
      if (ids.length >= wanted) break;
      ids.push(x.id);
      extra.set(x.id, TARGET_VISITS - x.n);
    }
  }
  return { ids, extra };
}

function extraVisits(data: DemoData, extra: Map<string, number>, today: string, synced: boolean, seed: number): VisitRow[] {
  const rnd = mulberry32(seed ^ 0x5eed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const membersOf = new Map<string, string[]>();
  for (const m of data.members) {
    const list = membersOf.get(m.householdId);
    if (list) list.push(m.id);
    else membersOf.set(m.householdId, [m.id]);
  }
  const rows: VisitRow[] = [];
  for (const [householdId, n] of extra) {
    for (let k = 0; k < n; k++) {
      const ago = int(0, 119);
      const date = addDays(today, -ago);
      const outcome = pick(OUTCOMES);
      const v: VisitRow = {
        id: crypto.randomUUID(),
        version: synced ? 1 : 0,
        deleted: 0,
        syncState: 'synced',
        localUpdatedAt: `${date}T0${int(1, 9)}:${String(int(10, 59))}:${String(int(10, 59))}.000Z`,
        householdId,
        date,
        topics: [pick(TOPICS)],
        outcome,
      };
      const memberIds = membersOf.get(householdId) ?? [];
      if (outcome !== 'notHome' && memberIds.length > 0) v.memberIds = [pick(memberIds)];
      v.durationMinutes = outcome === 'notHome' ? int(10, 15) : int(2, 18) * 5;
      if (OPEN_OUTCOMES.includes(outcome) && rnd() < 0.55 && ago > 3) v.followUpDate = addDays(today, -ago + int(3, 30));
      if (rnd() < 0.3) v.notes = pick(NOTES);
      rows.push(v);
    }
  }
  return rows;
}

async function run(): Promise<SeedResult> {
  const params = new URLSearchParams(location.search);
  const sizes = {
    households: num(params, 'households', 10_000),
    membersPerHousehold: num(params, 'membersPerHousehold', 3),
    visits: num(params, 'visits', 100_000),
    sessions: num(params, 'sessions', 200),
  };
  const seed = num(params, 'seed', 20260101);
  const synced = params.get('synced') !== 'false';
  const today = params.get('today') || localToday();
  const wanted = num(params, 'twenty', 20);
  const chunkSize = num(params, 'chunkSize', 2000) || 2000;

  const t0 = performance.now();
  // Always start from an empty main database.
  await Dexie.delete(DB_NAMES.main);
  const data = generateDemoData(sizes, { seed, synced, today });
  const { ids, extra } = planTopUp(data, wanted);
  const added = extraVisits(data, extra, today, synced, seed);
  const t1 = performance.now();

  const database = new AppDB(DB_NAMES.main);
  // The app lock's PIN first, as on a team's phone: every row below is written sealed.
  if (params.get('pin') !== '0') {
    await setPin(BENCH_PIN, database);
    localStorage.setItem(STORAGE_KEYS.pinSet, '1');
  }
  await seedDatabase(database, data, { chunkSize });
  const t2 = performance.now();

  if (added.length) {
    await database.transaction('rw', [database.households, database.members, database.visits], async () => {
      await database.visits.bulkPut(added);
      for (const id of extra.keys()) await refreshHousehold(database, id);
    });
  }
  const t3 = performance.now();

  const targets: SeedTarget[] = [];
  for (const id of ids) {
    const h = (await database.households.get(id)) as HouseholdRow;
    const visits = await database.visits
      .where('[householdId+date]')
      .between([id, ''], [id, '\uffff'])
      .filter((v) => !v.deleted)
      .count();
    const target: SeedTarget = { id, headName: h.headName, address: h.address, neighborhood: h.neighborhood, visits };
    if (h.phone) target.phone = h.phone;
    targets.push(target);
  }

  const counts: Record<string, number> = {
    households: await database.households.count(),
    members: await database.members.count(),
    visits: await database.visits.count(),
    sessions: await database.sessions.count(),
    neighborhoods: await database.neighborhoods.count(),
    users: await database.users.count(),
    outbox: await database.outbox.count(),
  };
  database.close();
  const estimate = await navigator.storage?.estimate?.().catch(() => undefined);

  const result: SeedResult = {
    params: { ...sizes, seed, synced, today, twenty: wanted, chunkSize },
    ms: { generate: t1 - t0, write: t2 - t1, topUp: t3 - t2, total: t3 - t0 },
    counts,
    twentyVisitHouseholds: targets,
    toppedUp: extra.size,
    extraVisits: added.length,
  };
  if (estimate?.usage !== undefined) result.storageUsageBytes = estimate.usage;
  return result;
}

const status = document.getElementById('status');
run().then(
  (result) => {
    window.__seedResult = result;
    if (status) status.textContent = `done in ${Math.round(result.ms.total)} ms`;
    document.body.dataset.done = 'true';
  },
  (e: unknown) => {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    window.__seedError = message;
    if (status) status.textContent = `failed: ${message}`;
    document.body.dataset.error = message;
  },
);
