/**
 * Claims a line-by-line check against ../shared/domain/reference.md found wrong (issue #14). Each
 * test failed on the text it replaced, so the wrong claim cannot come back unnoticed.
 */
import { describe, expect, it } from 'vitest';
import vi from '../../locales/vi/translation.json';
import en from '../../locales/en/translation.json';
import { consentSchema } from '../../domain/schemas';
import { CONSENT_TEXT_VERSION } from '../../domain/vocab';
import { validateGuide, type Guide } from '../../domain/guides';

const files = import.meta.glob<{ default: unknown }>('./content/*.json', { eager: true });

function guide(id: string): Guide {
  const raw = files[`./content/${id}.json`]?.default;
  const r = validateGuide(raw);
  if (!r.ok) throw new Error(`${id}: ${r.ok ? '' : r.errors.join('; ')}`);
  return r.guide;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('level 2: registered in person, activated by the person in the app (§1.3.4, §1.3.6)', () => {
  it('the scam banner no longer says level 2 is activated at the commune police', () => {
    expect(vi.scam.policeNoCall).not.toMatch(/Kích hoạt mức 2 phải làm trực tiếp/);
    expect(vi.scam.policeNoCall).toMatch(/đăng ký trực tiếp tại Công an xã/);
    expect(vi.scam.policeNoCall).toMatch(/tự mình kích hoạt trên ứng dụng VNeID/);
    expect(en.scam.policeNoCall).not.toMatch(/activated in person/);
    expect(en.scam.policeNoCall).toMatch(/registered in person/);
    expect(en.scam.policeNoCall).toMatch(/activate it yourself in the VNeID app/);
  });

  it('the level-2 guide says "over a phone call", not "on the phone"', () => {
    const all = strings(guide('vneid-level-2'));
    for (const s of all) {
      expect(s).not.toMatch(/qua điện thoại được/);
      expect(s).not.toMatch(/over the phone\b/);
    }
    expect(all.some((s) => s.includes('qua cuộc gọi'))).toBe(true);
    expect(all.some((s) => s.includes('over a phone call'))).toBe(true);
  });
});

describe('the age rule of the checklist (§1.1)', () => {
  it('does not make 14 an eligibility age: under 6 level 1 only, 6 to under 14 levels 1 and 2 when needed', () => {
    const viAge = vi.checklist.steps['prereq.age'];
    const enAge = en.checklist.steps['prereq.age'];
    expect(viAge).not.toMatch(/^Đủ tuổi \(từ đủ 14 tuổi/);
    expect(viAge).toMatch(/dưới 6 tuổi chỉ mức 1/);
    expect(viAge).toMatch(/từ 6 đến dưới 14 tuổi mức 1 và mức 2 khi có nhu cầu/);
    expect(enAge).toMatch(/under 6, level 1 only/);
    expect(enAge).toMatch(/6 to under 14, level 1 and level 2 when needed/);
  });
});

describe('the consent text (§4.3, §4.6)', () => {
  it('lists every kind of data the app keeps', () => {
    for (const word of ['giới tính', 'điện thoại thông minh', 'dịch vụ công trực tuyến', 'tài khoản thanh toán', 'mức tài khoản định danh điện tử', 'ngày đạt mức đó', 'các bước VNeID', 'ngày hẹn quay lại', 'ghi chú']) {
      expect(vi.consent.whatWeKeep, word).toContain(word);
    }
    for (const word of ['gender', 'smartphone', 'online public services', 'payment account', 'identity account level', 'the date they reached it', 'VNeID steps', 'follow-up date', 'notes']) {
      expect(en.consent.whatWeKeep, word).toContain(word);
    }
  });

  it('names the controller, the commune server, restriction, objection and a contact', () => {
    expect(vi.consent.controller).toMatch(/tổ công nghệ số cộng đồng/);
    expect(vi.consent.controller).toMatch(/Ủy ban nhân dân xã/);
    expect(en.consent.controller).toMatch(/commune People's Committee/);
    expect(vi.consent.whoSees).toMatch(/máy chủ của xã/);
    expect(en.consent.whoSees).toMatch(/commune's server/);
    expect(vi.consent.rights).toMatch(/hạn chế/);
    expect(vi.consent.rights).toMatch(/phản đối/);
    expect(en.consent.rights).toMatch(/restrict/);
    expect(en.consent.rights).toMatch(/object/);
    expect(vi.consent.contact).toMatch(/2 ngày làm việc/);
    expect(en.consent.contact).toMatch(/2 working days/);
  });

  it('has a new text version, and consents recorded under the old one stay valid', () => {
    expect(CONSENT_TEXT_VERSION).not.toBe('vi-2026-01');
    const old = { recordedAt: '2026-01-05T02:00:00.000Z', recordedBy: 'Hoa', purposes: ['support'], textVersion: 'vi-2026-01' };
    expect(consentSchema.safeParse(old).success).toBe(true);
  });

  it('records who agreed on behalf of the household', () => {
    const now = { recordedAt: '2026-12-05T02:00:00.000Z', recordedBy: 'Hoa', givenBy: 'Nguyễn Văn Bình', purposes: ['support'], textVersion: CONSENT_TEXT_VERSION };
    expect(consentSchema.safeParse(now).success).toBe(true);
    expect(consentSchema.safeParse({ ...now, givenBy: '  ' }).success).toBe(false);
  });
});
