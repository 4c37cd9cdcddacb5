/**
 * Picks up guides the server published (`GET /api/guides?since=`, no account needed) when the
 * device is online; offline, the app keeps what it has.
 */
import { guidesSince, storePublishedGuides, type StoredGuide } from '../../db/guides';
import type { GuidesResponse } from '../../domain/wire';

export async function checkGuideUpdates(fetchImpl: typeof fetch = fetch): Promise<number> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return 0;
  const since = await guidesSince();
  let res: Response;
  try {
    res = await fetchImpl(`/api/guides?since=${since}`, { cache: 'no-store' });
  } catch {
    return 0;
  }
  if (!res.ok) return 0;
  const body = (await res.json().catch(() => null)) as Partial<GuidesResponse> | null;
  if (!body || !Array.isArray(body.guides) || typeof body.latest !== 'number') return 0;
  if (body.guides.length === 0) {
    await storePublishedGuides([], body.latest);
    return 0;
  }
  // The schema (and zod) load only when the server has published something.
  const { validateGuide } = await import('../../domain/guides');
  const found = new Map<string, StoredGuide>();
  for (const item of body.guides) {
    const r = validateGuide(item.body);
    if (!r.ok) continue;
    const prev = found.get(r.guide.id);
    if (!prev || prev.version < item.version) found.set(r.guide.id, { id: r.guide.id, version: Math.max(item.version, r.guide.version), guide: { ...r.guide, version: Math.max(item.version, r.guide.version) }, publishedSeq: body.latest });
  }
  await storePublishedGuides([...found.values()], body.latest);
  return found.size;
}
