/**
 * Picks up guides the server published (`GET /api/guides?since=`, no account needed) when the
 * device is online; offline, the app keeps what it has.
 */
import type { StoredGuide } from '../../db/guides';
import type { GuidesResponse } from '../../domain/wire';
import { appDatabaseExists } from '../../modules/teamStart';

// The data layer (Dexie) loads only when there is a database to read or something to store.
const guidesDb = () => import('../../db/guides');

export async function checkGuideUpdates(fetchImpl: typeof fetch = fetch): Promise<number> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return 0;
  // Without the app's database there is nothing published on the phone yet: it is created only
  // when the server has something to store.
  const hasDatabase = await appDatabaseExists();
  const since = hasDatabase ? await (await guidesDb()).guidesSince() : 0;
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
    if (hasDatabase) await (await guidesDb()).storePublishedGuides([], body.latest);
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
  await (await guidesDb()).storePublishedGuides([...found.values()], body.latest);
  return found.size;
}
