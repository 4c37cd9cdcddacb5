/**
 * The shape of a guide file given to `publish-guide`: one guide object or an array of them, each
 * one language of a guide. The full content schema lives with the guides feature; here the
 * server checks what it needs to store and serve it.
 */
export interface GuideFileCheck {
  ok: boolean;
  guides: Record<string, unknown>[];
  errors: string[];
}

const SLUG = /^[a-z0-9-]{1,100}$/;

export function validateGuideFile(raw: unknown): GuideFileCheck {
  const list = Array.isArray(raw) ? raw : [raw];
  const errors: string[] = [];
  list.forEach((g, i) => {
    if (typeof g !== 'object' || g === null || Array.isArray(g)) {
      errors.push(`[${i}] must be an object`);
      return;
    }
    const o = g as Record<string, unknown>;
    for (const k of ['id', 'slug', 'lang', 'title'] as const) if (typeof o[k] !== 'string' || !(o[k] as string).trim()) errors.push(`[${i}].${k} is required`);
    if (typeof o.slug === 'string' && !SLUG.test(o.slug)) errors.push(`[${i}].slug must be lowercase letters, digits and dashes`);
    if (typeof o.lang === 'string' && !['vi', 'en'].includes(o.lang)) errors.push(`[${i}].lang must be vi or en`);
    if (o.version !== undefined && (!Number.isInteger(o.version) || (o.version as number) < 1)) errors.push(`[${i}].version must be a positive integer`);
  });
  return { ok: errors.length === 0, guides: list as Record<string, unknown>[], errors };
}
