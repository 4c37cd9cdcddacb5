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

const all = Object.keys(files).map((k) => guide(k.replace('./content/', '').replace(/\.json$/, '')));
const caveatsOf = (g: Guide) => g.caveats ?? [];

describe('also to fix (issue #14)', () => {
  it('words the 2023 hotline and the own-SIM rule with the same caveat as the level-1 guide', () => {
    expect(vi.checklist.problems.simNotOwn.fix).toMatch(/Hướng dẫn năm 2023 còn nêu cách gọi 1900 0368, bấm phím 4; quy trình này có thể đã thay đổi, hãy hỏi Công an xã/);
    expect(en.checklist.problems.simNotOwn.fix).toMatch(/this process may have changed, so ask the commune police/);
    expect(vi.checklist.steps['prereq.ownSim']).toMatch(/hỏi Công an xã/);
    expect(caveatsOf(guide('vneid-level-2')).some((c) => c.vi.includes('SIM chính chủ'))).toBe(true);
  });

  it('says level 1 is not enough for the portal, criminal records or residence, and which level documents need', () => {
    const l1 = guide('vneid-level-1');
    const notEnough = l1.warnings.find((w) => w.vi.startsWith('Mức 1 chưa đủ'));
    expect(notEnough?.vi).toMatch(/Cổng Dịch vụ công quốc gia.*Phiếu lý lịch tư pháp.*tạm trú, thường trú/);
    expect(strings(guide('integrate-documents-vneid')).some((s) => /mức 1.*mức 2/.test(s))).toBe(true);
  });

  it('uses the commune centre\'s current name, never the old one-stop desk', () => {
    for (const g of all) for (const s of strings(g)) expect(s, g.id).not.toMatch(/bộ phận một cửa|one-stop/i);
    for (const id of ['birth-residence-insurance-under-6', 'criminal-record-certificate', 'online-dossier-general', 'portal-login-vneid']) {
      expect(strings(guide(id)).some((s) => s.includes('Trung tâm Phục vụ hành chính công của xã')), id).toBe(true);
    }
  });

  it('states the payment rule no more absolutely than the source', () => {
    for (const w of guide('online-dossier-general').warnings) expect(w.vi).not.toMatch(/^Chỉ nộp phí/);
  });

  it('says "adding a spouse or child to the household" in English, as the Vietnamese does', () => {
    for (const s of strings(guide('residence-on-vneid'))) expect(s).not.toMatch(/joining a spouse/);
    expect(guide('residence-on-vneid').prepare[4]?.en).toMatch(/adding your spouse or child to your household/);
  });

  it('links an old portal account before signing in with VNeID', () => {
    const ids = guide('portal-login-vneid').steps.map((s) => s.id);
    expect(ids.indexOf('link-old-account')).toBeLessThan(ids.indexOf('click-login'));
  });

  it('turns every caveat into something the citizen can do, under a heading that says so', () => {
    for (const g of all) {
      for (const c of caveatsOf(g)) {
        expect(c.vi, g.id).not.toMatch(/Tài liệu tham khảo|nguồn thứ cấp|nguyên văn|Chưa xác minh|chưa xác minh/);
        expect(c.en, g.id).not.toMatch(/reference material|secondary source|could not be verified|not fully verified/i);
        expect(c.vi, g.id).toMatch(/[Hh]ãy (hỏi|xem|làm)|hỏi /);
      }
    }
    expect(vi.guides.caveats).not.toBe('Chưa xác minh được');
    expect(en.guides.caveats).not.toBe('Not verified');
  });

  it('speaks to citizens without "tổ viên", arrows or ranges written with a dash', () => {
    for (const g of all) {
      for (const s of strings(g)) {
        expect(s, g.id).not.toMatch(/tổ viên/i);
        expect(s, g.id).not.toContain('→');
        expect(s, g.id).not.toMatch(/\d–\d/);
      }
    }
    for (const tree of [vi.checklist.problems, en.checklist.problems]) for (const s of strings(tree)) expect(s).not.toContain('→');
  });

  it('uses the same terms, quotation marks and English spelling everywhere', () => {
    for (const g of all) {
      for (const s of strings([g.title, g.audience, g.summary, g.prepare, g.steps, g.warnings, g.caveats])) {
        expect(s, g.id).not.toMatch(/Cổng Dịch vụ công(?! quốc gia)/);
        expect(s, g.id).not.toMatch(/Cơ sở dữ liệu dân cư/);
        expect(s, g.id).not.toMatch(/tài khoản định danh(?! điện tử)/);
        expect(s, g.id).not.toContain('"');
        expect(s, g.id).not.toMatch(/(?<!National )Public Services Portal/);
        expect(s, g.id).not.toMatch(/\b\w+(iz(e|ed|es|ing)|ization)\b/);
      }
    }
    for (const ns of [vi.checklist, en.checklist, vi.scam, en.scam, vi.consent, en.consent, vi.guides, en.guides]) {
      for (const s of strings(ns)) expect(s).not.toContain('"');
    }
    for (const s of strings([vi.checklist, vi.scam, vi.guides])) {
      expect(s).not.toMatch(/Cổng [Dd]ịch vụ công(?! quốc gia)/);
      expect(s).not.toMatch(/tài khoản định danh(?! điện tử)/);
    }
  });
});

describe('demo data (issue #14)', () => {
  it('does not teach recording health or social-welfare status, nor an ID-card photo, in notes', async () => {
    const { generateDemoData } = await import('../demo/generate');
    const data = generateDemoData({ households: 1000, membersPerHousehold: 3, visits: 1500, sessions: 20 }, { seed: 7, today: '2026-12-06' });
    const notes = [...data.households, ...data.members, ...data.visits, ...data.sessions, ...data.neighborhoods].flatMap((r) => (r.notes ? [r.notes] : []));
    expect(notes.length).toBeGreaterThan(100);
    for (const n of notes) expect(n).not.toMatch(/khuyết tật|nghèo|bệnh(?! từ xa)|mắt kém|nghe kém|sức khỏe(?! điện tử)|ốm|tàn tật|trợ cấp|chụp ảnh/i);
  });
});
