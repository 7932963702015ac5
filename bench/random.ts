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

/**
 * A rank in 1..n drawn from a Zipf-like law of exponent `s` (p(k) ~ 1/k^s) by inverting its
 * continuous approximation: O(1) and no table, so a million-item population costs no memory.
 */
export function zipf(rand: () => number, n: number, s = 1): number {
  const u = rand();
  const k = s === 1
    ? Math.exp(u * Math.log(n + 1))
    : Math.pow(u * (Math.pow(n + 1, 1 - s) - 1) + 1, 1 / (1 - s));
  return Math.min(n, Math.max(1, Math.floor(k)));
}

/** A 32-bit scramble of an integer: the same rank always maps to the same (spread-out) value. */
export function scramble(x: number): number {
  let h = Math.imul(x ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
