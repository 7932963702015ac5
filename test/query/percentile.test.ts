// The exact percentile rules of the query layer: interpolating (the SQL aggregates) and nearest
// rank (the what-if replay), on the same values.
import { describe, expect, it } from 'vitest';
import { nearestRank } from '../../src/query/percentile.js';
import { percentileOf } from '../../src/store/functions.js';

describe('exact percentiles', () => {
  it('interpolate between the closest ranks (percentile(), p95() ...), or take the nearest rank (the replay)', () => {
    const v = Float64Array.from([10, 20, 30, 40]);
    expect(percentileOf(v, 50)).toBe(25);
    expect(percentileOf(v, 95)).toBeCloseTo(38.5, 10);
    expect(nearestRank(v, 50)).toBe(20);
    expect(nearestRank(v, 95)).toBe(40);
    expect(nearestRank(v, 0)).toBe(10);
    expect(nearestRank([7], 99)).toBe(7);
    expect(nearestRank([], 50)).toBeNull();
  });
});
