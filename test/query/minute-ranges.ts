// What the minute-grain tests share (minute-grain.test.ts: traffic() and inflight();
// status-minutes.test.ts: statuses()): the fixture's clock and random numbers, and the ranges on
// which a relation must read whole minutes where they lie in one bucket and seconds elsewhere.

export const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
export const MIN = 60_000;

/** A seeded linear congruential generator: the same fixture on every run. */
export function lcg(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}

/** [name, from, to, bucket_ms]: ranges that use the minutes, and ranges that must not */
export const MINUTE_RANGES: Array<[string, number, number, number]> = [
  ['whole minutes in 15 min buckets', T0, T0 + 120 * MIN, 15 * MIN],
  ['whole minutes in 1 min buckets, a ragged end', T0, T0 + 100 * MIN + 12_345, MIN],
  ['one bucket over ragged ends', T0 + 3 * MIN + 7_777, T0 + 65 * MIN + 4_321, 61 * MIN + 56_544],
  ['buckets that cut minutes', T0 + 7_777, T0 + 110 * MIN, 5 * MIN],
  ['hours from a second that is no whole minute', T0 + 13_000, T0 + 119 * MIN + 1_000, 60 * MIN],
  ['buckets of 61 s', T0, T0 + 100 * MIN, 61_000],
  ['buckets shorter than a minute', T0, T0 + 30 * MIN, 10_000],
  ['less than a minute', T0 + 5_000, T0 + 50_000, 45_000],
];

/**
 * [from, to, bucket_ms] for the "which grain did it read" tests, with a minute row at T0 + 20 min
 * made wrong: the first two read it (whole minutes), the last two must not (5 min buckets from
 * T0 + 1 s: that minute holds a bucket's start, its neighbour T0 + 18 min does not; 30 s buckets).
 */
export const GRAIN_CASES: Array<[number, number, number]> = [[T0, T0 + 60 * MIN, 15 * MIN], [T0 + 1_000, T0 + 60 * MIN, 60 * MIN],
  [T0 + 1_000, T0 + 60 * MIN, 5 * MIN], [T0 + 1_000, T0 + 60 * MIN, 30_000]];
