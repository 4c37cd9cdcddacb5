/** Published guides: server to device only, readable without a token. */
import type { Database, Queryable } from '../db/adapter';
import type { GuidesResponse } from '../../src/domain/wire';

export async function guidesSince(db: Queryable, since: number): Promise<GuidesResponse> {
  const rows = await db.query<{ id: string; slug: string; version: number; lang: string; title: string; body: unknown; published_seq: number | string }>(
    'select id, slug, version, lang, title, body, published_seq from guides where published_seq > $1 order by published_seq',
    [since],
  );
  const latestRows = await db.query<{ latest: number | string | null }>('select max(published_seq) as latest from guides');
  return {
    guides: rows.map((r) => ({ id: r.id, slug: r.slug, version: Number(r.version), lang: r.lang, title: r.title, body: r.body })),
    latest: Number(latestRows[0]?.latest ?? 0),
  };
}

export interface GuideInput {
  id: string;
  slug: string;
  lang: string;
  title: string;
  version?: number;
  /** The guide's content as the app reads it; defaults to the input itself. */
  body?: unknown;
  [key: string]: unknown;
}

/** Publishes a guide (one language of it); its version goes up by one each time. */
export async function publishGuide(db: Database, guide: GuideInput): Promise<{ id: string; lang: string; version: number; seq: number }> {
  return db.transaction(async (tx) => {
    const seqRows = await tx.query<{ s: number | string | null }>('select max(published_seq) as s from guides');
    const seq = Number(seqRows[0]?.s ?? 0) + 1;
    const prev = await tx.query<{ version: number }>('select version from guides where id = $1 and lang = $2', [guide.id, guide.lang]);
    const version = Math.max(Number(prev[0]?.version ?? 0) + 1, guide.version ?? 0);
    await tx.query(
      `insert into guides (id, lang, slug, version, title, body, published_seq) values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (id, lang) do update set slug = excluded.slug, version = excluded.version, title = excluded.title,
         body = excluded.body, published_seq = excluded.published_seq, published_at = now()`,
      [guide.id, guide.lang, guide.slug, version, guide.title, JSON.stringify(guide.body ?? guide), seq],
    );
    return { id: guide.id, lang: guide.lang, version, seq };
  });
}
