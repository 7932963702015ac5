// The robust statistics behind every spike baseline: the fast paths (small inputs sorted in a
// reused buffer, a rolling baseline kept until its next push) give the plain definitions' answers.
import { describe, expect, it } from 'vitest';
import { madSigma, median, quietSeed, RollingBaseline } from '../../src/correlate/baseline.js';

/** The definitions, written plainly. */
const plainMedian = (v: number[]) => {
  if (!v.length) return 0;
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const plainMad = (v: number[]) => { const m = plainMedian(v); return 1.4826 * plainMedian(v.map((x) => Math.abs(x - m))); };

describe('baseline statistics', () => {
  let seed = 5;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const sample = (n: number) => Array.from({ length: n }, () => (rand() < 0.3 ? Math.floor(rand() * 5) : rand() * 1000));

  it('median and MAD equal their definitions, small (buffered) and large inputs, odd and even', () => {
    for (const n of [0, 1, 2, 3, 7, 30, 31, 63, 64, 65, 200, 5001]) {
      for (let k = 0; k < 20; k++) {
        const v = sample(n), copy = [...v];
        expect(median(v)).toBe(plainMedian(v));
        expect(madSigma(v)).toBe(plainMad(v));
        expect(v).toEqual(copy); // the input is left as it was
      }
    }
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('a large input with a NaN: the middle of the values sorted as a typed array sorts them (NaN last)', () => {
    for (const n of [65, 66, 201, 5000]) {
      for (let k = 0; k < 10; k++) {
        const v = sample(n);
        for (let j = 0; j < 1 + (k % 3); j++) v[Math.floor(rand() * n)] = NaN;
        const s = new Float64Array(v).sort(), m = n >> 1;
        expect(median(v)).toBe(n % 2 ? s[m] : (s[m - 1] + s[m]) / 2);
      }
    }
  });

  it('a rolling baseline answers for its last `window` quiet values, and moves with each push', () => {
    const values = sample(400);
    const rb = new RollingBaseline(quietSeed(values), 30, 8);
    const ref: number[] = [];
    for (const v of values) {
      const cur = rb.current();
      if (ref.length < 8) expect(cur).toEqual(quietSeed(values));
      else expect(cur).toEqual({ median: plainMedian(ref), sigma: plainMad(ref) });
      expect(rb.current()).toEqual(cur); // asked twice without a push: the same
      if (rand() < 0.6) {
        rb.push(v);
        ref.push(v);
        if (ref.length > 30) ref.shift();
      }
    }
  });

  it('a rolling baseline kept sorted answers as sorting its window each time would, ties, zeros and non-finite values included', () => {
    for (const window of [1, 2, 5, 30, 100]) {
      const values = Array.from({ length: 1500 }, () => {
        const u = rand();
        return u < 0.01 ? NaN : u < 0.02 ? Infinity : u < 0.03 ? -Infinity : u < 0.5 ? Math.floor(rand() * 4) : u < 0.7 ? 0 : rand() * 100;
      });
      const rb = new RollingBaseline({ median: -1, sigma: -1 }, window, Math.min(8, window));
      const ref: number[] = [];
      for (const v of values) {
        rb.push(v);
        ref.push(v);
        if (ref.length > window) ref.shift();
        if (ref.length < Math.min(8, window)) continue;
        const med = median(ref);
        expect(rb.current()).toEqual({ median: med, sigma: madSigma(ref, med) });
      }
    }
  });
});
