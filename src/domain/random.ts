/**
 * The project's one seeded PRNG (mulberry32): tiny, fast, and good enough for demo data, benchmark
 * seeds and fuzz runs, which must come out the same for the same seed. Not for secrets: ids and
 * tokens use the platform's crypto.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
