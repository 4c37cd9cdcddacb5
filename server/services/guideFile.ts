/**
 * A guide file given to `publish-guide`: one guide (both languages) in the app's guide schema
 * (src/domain/guides.ts), or an array of them. Each is published once per language.
 */
import { validateGuide, type Guide } from '../../src/domain/guides';

export interface GuideFileCheck {
  ok: boolean;
  guides: Guide[];
  errors: string[];
}

export function validateGuideFile(raw: unknown): GuideFileCheck {
  const list = Array.isArray(raw) ? raw : [raw];
  const errors: string[] = [];
  const guides: Guide[] = [];
  list.forEach((g, i) => {
    const r = validateGuide(g);
    if (r.ok) guides.push(r.guide);
    else errors.push(...r.errors.map((e) => `[${i}] ${e}`));
  });
  return { ok: errors.length === 0, guides, errors };
}

/** The rows the server stores and serves: one per language, the whole guide as its body. */
export function publicationsOf(guide: Guide): { id: string; slug: string; lang: 'vi' | 'en'; title: string; version: number; body: Guide }[] {
  return (['vi', 'en'] as const).map((lang) => ({ id: guide.id, slug: guide.slug, lang, title: guide.title[lang], version: guide.version, body: guide }));
}
