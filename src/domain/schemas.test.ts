import { describe, expect, it } from 'vitest';
import { MAX_LENGTH, validateCreate, validatePatch, type FieldErrors, type Validation } from './schemas';
import { RESULT_KEYS, TOPICS, type EntityName } from './vocab';

const HOUSEHOLD_ID = '0194b2a0-7c1e-7a3b-9c4d-5e6f70818293';
const MEMBER_ID = '0194b2a0-7c1e-7b3b-8c4d-5e6f70818294';
const MEMBER_ID_2 = '0194b2a0-7c1e-7c3b-ac4d-5e6f70818295';
const NEIGHBORHOOD_ID = '0194b2a0-7c1e-7d3b-bc4d-5e6f70818296';
const USER_ID = '0194b2a0-7c1e-7e3b-9c4d-5e6f70818297';
const THIS_YEAR = new Date().getFullYear();

const consent = {
  recordedAt: '2026-01-10T08:15:00.000Z',
  recordedBy: 'Lê Thị Hoa',
  purposes: ['support'],
  textVersion: 'vi-2026-01',
};

const minimal = {
  neighborhood: { name: 'Thôn Đông', kind: 'thon' },
  household: { neighborhood: 'Thôn Đông', address: 'Số 12, ngõ 3, đường Lê Lợi', headName: 'Nguyễn Văn Bình', consent },
  member: { householdId: HOUSEHOLD_ID, fullName: 'Trần Thị Mai', birthYear: 1958 },
  visit: { householdId: HOUSEHOLD_ID, date: '2026-03-02', topics: ['vneid'], outcome: 'done' },
  session: { date: '2026-03-05', place: 'Nhà văn hóa thôn Đông', topics: ['scamAwareness'], attendees: 25 },
  checklistStep: { memberId: MEMBER_ID, stepKey: 'vneid.install', status: 'pending' },
} satisfies Record<EntityName, Record<string, unknown>>;

const full = {
  neighborhood: { name: 'Tổ dân phố số 5', kind: 'toDanPho', notes: 'Gần chợ Đồng Xuân, 120 hộ.' },
  household: {
    neighborhood: 'Thôn Đông',
    neighborhoodId: NEIGHBORHOOD_ID,
    address: 'Số 12, ngõ 3, đường Lê Lợi',
    headName: 'Nguyễn Văn Bình',
    phone: '+84912345678',
    consent: {
      recordedAt: '2026-01-10T15:15:00+07:00',
      recordedBy: 'Lê Thị Hoa',
      purposes: ['support', 'followUp', 'reporting'],
      textVersion: 'vi-2026-01',
      withdrawnAt: '2026-02-01T09:00:00Z',
    },
    notes: 'Ông Bình mắt kém, cần hướng dẫn chậm.',
  },
  member: {
    householdId: HOUSEHOLD_ID,
    fullName: 'Trần Thị Mai',
    birthYear: 1958,
    gender: 'female',
    hasSmartphone: true,
    usesOnlineServices: false,
    hasPaymentAccount: false,
    vneidLevel: 2,
    vneidLevelSince: '2025-11-20',
    notes: 'Dùng điện thoại của con trai.',
  },
  visit: {
    householdId: HOUSEHOLD_ID,
    date: '2026-03-02',
    topics: ['vneid', 'feePayment', 'scamAwareness'],
    outcome: 'followUp',
    memberIds: [MEMBER_ID, MEMBER_ID_2],
    durationMinutes: 45,
    followUpDate: '2026-03-09',
    notes: 'Chưa có mã OTP, hẹn tuần sau.',
  },
  session: {
    date: '2026-03-05',
    place: 'Nhà văn hóa thôn Đông',
    topics: ['vneid', 'eHealth'],
    attendees: 42,
    neighborhoodId: NEIGHBORHOOD_ID,
    facilitatorIds: [USER_ID],
    householdIds: [HOUSEHOLD_ID],
    results: {
      vneidInstalled: 12,
      vneidLevel2: 5,
      onlineDossiers: 3,
      feesPaidOnline: 0,
      paymentAccounts: 7,
      scamTraining: 42,
    },
    notes: 'Mang theo máy chiếu của xã.',
  },
  checklistStep: { memberId: MEMBER_ID, stepKey: 'vneid.level2', status: 'done', doneOn: '2026-03-02', note: 'Đã xác thực khuôn mặt.' },
} satisfies Record<EntityName, Record<string, unknown>>;

const ENTITIES = Object.keys(minimal) as EntityName[];

/** Missing each required field: the error key and its current message. */
const REQUIRED: Record<EntityName, Record<string, string>> = {
  neighborhood: { name: 'validation.required', kind: 'validation.required' },
  household: {
    neighborhood: 'validation.required',
    address: 'validation.required',
    headName: 'validation.required',
    consent: 'validation.invalid',
  },
  member: { householdId: 'validation.invalid', fullName: 'validation.required', birthYear: 'validation.invalidNumber' },
  visit: { householdId: 'validation.invalid', date: 'validation.required', topics: 'validation.invalid', outcome: 'validation.required' },
  session: { date: 'validation.required', place: 'validation.required', topics: 'validation.invalid', attendees: 'validation.invalidNumber' },
  checklistStep: { memberId: 'validation.invalid', stepKey: 'validation.required', status: 'validation.invalid' },
};

/** One optional field per entity, with a valid patch value. */
const OPTIONAL: Record<EntityName, [string, unknown]> = {
  neighborhood: ['notes', 'Đường vào ngập khi mưa.'],
  household: ['phone', '0912345678'],
  member: ['gender', 'male'],
  visit: ['followUpDate', '2026-03-16'],
  session: ['neighborhoodId', NEIGHBORHOOD_ID],
  checklistStep: ['doneOn', '2026-03-03'],
};

function without<T extends Record<string, unknown>>(obj: T, key: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...obj };
  delete out[key];
  return out;
}

function errorsOf<T>(r: Validation<T>): FieldErrors {
  if (r.ok) throw new Error(`expected a validation failure, got ${JSON.stringify(r.value)}`);
  for (const [path, msg] of Object.entries(r.errors)) {
    expect(msg, `message of ${path}`).toMatch(/^validation\.[a-zA-Z]+$/);
  }
  return r.errors;
}

function create(entity: EntityName, patch: Record<string, unknown>) {
  return validateCreate(entity, { ...minimal[entity], ...patch });
}

function expectCreateError(entity: EntityName, patch: Record<string, unknown>, path: string, message: string) {
  const errors = errorsOf(create(entity, patch));
  expect(errors).toEqual({ [path]: message });
}

function expectCreateOk(entity: EntityName, patch: Record<string, unknown>) {
  const fields = { ...minimal[entity], ...patch };
  expect(validateCreate(entity, fields)).toEqual({ ok: true, value: fields });
}

const nfd = (s: string) => s.normalize('NFD');

describe('validateCreate — every entity', () => {
  describe.each(ENTITIES)('%s', (entity) => {
    it('accepts a minimal valid object and returns it unchanged', () => {
      expect(validateCreate(entity, minimal[entity])).toEqual({ ok: true, value: minimal[entity] });
    });

    it('accepts a full valid object and returns it unchanged', () => {
      expect(validateCreate(entity, full[entity])).toEqual({ ok: true, value: full[entity] });
    });

    it.each(Object.entries(REQUIRED[entity]))('rejects a missing required %s, keyed by that field', (field, message) => {
      const errors = errorsOf(validateCreate(entity, without(minimal[entity], field)));
      expect(errors).toEqual({ [field]: message });
    });

    it('reports every missing required field at once for an empty object', () => {
      const errors = errorsOf(validateCreate(entity, {}));
      expect(errors).toEqual(REQUIRED[entity]);
    });

    it('rejects unknown fields (and local-only keys)', () => {
      expect(errorsOf(create(entity, { tenTruong: 'x' }))).toEqual({ _: 'validation.invalid' });
      expect(errorsOf(create(entity, { syncState: 'pending' }))).toEqual({ _: 'validation.invalid' });
      expect(errorsOf(create(entity, { id: HOUSEHOLD_ID }))).toEqual({ _: 'validation.invalid' });
    });

    it('rejects non-objects', () => {
      expect(errorsOf(validateCreate(entity, null))).toEqual({ _: 'validation.invalid' });
      expect(errorsOf(validateCreate(entity, 'Nguyễn Văn Bình'))).toEqual({ _: 'validation.invalid' });
      expect(errorsOf(validateCreate(entity, [minimal[entity]]))).toEqual({ _: 'validation.invalid' });
    });
  });
});

describe('text lengths (NFC code points)', () => {
  const cases: [EntityName, string, number][] = [
    ['neighborhood', 'name', 100],
    ['neighborhood', 'notes', 2000],
    ['household', 'neighborhood', 100],
    ['household', 'address', 200],
    ['household', 'headName', 100],
    ['household', 'houseNumber', 50],
    ['household', 'lane', 200],
    ['household', 'notes', 2000],
    ['member', 'fullName', 100],
    ['member', 'notes', 2000],
    ['visit', 'notes', 2000],
    ['session', 'place', 200],
    ['session', 'notes', 2000],
    ['checklistStep', 'stepKey', 64],
    ['checklistStep', 'note', 2000],
  ];

  it('the limits the forms put on their inputs are the ones checked here', () => {
    const limit = (entity: EntityName, field: string) => cases.find(([e, f]) => e === entity && f === field)?.[2];
    expect(MAX_LENGTH.name).toBe(limit('household', 'headName'));
    expect(MAX_LENGTH.name).toBe(limit('member', 'fullName'));
    expect(MAX_LENGTH.neighborhood).toBe(limit('household', 'neighborhood'));
    expect(MAX_LENGTH.address).toBe(limit('household', 'address'));
    expect(MAX_LENGTH.houseNumber).toBe(limit('household', 'houseNumber'));
    expect(MAX_LENGTH.lane).toBe(limit('household', 'lane'));
    expect(MAX_LENGTH.place).toBe(limit('session', 'place'));
    expect(MAX_LENGTH.notes).toBe(limit('visit', 'notes'));
  });

  it.each(cases)('%s.%s: %i code points pass, one more is validation.tooLong', (entity, field, max) => {
    expectCreateOk(entity, { [field]: 'a'.repeat(max) });
    expectCreateError(entity, { [field]: 'a'.repeat(max + 1) }, field, 'validation.tooLong');
  });

  it.each(cases)('%s.%s counts decomposed "ễ" and emoji as one code point each', (entity, field, max) => {
    const decomposed = nfd('ễ').repeat(max);
    expect(decomposed.length).toBe(3 * max);
    expectCreateOk(entity, { [field]: decomposed });
    expectCreateError(entity, { [field]: decomposed + nfd('ễ') }, field, 'validation.tooLong');
    const emoji = '🌾'.repeat(max);
    expect(emoji.length).toBe(2 * max);
    expectCreateOk(entity, { [field]: emoji });
    expectCreateError(entity, { [field]: emoji + '🌾' }, field, 'validation.tooLong');
  });

  it('consent.recordedBy and consent.textVersion are limited to 200', () => {
    expectCreateOk('household', { consent: { ...consent, recordedBy: 'Đ'.repeat(200) } });
    expectCreateError('household', { consent: { ...consent, recordedBy: 'Đ'.repeat(201) } }, 'consent.recordedBy', 'validation.tooLong');
    expectCreateOk('household', { consent: { ...consent, textVersion: 'v'.repeat(200) } });
    expectCreateError('household', { consent: { ...consent, textVersion: 'v'.repeat(201) } }, 'consent.textVersion', 'validation.tooLong');
  });

  it('required text fields reject empty and whitespace-only strings', () => {
    expectCreateError('household', { headName: '' }, 'headName', 'validation.required');
    expectCreateError('household', { headName: '   ' }, 'headName', 'validation.required');
    expectCreateError('household', { address: '\t\n' }, 'address', 'validation.required');
    expectCreateError('neighborhood', { name: ' ' }, 'name', 'validation.required');
    expectCreateError('member', { fullName: '' }, 'fullName', 'validation.required');
    expectCreateError('session', { place: '  ' }, 'place', 'validation.required');
    expectCreateError('checklistStep', { stepKey: '' }, 'stepKey', 'validation.required');
    expectCreateError('household', { consent: { ...consent, recordedBy: ' ' } }, 'consent.recordedBy', 'validation.required');
  });

  it('optional notes may be empty', () => {
    expectCreateOk('visit', { notes: '' });
    expectCreateOk('checklistStep', { note: '' });
  });

  it('rejects non-string text', () => {
    expectCreateError('household', { headName: 42 }, 'headName', 'validation.required');
    expectCreateError('neighborhood', { notes: ['x'] }, 'notes', 'validation.required');
  });
});

describe('enums', () => {
  it('neighborhood.kind is thon or toDanPho', () => {
    expectCreateOk('neighborhood', { kind: 'toDanPho' });
    expectCreateError('neighborhood', { kind: 'xa' }, 'kind', 'validation.required');
    expectCreateError('neighborhood', { kind: 'Thon' }, 'kind', 'validation.required');
  });

  it('member.gender, member.vneidLevel', () => {
    for (const g of ['female', 'male', 'other']) expectCreateOk('member', { gender: g });
    expectCreateError('member', { gender: 'nữ' }, 'gender', 'validation.invalid');
    for (const l of [0, 1, 2]) expectCreateOk('member', { vneidLevel: l });
    expectCreateError('member', { vneidLevel: 3 }, 'vneidLevel', 'validation.invalid');
    expectCreateError('member', { vneidLevel: '2' }, 'vneidLevel', 'validation.invalid');
  });

  it('member booleans', () => {
    expectCreateOk('member', { hasSmartphone: false, usesOnlineServices: true, hasPaymentAccount: true });
    expectCreateError('member', { hasSmartphone: 'có' }, 'hasSmartphone', 'validation.invalid');
    expectCreateError('member', { hasPaymentAccount: 1 }, 'hasPaymentAccount', 'validation.invalid');
  });

  it('visit.outcome', () => {
    for (const o of ['done', 'partial', 'followUp', 'notHome']) expectCreateOk('visit', { outcome: o });
    expectCreateError('visit', { outcome: 'xong' }, 'outcome', 'validation.required');
  });

  it('checklistStep.status', () => {
    expectCreateOk('checklistStep', { status: 'done' });
    expectCreateError('checklistStep', { status: 'skipped' }, 'status', 'validation.invalid');
  });

  it('consent.purposes: at least one, each a known purpose', () => {
    expectCreateOk('household', { consent: { ...consent, purposes: ['reporting', 'followUp'] } });
    expectCreateError('household', { consent: { ...consent, purposes: [] } }, 'consent.purposes', 'validation.chooseOne');
    expectCreateError('household', { consent: { ...consent, purposes: ['support', 'marketing'] } }, 'consent.purposes.1', 'validation.invalid');
    expectCreateError('household', { consent: { ...consent, purposes: 'support' } }, 'consent.purposes', 'validation.invalid');
  });

  it('consent rejects unknown fields and missing parts', () => {
    expectCreateError('household', { consent: { ...consent, signature: 'x' } }, 'consent', 'validation.invalid');
    expectCreateError('household', { consent: without(consent, 'recordedAt') }, 'consent.recordedAt', 'validation.invalid');
    expectCreateError('household', { consent: without(consent, 'recordedBy') }, 'consent.recordedBy', 'validation.required');
    expectCreateError('household', { consent: without(consent, 'textVersion') }, 'consent.textVersion', 'validation.required');
    expectCreateError('household', { consent: without(consent, 'purposes') }, 'consent.purposes', 'validation.invalid');
  });
});

describe('topics', () => {
  it.each(['visit', 'session'] as const)('%s: every topic is accepted, all at once too', (entity) => {
    for (const t of TOPICS) expectCreateOk(entity, { topics: [t] });
    expectCreateOk(entity, { topics: [...TOPICS] });
  });

  it.each(['visit', 'session'] as const)('%s: empty is chooseOne, duplicates and unknown topics are invalid', (entity) => {
    expectCreateError(entity, { topics: [] }, 'topics', 'validation.chooseOne');
    expectCreateError(entity, { topics: ['vneid', 'eHealth', 'vneid'] }, 'topics', 'validation.invalid');
    expectCreateError(entity, { topics: ['vneid', 'zalo'] }, 'topics.1', 'validation.invalid');
    expectCreateError(entity, { topics: 'vneid' }, 'topics', 'validation.invalid');
  });
});

describe('calendar dates and datetimes', () => {
  it.each([
    ['visit', 'date'],
    ['visit', 'followUpDate'],
    ['session', 'date'],
    ['member', 'vneidLevelSince'],
    ['checklistStep', 'doneOn'],
  ] as const)('%s.%s must be a real YYYY-MM-DD date', (entity, field) => {
    expectCreateOk(entity, { [field]: '2024-02-29' });
    expectCreateError(entity, { [field]: '2023-02-29' }, field, 'validation.invalidDate');
    expectCreateError(entity, { [field]: '2026-13-01' }, field, 'validation.invalidDate');
    expectCreateError(entity, { [field]: '2026-1-1' }, field, 'validation.invalidDate');
    expectCreateError(entity, { [field]: '02/03/2026' }, field, 'validation.invalidDate');
  });

  it('consent datetimes must be ISO-8601 with an offset', () => {
    expectCreateOk('household', { consent: { ...consent, recordedAt: '2026-01-10T15:15:00+07:00' } });
    expectCreateError('household', { consent: { ...consent, recordedAt: '2026-01-10' } }, 'consent.recordedAt', 'validation.invalidDate');
    expectCreateError('household', { consent: { ...consent, recordedAt: '2026-01-10T08:00:00' } }, 'consent.recordedAt', 'validation.invalidDate');
    expectCreateError('household', { consent: { ...consent, withdrawnAt: 'hôm qua' } }, 'consent.withdrawnAt', 'validation.invalidDate');
  });
});

describe('phone', () => {
  it.each(['12345678', '0912345678', '+84912345678', '123456789012345', '+123456789012345'])('accepts %s', (phone) => {
    expectCreateOk('household', { phone });
  });

  it.each(['1234567', '+1234567', '1234567890123456', '091 234 5678', '0912-345-678', '++84912345678', '84+912345678', '09123456a8', '+'])(
    'rejects %s',
    (phone) => {
      expectCreateError('household', { phone }, 'phone', 'validation.invalidPhone');
    },
  );
});

describe('numbers', () => {
  it('member.birthYear is an integer from 1900 to this year', () => {
    expectCreateOk('member', { birthYear: 1900 });
    expectCreateOk('member', { birthYear: THIS_YEAR });
    expectCreateError('member', { birthYear: 1899 }, 'birthYear', 'validation.outOfRange');
    expectCreateError('member', { birthYear: THIS_YEAR + 1 }, 'birthYear', 'validation.outOfRange');
    expectCreateError('member', { birthYear: 1985.5 }, 'birthYear', 'validation.invalidNumber');
    expectCreateError('member', { birthYear: '1985' }, 'birthYear', 'validation.invalidNumber');
    expectCreateError('member', { birthYear: Number.NaN }, 'birthYear', 'validation.invalidNumber');
  });

  it('visit.durationMinutes is an integer 0–600', () => {
    expectCreateOk('visit', { durationMinutes: 0 });
    expectCreateOk('visit', { durationMinutes: 600 });
    expectCreateError('visit', { durationMinutes: -1 }, 'durationMinutes', 'validation.outOfRange');
    expectCreateError('visit', { durationMinutes: 601 }, 'durationMinutes', 'validation.outOfRange');
    expectCreateError('visit', { durationMinutes: 12.5 }, 'durationMinutes', 'validation.invalidNumber');
  });

  it('session.attendees is an integer 0–10000', () => {
    expectCreateOk('session', { attendees: 0 });
    expectCreateOk('session', { attendees: 10000 });
    expectCreateError('session', { attendees: -1 }, 'attendees', 'validation.outOfRange');
    expectCreateError('session', { attendees: 10001 }, 'attendees', 'validation.outOfRange');
    expectCreateError('session', { attendees: 3.2 }, 'attendees', 'validation.invalidNumber');
    expectCreateError('session', { attendees: Infinity }, 'attendees', 'validation.invalidNumber');
  });

  it('session.results: known keys only, each an integer 0–10000, any subset', () => {
    expectCreateOk('session', { results: {} });
    for (const key of RESULT_KEYS) {
      expectCreateOk('session', { results: { [key]: 0 } });
      expectCreateOk('session', { results: { [key]: 10000 } });
      expectCreateError('session', { results: { [key]: 10001 } }, `results.${key}`, 'validation.outOfRange');
      expectCreateError('session', { results: { [key]: -1 } }, `results.${key}`, 'validation.outOfRange');
      expectCreateError('session', { results: { [key]: 1.5 } }, `results.${key}`, 'validation.invalidNumber');
    }
    expectCreateError('session', { results: { smartphonesBought: 3 } }, 'results', 'validation.invalid');
  });

  it('visit.results: the same counts as a session, optional', () => {
    expectCreateOk('visit', { results: { onlineDossiers: 1 } });
    expectCreateOk('visit', { results: {} });
    expectCreateError('visit', { results: { onlineDossiers: 10001 } }, 'results.onlineDossiers', 'validation.outOfRange');
    expectCreateError('visit', { results: { smartphonesBought: 3 } }, 'results', 'validation.invalid');
  });
});

describe('uuid references', () => {
  it('reject non-UUIDs, including inside arrays', () => {
    expectCreateError('member', { householdId: 'ho-12' }, 'householdId', 'validation.invalid');
    expectCreateError('household', { neighborhoodId: 'Thôn Đông' }, 'neighborhoodId', 'validation.invalid');
    expectCreateError('visit', { memberIds: [MEMBER_ID, 'x'] }, 'memberIds.1', 'validation.invalid');
    expectCreateError('session', { facilitatorIds: ['Lê Thị Hoa'] }, 'facilitatorIds.0', 'validation.invalid');
    expectCreateError('session', { householdIds: [HOUSEHOLD_ID, ''] }, 'householdIds.1', 'validation.invalid');
    expectCreateError('checklistStep', { memberId: MEMBER_ID.slice(1) }, 'memberId', 'validation.invalid');
  });

  it('accept empty id arrays', () => {
    expectCreateOk('visit', { memberIds: [] });
    expectCreateOk('session', { facilitatorIds: [], householdIds: [] });
  });
});

describe('validatePatch — every entity', () => {
  describe.each(ENTITIES)('%s', (entity) => {
    const [optField, optValue] = OPTIONAL[entity];
    const requiredFields = Object.keys(REQUIRED[entity]);

    it('accepts an empty patch', () => {
      expect(validatePatch(entity, {})).toEqual({ ok: true, value: {} });
    });

    it('accepts any single valid field on its own', () => {
      for (const [k, v] of Object.entries(full[entity])) {
        expect(validatePatch(entity, { [k]: v }), k).toEqual({ ok: true, value: { [k]: v } });
      }
    });

    it(`accepts null for the optional ${optField} (clear) together with a change`, () => {
      expect(validatePatch(entity, { [optField]: null })).toEqual({ ok: true, value: { [optField]: null } });
      expect(validatePatch(entity, { [optField]: optValue })).toEqual({ ok: true, value: { [optField]: optValue } });
    });

    it('rejects null for every required field', () => {
      for (const field of requiredFields) {
        expect(errorsOf(validatePatch(entity, { [field]: null })), field).toEqual({ [field]: 'validation.required' });
      }
    });

    it('rejects unknown fields, with or without a value', () => {
      expect(errorsOf(validatePatch(entity, { ghiChu: 'x' }))).toEqual({ _: 'validation.invalid' });
      expect(errorsOf(validatePatch(entity, { ghiChu: null }))).toEqual({ _: 'validation.invalid' });
      expect(errorsOf(validatePatch(entity, { version: 3 }))).toEqual({ _: 'validation.invalid' });
    });

    it('rejects a patch that is not a plain object', () => {
      expect(errorsOf(validatePatch(entity, null))).toEqual({ _: 'validation.invalid' });
      expect(errorsOf(validatePatch(entity, []))).toEqual({ _: 'validation.invalid' });
      expect(errorsOf(validatePatch(entity, 'x'))).toEqual({ _: 'validation.invalid' });
    });
  });

  it('validates each given field against its own rule', () => {
    expect(errorsOf(validatePatch('household', { phone: '12' }))).toEqual({ phone: 'validation.invalidPhone' });
    expect(errorsOf(validatePatch('household', { headName: '' }))).toEqual({ headName: 'validation.required' });
    expect(errorsOf(validatePatch('household', { headName: 'Đ'.repeat(101) }))).toEqual({ headName: 'validation.tooLong' });
    expect(errorsOf(validatePatch('member', { birthYear: 1899 }))).toEqual({ birthYear: 'validation.outOfRange' });
    expect(errorsOf(validatePatch('visit', { followUpDate: '2026-02-30' }))).toEqual({ followUpDate: 'validation.invalidDate' });
    expect(errorsOf(validatePatch('visit', { topics: [] }))).toEqual({ topics: 'validation.chooseOne' });
    expect(errorsOf(validatePatch('session', { results: { vneidLevel2: 10001 } }))).toEqual({
      'results.vneidLevel2': 'validation.outOfRange',
    });
    expect(errorsOf(validatePatch('household', { consent: { ...consent, purposes: [] } }))).toEqual({
      'consent.purposes': 'validation.chooseOne',
    });
  });

  it('reports a bad value, a cleared required field and an unknown field together', () => {
    expect(errorsOf(validatePatch('household', { phone: 'abc', address: null, mau: 'đỏ' }))).toEqual({
      address: 'validation.required',
      phone: 'validation.invalidPhone',
      _: 'validation.invalid',
    });
  });

  it('keeps valid values and clears alongside each other', () => {
    expect(validatePatch('household', { phone: '0987654321', notes: null, neighborhoodId: null })).toEqual({
      ok: true,
      value: { phone: '0987654321', notes: null, neighborhoodId: null },
    });
  });

  it('does not let a patch clear the whole consent', () => {
    expect(errorsOf(validatePatch('household', { consent: null }))).toEqual({ consent: 'validation.required' });
  });
});

describe('limits (sync spec v1.1)', () => {
  it('refuses a NUL or a lone surrogate in any text field, and keeps well-formed astral text', () => {
    for (const bad of ['a\u0000b', 'x\ud800', '\udfffy', '\udc00\ud800']) {
      expect(errorsOf(validatePatch('neighborhood', { name: bad }))).toEqual({ name: 'validation.invalidCharacters' });
      expect(errorsOf(validatePatch('household', { notes: bad }))).toEqual({ notes: 'validation.invalidCharacters' });
    }
    expect(validatePatch('neighborhood', { name: 'Thôn 𝕏' }).ok).toBe(true);
  });

  it('holds at most 100 ids in an array field', () => {
    const ids = (n: number) => Array.from({ length: n }, () => MEMBER_ID);
    expect(validatePatch('visit', { memberIds: ids(100) }).ok).toBe(true);
    expect(errorsOf(validatePatch('visit', { memberIds: ids(101) }))).toEqual({ memberIds: 'validation.tooMany' });
    expect(errorsOf(validatePatch('session', { householdIds: ids(101) }))).toEqual({ householdIds: 'validation.tooMany' });
  });

  it('refuses a create whose fields pass 16 KiB of JSON', () => {
    const ids = Array.from({ length: 100 }, () => MEMBER_ID);
    const fields = { date: '2026-03-05', place: '𝕏'.repeat(200), topics: ['vneid'], attendees: 1, notes: '𝕏'.repeat(2000), facilitatorIds: ids, householdIds: ids };
    expect(errorsOf(validateCreate('session', fields))).toEqual({ _: 'validation.tooLarge' });
    expect(validateCreate('session', { ...fields, notes: 'ngắn' }).ok).toBe(true);
  });

  it('treats a field named like an Object property as unknown, not as a crash', () => {
    for (const key of ['constructor', 'toString', 'hasOwnProperty']) {
      expect(validatePatch('household', { [key]: null }).ok).toBe(false);
    }
  });
});
