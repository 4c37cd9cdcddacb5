import { afterEach, describe, expect, it } from 'vitest';
import type { DBCore, Middleware } from 'dexie';
import { AppDB } from './database';
import { CHANGES_MAX } from './changeToken';
import { keepResult, keptResult, reportDataToken } from './reportData';
import { setCurrentUserId } from './meta';
import { META_KEYS } from './metaKeys';

const databases: AppDB[] = [];
function fresh(): AppDB {
  const d = new AppDB('token-' + crypto.randomUUID());
  databases.push(d);
  return d;
}
afterEach(async () => {
  for (const d of databases.splice(0)) await d.delete();
});

const visit = (id: string) => ({ id, householdId: 'h', date: '2026-11-05', outcome: 'done', topics: [], version: 1, deleted: 0, syncState: 'synced', localUpdatedAt: '' }) as never;

describe('the records’ change token', () => {
  it('changes with every write to a counted table, in transactions that did not name `meta`', async () => {
    const d = fresh();
    const tokens = [await reportDataToken(d)];
    await d.visits.put(visit('v1'));
    tokens.push(await reportDataToken(d));
    await d.transaction('rw', d.visits, d.households, async () => {
      await d.visits.bulkPut([visit('v2'), visit('v3')]);
      await d.households.delete('nobody');
    });
    tokens.push(await reportDataToken(d));
    await d.checklistSteps.clear();
    tokens.push(await reportDataToken(d));
    expect(tokens[0]).toBe('/');
    expect(new Set(tokens).size).toBe(4);
  });

  it('a row leaving the phone takes the kept records and its id with it: nothing of it stays in `meta`', async () => {
    const d = fresh();
    await d.visits.bulkPut([visit('v1'), visit('v2')]);
    // Kept records as a count leaves them, naming the visits.
    await d.meta.put({ key: META_KEYS.reportRecords, value: { v: 1, tables: { visits: [{ id: 'v1' }, { id: 'v2' }] } } });
    await d.meta.put({ key: META_KEYS.reportChanges, value: { ids: {} } });
    await d.visits.put(visit('v3'));
    expect(JSON.stringify(await d.meta.toArray())).toContain('v3');
    await d.visits.delete('v1');
    const meta = JSON.stringify(await d.meta.toArray());
    expect(meta).not.toContain('v1');
    expect(await d.meta.get(META_KEYS.reportRecords)).toBeUndefined();
    expect((await d.meta.get(META_KEYS.reportChanges))?.value).toEqual({ ids: {}, overflow: true });
  });

  it('once its notes say overflow, a transaction neither reads nor writes them again', async () => {
    const d = fresh();
    // Below the change-token layer: every request it makes to `meta`.
    const seen: string[] = [];
    const spy: Middleware<DBCore> = {
      stack: 'dbcore',
      name: 'metaSpy',
      level: -5,
      create: (down) => ({
        ...down,
        table(name) {
          const table = down.table(name);
          if (name !== 'meta') return table;
          return {
            ...table,
            get: (req) => {
              seen.push(`get ${String(req.key)}`);
              return table.get(req);
            },
            mutate: (req) => {
              if (req.type === 'put') for (const v of req.values) seen.push(`put ${(v as { key: string }).key}`);
              return table.mutate(req);
            },
          };
        },
      }),
    };
    d.use(spy);
    const page = (from: number, n: number) => Array.from({ length: n }, (_, i) => visit(`v${from + i}`));
    // A first sync's page: the second write passes CHANGES_MAX, the third finds overflow noted.
    await d.transaction('rw', d.visits, d.households, async () => {
      await d.visits.bulkPut(page(0, CHANGES_MAX));
      await d.visits.bulkPut(page(CHANGES_MAX, 1));
      await d.visits.bulkPut(page(CHANGES_MAX + 1, 1));
      await d.households.delete('nobody');
    });
    expect(seen.filter((s) => s.endsWith(META_KEYS.reportChanges))).toEqual([`get ${META_KEYS.reportChanges}`, `put ${META_KEYS.reportChanges}`, `get ${META_KEYS.reportChanges}`, `put ${META_KEYS.reportChanges}`]);
    expect((await d.meta.get(META_KEYS.reportChanges))?.value).toEqual({ ids: {}, overflow: true });
    // The next page reads the notes once, finds them overflowed, and writes only the token.
    seen.length = 0;
    await d.transaction('rw', d.visits, d.members, async () => {
      await d.visits.bulkPut(page(CHANGES_MAX + 2, 3));
      await d.visits.delete('v0');
      await d.members.bulkPut([]);
    });
    expect(seen).toEqual([`put ${META_KEYS.reportDataToken}`, `get ${META_KEYS.reportChanges}`]);
    expect((await d.meta.get(META_KEYS.reportChanges))?.value).toEqual({ ids: {}, overflow: true });
    expect(await d.visits.count()).toBe(CHANGES_MAX + 4);
  });

  it('stays when only other tables change', async () => {
    const d = fresh();
    await d.visits.put(visit('v1'));
    const before = await reportDataToken(d);
    await d.drafts.put({ key: 'visit:new:h', data: {}, route: '/', updatedAt: '' });
    await d.users.put({ id: 'u', name: 'Mai', role: 'member' });
    expect(await reportDataToken(d)).toBe(before);
  });

  it('does not change when the write is rolled back', async () => {
    const d = fresh();
    await d.visits.put(visit('v1'));
    const before = await reportDataToken(d);
    await expect(
      d.transaction('rw', d.visits, async () => {
        await d.visits.put(visit('v2'));
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(await reportDataToken(d)).toBe(before);
    expect(await d.visits.count()).toBe(1);
  });
});

describe('kept results', () => {
  it('are of the phone’s user too: unsent records count as theirs', async () => {
    const d = fresh();
    await setCurrentUserId('u1', d);
    await keepResult(await reportDataToken(d), 'k', { visits: 1 }, d);
    expect(await keptResult('k', d)).toEqual({ visits: 1 });
    await setCurrentUserId('u2', d);
    expect(await keptResult('k', d)).toBeUndefined();
  });

  it('are found while the records are unchanged, and lost with the next write', async () => {
    const d = fresh();
    await d.visits.put(visit('v1'));
    await keepResult(await reportDataToken(d), 'month:2026-11-01:2026-11-30', { visits: 1 }, d);
    expect(await keptResult('month:2026-11-01:2026-11-30', d)).toEqual({ visits: 1 });
    await d.visits.put(visit('v2'));
    expect(await keptResult('month:2026-11-01:2026-11-30', d)).toBeUndefined();
  });

  it('a result counted before a write is not kept after it', async () => {
    const d = fresh();
    const token = await reportDataToken(d);
    await d.visits.put(visit('v1'));
    await keepResult(token, 'k', { visits: 0 }, d);
    expect(await keptResult('k', d)).toBeUndefined();
  });
});
