// @vitest-environment node
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../server/testing';
import { publicationsOf, validateGuideFile } from '../../../server/services/guideFile';
import { publishGuide, type GuideInput } from '../../../server/services/guides';
import { checkGuideUpdates } from './updates';
import { allGuides, guideBySlug } from './catalog';
import { Dexie } from 'dexie';
import { resetDbInstance } from '../../db/database';
import { DB_NAMES } from '../../storageKeys';
import { appDatabaseExists } from '../../modules/teamStart';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
}, 60_000);
afterAll(async () => {
  await server?.close();
});

function serverFetch(): typeof fetch {
  return (async (input: string) => {
    const r = await server.app.inject({ method: 'GET', url: input });
    return new Response(r.body, { status: r.statusCode, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
}

describe('guide updates from the server', () => {
  it('on a phone without the app\'s database, finds nothing published without creating it', async () => {
    resetDbInstance();
    await Dexie.delete(DB_NAMES.main);
    const asked: string[] = [];
    const nothingNew = (async (url: string) => {
      asked.push(url);
      return new Response(JSON.stringify({ guides: [], latest: 0 }), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;
    expect(await checkGuideUpdates(nothingNew)).toBe(0);
    expect(asked).toEqual(['/api/guides?since=0']);
    expect((await guideBySlug('recognize-scams'))?.slug).toBe('recognize-scams');
    expect(await appDatabaseExists()).toBe(false);
  });

  it('a newer version published with publish-guide reaches a device without an account; an older one is ignored', async () => {
    resetDbInstance();
    const file = JSON.parse(readFileSync('src/features/guides/content/recognize-scams.json', 'utf8')) as Record<string, unknown> & { version: number; title: { vi: string } };
    const shipped = await guideBySlug('recognize-scams');
    expect(shipped?.version).toBe(file.version);

    const newer = { ...file, version: file.version + 1, title: { ...file.title, vi: `${file.title.vi} (bản mới)` } };
    const checked = validateGuideFile(newer);
    expect(checked.ok).toBe(true);
    for (const p of publicationsOf(checked.guides[0]!)) await publishGuide(server.db, p as unknown as GuideInput);

    expect(await checkGuideUpdates(serverFetch())).toBe(1);
    const updated = await guideBySlug('recognize-scams');
    expect(updated?.version).toBe(file.version + 1);
    expect(updated?.title.vi).toContain('(bản mới)');
    expect((await allGuides()).filter((g) => g.id === file.id)).toHaveLength(1);

    // Nothing newer since: nothing changes; offline (fetch fails): the device keeps what it has.
    expect(await checkGuideUpdates(serverFetch())).toBe(0);
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    expect(await checkGuideUpdates(offline)).toBe(0);
    expect((await guideBySlug('recognize-scams'))?.version).toBe(file.version + 1);
  });

  it('publish-guide refuses a file that does not match the guide schema', () => {
    const bad = validateGuideFile({ id: 'x', slug: 'x', lang: 'vi', title: 'only one language' });
    expect(bad.ok).toBe(false);
    expect(bad.errors.join(' ')).toMatch(/title|steps|sources/);
  });
});
