/**
 * The guide files shipped with the app (content/*.json), one lazily loaded chunk each. Small and
 * imported by the router too, so a guide's file can be fetched together with the guide page.
 * They are checked against the schema at build time (build/guidesCheck.ts) and in tests.
 */
import type { Guide } from '../../domain/guides';

const files = import.meta.glob<{ default: unknown }>('./content/*.json');

/** Loads one shipped guide; undefined when no guide of that slug ships with the app. */
export function loadShippedGuide(slug: string): Promise<Guide> | undefined {
  return files[`./content/${slug}.json`]?.().then((m) => m.default as Guide);
}

/** Loads every shipped guide. */
export function loadShippedGuides(): Promise<Guide[]> {
  return Promise.all(Object.values(files).map((load) => load().then((m) => m.default as Guide)));
}
