// The default range (where the data is) and the bucket bound, on per-minute counts (the grain
// dataRange uses is an hour; the logic is the same at any grain).
import { describe, expect, it } from 'vitest';
import { denseRange, describeOutliers } from '../../src/report/extent.js';
import { boundedBucketMs, MAX_BUCKETS } from '../../src/report/params.js';

const M = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 22, 9, 0);
const minutes = (from: number, n: number, each: number): Array<[number, number]> => Array.from({ length: n }, (_, i) => [from + i * M, each]);

describe('denseRange', () => {
  it('is null without data, and the whole span when it has no day-long gap', () => {
    expect(denseRange([])).toBeNull();
    // a week without a gap of a day: nothing left out however long
    const week = minutes(T0, 7 * 24 * 60, 10);
    expect(denseRange(week, M)).toEqual({ from: T0, to: T0 + 7 * DAY, outliers: { lines: 0, stretches: [] } });
  });

  it('leaves out single lines decades away at either end', () => {
    const r = denseRange([[0, 1], ...minutes(T0, 20, 50), [Date.UTC(2099, 0, 1), 1]], M)!;
    expect(r.from).toBe(T0);
    expect(r.to).toBe(T0 + 20 * M);
    expect(r.outliers.lines).toBe(2);
    expect(r.outliers.stretches.map((s) => s.from)).toEqual([0, Date.UTC(2099, 0, 1)]);
    expect(describeOutliers(r.outliers)).toBe('2 lines far from the rest of the data (a day or more away), stored but outside ' +
      'the default range: 1970-01-01T00:00 (1), 2099-01-01T00:00 (1) UTC');
  });

  it('keeps two days of real traffic apart, and leaves out at most 1 % at each end', () => {
    const two = [...minutes(T0, 60, 10), ...minutes(T0 + 2 * DAY, 60, 10)];
    expect(denseRange(two)!.outliers.lines).toBe(0);
    // 1.5 % two days later is more than the 1 % an end may give up
    expect(denseRange([...minutes(T0, 100, 100), ...minutes(T0 + 2 * DAY, 15, 10)])!.outliers.lines).toBe(0);
    // 0.5 % is not
    expect(denseRange([...minutes(T0, 100, 100), ...minutes(T0 + 2 * DAY, 5, 10)])!.outliers.lines).toBe(50);
  });

  it('leaves nothing out when no end holds 1 % or less (two lines days apart)', () => {
    const r = denseRange([[T0, 1], [T0 + 3 * DAY, 1]])!;
    expect(r.outliers.lines).toBe(0);
  });
});

describe('boundedBucketMs', () => {
  it('keeps a bucket within MAX_BUCKETS, else widens it to the next step that fits', () => {
    expect(boundedBucketMs(3_600_000, 1000)).toBe(1000);
    // one bucket of room for snapping a default edge to the grid
    expect(boundedBucketMs((MAX_BUCKETS - 1) * 1000, 1000)).toBe(1000);
    expect(boundedBucketMs(MAX_BUCKETS * 1000, 1000)).toBe(10_000);
    expect(boundedBucketMs(365 * DAY, 1000)).toBe(3_600_000);
    expect(boundedBucketMs(130 * 365 * DAY, 3_600_000)).toBe(7 * DAY);
    expect(boundedBucketMs(1000 * 365 * DAY, 1000)).toBe(37 * DAY);
  });
});
