// In-flight reconstruction: a sweep over exact intervals, and whole-second stamps spread in log order.
import { describe, expect, it } from 'vitest';
import { InflightSweep } from '../../src/query/inflight.js';
import { StampSpreader } from '../../src/query/stamp-spread.js';

describe('in-flight sweep', () => {
  it('measures time at each level exactly, per second', () => {
    const s = new InflightSweep();
    s.add('', 0, 1000);
    s.add('', 500, 1500);
    s.add('', 1500, 1600); // starts when the second one ends: no overlap
    const occ = s.occupancy('');
    expect(occ.get(0)!.ms).toEqual(new Map([[1, 500], [2, 500]]));
    expect(occ.get(1000)!.ms).toEqual(new Map([[1, 600]]));
    expect(occ.get(0)!.peak()).toBe(2);
    expect(occ.get(0)!.msAbove(1)).toBe(500);
    expect(occ.get(0)!.mean(1000)).toBe(1.5);
    expect(occ.get(1000)!.percentile(50, 1000)).toBe(1);
  });

  it('ignores requests without a measurable duration', () => {
    const s = new InflightSweep();
    s.add('', null, 10);
    s.add('', 10, 10);
    expect(s.keys()).toEqual([]);
  });

  it('limits the result to a range (incremental rebuilds)', () => {
    const s = new InflightSweep();
    s.add('', 0, 5000);
    expect([...s.occupancy('', 2000, 4000).keys()]).toEqual([2000, 3000]);
  });
});

describe('whole-second stamps', () => {
  it('spread the requests of one stamped second over it, in log order', () => {
    const out: Array<[number, number | null, number | null]> = [];
    const sp = new StampSpreader(new Set([1]), (r: { id: number; source: number; ts: number; start: number | null; end: number | null }, a, b) => out.push([r.id, a, b]));
    sp.push({ id: 1, source: 1, ts: 5000, start: 4970, end: 5000 });
    sp.push({ id: 2, source: 1, ts: 5000, start: 4990, end: 5000 });
    sp.push({ id: 3, source: 2, ts: 5000, start: 4990, end: 5000 }); // millisecond stamps: untouched
    sp.push({ id: 4, source: 1, ts: 6000, start: 6000, end: 6000 });
    sp.flush();
    expect(out).toEqual([[3, 4990, 5000], [1, 5220, 5250], [2, 5740, 5750], [4, 6500, 6500]]);
  });
});
