import { afterEach, describe, expect, it } from 'vitest';
import { AppDB } from '../db/database';
import { clearCursor, finishReset, getCursor, getResetMarker, requestRepull, startReset, takeRepullFlag } from './progress';

const dbs: AppDB[] = [];
afterEach(() => {
  for (const d of dbs.splice(0)) d.close();
});
function fresh(): AppDB {
  const d = new AppDB('progress-' + crypto.randomUUID());
  dbs.push(d);
  return d;
}

describe('sync progress', () => {
  it('a re-pull asked for is taken once', async () => {
    const d = fresh();
    expect(await takeRepullFlag(d)).toBe(false);
    await requestRepull(d);
    expect(await takeRepullFlag(d)).toBe(true);
    expect(await takeRepullFlag(d)).toBe(false);
  });

  it('a re-pull after a server restore starts from the beginning and is remembered until finished', async () => {
    const d = fresh();
    await d.meta.put({ key: 'pullCursor', value: 'c-42' });
    const marker = await startReset(d);
    expect(await getCursor(d)).toBeUndefined();
    expect(await getResetMarker(d)).toBe(marker);
    await finishReset(d);
    expect(await getResetMarker(d)).toBeUndefined();
  });

  it('clearing the cursor makes the next pull start from the beginning', async () => {
    const d = fresh();
    await d.meta.put({ key: 'pullCursor', value: 'c-42' });
    await clearCursor(d);
    expect(await getCursor(d)).toBeUndefined();
  });
});
