import { foldForSearch } from '../../domain/text';
import { compact, formNumber } from '../../domain/objects';
import { composeAddress as composeFromParts } from '../../domain/derived';
/** Form models of the household and member forms, and their conversion to entity fields. */
import type { Consent, HouseholdFields, MemberFields } from '../../domain/schemas';
import type { HouseholdRow, MemberRow } from '../../db/rows';

export interface HouseholdForm {
  neighborhood: string;
  houseNumber: string;
  lane: string;
  headName: string;
  phone: string;
  notes: string;
}

export interface MemberForm {
  fullName: string;
  birthYear: string | number;
  gender: '' | 'female' | 'male' | 'other';
  hasSmartphone: boolean;
  vneidLevel: '' | '0' | '1' | '2';
  /** The day the level was reached (yyyy-mm-dd); drafts saved before it existed lack it. */
  vneidLevelSince?: string;
  usesOnlineServices: boolean;
  hasPaymentAccount: boolean;
  notes: string;
}

export function emptyHousehold(): HouseholdForm {
  return { neighborhood: '', houseNumber: '', lane: '', headName: '', phone: '', notes: '' };
}

export function emptyMember(fullName = ''): MemberForm {
  return {
    fullName,
    birthYear: '',
    gender: '',
    hasSmartphone: false,
    vneidLevel: '',
    usesOnlineServices: false,
    hasPaymentAccount: false,
    notes: '',
  };
}

/** The form's address, composed the way the device and the server derive it (src/domain/derived.ts). */
export function composeAddress(form: Pick<HouseholdForm, 'houseNumber' | 'lane'>): string {
  return composeFromParts(form.houseNumber, form.lane);
}

/** Phone numbers are typed with spaces and dots; only digits (and a leading +) are kept. */
export function cleanPhone(phone: string): string {
  const trimmed = phone.trim();
  return (trimmed.startsWith('+') ? '+' : '') + trimmed.replace(/\D/g, '');
}

export function toHouseholdFields(form: HouseholdForm, consent: Consent, neighborhoodId?: string): HouseholdFields {
  return compact({
    neighborhood: form.neighborhood.trim(),
    ...(neighborhoodId ? { neighborhoodId } : {}),
    address: composeAddress(form),
    houseNumber: form.houseNumber.trim(),
    lane: form.lane.trim(),
    headName: form.headName.trim(),
    phone: cleanPhone(form.phone),
    notes: form.notes.trim(),
    consent,
  });
}

export function householdToForm(h: HouseholdRow): HouseholdForm {
  return {
    neighborhood: h.neighborhood,
    houseNumber: h.houseNumber ?? '',
    lane: h.lane ?? (h.houseNumber ? '' : h.address),
    headName: h.headName,
    phone: h.phone ?? '',
    notes: h.notes ?? '',
  };
}

export function toMemberFields(form: MemberForm, householdId: string): MemberFields {
  return compact({
    householdId,
    fullName: form.fullName.trim(),
    birthYear: formNumber(form.birthYear),
    ...(form.gender ? { gender: form.gender } : {}),
    hasSmartphone: form.hasSmartphone,
    ...(form.vneidLevel ? { vneidLevel: Number(form.vneidLevel) as 0 | 1 | 2 } : {}),
    ...(form.vneidLevelSince ? { vneidLevelSince: form.vneidLevelSince } : {}),
    usesOnlineServices: form.usesOnlineServices,
    hasPaymentAccount: form.hasPaymentAccount,
    notes: form.notes.trim(),
  });
}

export function memberToForm(m: MemberRow): MemberForm {
  return {
    fullName: m.fullName,
    birthYear: String(m.birthYear),
    gender: m.gender ?? '',
    hasSmartphone: m.hasSmartphone ?? false,
    vneidLevel: m.vneidLevel === undefined ? '' : (String(m.vneidLevel) as '0' | '1' | '2'),
    ...(m.vneidLevelSince ? { vneidLevelSince: m.vneidLevelSince } : {}),
    usesOnlineServices: m.usesOnlineServices ?? false,
    hasPaymentAccount: m.hasPaymentAccount ?? false,
    notes: m.notes ?? '',
  };
}

/**
 * A stored phone number (digits, maybe a leading +) as people read it aloud: 0912 345 678,
 * 0243 456 7890 for a landline, +84 912 345 678. Anything else is shown as stored.
 */
export function displayPhone(phone: string): string {
  const group = (digits: string, sizes: number[]) => {
    const parts: string[] = [];
    let at = 0;
    for (const size of sizes) {
      parts.push(digits.slice(at, at + size));
      at += size;
    }
    return parts.join(' ');
  };
  if (/^0\d{9}$/.test(phone)) return group(phone, [4, 3, 3]);
  if (/^0\d{10}$/.test(phone)) return group(phone, [4, 3, 4]);
  if (/^\+84\d{9}$/.test(phone)) return `+84 ${group(phone.slice(3), [3, 3, 3])}`;
  return phone;
}

/** Whether a member is the household's head, by name (a household names its head, not a member id). */
export function isHeadOfHousehold(member: { fullName: string }, household: { headName: string }): boolean {
  return foldForSearch(member.fullName) === foldForSearch(household.headName);
}
