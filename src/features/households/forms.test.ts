import { describe, expect, it } from 'vitest';
import {
  cleanPhone,
  composeAddress,
  emptyHousehold,
  emptyMember,
  householdToForm,
  memberToForm,
  toHouseholdFields,
  toMemberFields,
  type HouseholdForm,
  type MemberForm,
} from './forms';
import { validateCreate, type Consent } from '../../domain/schemas';
import { compact } from '../../db/write';
import type { HouseholdRow, MemberRow } from '../../db/rows';

const HH = '0194b2a0-7c1e-7a3b-9c4d-5e6f70818293';
const consent: Consent = {
  recordedAt: '2026-03-02T08:15:00.000Z',
  recordedBy: 'Lê Thị Hoa',
  purposes: ['support', 'followUp'],
  textVersion: 'vi-2026-01',
};

const form = (over: Partial<HouseholdForm> = {}): HouseholdForm => ({ ...emptyHousehold(), ...over });
const member = (over: Partial<MemberForm> = {}): MemberForm => ({ ...emptyMember(), ...over });

describe('household form → fields', () => {
  it('composes the address "12, ngõ 4 Lê Lợi" from the parts, trimming each', () => {
    const f = toHouseholdFields(
      form({ neighborhood: ' Thôn Đông ', houseNumber: ' 12 ', lane: ' ngõ 4 Lê Lợi ', headName: ' Nguyễn Văn Bình ' }),
      consent,
    );
    expect(f.address).toBe('12, ngõ 4 Lê Lợi');
    expect(f.houseNumber).toBe('12');
    expect(f.lane).toBe('ngõ 4 Lê Lợi');
    expect(f.headName).toBe('Nguyễn Văn Bình');
    expect(f.neighborhood).toBe('Thôn Đông');
    expect(f.consent).toEqual(consent);
  });

  it('uses whichever address part is there, without a stray comma', () => {
    expect(composeAddress({ houseNumber: '', lane: 'Xóm Chùa' })).toBe('Xóm Chùa');
    expect(composeAddress({ houseNumber: '7', lane: '  ' })).toBe('7');
    expect(composeAddress({ houseNumber: ' ', lane: '' })).toBe('');
  });

  it('cleans the phone: "091 234.5678" → "0912345678", and keeps a leading +', () => {
    expect(cleanPhone('091 234.5678')).toBe('0912345678');
    expect(cleanPhone(' +84 91-234-5678 ')).toBe('+84912345678');
    expect(cleanPhone('(091) 234 5678')).toBe('0912345678');
    expect(cleanPhone('')).toBe('');
    expect(toHouseholdFields(form({ phone: '091 234.5678' }), consent).phone).toBe('0912345678');
  });

  it('adds neighborhoodId only when the neighborhood is a known one', () => {
    expect(toHouseholdFields(form({ neighborhood: 'Thôn Đông' }), consent, HH).neighborhoodId).toBe(HH);
    expect('neighborhoodId' in toHouseholdFields(form({ neighborhood: 'Thôn Đông' }), consent)).toBe(false);
  });

  it('a full form validates, with the phone as digits', () => {
    const fields = toHouseholdFields(
      form({ neighborhood: 'Thôn Đông', houseNumber: '12', lane: 'ngõ 4 Lê Lợi', headName: 'Nguyễn Văn Bình', phone: '091 234.5678', notes: 'Nhà có cụ già' }),
      consent,
    );
    const checked = validateCreate('household', fields);
    expect(checked).toEqual({ ok: true, value: fields });
  });

  it('empty optional fields are absent after validation (as the repository stores them)', () => {
    const fields = toHouseholdFields(form({ neighborhood: 'Thôn Đông', lane: 'Xóm Chùa', headName: 'Nguyễn Văn Bình' }), consent);
    const checked = validateCreate('household', compact(fields));
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.value).toEqual({
      neighborhood: 'Thôn Đông',
      address: 'Xóm Chùa',
      lane: 'Xóm Chùa',
      headName: 'Nguyễn Văn Bình',
      consent,
    });
    for (const k of ['houseNumber', 'phone', 'notes', 'neighborhoodId']) expect(k in checked.value).toBe(false);
  });

  // Regression: toHouseholdFields used to return phone: '' for an empty phone, which the pages
  // validated as is ("Số điện thoại gồm 8–15 chữ số."), so a household without a phone could not be saved.
  it('toHouseholdFields itself omits empty optional fields, so a household without a phone validates', () => {
    const fields = toHouseholdFields(form({ neighborhood: 'Thôn Đông', lane: 'Xóm Chùa', headName: 'Nguyễn Văn Bình', phone: '  ', notes: ' ' }), consent);
    for (const k of ['houseNumber', 'phone', 'notes', 'neighborhoodId']) expect(k in fields, k).toBe(false);
    expect(validateCreate('household', fields)).toEqual({
      ok: true,
      value: { neighborhood: 'Thôn Đông', address: 'Xóm Chùa', lane: 'Xóm Chùa', headName: 'Nguyễn Văn Bình', consent },
    });
  });

  it('an empty head name, neighborhood and address are required', () => {
    const checked = validateCreate('household', compact(toHouseholdFields(form({ headName: '   ' }), consent)));
    expect(checked).toEqual({
      ok: false,
      errors: { neighborhood: 'validation.required', address: 'validation.required', headName: 'validation.required' },
    });
  });

  it('a phone with too few digits is rejected', () => {
    const fields = toHouseholdFields(form({ neighborhood: 'A', lane: 'B', headName: 'C', phone: '091 23' }), consent);
    expect(validateCreate('household', fields)).toEqual({ ok: false, errors: { phone: 'validation.invalidPhone' } });
  });

  it('householdToForm puts an address without parts into the lane field', () => {
    const row = { neighborhood: 'Thôn Đông', address: 'Xóm Chùa, gần giếng', headName: 'Bình' } as HouseholdRow;
    expect(householdToForm(row)).toEqual({ neighborhood: 'Thôn Đông', houseNumber: '', lane: 'Xóm Chùa, gần giếng', headName: 'Bình', phone: '', notes: '' });
  });
});

describe('member form → fields', () => {
  it("turns '' birth year into NaN, which fails validation", () => {
    const fields = toMemberFields(member({ fullName: 'Trần Thị Lan', birthYear: '' }), HH);
    expect(fields.birthYear).toBeNaN();
    const checked = validateCreate('member', fields);
    expect(checked).toEqual({ ok: false, errors: { birthYear: 'validation.invalidNumber' } });
  });

  it('a birth year of only spaces is also NaN', () => {
    expect(toMemberFields(member({ birthYear: '  ' }), HH).birthYear).toBeNaN();
  });

  it('a year before 1900 or in the future is out of range', () => {
    const next = String(new Date().getFullYear() + 1);
    expect(validateCreate('member', toMemberFields(member({ fullName: 'A', birthYear: '1899' }), HH))).toEqual({ ok: false, errors: { birthYear: 'validation.outOfRange' } });
    expect(validateCreate('member', toMemberFields(member({ fullName: 'A', birthYear: next }), HH))).toEqual({ ok: false, errors: { birthYear: 'validation.outOfRange' } });
  });

  it("vneidLevel '' and gender '' are absent; '0' becomes the number 0", () => {
    const none = toMemberFields(member({ fullName: ' Trần Thị Lan ', birthYear: '1958' }), HH);
    expect('vneidLevel' in none).toBe(false);
    expect('gender' in none).toBe(false);
    const checked = validateCreate('member', none);
    expect(checked).toEqual({
      ok: true,
      value: {
        householdId: HH,
        fullName: 'Trần Thị Lan',
        birthYear: 1958,
        hasSmartphone: false,
        usesOnlineServices: false,
        hasPaymentAccount: false,
      },
    });

    const zero = toMemberFields(member({ fullName: 'Lan', birthYear: '1958', vneidLevel: '0', gender: 'female' }), HH);
    expect(zero.vneidLevel).toBe(0);
    expect(zero.gender).toBe('female');
    expect(toMemberFields(member({ vneidLevel: '2' }), HH).vneidLevel).toBe(2);
  });

  it('memberToForm and toMemberFields round-trip', () => {
    const row = {
      id: HH, householdId: HH, fullName: 'Lan', birthYear: 1958, vneidLevel: 1, gender: 'female',
      hasSmartphone: true, usesOnlineServices: false, hasPaymentAccount: true, notes: 'x',
    } as MemberRow;
    const f = memberToForm(row);
    expect(f).toEqual({ fullName: 'Lan', birthYear: '1958', gender: 'female', hasSmartphone: true, vneidLevel: '1', usesOnlineServices: false, hasPaymentAccount: true, notes: 'x' });
    expect(toMemberFields(f, HH)).toEqual({ householdId: HH, fullName: 'Lan', birthYear: 1958, gender: 'female', hasSmartphone: true, vneidLevel: 1, usesOnlineServices: false, hasPaymentAccount: true, notes: 'x' });
  });

  // Regression: <input type="number" v-model="model.birthYear"> (MemberFieldset.vue) stores a
  // number once the person types; toMemberFields used to call .trim() on it and throw.
  it('accepts the number that a type="number" v-model stores', () => {
    expect(toMemberFields(member({ fullName: 'Lan', birthYear: 1958 }), HH).birthYear).toBe(1958);
    expect(toMemberFields(member({ fullName: 'Lan', birthYear: 0 }), HH).birthYear).toBe(0);
  });
});
