// Deterministic pseudo-random numbers for generated logs and randomized tests: the same seed gives
// the same log or the same cases on every machine, so a failure can be replayed.

/** mulberry32: a fast 32-bit generator, numbers in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
