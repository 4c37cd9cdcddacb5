import { describe, expect, it } from 'vitest';
import { validateGuide, type Guide, type Localized } from '../../domain/guides';
import { TOPICS } from '../../domain/vocab';
import { CHECKLIST_PROBLEMS } from '../../domain/checklist';

// The shipped guide files, as the build bundles them (catalog.ts loads the same glob lazily).
const files = import.meta.glob<{ default: unknown }>('./content/*.json', { eager: true });
const entries = Object.entries(files).map(([path, mod]) => ({
  file: path.replace('./content/', '').replace(/\.json$/, ''),
  raw: mod.default,
}));

function parsed(raw: unknown): Guide {
  const r = validateGuide(raw);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.guide;
}

const guides = entries.map((e) => ({ file: e.file, guide: parsed(e.raw) }));
const byId = new Map(guides.map(({ guide }) => [guide.id, guide]));

/** Every string in a guide, wherever it sits. */
function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

const filled = (l: Localized) => l.vi.trim().length > 0 && l.en.trim().length > 0;

/** Guides that walk someone through VNeID, so they must warn about the OTP. */
function isVneidRelated(g: Guide): boolean {
  return g.topic === 'vneid' || g.topic === 'paymentAccount' || g.steps.some((s) => /VNeID/.test(s.text.vi));
}

describe('shipped guide content', () => {
  it('ships at least the ten core guides', () => {
    expect(guides.length).toBeGreaterThanOrEqual(10);
    for (const id of [
      'vneid-level-1',
      'vneid-level-2',
      'portal-login-vneid',
      'online-dossier-general',
      'birth-residence-insurance-under-6',
      'residence-on-vneid',
      'criminal-record-certificate',
      'integrate-documents-vneid',
      'payment-account-online',
      'recognize-scams',
    ]) {
      expect(byId.has(id), id).toBe(true);
    }
  });

  it('ships at least fifteen guides, with the common VNeID errors, G4, G6, Bình dân học vụ số and fee payment', () => {
    expect(guides.length).toBeGreaterThanOrEqual(15);
    for (const id of ['vneid-common-errors', 'death-registration-linked', 'certified-copy-online', 'binh-dan-hoc-vu-so', 'pay-fees-online']) {
      expect(byId.has(id), id).toBe(true);
    }
  });

  it('links every visit topic to at least one guide', () => {
    const covered = new Set(guides.flatMap(({ guide }) => [guide.topic, ...(guide.alsoTopics ?? [])]));
    for (const topic of TOPICS) expect(covered.has(topic), topic).toBe(true);
    expect(byId.get('pay-fees-online')?.topic).toBe('feePayment');
  });

  it('gives citizens the eleven common VNeID errors of reference §1.5, each with its fix', () => {
    const g = byId.get('vneid-common-errors');
    expect(g?.steps.map((s) => s.id)).toEqual(['no-nfc', 'nfc-fails', 'face-fails', 'qr-fails', 'not-approved', 'sim-not-own', 'strange-number', 'new-phone', 'forgot-password', 'forgot-passcode', 'maintenance']);
    expect(g?.steps.length).toBe(CHECKLIST_PROBLEMS.length);
    expect(g?.caveats?.some((c) => c.vi.includes('1900 0368') && c.vi.includes('có thể đã thay đổi'))).toBe(true);
  });

  it('says the last steps of electronic certification (G6) are to be checked, not stated', () => {
    const g = byId.get('certified-copy-online');
    expect(g?.caveats?.some((c) => /bản chính/.test(c.vi) && /khác nhau/.test(c.vi))).toBe(true);
  });

  it.each(entries.map((e) => [e.file, e.raw] as const))('%s passes validateGuide', (_file, raw) => {
    const r = validateGuide(raw);
    expect(r.ok ? [] : r.errors).toEqual([]);
  });

  it('has unique ids, each matching its file name and slug', () => {
    const ids = guides.map(({ guide }) => guide.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { file, guide } of guides) {
      expect(guide.id).toBe(file);
      expect(guide.slug).toBe(guide.id);
    }
  });

  it.each(guides.map((g) => [g.file, g.guide] as const))('%s has both languages in every item', (_file, g) => {
    for (const l of [g.title, g.audience, g.summary]) expect(filled(l)).toBe(true);
    for (const s of g.steps) {
      expect(filled(s.text), s.id).toBe(true);
      if (s.detail) expect(filled(s.detail), s.id).toBe(true);
    }
    for (const w of g.warnings) expect(filled(w)).toBe(true);
    for (const p of g.prepare) expect(filled(p)).toBe(true);
    for (const c of g.caveats ?? []) expect(filled(c)).toBe(true);
  });

  it.each(guides.map((g) => [g.file, g.guide] as const))('%s cites at least one known-format source, once each', (_file, g) => {
    expect(g.sources.length).toBeGreaterThanOrEqual(1);
    for (const s of g.sources) expect(s.id).toMatch(/^[SDTA]\d+$/);
    const ids = g.sources.map((s) => s.id);
    // The page keys the source list by id.
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('warns about the OTP in every VNeID and payment-account guide', () => {
    const related = guides.map(({ guide }) => guide).filter(isVneidRelated);
    expect(related.map((g) => g.id)).toEqual(expect.arrayContaining(['vneid-level-1', 'vneid-level-2', 'integrate-documents-vneid', 'payment-account-online']));
    for (const g of related) {
      expect(g.warnings.some((w) => w.vi.includes('OTP')), g.id).toBe(true);
    }
  });

  it.each(guides.map((g) => [g.file, g.guide] as const))('%s contains no phone numbers and no markdown', (_file, g) => {
    for (const s of allStrings(g)) {
      expect(s).not.toMatch(/\b0\d{9}\b/);
      expect(s).not.toMatch(/\+84\s?\d/);
      expect(s).not.toContain('**');
    }
  });

  it('puts the unverified criminal-record fee in a caveat, never as an amount', () => {
    const g = byId.get('criminal-record-certificate');
    expect(g).toBeDefined();
    const caveats = g?.caveats ?? [];
    expect(caveats.some((c) => /lệ phí/i.test(c.vi) && /fee/i.test(c.en))).toBe(true);
    // No money amount anywhere in the guide (the reference does not verify one).
    for (const s of allStrings(g)) expect(s).not.toMatch(/\d[\d.,]*\s*(đồng|VND|đ(?!\p{L}))/iu);
  });

  it('says which agency handles the under-6 linked procedure only as a caveat', () => {
    const g = byId.get('birth-residence-insurance-under-6');
    expect(g?.caveats?.some((c) => /1\/7\/2025/.test(c.vi))).toBe(true);
  });
});
