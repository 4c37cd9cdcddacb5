/**
 * The schema of a guide file (src/features/guides/content/*.json): both languages in one file,
 * checked at build time and in tests, and by the server before publishing a newer version.
 */
import * as z from 'zod/mini';
import { isCalendarDate } from './dates';
import { TOPICS } from './vocab';

const text = z.string().check(z.refine((s) => s.trim().length > 0, 'empty'));
const localized = z.strictObject({ vi: text, en: text });

/**
 * A section of ../shared/domain/reference.md: a heading (`§1.3`, `G5`) or a numbered item under
 * it (`§1.3.4`). guideRefs.ts checks that each one exists and that unverified ones carry a caveat.
 */
export const referenceSection = z.string().check(z.regex(/^(§\d+(\.\d+){0,2}|G\d+(\.\d+)?)$/));
const refs = z.array(referenceSection).check(z.minLength(1));
/** A sentence of a guide with the reference sections it rests on. */
const cited = z.strictObject({ vi: text, en: text, refs });
/** The same, for lists where a citation is welcome but not required (what to prepare, caveats). */
const mayCite = z.strictObject({ vi: text, en: text, refs: z.optional(refs) });

export const guideStepSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z0-9-]{1,40}$/)),
  text: localized,
  detail: z.optional(localized),
  /** A picture under /guides/ in public/, with its description. */
  illustration: z.optional(z.strictObject({ src: z.string().check(z.regex(/^\/guides\/[a-z0-9-]+\.(svg|png|webp)$/)), alt: localized })),
  /** The reference sections this step rests on. */
  refs,
});

export const guideSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z0-9-]{1,60}$/)),
  slug: z.string().check(z.regex(/^[a-z0-9-]{1,80}$/)),
  version: z.int().check(z.gte(1)),
  lastReviewed: z.string().check(z.refine(isCalendarDate, 'date')),
  /** The visit topic this guide helps with (visits link to it). */
  topic: z.enum(TOPICS),
  /** Other visit topics it helps with, so every topic links to at least one guide. */
  alsoTopics: z.optional(z.array(z.enum(TOPICS))),
  title: localized,
  audience: localized,
  summary: localized,
  prepare: z.array(mayCite),
  steps: z.array(guideStepSchema).check(z.minLength(1)),
  warnings: z.array(cited).check(z.minLength(1)),
  /** What may differ or could not be checked, said as what the citizen can do about it. */
  caveats: z.optional(z.array(mayCite)),
  sources: z
    .array(z.strictObject({ id: z.string().check(z.regex(/^[SDTA]\d{1,3}$/)), title: text, url: z.optional(z.string().check(z.regex(/^https?:\/\//))) }))
    .check(z.minLength(1)),
});

export type Guide = z.infer<typeof guideSchema>;
export type GuideStep = z.infer<typeof guideStepSchema>;
export type Localized = z.infer<typeof localized>;
export type ReferenceSection = z.infer<typeof referenceSection>;

export function validateGuide(raw: unknown): { ok: true; guide: Guide } | { ok: false; errors: string[] } {
  const r = guideSchema.safeParse(raw);
  if (r.success) {
    const ids = r.data.steps.map((s) => s.id);
    if (new Set(ids).size !== ids.length) return { ok: false, errors: ['steps: ids must be unique'] };
    return { ok: true, guide: r.data };
  }
  return { ok: false, errors: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`) };
}
