/** Guides the server published after the app was built (local only, never synced back). */
import { db, type AppDB } from './database';
import { getMeta, setMeta } from './meta';
import { META_KEYS } from './metaKeys';

export interface StoredGuide {
  id: string;
  version: number;
  guide: unknown;
  publishedSeq: number;
}

export function publishedGuides(database: AppDB = db()): Promise<StoredGuide[]> {
  return database.guides.toArray();
}

export async function guidesSince(database: AppDB = db()): Promise<number> {
  return (await getMeta<number>(META_KEYS.guidesSince, database)) ?? 0;
}

/** Keeps the newest version of each guide and the server's latest publication number. */
export async function storePublishedGuides(guides: StoredGuide[], latest: number, database: AppDB = db()): Promise<void> {
  await database.transaction('rw', database.guides, database.meta, async () => {
    for (const g of guides) {
      const current = await database.guides.get(g.id);
      if (!current || current.version < g.version) await database.guides.put(g);
    }
    await setMeta(META_KEYS.guidesSince, latest, database);
  });
}
