/**
 * The report indicators of ../shared/spec/indicators.md, computed the same way on the device and
 * on the server: pure functions over plain records, so both sides give the same integers for the
 * same team, period and data.
 */
import { isCalendarDate } from './dates';
import { foldForSearch } from './text';
import { RESULT_KEYS, type ResultKey } from './vocab';

export const BASE_INDICATOR_KEYS = [
  'householdsRegistered',
  'householdsReachedInPeriod',
  'householdsEverReached',
  'visits',
  'visitsDone',
  'peopleHelped',
  'sessions',
  'sessionAttendees',
  'activeUsers',
  'adults',
  'adultsVneidLevel2',
  'adultsWithSmartphone',
  'adultsUsingOnlineServices',
  'aged15Plus',
  'aged15PlusWithPaymentAccount',
  'vneidLevel1Activations',
  'vneidLevel2Activations',
  'documentsIntegrated',
  'followUpsOpen',
  'followUpsOverdue',
] as const;

export type ResultIndicatorKey = `results.${ResultKey}`;
export type IndicatorKey = (typeof BASE_INDICATOR_KEYS)[number] | ResultIndicatorKey;

export const RESULT_INDICATOR_KEYS: readonly ResultIndicatorKey[] = RESULT_KEYS.map((k) => `results.${k}` as const);
export const INDICATOR_KEYS: readonly IndicatorKey[] = [...BASE_INDICATOR_KEYS, ...RESULT_INDICATOR_KEYS];

/** Keys that are not about households, left out of the per-neighborhood grouping. */
const TEAM_ONLY_KEYS: ReadonlySet<IndicatorKey> = new Set(['sessions', 'sessionAttendees', 'activeUsers']);
export const NEIGHBORHOOD_INDICATOR_KEYS: readonly IndicatorKey[] = INDICATOR_KEYS.filter((k) => !TEAM_ONLY_KEYS.has(k));

/** Indicators measured at `to` (the others count events inside the period). */
export const STATE_INDICATOR_KEYS: ReadonlySet<IndicatorKey> = new Set([
  'householdsRegistered',
  'householdsEverReached',
  'adults',
  'adultsVneidLevel2',
  'adultsWithSmartphone',
  'adultsUsingOnlineServices',
  'aged15Plus',
  'aged15PlusWithPaymentAccount',
  'followUpsOpen',
  'followUpsOverdue',
]);

/** The indicators shown also as a rate, with their denominator (coverage = ever reached ÷ registered). */
export const RATE_DENOMINATOR: Partial<Record<IndicatorKey, IndicatorKey>> = {
  householdsEverReached: 'householdsRegistered',
  adultsVneidLevel2: 'adults',
  adultsWithSmartphone: 'adults',
  adultsUsingOnlineServices: 'adults',
  aged15PlusWithPaymentAccount: 'aged15Plus',
  visitsDone: 'visits',
  followUpsOverdue: 'followUpsOpen',
};

export function isIndicatorKey(value: string): value is IndicatorKey {
  return (INDICATOR_KEYS as readonly string[]).includes(value);
}

export type Indicators = Record<IndicatorKey, number>;

export function emptyIndicators(): Indicators {
  return Object.fromEntries(INDICATOR_KEYS.map((k) => [k, 0])) as Indicators;
}

/** Sums indicator sets key by key (teams never share people, so distinct counts add up too). */
export function sumIndicators(sets: readonly Indicators[]): Indicators {
  const out = emptyIndicators();
  for (const s of sets) for (const k of INDICATOR_KEYS) out[k] += s[k];
  return out;
}

// ---------------------------------------------------------------- records (the fields read)

/** `deleted` is a boolean on the server and 0/1 on the device. */
type Deleted = { deleted?: boolean | 0 | 1 };
type Results = Partial<Record<ResultKey, number>>;

export interface ReportHousehold extends Deleted {
  id: string;
  neighborhood: string;
  consent: { recordedAt: string; purposes: readonly string[]; withdrawnAt?: string };
}

export interface ReportMember extends Deleted {
  id: string;
  householdId: string;
  birthYear: number;
  hasSmartphone?: boolean;
  usesOnlineServices?: boolean;
  hasPaymentAccount?: boolean;
  vneidLevel?: number;
  vneidLevelSince?: string;
}

export interface ReportVisit extends Deleted {
  id: string;
  householdId: string;
  date: string;
  outcome: string;
  memberIds?: readonly string[];
  followUpDate?: string;
  results?: Results;
  createdBy?: string;
}

export interface ReportSession extends Deleted {
  id: string;
  date: string;
  attendees: number;
  results?: Results;
  createdBy?: string;
}

export interface ReportChecklistStep extends Deleted {
  memberId: string;
  stepKey: string;
  status: string;
  doneOn?: string;
}

export interface ReportData {
  households: readonly ReportHousehold[];
  members: readonly ReportMember[];
  visits: readonly ReportVisit[];
  sessions: readonly ReportSession[];
  checklistSteps: readonly ReportChecklistStep[];
}

// ---------------------------------------------------------------- periods

export interface Period {
  from: string;
  to: string;
}

export const MAX_PERIOD_DAYS = 366;

function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;
}

/** Days in the period, both ends included. */
export function periodDays(p: Period): number {
  return dayNumber(p.to) - dayNumber(p.from) + 1;
}

export type PeriodCheck = { ok: true; period: Period } | { ok: false; reason: 'invalidDate' | 'fromAfterTo' | 'tooLong' };

export function checkPeriod(from: unknown, to: unknown): PeriodCheck {
  if (typeof from !== 'string' || typeof to !== 'string' || !isCalendarDate(from) || !isCalendarDate(to)) return { ok: false, reason: 'invalidDate' };
  if (from > to) return { ok: false, reason: 'fromAfterTo' };
  if (periodDays({ from, to }) > MAX_PERIOD_DAYS) return { ok: false, reason: 'tooLong' };
  return { ok: true, period: { from, to } };
}

const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/** The calendar date of a datetime in Vietnam time (UTC+7, no daylight saving). */
export function vietnamDate(datetime: string): string {
  return new Date(Date.parse(datetime) + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------- counting rules

const isLive = (r: Deleted): boolean => !r.deleted;

/** Where a datetime's calendar date is a plain `YYYY-MM-DD` (years 1970 to 9998). */
const PLAIN_DATES_END_MS = Date.UTC(9999, 0, 1);

/**
 * Whether a datetime falls on a Vietnamese calendar date after `to`: `vietnamDate(datetime) > to`,
 * compared as instants (the day after `to` starts at `afterMs` in Vietnam) where the date is a
 * plain one, so that a pass over every household builds no date and no string.
 */
function laterThan(to: string): (datetime: string) => boolean {
  if (!isCalendarDate(to)) return (datetime) => vietnamDate(datetime) > to;
  const afterMs = (dayNumber(to) + 1) * 86_400_000 - VIETNAM_OFFSET_MS;
  return (datetime) => {
    const t = Date.parse(datetime);
    if (!(t >= 0 && t < PLAIN_DATES_END_MS)) return vietnamDate(datetime) > to;
    return t >= afterMs;
  };
}

/** `isCountedHousehold` for one `to`, its date worked out once. */
export function countedAt(to: string): (h: ReportHousehold) => boolean {
  const after = laterThan(to);
  return (h) => {
    if (!isLive(h)) return false;
    if (!h.consent.purposes.includes('reporting')) return false;
    if (after(h.consent.recordedAt)) return false;
    return !h.consent.withdrawnAt || after(h.consent.withdrawnAt);
  };
}

export function isCountedHousehold(h: ReportHousehold, to: string): boolean {
  return countedAt(to)(h);
}

/** The neighborhood grouping key: trimmed, case and diacritics folded. */
export function neighborhoodKey(name: string): string {
  return foldForSearch(name.trim());
}

const STEP_INDICATORS: Readonly<Record<string, IndicatorKey>> = {
  'level1.activated': 'vneidLevel1Activations',
  'level2.activated': 'vneidLevel2Activations',
  'after.integrateDocs': 'documentsIntegrated',
};

// ---------------------------------------------------------------- records by column

/**
 * One field of a table by column: row `i` holds `dict[codes[i]]`, or nothing when `codes[i]` is
 * -1. Equal values may share an entry or not. `dict` may be worked out only when first read.
 */
export interface CodedColumn {
  readonly dict: readonly unknown[];
  readonly codes: Int32Array;
}

/** A table's rows by column; a field without a column is absent from every row. */
export interface CodedTable {
  readonly n: number;
  readonly columns: Readonly<Record<string, CodedColumn>>;
}

/**
 * The records by column (the households, a few thousand, as rows): the form the indicators are
 * counted in. Reading a field of 100,000 visits is then a look-up in a typed array, and each rule
 * is tested once per distinct value (a few hundred dates, three outcomes) instead of once per row.
 */
export interface CodedReportData {
  households: readonly ReportHousehold[];
  members: CodedTable;
  visits: CodedTable;
  sessions: CodedTable;
  checklistSteps: CodedTable;
}

type Row = Record<string, unknown>;

/** Per table, the fields the indicators read. */
export const REPORT_FIELDS = {
  members: ['id', 'householdId', 'birthYear', 'hasSmartphone', 'usesOnlineServices', 'hasPaymentAccount', 'vneidLevel', 'vneidLevelSince', 'deleted'],
  visits: ['id', 'householdId', 'date', 'outcome', 'memberIds', 'followUpDate', 'results', 'createdBy', 'deleted'],
  sessions: ['id', 'date', 'attendees', 'results', 'createdBy', 'deleted'],
  checklistSteps: ['memberId', 'stepKey', 'status', 'doneOn', 'deleted'],
} as const satisfies Record<string, readonly string[]>;

/** `rows` by column, `fields` only (an undefined field is absent). */
export function codeTable(rows: readonly object[], fields: readonly string[]): CodedTable {
  const columns: Record<string, CodedColumn> = {};
  for (const field of fields) {
    const codes = new Int32Array(rows.length);
    const dict: unknown[] = [];
    const seen = new Map<unknown, number>();
    for (let i = 0; i < rows.length; i++) {
      const value = (rows[i] as Row)[field];
      if (value === undefined) {
        codes[i] = -1;
        continue;
      }
      let code = seen.get(value);
      // Map keys treat 0 and -0 alike: those two stay apart, as the rows hold them.
      if (code === undefined || !Object.is(dict[code], value)) seen.set(value, (code = dict.push(value) - 1));
      codes[i] = code;
    }
    columns[field] = { dict, codes };
  }
  return { n: rows.length, columns };
}

/** The rows again, one object each with the table's fields (absent ones left out). */
export function decodeTable(table: CodedTable): Row[] {
  const fields = Object.entries(table.columns);
  const rows = new Array<Row>(table.n);
  for (let i = 0; i < table.n; i++) rows[i] = {};
  for (const [field, column] of fields) {
    const { dict, codes } = column;
    for (let i = 0; i < table.n; i++) if (codes[i]! >= 0) rows[i]![field] = dict[codes[i]!];
  }
  return rows;
}

/** The coded form behind each ReportData made by `codedReportData`. */
const codedForms = new WeakMap<object, CodedReportData>();

/**
 * `coded` as a ReportData the indicators count without building its rows; the rows are built
 * only when a caller reads them (once, then kept), and are for reading: changing them changes no
 * count. `extra`'s properties are added as they are.
 */
export function codedReportData<T extends object>(coded: CodedReportData, extra?: T): ReportData & T {
  const data = { households: coded.households, ...extra } as ReportData & T;
  for (const name of ['members', 'visits', 'sessions', 'checklistSteps'] as const) {
    let rows: Row[] | undefined;
    Object.defineProperty(data, name, { enumerable: true, get: () => (rows ??= decodeTable(coded[name])) });
  }
  codedForms.set(data, coded);
  return data;
}

/** Rows coded once, for a caller that counts several periods of the same records. */
export function codeReportData(data: ReportData): ReportData {
  return codedForms.has(data) ? data : codedReportData(codedOf(data));
}

/** Plain rows are coded on each call: a caller may have changed them since the last one. */
function codedOf(data: ReportData): CodedReportData {
  return (
    codedForms.get(data) ?? {
      households: data.households,
      members: codeTable(data.members, REPORT_FIELDS.members),
      visits: codeTable(data.visits, REPORT_FIELDS.visits),
      sessions: codeTable(data.sessions, REPORT_FIELDS.sessions),
      checklistSteps: codeTable(data.checklistSteps, REPORT_FIELDS.checklistSteps),
    }
  );
}

const NO_DICT: readonly unknown[] = [];

/** A column's codes, every row absent when the table has no such column. */
function codesOf(table: CodedTable, field: string): Int32Array {
  return table.columns[field]?.codes ?? new Int32Array(table.n).fill(-1);
}

/** A column's values, the code -1 (absent) at index 0: `valuesOf(…)[code + 1]`. */
function valuesOf(table: CodedTable, field: string): readonly unknown[] {
  return [undefined, ...(table.columns[field]?.dict ?? NO_DICT)];
}

/** `test` of each value of a column, at its code + 1 (index 0: the field absent). */
function flagsOf(values: readonly unknown[], test: (value: unknown) => boolean): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let k = 0; k < values.length; k++) out[k] = test(values[k]) ? 1 : 0;
  return out;
}

/**
 * What does not depend on the period, worked out once per records: each row's household or
 * member as an index. Ids are the records' keys (IndexedDB's and PostgreSQL's): one row per id.
 */
interface Joined {
  data: CodedReportData;
  householdIndex: Map<string, number>;
  /** Each member's household index, -1 for none. */
  memberHousehold: Int32Array;
  memberLive: Uint8Array;
  /** Each visit's household index, -1 for none. */
  visitHousehold: Int32Array;
  visitLive: Uint8Array;
  /** Per `memberIds` code + 1 (c), the member rows it names: `namedRows[namedStart[c]…namedStart[c + 1]]`. */
  namedStart: Int32Array;
  namedRows: Int32Array;
  /** Each checklist step's member row, -1 for none. */
  stepMember: Int32Array;
  /** Per `results` code + 1 (c), its RESULT_KEYS at `visitResults[c * RESULT_KEYS.length + k]`. */
  visitResults: Float64Array;
  /** Every household in group 0: the team alone. */
  oneGroup: Int32Array;
  consent: Consents;
  neighborhoods?: { groupOf: Int32Array; keys: string[] };
}

interface Counted {
  households: Uint8Array;
  members: Uint8Array;
}

const joinedForms = new WeakMap<CodedReportData, Joined>();

/** Each value of a column, at its code + 1, as its index in `index` (-1: none, or absent). */
function indexOfValues(table: CodedTable, field: string, index: Map<string, number>): Int32Array {
  const dict = table.columns[field]?.dict ?? NO_DICT;
  const out = new Int32Array(dict.length + 1);
  out[0] = -1;
  for (let k = 0; k < dict.length; k++) out[k + 1] = index.get(dict[k] as string) ?? -1;
  return out;
}

function rowsTo(codes: Int32Array, byCode: Int32Array): Int32Array {
  const out = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = byCode[codes[i]! + 1]!;
  return out;
}

function liveRows(table: CodedTable): Uint8Array {
  const live = flagsOf(valuesOf(table, 'deleted'), (deleted) => !deleted);
  const codes = codesOf(table, 'deleted');
  const out = new Uint8Array(table.n);
  for (let i = 0; i < table.n; i++) out[i] = live[codes[i]! + 1]!;
  return out;
}

/** Each value's RESULT_KEYS (absent: 0), one after the other. */
function resultSums(values: readonly unknown[]): Float64Array {
  const K = RESULT_KEYS.length;
  const sums = new Float64Array(values.length * K);
  values.forEach((results, c) => {
    if (results) RESULT_KEYS.forEach((k, r) => (sums[c * K + r] = (results as Results)[k] ?? 0));
  });
  return sums;
}

function joined(data: CodedReportData): Joined {
  let j = joinedForms.get(data);
  if (j) return j;
  const householdIndex = new Map<string, number>();
  data.households.forEach((h, i) => householdIndex.set(h.id, i));
  const { members, visits, checklistSteps } = data;
  const memberIndex = new Map<string, number>();
  const memberIds = codesOf(members, 'id');
  // The large dictionaries (ids, lists of ids) are read in place, not copied as `valuesOf` does.
  const memberIdValues = members.columns.id?.dict ?? NO_DICT;
  for (let i = 0; i < members.n; i++) memberIndex.set(memberIdValues[memberIds[i]!] as string, i);
  // One list for every distinct `memberIds`: a typed array each would be 100,000 small objects.
  const lists = visits.columns.memberIds?.dict ?? NO_DICT;
  const namedStart = new Int32Array(lists.length + 2);
  const rows: number[] = [];
  lists.forEach((ids, c) => {
    if (ids) for (const id of ids as Iterable<string>) {
      const row = memberIndex.get(id);
      if (row !== undefined) rows.push(row);
    }
    namedStart[c + 2] = rows.length;
  });
  j = {
    data,
    householdIndex,
    memberHousehold: rowsTo(codesOf(members, 'householdId'), indexOfValues(members, 'householdId', householdIndex)),
    memberLive: liveRows(members),
    visitHousehold: rowsTo(codesOf(visits, 'householdId'), indexOfValues(visits, 'householdId', householdIndex)),
    visitLive: liveRows(visits),
    namedStart,
    namedRows: Int32Array.from(rows),
    stepMember: rowsTo(codesOf(checklistSteps, 'memberId'), indexOfValues(checklistSteps, 'memberId', memberIndex)),
    visitResults: resultSums(valuesOf(visits, 'results')),
    oneGroup: new Int32Array(data.households.length),
    consent: consentsOf(data.households),
  };
  joinedForms.set(data, j);
  return j;
}

/** Each household's neighborhood group, by its folded name (folding is slow: once per spelling). */
function neighborhoodsOf(j: Joined): { groupOf: Int32Array; keys: string[] } {
  if (j.neighborhoods) return j.neighborhoods;
  const keyOf = new Map<string, string>();
  const groupOfKey = new Map<string, number>();
  const keys: string[] = [];
  const groupOf = new Int32Array(j.data.households.length);
  j.data.households.forEach((h, i) => {
    let key = keyOf.get(h.neighborhood);
    if (key === undefined) keyOf.set(h.neighborhood, (key = neighborhoodKey(h.neighborhood)));
    let g = groupOfKey.get(key);
    if (g === undefined) groupOfKey.set(key, (g = keys.push(key) - 1));
    groupOf[i] = g;
  });
  return (j.neighborhoods = { groupOf, keys });
}

/**
 * Each household's consent as `countedAt` reads it, worked out once for every period: whether it
 * may count at all (live, with the reporting purpose), and its datetimes as instants where they
 * are plain ones (`laterThan`).
 */
interface Consents {
  /** 0: never counted; 1: counted while `given < afterMs <= until`; 2: ask `countedAt`. */
  kind: Uint8Array;
  given: Float64Array;
  /** Infinity: never withdrawn. */
  until: Float64Array;
}

function consentsOf(households: readonly ReportHousehold[]): Consents {
  const n = households.length;
  const out: Consents = { kind: new Uint8Array(n), given: new Float64Array(n), until: new Float64Array(n) };
  const plain = (t: number) => t >= 0 && t < PLAIN_DATES_END_MS;
  households.forEach((h, i) => {
    if (!isLive(h) || !h.consent.purposes.includes('reporting')) return;
    const given = Date.parse(h.consent.recordedAt);
    const until = h.consent.withdrawnAt ? Date.parse(h.consent.withdrawnAt) : Infinity;
    out.given[i] = given;
    out.until[i] = until;
    out.kind[i] = plain(given) && (until === Infinity || plain(until)) ? 1 : 2;
  });
  return out;
}

/** Which households and members count at `to` (counted members: live, of a counted household). */
function countedRows(j: Joined, to: string): Counted {
  const { kind, given, until } = j.consent;
  const n = j.data.households.length;
  const households = new Uint8Array(n);
  if (isCalendarDate(to)) {
    // The day after `to` starts at `afterMs` in Vietnam, as in `laterThan`.
    const afterMs = (dayNumber(to) + 1) * 86_400_000 - VIETNAM_OFFSET_MS;
    let isCounted: ((h: ReportHousehold) => boolean) | undefined;
    for (let i = 0; i < n; i++) {
      const k = kind[i]!;
      if (k === 1) households[i] = given[i]! < afterMs && until[i]! >= afterMs ? 1 : 0;
      else if (k === 2) households[i] = (isCounted ??= countedAt(to))(j.data.households[i]!) ? 1 : 0;
    }
  } else {
    const isCounted = countedAt(to);
    j.data.households.forEach((h, i) => (households[i] = isCounted(h) ? 1 : 0));
  }
  const members = new Uint8Array(j.data.members.n);
  for (let i = 0; i < members.length; i++) {
    const h = j.memberHousehold[i]!;
    members[i] = j.memberLive[i]! && h >= 0 ? households[h]! : 0;
  }
  return { households, members };
}

/**
 * Each string value's rank in string order (equal strings, equal ranks), -1 for any other value:
 * two dates compare as their ranks, without comparing the strings, for each of 100,000 visits.
 */
function ranksOf(values: readonly unknown[]): Int32Array {
  const ranks = new Int32Array(values.length).fill(-1);
  const strings: number[] = [];
  values.forEach((v, k) => (typeof v === 'string' ? strings.push(k) : undefined));
  strings.sort((a, b) => ((values[a] as string) < (values[b] as string) ? -1 : (values[a] as string) > (values[b] as string) ? 1 : 0));
  let rank = 0;
  strings.forEach((k, i) => {
    if (i > 0 && values[k] !== values[strings[i - 1]!]) rank++;
    ranks[k] = rank;
  });
  return ranks;
}

/** A visit's or session's date: after `to`, before `from` (per code + 1). */
function dateFlags(values: readonly unknown[], { from, to }: Period): { afterTo: Uint8Array; beforeFrom: Uint8Array } {
  return { afterTo: flagsOf(values, (d) => (d as string) > to), beforeFrom: flagsOf(values, (d) => (d as string) < from) };
}

/**
 * A group's figures while a pass counts them: fixed fields, where an `Indicators` record (keys
 * with dots) would be a dictionary looked up at each of 100,000 visits.
 */
class Counts {
  householdsRegistered = 0;
  householdsReachedInPeriod = 0;
  householdsEverReached = 0;
  visits = 0;
  visitsDone = 0;
  peopleHelped = 0;
  adults = 0;
  adultsVneidLevel2 = 0;
  adultsWithSmartphone = 0;
  adultsUsingOnlineServices = 0;
  aged15Plus = 0;
  aged15PlusWithPaymentAccount = 0;
  followUpsOpen = 0;
  followUpsOverdue = 0;
  /** Per STEP_KEYS. */
  readonly steps = new Float64Array(STEP_KEYS.length);
  /** Per RESULT_KEYS. */
  readonly results = new Float64Array(RESULT_KEYS.length);

  /** Into `into`, added to what it holds. */
  addTo(into: Indicators): void {
    for (const k of COUNTS_KEYS) into[k] += this[k];
    STEP_KEYS.forEach((k, s) => (into[k] += this.steps[s]!));
    RESULT_INDICATOR_KEYS.forEach((k, r) => (into[k] += this.results[r]!));
  }
}

const COUNTS_KEYS = [
  'householdsRegistered',
  'householdsReachedInPeriod',
  'householdsEverReached',
  'visits',
  'visitsDone',
  'peopleHelped',
  'adults',
  'adultsVneidLevel2',
  'adultsWithSmartphone',
  'adultsUsingOnlineServices',
  'aged15Plus',
  'aged15PlusWithPaymentAccount',
  'followUpsOpen',
  'followUpsOverdue',
] as const satisfies readonly (keyof Counts & IndicatorKey)[];

const STEP_KEYS = ['vneidLevel1Activations', 'vneidLevel2Activations', 'documentsIntegrated'] as const satisfies readonly IndicatorKey[];

/** The sessions in the period: their own figures, apart from the households'. */
interface SessionCounts {
  sessions: number;
  sessionAttendees: number;
  results: Float64Array;
}

/**
 * One pass over the data. `groupOf` gives each household's group; the figures of group g go to
 * `groups[g]`. Returns the distinct people (`createdBy`) who recorded the counted visits in the
 * period, and the sessions' figures (with their people added) when `withSessions`.
 */
function tally(j: Joined, period: Period, counted: Counted, groupOf: Int32Array, groups: Counts[], withSessions: boolean): { users: Set<unknown>; sessions?: SessionCounts } {
  const { from, to } = period;
  const { data, visitHousehold, visitLive, namedStart, namedRows, visitResults } = j;
  const K = RESULT_KEYS.length;
  const adultYear = Number(to.slice(0, 4)) - 18;
  const year15 = Number(to.slice(0, 4)) - 15;
  const households = data.households.length;
  for (let h = 0; h < households; h++) if (counted.households[h]) groups[groupOf[h]!]!.householdsRegistered++;

  const { members } = data;
  const birthYears = valuesOf(members, 'birthYear');
  const aged15 = flagsOf(birthYears, (y) => (y as number) <= year15);
  const adult = flagsOf(birthYears, (y) => (y as number) <= adultYear);
  const yes = (v: unknown) => v === true;
  const payment = flagsOf(valuesOf(members, 'hasPaymentAccount'), yes);
  const smartphone = flagsOf(valuesOf(members, 'hasSmartphone'), yes);
  const online = flagsOf(valuesOf(members, 'usesOnlineServices'), yes);
  const level2 = flagsOf(valuesOf(members, 'vneidLevel'), (l) => l === 2);
  const since = flagsOf(valuesOf(members, 'vneidLevelSince'), (d) => !d || (d as string) <= to);
  const mBirth = codesOf(members, 'birthYear');
  const mPayment = codesOf(members, 'hasPaymentAccount');
  const mSmartphone = codesOf(members, 'hasSmartphone');
  const mOnline = codesOf(members, 'usesOnlineServices');
  const mLevel = codesOf(members, 'vneidLevel');
  const mSince = codesOf(members, 'vneidLevelSince');
  for (let i = 0; i < members.n; i++) {
    if (!counted.members[i]) continue;
    const v = groups[groupOf[j.memberHousehold[i]!]!]!;
    const b = mBirth[i]! + 1;
    if (aged15[b]) {
      v.aged15Plus++;
      if (payment[mPayment[i]! + 1]) v.aged15PlusWithPaymentAccount++;
    }
    if (adult[b]) {
      v.adults++;
      if (level2[mLevel[i]! + 1] && since[mSince[i]! + 1]) v.adultsVneidLevel2++;
      if (smartphone[mSmartphone[i]! + 1]) v.adultsWithSmartphone++;
      if (online[mOnline[i]! + 1]) v.adultsUsingOnlineServices++;
    }
  }

  const { visits } = data;
  const dates = valuesOf(visits, 'date');
  const { afterTo, beforeFrom } = dateFlags(dates, period);
  const outcomes = valuesOf(visits, 'outcome');
  const reachedBy = flagsOf(outcomes, (o) => o !== 'notHome');
  const doneBy = flagsOf(outcomes, (o) => o === 'done');
  const creators = valuesOf(visits, 'createdBy');
  const creator = flagsOf(creators, (u) => !!u);
  const vDate = codesOf(visits, 'date');
  const vOutcome = codesOf(visits, 'outcome');
  const vCreator = codesOf(visits, 'createdBy');
  const vNamed = codesOf(visits, 'memberIds');
  const vResults = codesOf(visits, 'results');
  const vId = codesOf(visits, 'id');
  let ids: readonly unknown[] | undefined;
  const idOf = (i: number) => {
    const code = vId[i]!;
    return code < 0 ? undefined : (ids ??= visits.columns.id!.dict)[code];
  };
  const dateRank = ranksOf(dates);
  /** The spec's latest visit: the greatest date, then the greatest id (ids read only for a tie). */
  const later = (a: number, b: number) => {
    const ra = dateRank[vDate[a]! + 1]!;
    const rb = dateRank[vDate[b]! + 1]!;
    if (ra >= 0 && rb >= 0 && ra !== rb) return ra > rb;
    const da = dates[vDate[a]! + 1] as string;
    const db = dates[vDate[b]! + 1] as string;
    if (da !== db) return da > db;
    return (idOf(a) as string) > (idOf(b) as string);
  };
  const latest = new Int32Array(households).fill(-1);
  const everReached = new Uint8Array(households);
  const reachedInPeriod = new Uint8Array(households);
  const helped = new Uint8Array(members.n);
  const recordedBy = new Uint8Array(creators.length);
  for (let i = 0; i < visits.n; i++) {
    const d = vDate[i]! + 1;
    if (afterTo[d] || !visitLive[i]) continue;
    const h = visitHousehold[i]!;
    if (h < 0 || !counted.households[h]) continue;
    const l = latest[h]!;
    if (l < 0 || later(i, l)) latest[h] = i;
    const o = vOutcome[i]! + 1;
    const reached = reachedBy[o];
    if (reached) everReached[h] = 1;
    if (beforeFrom[d]) continue;
    const v = groups[groupOf[h]!]!;
    v.visits++;
    if (doneBy[o]) v.visitsDone++;
    if (reached) reachedInPeriod[h] = 1;
    const u = vCreator[i]! + 1;
    if (creator[u]) recordedBy[u] = 1;
    const r = vResults[i]! + 1;
    if (r > 0) for (let k = 0; k < K; k++) v.results[k]! += visitResults[r * K + k]!;
    const c = vNamed[i]! + 1;
    for (let k = namedStart[c]!; k < namedStart[c + 1]!; k++) helped[namedRows[k]!] = 1;
  }
  for (let i = 0; i < members.n; i++) if (helped[i] && counted.members[i]) groups[groupOf[j.memberHousehold[i]!]!]!.peopleHelped++;

  const followUpDates = valuesOf(visits, 'followUpDate');
  const vFollowUp = codesOf(visits, 'followUpDate');
  const hasFollowUpDate = flagsOf(followUpDates, (d) => !!d);
  const overdueBy = flagsOf(followUpDates, (d) => !!d && (d as string) < to);
  const followUpOutcome = flagsOf(outcomes, (o) => o === 'followUp');
  for (let h = 0; h < households; h++) {
    if (!counted.households[h]) continue;
    const v = groups[groupOf[h]!]!;
    if (everReached[h]) v.householdsEverReached++;
    if (reachedInPeriod[h]) v.householdsReachedInPeriod++;
    const l = latest[h]!;
    if (l < 0) continue;
    const f = vFollowUp[l]! + 1;
    if (!followUpOutcome[vOutcome[l]! + 1] && !hasFollowUpDate[f]) continue;
    v.followUpsOpen++;
    if (overdueBy[f]) v.followUpsOverdue++;
  }

  const { checklistSteps: steps } = data;
  // Per stepKey code + 1, its index in STEP_KEYS (-1: no indicator).
  const stepOf = Int32Array.from(valuesOf(steps, 'stepKey'), (k) => (typeof k === 'string' && Object.hasOwn(STEP_INDICATORS, k) ? STEP_KEYS.indexOf(STEP_INDICATORS[k] as (typeof STEP_KEYS)[number]) : -1));
  const stepLive = flagsOf(valuesOf(steps, 'deleted'), (deleted) => !deleted);
  const stepDone = flagsOf(valuesOf(steps, 'status'), (s) => s === 'done');
  const doneIn = flagsOf(valuesOf(steps, 'doneOn'), (d) => !!d && !((d as string) < from) && !((d as string) > to));
  const sKey = codesOf(steps, 'stepKey');
  const sDeleted = codesOf(steps, 'deleted');
  const sStatus = codesOf(steps, 'status');
  const sDoneOn = codesOf(steps, 'doneOn');
  for (let i = 0; i < steps.n; i++) {
    const s = stepOf[sKey[i]! + 1]!;
    if (s < 0 || !stepLive[sDeleted[i]! + 1] || !stepDone[sStatus[i]! + 1] || !doneIn[sDoneOn[i]! + 1]) continue;
    const m = j.stepMember[i]!;
    if (m >= 0 && counted.members[m]) groups[groupOf[j.memberHousehold[m]!]!]!.steps[s]!++;
  }

  const users = new Set<unknown>();
  recordedBy.forEach((used, u) => (used ? users.add(creators[u]) : undefined));
  if (!withSessions) return { users };
  const { sessions } = data;
  const sessionDates = dateFlags(valuesOf(sessions, 'date'), period);
  const attendees = valuesOf(sessions, 'attendees');
  const sessionCreators = valuesOf(sessions, 'createdBy');
  const sessionResults = resultSums(valuesOf(sessions, 'results'));
  const sessionLive = liveRows(sessions);
  const sDate = codesOf(sessions, 'date');
  const sAttendees = codesOf(sessions, 'attendees');
  const sCreator = codesOf(sessions, 'createdBy');
  const sResults = codesOf(sessions, 'results');
  const out: SessionCounts = { sessions: 0, sessionAttendees: 0, results: new Float64Array(RESULT_KEYS.length) };
  for (let i = 0; i < sessions.n; i++) {
    const d = sDate[i]! + 1;
    if (!sessionLive[i] || sessionDates.beforeFrom[d] || sessionDates.afterTo[d]) continue;
    out.sessions++;
    out.sessionAttendees += attendees[sAttendees[i]! + 1] as number;
    const u = sessionCreators[sCreator[i]! + 1];
    if (u) users.add(u);
    const r = sResults[i]! + 1;
    for (let k = 0; k < K; k++) out.results[k]! += sessionResults[r * K + k]!;
  }
  return { users, sessions: out };
}

/** Every indicator of the spec for one team's data and one period. */
export function computeIndicators(data: ReportData, period: Period): Indicators {
  const j = joined(codedOf(data));
  const team = new Counts();
  const { users, sessions } = tally(j, period, countedRows(j, period.to), j.oneGroup, [team], true);
  const out = emptyIndicators();
  team.addTo(out);
  addSessions(out, sessions!);
  out.activeUsers = users.size;
  return out;
}

function addSessions(into: Indicators, sessions: SessionCounts): void {
  into.sessions += sessions.sessions;
  into.sessionAttendees += sessions.sessionAttendees;
  RESULT_INDICATOR_KEYS.forEach((k, r) => (into[k] += sessions.results[r]!));
}

export interface NeighborhoodIndicators {
  name: string;
  /** The household-based keys only (NEIGHBORHOOD_INDICATOR_KEYS). */
  indicators: Partial<Indicators>;
}

export interface TeamIndicators {
  indicators: Indicators;
  byNeighborhood: NeighborhoodIndicators[];
}

/**
 * The team's indicators and the same per neighborhood, in one pass over the data. A neighborhood
 * is shown as written on its first counted household (the smallest id: ids are time-ordered), so
 * both sides pick the same spelling. Neighborhoods are sorted by the folded name.
 */
export function computeTeamIndicators(data: ReportData, period: Period): TeamIndicators {
  const j = joined(codedOf(data));
  const { groupOf, keys } = neighborhoodsOf(j);
  const counted = countedRows(j, period.to);
  const groups = keys.map(() => new Counts());
  const { users, sessions } = tally(j, period, counted, groupOf, groups, true);
  // A group shows once a counted household is in it, spelt as its first counted household.
  const first = keys.map((): ReportHousehold | undefined => undefined);
  j.data.households.forEach((h, i) => {
    if (!counted.households[i]) return;
    const g = groupOf[i]!;
    const f = first[g];
    if (!f || h.id < f.id) first[g] = h;
  });
  // Each member and household is in one neighborhood, so the team's distinct counts are sums.
  const indicators = emptyIndicators();
  const byNeighborhood: NeighborhoodIndicators[] = [];
  const order = keys.map((key, g) => ({ key, g })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { g } of order) {
    const f = first[g];
    if (!f) continue;
    const all = emptyIndicators();
    groups[g]!.addTo(all);
    const own: Partial<Indicators> = {};
    for (const k of NEIGHBORHOOD_INDICATOR_KEYS) {
      own[k] = all[k];
      indicators[k] += all[k];
    }
    byNeighborhood.push({ name: f.neighborhood.trim(), indicators: own });
  }
  addSessions(indicators, sessions!);
  indicators.activeUsers = users.size;
  return { indicators, byNeighborhood };
}

/** The household-based indicators per neighborhood (see computeTeamIndicators). */
export function indicatorsByNeighborhood(data: ReportData, period: Period): NeighborhoodIndicators[] {
  return computeTeamIndicators(data, period).byNeighborhood;
}

/** The per-person figures a head sees for each team member: what they did in the period. */
export const USER_INDICATOR_KEYS = ['visits', 'visitsDone', 'householdsReachedInPeriod', 'peopleHelped', 'sessions', 'sessionAttendees'] as const;
export type UserIndicatorKey = (typeof USER_INDICATOR_KEYS)[number];

export interface UserIndicators {
  userId: string;
  indicators: Record<UserIndicatorKey, number>;
}

/** Visits and sessions in the period grouped by who recorded them (counted visits only). */
export function indicatorsByUser(data: ReportData, period: Period): UserIndicators[] {
  const j = joined(codedOf(data));
  const counted = countedRows(j, period.to);
  const users = new Map<string, { values: Record<UserIndicatorKey, number>; reached: Set<number>; helped: Set<number> }>();
  const of = (userId: string) => {
    let u = users.get(userId);
    if (!u) {
      const values = Object.fromEntries(USER_INDICATOR_KEYS.map((k) => [k, 0])) as Record<UserIndicatorKey, number>;
      users.set(userId, (u = { values, reached: new Set(), helped: new Set() }));
    }
    return u;
  };
  const { visits, sessions } = j.data;
  const dates = dateFlags(valuesOf(visits, 'date'), period);
  const outcomes = valuesOf(visits, 'outcome');
  const creators = valuesOf(visits, 'createdBy');
  const [vDate, vOutcome, vCreator, vNamed] = ['date', 'outcome', 'createdBy', 'memberIds'].map((f) => codesOf(visits, f)) as Int32Array[];
  for (let i = 0; i < visits.n; i++) {
    const userId = creators[vCreator![i]! + 1] as string;
    const d = vDate![i]! + 1;
    const h = j.visitHousehold[i]!;
    if (!userId || !j.visitLive[i] || dates.beforeFrom[d] || dates.afterTo[d] || h < 0 || !counted.households[h]) continue;
    const u = of(userId);
    const outcome = outcomes[vOutcome![i]! + 1];
    u.values.visits++;
    if (outcome === 'done') u.values.visitsDone++;
    if (outcome !== 'notHome') u.reached.add(h);
    const c = vNamed![i]! + 1;
    for (let k = j.namedStart[c]!; k < j.namedStart[c + 1]!; k++) if (counted.members[j.namedRows[k]!]) u.helped.add(j.namedRows[k]!);
  }
  const sessionDates = dateFlags(valuesOf(sessions, 'date'), period);
  const sessionCreators = valuesOf(sessions, 'createdBy');
  const attendees = valuesOf(sessions, 'attendees');
  const sessionLive = liveRows(sessions);
  const [sDate, sCreator, sAttendees] = ['date', 'createdBy', 'attendees'].map((f) => codesOf(sessions, f)) as Int32Array[];
  for (let i = 0; i < sessions.n; i++) {
    const userId = sessionCreators[sCreator![i]! + 1] as string;
    const d = sDate![i]! + 1;
    if (!userId || !sessionLive[i] || sessionDates.beforeFrom[d] || sessionDates.afterTo[d]) continue;
    const u = of(userId);
    u.values.sessions++;
    u.values.sessionAttendees += attendees[sAttendees![i]! + 1] as number;
  }
  return [...users.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([userId, u]) => ({
      userId,
      indicators: { ...u.values, householdsReachedInPeriod: u.reached.size, peopleHelped: u.helped.size },
    }));
}
