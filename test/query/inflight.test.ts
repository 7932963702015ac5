// In-flight reconstruction: a sweep over exact intervals, and whole-second stamps spread in log order.
import { describe, expect, it } from 'vitest';
import { InflightSweep, InflightSweeps, attemptSpans, spanFrom, spanUntil } from '../../src/query/inflight.js';
import { StampSpreader } from '../../src/query/stamp-spread.js';

describe('in-flight sweep', () => {
  it('measures time at each level exactly, per second', () => {
    const s = new InflightSweep();
    s.add(0, 1000);
    s.add(500, 1500);
    s.add(1500, 1600); // starts when the second one ends: no overlap
    const occ = s.occupancy();
    expect(occ.get(0)!.ms).toEqual(new Map([[1, 500], [2, 500]]));
    expect(occ.get(1000)!.ms).toEqual(new Map([[1, 600]]));
    expect(occ.get(0)!.peak()).toBe(2);
    expect(occ.get(0)!.msAbove(1)).toBe(500);
    expect(occ.get(0)!.mean(1000)).toBe(1.5);
    expect(occ.get(1000)!.percentile(50, 1000)).toBe(1);
  });

  it('ignores requests without a measurable duration', () => {
    const s = new InflightSweeps();
    s.add('', null, 10);
    s.add('', 10, 10);
    expect(s.occupancy('').size).toBe(0);
    expect(s.peaks()).toEqual(new Map([['', 0]]));
  });

  it('limits the result to a range (incremental rebuilds)', () => {
    const s = new InflightSweep();
    s.add(0, 5000);
    expect([...s.occupancy(2000, 4000).keys()]).toEqual([2000, 3000]);
  });

  it('streamed (advance and flush as a watermark moves) gives what one sweep at the end gives', () => {
    let x = 11;
    const r = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
    const intervals: Array<[number, number]> = [];
    for (let t = 0; t < 120_000; t += Math.floor(r() * 40)) intervals.push([t, t + Math.floor(r() * (r() < 0.05 ? 20_000 : 300))]);
    const batch = new InflightSweep();
    for (const [a, b] of intervals) batch.add(a, b);
    const streamed = new InflightSweep();
    const got = new Map<number, string | null>();
    const write = (t: number, o: { toText(): string | null }) => { expect(got.has(t)).toBe(false); got.set(t, o.toText()); };
    // rows come in start order: no later interval starts before the last start seen
    intervals.forEach(([a, b], i) => {
      streamed.add(a, b);
      if (i % 97 === 0) { streamed.advance(a, -Infinity, Infinity); streamed.flush(a, write); }
    });
    streamed.advance(Infinity, -Infinity, Infinity);
    streamed.flush(Infinity, write);
    const want = new Map([...batch.occupancy()].map(([t, o]) => [t, o.toText()]));
    expect(got).toEqual(want);
    expect(want.size).toBeGreaterThan(100);
  });

  it('groups by key, and gives each key its peak', () => {
    const s = new InflightSweeps();
    s.add('a', 0, 100);
    s.add('a', 50, 150);
    s.add('b', 100, 200);
    s.add('b', 200, 300); // ends and starts at one instant: never two
    expect(s.keys()).toEqual(['a', 'b']);
    expect(s.peaks()).toEqual(new Map([['a', 2], ['b', 1]]));
  });

  it('places upstream attempts one after the other from the start, never past the end', () => {
    attemptSpans(1000, 2500, 3, [1000, null, 200]);
    expect(spanFrom.slice(0, 3)).toEqual([1000, 2000, 2000]);
    expect(spanUntil.slice(0, 3)).toEqual([2000, 2500, 2200]);
    // times that add up past the request's end are cut at it; without an end, the attempt's own time
    attemptSpans(0, 500, 2, [400, 400]);
    expect(spanUntil.slice(0, 2)).toEqual([400, 500]);
    attemptSpans(0, null, 2, [400, null]);
    expect([spanFrom[1], spanUntil[0], spanUntil[1]]).toEqual([400, 400, null]);
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
