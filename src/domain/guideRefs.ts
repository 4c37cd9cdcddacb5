/**
 * Traceability of the guides to ../shared/domain/reference.md: every step and warning names the
 * sections it rests on, each must exist, and a section the reference marks unverified (❓) may be
 * cited only by a guide that also carries a caveat citing it.
 *
 * Sections are the reference's numbered headings (`## 4.` is §4, `### 1.3` is §1.3, `### G5.` is
 * G5) and the numbered items directly under one (`4.` under §1.3 is §1.3.4). A section is
 * unverified when ❓ appears in its own text: its heading, paragraphs and bullets, but not its
 * numbered items (sections of their own) nor its table rows, which carry their own status; what
 * such a row leaves unverified is listed again in §6, which counts as unverified as a whole, so
 * a guide relying on it cites §6.
 */
import type { Guide } from './guides';

export interface ReferenceSection {
  id: string;
  unverified: boolean;
}

const HEADING = /^(#{2,3})\s+(?:(\d+(?:\.\d+)?)\.?|(G\d+)\.)\s+(.*)$/;
const NUMBERED_ITEM = /^(\d+)\.\s/;

export function parseReferenceSections(markdown: string): Map<string, ReferenceSection> {
  const texts = new Map<string, string[]>();
  let heading: string | undefined;
  let item: string | undefined;
  for (const line of markdown.split('\n')) {
    const h = HEADING.exec(line);
    if (h) {
      heading = h[2] ? `§${h[2]}` : h[3];
      item = undefined;
      texts.set(heading!, [line]);
      continue;
    }
    if (/^#{1,3}\s/.test(line)) {
      // A heading without a number (the title, "Sources"): nothing under it is citable.
      heading = undefined;
      item = undefined;
      continue;
    }
    if (!heading) continue;
    const n = NUMBERED_ITEM.exec(line);
    if (n) {
      item = `${heading}.${n[1]}`;
      texts.set(item, [line]);
      continue;
    }
    // Indented lines continue the item; anything else at the margin ends it.
    if (item && /^\s+\S/.test(line)) {
      texts.get(item)!.push(line);
      continue;
    }
    if (/\S/.test(line)) item = undefined;
    if (!line.startsWith('|')) texts.get(heading)!.push(line);
  }
  const sections = new Map<string, ReferenceSection>();
  for (const [id, lines] of texts) {
    const text = lines.join('\n');
    sections.set(id, { id, unverified: text.includes('❓') || /Chưa xác minh được/.test(lines[0] ?? '') });
  }
  return sections;
}

/** What is wrong with a guide's citations; empty when every one holds. */
export function citationErrors(guide: Guide, sections: ReadonlyMap<string, ReferenceSection>): string[] {
  const errors: string[] = [];
  const cited: { where: string; refs: readonly string[] }[] = [
    ...guide.steps.map((s) => ({ where: `steps.${s.id}`, refs: s.refs })),
    ...guide.warnings.map((w, i) => ({ where: `warnings[${i}]`, refs: w.refs })),
    ...guide.prepare.map((p, i) => ({ where: `prepare[${i}]`, refs: p.refs ?? [] })),
  ];
  const caveats = (guide.caveats ?? []).map((c, i) => ({ where: `caveats[${i}]`, refs: c.refs ?? [] }));
  const coveredByCaveat = new Set(caveats.flatMap((c) => c.refs));
  for (const { where, refs } of [...cited, ...caveats]) {
    for (const ref of refs) if (!sections.has(ref)) errors.push(`${guide.id} ${where}: ${ref} is not a section of the reference`);
  }
  for (const { where, refs } of cited) {
    for (const ref of refs) {
      if (sections.get(ref)?.unverified && !coveredByCaveat.has(ref)) {
        errors.push(`${guide.id} ${where}: ${ref} is marked ❓ in the reference; add a caveat that cites it`);
      }
    }
  }
  return errors;
}
