// The nearest-rank percentile (the what-if replay's), where it differs from interpolating between
// the closest ranks (the SQL aggregates' percentileOf: 25 and 38.5 on these values).
import { describe, expect, it } from 'vitest';
import { nearestRank } from '../../src/query/percentile.js';

describe('exact percentiles', () => {
  it('is a value that occurred: the smallest with at least p % of the values at or below it', () => {
    const v = Float64Array.from([10, 20, 30, 40]);
    expect(nearestRank(v, 50)).toBe(20);
    expect(nearestRank(v, 95)).toBe(40);
    expect(nearestRank(v, 0)).toBe(10);
    expect(nearestRank([7], 99)).toBe(7);
    expect(nearestRank([], 50)).toBeNull();
  });
});
