/**
 * Demo data: a believable Vietnamese commune (thôn / tổ dân phố, households, members, visits,
 * training sessions and a small team), generated deterministically from a seed so that demos,
 * screenshots and benchmarks always show the same people. Rows are written without outbox
 * entries: they are not local changes.
 */
import type { Table } from 'dexie';
import type { AppDB } from '../../db/database';
import type { HouseholdRow, MemberRow, NeighborhoodRow, RecordMeta, SessionRow, UserRow, VisitRow } from '../../db/rows';
import type { Consent, HouseholdFields, NeighborhoodFields, SessionFields } from '../../domain/schemas';
import { followUpFrom, withHouseholdKeys } from '../../db/derived';
import { personSortKey } from '../../domain/text';
import { addDays, isCalendarDate, localToday } from '../../domain/dates';
import { mulberry32 } from '../../domain/random';
import {
  CONSENT_PURPOSES,
  CONSENT_TEXT_VERSION,
  OPEN_OUTCOMES,
  type ConsentPurpose,
  type Outcome,
  type ResultKey,
  type Topic,
} from '../../domain/vocab';

export interface DemoSizes {
  households: number;
  /** Average; every household has at least one member (its head). */
  membersPerHousehold: number;
  visits: number;
  sessions: number;
}

export const DEMO_SIZES: DemoSizes = { households: 50, membersPerHousehold: 3, visits: 80, sessions: 6 };

export interface DemoData {
  neighborhoods: NeighborhoodRow[];
  households: HouseholdRow[];
  members: MemberRow[];
  visits: VisitRow[];
  sessions: SessionRow[];
  users: UserRow[];
}

export interface GenerateOptions {
  seed?: number;
  /** `YYYY-MM-DD`; visits and sessions fall in the ~120 days before it. Defaults to the local today. */
  today?: string;
  /** Rows look accepted by the server (version 1) instead of never sent (version 0). */
  synced?: boolean;
}

const DEFAULT_SEED = 20260101;
/** Visits and sessions spread over this many days before today. */
const HISTORY_DAYS = 120;

// ---------------------------------------------------------------------------------------------
// Seeded randomness

type Rng = () => number;

class Random {
  private readonly next: Rng;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  float(): number {
    return this.next();
  }

  /** Integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    const last = items[items.length - 1];
    if (!last) throw new Error('pick from an empty list');
    return last[0];
  }

  /** `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = items.slice();
    const n = Math.min(count, pool.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (pool.length - i));
      const tmp = pool[i] as T;
      pool[i] = pool[j] as T;
      pool[j] = tmp;
    }
    return pool.slice(0, n);
  }

  private word(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  /** A v4-looking UUID (version nibble 4, variant bits 10) drawn from the seeded stream. */
  uuid(): string {
    const w0 = this.word();
    const w1 = ((this.word() & 0xffff0fff) | 0x00004000) >>> 0;
    const w2 = ((this.word() & 0x3fffffff) | 0x80000000) >>> 0;
    const w3 = this.word();
    return (
      hex16(w0 >>> 16) + hex16(w0 & 0xffff) + '-' +
      hex16(w1 >>> 16) + '-' + hex16(w1 & 0xffff) + '-' +
      hex16(w2 >>> 16) + '-' + hex16(w2 & 0xffff) + hex16(w3 >>> 16) + hex16(w3 & 0xffff)
    );
  }
}

const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex16(n: number): string {
  return (HEX_BYTES[n >>> 8] ?? '00') + (HEX_BYTES[n & 0xff] ?? '00');
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

// ---------------------------------------------------------------------------------------------
// Vocabulary of names and places

const FAMILY_NAMES: readonly (readonly [string, number])[] = [
  ['Nguyễn', 38],
  ['Trần', 11],
  ['Lê', 9],
  ['Phạm', 7],
  ['Hoàng', 5],
  ['Huỳnh', 3],
  ['Phan', 4],
  ['Vũ', 4],
  ['Võ', 3],
  ['Đặng', 2],
  ['Bùi', 2],
  ['Đỗ', 2],
  ['Hồ', 2],
  ['Ngô', 2],
  ['Dương', 1],
  ['Lý', 1],
];

const MALE_MIDDLE: readonly (readonly [string, number])[] = [
  ['Văn', 40],
  ['Hữu', 10],
  ['Đức', 10],
  ['Minh', 12],
  ['Thanh', 8],
  ['Quang', 8],
  ['Công', 6],
  ['Xuân', 6],
];

const FEMALE_MIDDLE: readonly (readonly [string, number])[] = [
  ['Thị', 75],
  ['Ngọc', 8],
  ['Thanh', 6],
  ['Thu', 5],
  ['Minh', 3],
  ['Hồng', 3],
];

const MALE_GIVEN = [
  'An', 'Bình', 'Dũng', 'Đức', 'Hải', 'Hùng', 'Long', 'Minh', 'Nam', 'Phong', 'Quang', 'Sơn',
  'Tuấn', 'Việt', 'Thắng', 'Tùng', 'Khoa', 'Cường', 'Hiếu', 'Trung', 'Thành', 'Huy',
] as const;

const FEMALE_GIVEN = [
  'An', 'Chi', 'Hà', 'Hạnh', 'Hoa', 'Hương', 'Lan', 'Linh', 'Mai', 'Nga', 'Ngọc', 'Phương',
  'Thảo', 'Thu', 'Trang', 'Yến', 'Hằng', 'Loan', 'Nhung', 'Huyền', 'Dung', 'Vân',
] as const;

type Gender = 'female' | 'male';

interface NeighborhoodSpec {
  name: string;
  kind: NeighborhoodFields['kind'];
  place: string;
  notes?: string;
}

const NEIGHBORHOODS: readonly NeighborhoodSpec[] = [
  { name: 'Thôn Đông', kind: 'thon', place: 'Nhà văn hóa thôn Đông', notes: 'Giáp đê, đường vào xóm Bến nhỏ, đi xe máy.' },
  { name: 'Thôn Tây', kind: 'thon', place: 'Nhà văn hóa thôn Tây' },
  { name: 'Tổ dân phố 3', kind: 'toDanPho', place: 'Nhà văn hóa tổ dân phố 3', notes: 'Nhiều hộ buôn bán, tối mới có nhà.' },
  { name: 'Tổ dân phố 5', kind: 'toDanPho', place: 'Nhà văn hóa tổ dân phố 5' },
];

const OTHER_PLACES = ['Hội trường UBND xã', 'Trường THCS xã', 'Sân đình làng', 'Điểm bưu điện văn hóa xã'] as const;

const HAMLETS = ['Xóm Giữa', 'Xóm Trên', 'Xóm Dưới', 'Xóm Chùa', 'Xóm Bến', 'Xóm Mới', 'Xóm Đình'] as const;

const STREETS = [
  'Lê Lợi', 'Trần Hưng Đạo', 'Nguyễn Trãi', 'Hai Bà Trưng', 'Quang Trung', 'Lý Thường Kiệt',
  'Hùng Vương', 'Nguyễn Du', 'Phan Bội Châu', 'Lê Duẩn',
] as const;

const PHONE_PREFIXES = ['09', '03', '08'] as const;

const TEAM: readonly Omit<UserRow, 'id'>[] = [
  { name: 'Nguyễn Văn Thắng', role: 'head', local: true },
  { name: 'Trần Thị Thu Hà', role: 'member', local: true },
  { name: 'Lê Minh Quân', role: 'member', local: true },
];

const TOPIC_WEIGHTS: readonly (readonly [Topic, number])[] = [
  ['vneid', 30],
  ['onlineService', 15],
  ['feePayment', 10],
  ['paymentAccount', 12],
  ['eHealth', 9],
  ['digitalSkills', 10],
  ['scamAwareness', 11],
  ['other', 3],
];

const OUTCOME_WEIGHTS: readonly (readonly [Outcome, number])[] = [
  ['done', 55],
  ['partial', 20],
  ['followUp', 15],
  ['notHome', 10],
];

const VISIT_TOPIC_COUNTS: readonly (readonly [number, number])[] = [
  [1, 55],
  [2, 30],
  [3, 15],
];

type VneidLevel = 0 | 1 | 2;
const VNEID_WITH_PHONE: readonly (readonly [VneidLevel, number])[] = [
  [0, 20],
  [1, 30],
  [2, 50],
];
const VNEID_WITHOUT_PHONE: readonly (readonly [VneidLevel, number])[] = [
  [0, 60],
  [1, 35],
  [2, 5],
];

const TOPIC_RESULTS: Partial<Record<Topic, readonly ResultKey[]>> = {
  vneid: ['vneidInstalled', 'vneidLevel2'],
  onlineService: ['onlineDossiers'],
  feePayment: ['feesPaidOnline'],
  paymentAccount: ['paymentAccounts'],
  scamAwareness: ['scamTraining'],
};

/** Notes for a visit that went well, by its first topic. */
const DONE_NOTES: Record<Topic, readonly string[]> = {
  vneid: ['Đã hướng dẫn cài đặt VNeID trên điện thoại.', 'Đã hướng dẫn tự kích hoạt tài khoản định danh điện tử mức 2.'],
  onlineService: ['Hướng dẫn nộp hồ sơ trên Cổng Dịch vụ công quốc gia, đã nộp xong.', 'Đã đăng ký khai sinh cho cháu qua mạng.'],
  feePayment: ['Hướng dẫn đóng học phí cho cháu qua ứng dụng.', 'Đã thanh toán tiền điện bằng điện thoại.'],
  paymentAccount: ['Đã mở tài khoản thanh toán, hướng dẫn chuyển khoản.'],
  eHealth: ['Đã cài sổ sức khỏe điện tử trên VNeID.', 'Hướng dẫn đặt lịch khám qua ứng dụng.'],
  digitalSkills: ['Hướng dẫn gọi video cho con ở xa.', 'Hướng dẫn tìm thông tin giá nông sản trên mạng.'],
  scamAwareness: ['Nhắc cảnh giác cuộc gọi giả danh công an, ngân hàng.', 'Hướng dẫn chặn tin nhắn rác.'],
  other: ['Hỗ trợ cài lại ứng dụng Zalo.'],
};

const VISIT_NOTES: Record<Exclude<Outcome, 'done'>, readonly string[]> = {
  partial: [
    'Điện thoại cũ, chưa cài được ứng dụng.',
    'Chưa nhớ mật khẩu, hẹn con cháu hỗ trợ thêm.',
    'Đã cài VNeID, còn chờ duyệt mức 1.',
    'Mạng yếu, làm được một nửa.',
  ],
  followUp: [
    'Hẹn quay lại khi có con trai ở nhà.',
    'Cần ra Công an xã làm mức 2, hẹn đi cùng.',
    'Bác muốn học thêm cách khám bệnh từ xa.',
  ],
  notHome: ['Gia đình đi làm đồng, không có nhà.', 'Vắng nhà, đã gửi lời nhắn cho hàng xóm.', 'Cửa khóa, hẹn hôm khác.'],
};

const HOUSEHOLD_NOTES = [
  'Nên đến buổi sáng, chiều cả nhà đi làm.',
  'Cần hướng dẫn chậm, từng bước, có viết ra giấy.',
  'Chủ hộ muốn con gái có mặt khi được hướng dẫn.',
  'Con cái đi làm xa, ít khi có nhà.',
  'Nhà có chó, gọi trước khi vào.',
] as const;

const MEMBER_NOTES = [
  'Muốn có hướng dẫn in ra giấy để tự làm lại.',
  'Thích được làm mẫu trước rồi tự làm.',
  'Đi làm công nhân ở tỉnh khác.',
  'Đang học đại học ở Hà Nội.',
  'Hay nhận tin nhắn lạ, cần nhắc cảnh giác.',
] as const;

const SESSION_NOTES = [
  'Kết hợp sinh hoạt chi hội phụ nữ.',
  'Đoàn viên thanh niên hỗ trợ cài đặt tại chỗ.',
  'Trời mưa, ít người đến hơn dự kiến.',
  'Có cán bộ công an xã hướng dẫn định danh mức 2.',
] as const;

// ---------------------------------------------------------------------------------------------
// Generation

interface Person {
  fullName: string;
  familyName: string;
  gender: Gender;
  birthYear: number;
}

function personName(rnd: Random, familyName: string, gender: Gender): string {
  const middle = rnd.weighted(gender === 'female' ? FEMALE_MIDDLE : MALE_MIDDLE);
  let given: string = rnd.pick(gender === 'female' ? FEMALE_GIVEN : MALE_GIVEN);
  while (given === middle) given = rnd.pick(gender === 'female' ? FEMALE_GIVEN : MALE_GIVEN);
  return `${familyName} ${middle} ${given}`;
}

function clampYear(y: number): number {
  return Math.min(2022, Math.max(1940, y));
}

/** The people of one household: head first, then spouse, children, sometimes a grandparent. */
function family(rnd: Random, size: number): Person[] {
  const headGender: Gender = rnd.chance(0.68) ? 'male' : 'female';
  const headFamily = rnd.weighted(FAMILY_NAMES);
  const headYear = rnd.int(1945, 1998);
  const people: Person[] = [
    { fullName: personName(rnd, headFamily, headGender), familyName: headFamily, gender: headGender, birthYear: headYear },
  ];
  // Children take the father's family name; a woman heading the house alone passes on hers.
  let childFamily = headFamily;
  if (size >= 2 && rnd.chance(0.8)) {
    const gender: Gender = headGender === 'male' ? 'female' : 'male';
    const fam = rnd.weighted(FAMILY_NAMES);
    if (gender === 'male') childFamily = fam;
    const birthYear = clampYear(headYear + (gender === 'female' ? rnd.int(-1, 6) : rnd.int(-6, 1)));
    people.push({ fullName: personName(rnd, fam, gender), familyName: fam, gender, birthYear });
  }
  let grandparentAdded = false;
  while (people.length < size) {
    if (!grandparentAdded && headYear >= 1965 && size - people.length >= 1 && rnd.chance(0.25)) {
      grandparentAdded = true;
      const gender: Gender = rnd.chance(0.6) ? 'female' : 'male';
      const fam = gender === 'male' || headGender === 'female' ? headFamily : rnd.weighted(FAMILY_NAMES);
      const birthYear = clampYear(headYear - rnd.int(20, 32));
      people.push({ fullName: personName(rnd, fam, gender), familyName: fam, gender, birthYear });
      continue;
    }
    const gender: Gender = rnd.chance(0.5) ? 'female' : 'male';
    const birthYear = clampYear(headYear + rnd.int(20, 38));
    people.push({ fullName: personName(rnd, childFamily, gender), familyName: childFamily, gender, birthYear });
  }
  return people;
}

/** Member counts that average `perHousehold` and add up to exactly the expected total. */
function householdSizes(rnd: Random, households: number, perHousehold: number): number[] {
  if (households <= 0) return [];
  const avg = Math.max(1, perHousehold);
  const hi = Math.max(1, Math.round(2 * avg - 1));
  const cap = Math.max(8, Math.ceil(2 * avg));
  const sizes: number[] = new Array<number>(households);
  let total = 0;
  for (let i = 0; i < households; i++) {
    const n = rnd.int(1, hi);
    sizes[i] = n;
    total += n;
  }
  const target = Math.max(households, Math.round(households * avg));
  let guard = households * cap * 4;
  while (total !== target && guard-- > 0) {
    const i = rnd.int(0, households - 1);
    const n = sizes[i] ?? 1;
    if (total < target && n < cap) {
      sizes[i] = n + 1;
      total++;
    } else if (total > target && n > 1) {
      sizes[i] = n - 1;
      total--;
    }
  }
  return sizes;
}

function smartphoneChance(age: number): number {
  if (age < 10) return 0.05;
  if (age < 14) return 0.35;
  if (age < 30) return 0.97;
  if (age < 50) return 0.9;
  if (age < 65) return 0.65;
  if (age < 75) return 0.35;
  return 0.15;
}

function pickTopics(rnd: Random, count: number): Topic[] {
  const topics: Topic[] = [];
  while (topics.length < count) {
    const t = rnd.weighted(TOPIC_WEIGHTS);
    if (!topics.includes(t)) topics.push(t);
  }
  return topics;
}

function phoneNumber(rnd: Random): string {
  let s: string = rnd.pick(PHONE_PREFIXES);
  for (let i = 0; i < 8; i++) s += String(rnd.int(0, 9));
  return s;
}

function timeOn(rnd: Random, date: string): string {
  // 01–10 UTC is 08–17 in Vietnam: working hours.
  return `${date}T${pad2(rnd.int(1, 10))}:${pad2(rnd.int(0, 59))}:${pad2(rnd.int(0, 59))}.000Z`;
}

function nonNegInt(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

export function generateDemoData(sizes: DemoSizes, options: GenerateOptions = {}): DemoData {
  const rnd = new Random(options.seed ?? DEFAULT_SEED);
  const today = options.today ?? localToday();
  if (!isCalendarDate(today)) throw new RangeError(`today must be YYYY-MM-DD, got ${today}`);
  const thisYear = Number(today.slice(0, 4));
  const version = options.synced ? 1 : 0;
  const meta = (id: string, localUpdatedAt: string): RecordMeta => ({
    id,
    version,
    deleted: 0,
    syncState: 'synced',
    localUpdatedAt,
  });

  // Dates relative to today, computed once: the generator touches them 100,000s of times.
  const pastDays = 400;
  const futureDays = 40;
  const dayCache: string[] = [];
  for (let k = -futureDays; k <= pastDays; k++) dayCache.push(addDays(today, -k));
  const daysAgo = (k: number): string => dayCache[k + futureDays] ?? addDays(today, -k);

  const householdCount = nonNegInt(sizes.households);
  const visitCount = householdCount > 0 ? nonNegInt(sizes.visits) : 0;
  const sessionCount = nonNegInt(sizes.sessions);

  // Team
  const users: UserRow[] = TEAM.map((u) => ({ id: rnd.uuid(), ...u }));
  const userNames = users.map((u) => u.name);
  const userIds = users.map((u) => u.id);

  // Neighborhoods
  const neighborhoods: NeighborhoodRow[] = NEIGHBORHOODS.map((spec) => {
    const fields: NeighborhoodFields = { name: spec.name, kind: spec.kind };
    if (spec.notes) fields.notes = spec.notes;
    return { ...meta(rnd.uuid(), timeOn(rnd, daysAgo(rnd.int(200, 400)))), ...fields };
  });

  // Households and members
  const memberSizes = householdSizes(rnd, householdCount, sizes.membersPerHousehold);
  const householdBases: (HouseholdFields & RecordMeta)[] = [];
  const householdIdsByNeighborhood = new Map<string, string[]>();
  const memberNamesByHousehold: string[][] = [];
  const memberIdsByHousehold: string[][] = [];
  const members: MemberRow[] = [];
  const streetNumbers = new Map<string, number>();

  for (let i = 0; i < householdCount; i++) {
    const nbIndex = rnd.int(0, neighborhoods.length - 1);
    const nb = neighborhoods[nbIndex];
    const spec = NEIGHBORHOODS[nbIndex];
    if (!nb || !spec) throw new Error('neighborhood missing');
    const people = family(rnd, memberSizes[i] ?? 1);
    const head = people[0];
    if (!head) throw new Error('household without a head');

    let address: string;
    if (spec.kind === 'toDanPho') {
      const street = rnd.pick(STREETS);
      const key = `${nb.id}:${street}`;
      const n = (streetNumbers.get(key) ?? rnd.int(1, 20)) + rnd.int(1, 6);
      streetNumbers.set(key, n);
      address = rnd.chance(0.55) ? `Số ${n}, ngõ ${rnd.int(1, 40)}, đường ${street}` : `Số ${n}, đường ${street}`;
    } else {
      address = `${rnd.pick(HAMLETS)}, số ${rnd.int(1, 120)}`;
    }

    const recordedAt = timeOn(rnd, daysAgo(HISTORY_DAYS + rnd.int(1, 90)));
    const purposes: ConsentPurpose[] = rnd.chance(0.8)
      ? [...CONSENT_PURPOSES]
      : CONSENT_PURPOSES.filter((p) => p === 'support' || rnd.chance(0.5));
    const consent: Consent = {
      recordedAt,
      recordedBy: rnd.pick(userNames),
      purposes,
      textVersion: CONSENT_TEXT_VERSION,
    };
    const id = rnd.uuid();
    const base: HouseholdFields & RecordMeta = {
      id,
      version,
      deleted: 0,
      syncState: 'synced',
      localUpdatedAt: recordedAt,
      neighborhood: nb.name,
      neighborhoodId: nb.id,
      address,
      headName: head.fullName,
      consent,
    };
    if (rnd.chance(0.6)) base.phone = phoneNumber(rnd);
    if (rnd.chance(0.1)) base.notes = rnd.pick(HOUSEHOLD_NOTES);
    householdBases.push(base);
    const inNeighborhood = householdIdsByNeighborhood.get(nb.id);
    if (inNeighborhood) inNeighborhood.push(id);
    else householdIdsByNeighborhood.set(nb.id, [id]);

    const names: string[] = [];
    const ids: string[] = [];
    for (const p of people) {
      const age = thisYear - p.birthYear;
      // One flat literal, optional fields added after: spreading 100,000s of rows is slow.
      const m: MemberRow = {
        id: rnd.uuid(),
        version,
        deleted: 0,
        syncState: 'synced',
        localUpdatedAt: recordedAt,
        householdId: id,
        fullName: p.fullName,
        nameKey: personSortKey(p.fullName),
        birthYear: p.birthYear,
        gender: p.gender,
        hasSmartphone: rnd.chance(smartphoneChance(age)),
      };
      if (age >= 14) {
        const phone = m.hasSmartphone === true;
        m.usesOnlineServices = phone && rnd.chance(age < 60 ? 0.55 : 0.25);
        m.hasPaymentAccount = rnd.chance(phone ? (age < 60 ? 0.75 : 0.4) : 0.1);
        const level = rnd.weighted(phone ? VNEID_WITH_PHONE : VNEID_WITHOUT_PHONE);
        m.vneidLevel = level;
        if (level > 0 && age >= 16 && rnd.chance(0.4)) m.vneidLevelSince = daysAgo(rnd.int(10, 400));
      }
      if (rnd.chance(0.05)) m.notes = rnd.pick(MEMBER_NOTES);
      members.push(m);
      names.push(p.fullName);
      ids.push(m.id);
    }
    memberNamesByHousehold.push(names);
    memberIdsByHousehold.push(ids);
  }

  // Visits
  const visits: VisitRow[] = [];
  // Grouped by household index as they are made, so the summaries below stay linear.
  const visitsByHousehold: VisitRow[][] = householdBases.map(() => []);
  for (let i = 0; i < visitCount; i++) {
    const hIndex = rnd.int(0, householdCount - 1);
    const household = householdBases[hIndex];
    const memberIds = memberIdsByHousehold[hIndex] ?? [];
    if (!household) continue;
    const ago = rnd.int(0, HISTORY_DAYS - 1);
    const date = daysAgo(ago);
    const outcome = rnd.weighted(OUTCOME_WEIGHTS);
    const v: VisitRow = {
      id: rnd.uuid(),
      version,
      deleted: 0,
      syncState: 'synced',
      localUpdatedAt: timeOn(rnd, date),
      householdId: household.id,
      date,
      topics: pickTopics(rnd, rnd.weighted(VISIT_TOPIC_COUNTS)),
      outcome,
    };
    if (outcome !== 'notHome' && memberIds.length > 0 && rnd.chance(0.85)) {
      v.memberIds = rnd.sample(memberIds, rnd.int(1, Math.min(3, memberIds.length)));
    }
    v.durationMinutes = outcome === 'notHome' ? rnd.int(10, 15) : rnd.int(2, 18) * 5;
    if (OPEN_OUTCOMES.includes(outcome) && rnd.chance(0.55)) {
      // Early visits' follow-ups are overdue by now; recent ones are still ahead.
      v.followUpDate = daysAgo(ago - rnd.int(3, 30));
    }
    if (rnd.chance(0.3)) {
      v.notes = rnd.pick(outcome === 'done' ? DONE_NOTES[v.topics[0] ?? 'other'] : VISIT_NOTES[outcome]);
    }
    visits.push(v);
    visitsByHousehold[hIndex]?.push(v);
  }

  const households: HouseholdRow[] = householdBases.map((h, i) => ({
    ...withHouseholdKeys(h, memberNamesByHousehold[i] ?? []),
    ...followUpFrom(visitsByHousehold[i] ?? []),
  }));

  // Sessions
  const sessions: SessionRow[] = [];
  for (let i = 0; i < sessionCount; i++) {
    const nbIndex = rnd.int(0, neighborhoods.length - 1);
    const nb = neighborhoods[nbIndex];
    const spec = NEIGHBORHOODS[nbIndex];
    if (!nb || !spec) continue;
    const date = daysAgo(rnd.int(0, HISTORY_DAYS - 1));
    const topics = pickTopics(rnd, rnd.int(1, 3));
    const attendees = rnd.int(10, 60);
    const s: SessionFields = {
      date,
      place: rnd.chance(0.8) ? spec.place : rnd.pick(OTHER_PLACES),
      topics,
      attendees,
      neighborhoodId: nb.id,
      facilitatorIds: rnd.sample(userIds, rnd.int(1, 2)),
    };
    const nbHouseholds = householdIdsByNeighborhood.get(nb.id) ?? [];
    if (nbHouseholds.length > 0 && rnd.chance(0.5)) {
      s.householdIds = rnd.sample(nbHouseholds, rnd.int(3, 8));
    }
    const results: Partial<Record<ResultKey, number>> = {};
    let anyResult = false;
    for (const t of topics) {
      for (const key of TOPIC_RESULTS[t] ?? []) {
        results[key] = rnd.int(0, Math.floor(attendees * (key === 'vneidLevel2' ? 0.3 : 0.6)));
        anyResult = true;
      }
    }
    if (anyResult) s.results = results;
    if (rnd.chance(0.35)) s.notes = rnd.pick(SESSION_NOTES);
    sessions.push({ ...meta(rnd.uuid(), timeOn(rnd, date)), ...s });
  }

  return { neighborhoods, households, members, visits, sessions, users };
}

// ---------------------------------------------------------------------------------------------
// Seeding

async function putInChunks<R>(database: AppDB, table: Table<R, string>, rows: readonly R[], chunkSize: number, written: (n: number) => void): Promise<void> {
  for (let start = 0; start < rows.length; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize);
    await database.transaction('rw', table, async () => {
      await table.bulkPut(chunk);
    });
    written(chunk.length);
  }
}

/**
 * Writes the demo rows table by table, in chunks, one transaction per chunk. The outbox is not
 * touched: these rows are not local changes waiting to be sent.
 */
export async function seedDatabase(
  database: AppDB,
  data: DemoData,
  options: { chunkSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<void> {
  const chunkSize = Math.max(1, Math.floor(options.chunkSize ?? 2000));
  const total = data.users.length + data.neighborhoods.length + data.households.length + data.members.length + data.visits.length + data.sessions.length;
  let done = 0;
  const written = (n: number) => {
    done += n;
    options.onProgress?.(done, total);
  };
  await putInChunks(database, database.users, data.users, chunkSize, written);
  await putInChunks(database, database.neighborhoods, data.neighborhoods, chunkSize, written);
  await putInChunks(database, database.households, data.households, chunkSize, written);
  await putInChunks(database, database.members, data.members, chunkSize, written);
  await putInChunks(database, database.visits, data.visits, chunkSize, written);
  await putInChunks(database, database.sessions, data.sessions, chunkSize, written);
}
