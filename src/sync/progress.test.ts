import { afterEach, describe, expect, it } from 'vitest';
import { AppDB } from '../db/database';
import { clearCursor, finishReset, getCursor, getResetMarker, pullProgress, requestRepull, startReset, takeRepullFlag } from './progress';

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

describe('pullProgress', () => {
  it('without a total: only the records received', () => {
    expect(pullProgress(500, undefined, 2000)).toEqual({ received: 500 });
  });

  it('with a total: the time left at the pace so far', () => {
    expect(pullProgress(0, 2000, 0)).toEqual({ received: 0, total: 2000 });
    expect(pullProgress(500, 2000, 1000)).toEqual({ received: 500, total: 2000, etaMs: 3000 });
    expect(pullProgress(2000, 2000, 4000)).toEqual({ received: 2000, total: 2000, etaMs: 0 });
  });

  it('a total passed by records written meanwhile grows to what was received', () => {
    expect(pullProgress(2100, 2000, 4000)).toEqual({ received: 2100, total: 2100, etaMs: 0 });
  });
});
