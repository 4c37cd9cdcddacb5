/**
 * Every step and warning of a shipped guide names the reference sections it rests on; this reads
 * the reference itself (../shared/domain/reference.md beside the repository) so a citation of a
 * section that does not exist, or of an unverified one without a caveat, fails the suite.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateGuide, type Guide } from '../../domain/guides';
import { citationErrors, parseReferenceSections } from '../../domain/guideRefs';

const REPO_ROOT = resolve(__dirname, '../../..');
const reference = readFileSync(resolve(REPO_ROOT, '../shared/domain/reference.md'), 'utf8');
const sections = parseReferenceSections(reference);

const files = import.meta.glob<{ default: unknown }>('./content/*.json', { eager: true });
const guides: Guide[] = Object.values(files).map((m) => {
  const r = validateGuide(m.default);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.guide;
});

describe('the reference sections', () => {
  it('are its numbered headings and the numbered items under them', () => {
    for (const id of ['§1', '§1.1', '§1.3', '§1.3.4', '§1.3.6', '§1.5', '§2', 'G1', 'G5', 'G10', '§3.1', '§4.6', '§6']) expect(sections.has(id), id).toBe(true);
    for (const id of ['§1.9', 'G11', '§1.3.7', '§7']) expect(sections.has(id), id).toBe(false);
  });

  it('marks the ones with ❓ in their own text, and §6, as unverified', () => {
    for (const id of ['G3', 'G6', 'G7', '§4.4', '§4.9', '§6']) expect(sections.get(id)?.unverified, id).toBe(true);
    for (const id of ['G1', 'G5', '§1.2.6', '§1.3.4', '§1.5', '§4.6']) expect(sections.get(id)?.unverified, id).toBe(false);
  });
});

describe('guide citations', () => {
  it.each(guides.map((g) => [g.id, g] as const))('%s cites only sections that exist, and unverified ones with a caveat', (_id, g) => {
    expect(citationErrors(g, sections)).toEqual([]);
  });

  const base = guides.find((g) => g.id === 'vneid-level-1')!;

  it('reports a section the reference does not have', () => {
    const wrong: Guide = { ...base, steps: [{ ...base.steps[0]!, refs: ['§1.9'] }, ...base.steps.slice(1)] };
    expect(citationErrors(wrong, sections)).toEqual([`vneid-level-1 steps.${base.steps[0]!.id}: §1.9 is not a section of the reference`]);
  });

  it('reports an unverified section cited without a caveat that cites it', () => {
    const wrong: Guide = { ...base, warnings: [{ ...base.warnings[0]!, refs: ['G7'] }, ...base.warnings.slice(1)] };
    expect(citationErrors(wrong, sections)).toEqual(['vneid-level-1 warnings[0]: G7 is marked ❓ in the reference; add a caveat that cites it']);
    const withCaveat: Guide = { ...wrong, caveats: [...(wrong.caveats ?? []), { vi: 'Hãy hỏi.', en: 'Ask.', refs: ['G7'] }] };
    expect(citationErrors(withCaveat, sections)).toEqual([]);
  });
});
