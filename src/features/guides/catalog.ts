/**
 * The guides on this device: those shipped with the app (content/*.json, one chunk each) and any
 * newer version the server published since (kept in IndexedDB).
 */
import type { Guide } from '../../domain/guides';
import { loadShippedGuide, loadShippedGuides } from './shippedFiles';
import { appDatabaseExists } from '../../modules/teamStart';

async function loadPublished(): Promise<Guide[]> {
  try {
    // Published updates live in IndexedDB; the guide itself never waits for the database, and a
    // phone that has none (a citizen's) does not create it to find that out.
    if (!(await appDatabaseExists())) return [];
    const { publishedGuides } = await import('../../db/guides');
    const rows = await publishedGuides();
    if (rows.length === 0) return [];
    // The schema (and zod) load only when the server has published something.
    const { validateGuide } = await import('../../domain/guides');
    const out: Guide[] = [];
    for (const row of rows) {
      const r = validateGuide(row.guide);
      if (r.ok) out.push(r.guide);
    }
    return out;
  } catch {
    // No IndexedDB (private mode): the shipped guides still work.
    return [];
  }
}

/** Every guide, the newest version of each. */
export async function allGuides(): Promise<Guide[]> {
  const [base, newer] = await Promise.all([loadShippedGuides(), loadPublished()]);
  const byId = new Map(base.map((g) => [g.id, g]));
  for (const g of newer) if ((byId.get(g.id)?.version ?? 0) < g.version) byId.set(g.id, g);
  return [...byId.values()];
}

/** A version the server published, when it is newer than `than` (or the only one). */
export async function newerPublishedGuide(slug: string, than: Guide | undefined): Promise<Guide | undefined> {
  const newer = (await loadPublished()).find((g) => g.slug === slug);
  return newer && (!than || newer.version > than.version) ? newer : undefined;
}

/** One guide by its slug, the newest version on the device. */
export async function guideBySlug(slug: string): Promise<Guide | undefined> {
  const base = await loadShippedGuide(slug);
  return (await newerPublishedGuide(slug, base)) ?? base;
}
