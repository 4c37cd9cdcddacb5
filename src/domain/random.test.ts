import { describe, expect, it } from 'vitest';
import { mulberry32 } from './random';

describe('mulberry32', () => {
  it('gives the reference sequence for a seed, so seeded data stays the same across versions', () => {
    const next = mulberry32(1);
    expect(Array.from({ length: 3 }, () => next())).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
  });

  it('repeats for the same seed and differs for another, with floats in [0, 1)', () => {
    const a = mulberry32(20260101);
    const b = mulberry32(20260101);
    const c = mulberry32(20260102);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    for (const x of xs) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  it('treats the seed as an unsigned 32-bit integer', () => {
    expect(mulberry32(-1)()).toBe(mulberry32(0xffffffff)());
  });
});
