// The spike detector on synthetic series: what must NOT be a spike matters as much as what must.
import { describe, expect, it } from 'vitest';
import { detectWindows, poissonTail, type BucketPoint } from '../../src/correlate/detect.js';
import { Histogram } from '../../src/query/histogram.js';

/** Deterministic pseudo-random numbers (mulberry32), so every run sees the same series. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Spec { requests?: number; slowMs?: number; slowShare?: number; errors?: number; events?: number }

/** n buckets of ~`base` requests of 10-40 ms; `at(i)` overrides a bucket. */
function series(n: number, base: number, at: (i: number) => Spec = () => ({}), seed = 1): BucketPoint[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const s = at(i);
    const requests = s.requests ?? Math.max(0, Math.round(base + (r() - 0.5) * 2 * Math.sqrt(base)));
    const hist = new Histogram();
    for (let k = 0; k < requests; k++) {
      hist.add(s.slowShare && r() < s.slowShare ? s.slowMs ?? 2000 : 10 + r() * 30);
    }
    return { t: i * 1000, requests, errors: s.errors ?? 0, hist, events: s.events ?? 0 };
  });
}

describe('spike detection', () => {
  it('finds nothing in quiet data', () => {
    for (const seed of [1, 2, 3, 4, 5]) expect(detectWindows(series(120, 50, undefined, seed)).windows).toEqual([]);
  });

  it('a single slow request is not a spike', () => {
    const s = series(100, 20);
    s[50].hist.add(30_000);
    s[50].requests++;
    expect(detectWindows(s).windows).toEqual([]);
  });

  it('a single overload event is not a spike either', () => {
    expect(detectWindows(series(100, 20, (i) => (i === 40 ? { events: 1 } : {}))).windows).toEqual([]);
  });

  it('a long incident is one window, from its first to its last bucket', () => {
    // 60 of 120 buckets slow: the incident must not become its own baseline half way through
    const s = series(120, 30, (i) => (i >= 30 && i < 90 ? { slowShare: 0.5, slowMs: 3000 } : {}));
    const { windows } = detectWindows(s);
    expect(windows).toHaveLength(1);
    expect(windows[0].start).toBe(30);
    expect(windows[0].end).toBe(89);
    expect([...windows[0].reasons]).toContain('latency');
  });

  it('bridges short gaps and keeps separate incidents apart', () => {
    const burst = (i: number) => (i >= 30 && i < 40) || (i >= 42 && i < 50) || (i >= 70 && i < 80);
    const { windows } = detectWindows(series(110, 30, (i) => (burst(i) ? { requests: 300, errors: 200 } : {})));
    expect(windows.map((w) => [w.start, w.end])).toEqual([[30, 49], [70, 79]]);
  });

  it('ends the window with the load; trailing errors are its aftermath', () => {
    const s = series(100, 40, (i) => (i >= 40 && i < 60 ? { requests: 400, errors: 380 } : i >= 60 && i < 66 ? { errors: 30 } : {}));
    const [w] = detectWindows(s).windows;
    expect(w.end).toBe(59);
    expect(w.aftermathEnd).toBe(65);
  });

  it('the drain after the load is aftermath: slow arrivals queued behind the burst do not extend it', () => {
    // 40..59: a burst that piles up 100 requests in flight; 60..63: arrivals back to normal but
    // still slow (they queue behind the backlog) while more complete than arrive and in flight falls
    const s = series(100, 30, (i) => (i >= 40 && i < 60 ? { requests: 80, slowShare: 0.8, errors: 30 }
      : i >= 60 && i < 64 ? { slowShare: 0.5 } : {}));
    const inflight = (i: number) => (i >= 40 && i < 60 ? 100 : i >= 60 && i < 64 ? 100 - (i - 59) * 22 : 5);
    for (const [i, b] of s.entries()) Object.assign(b, { inflight: inflight(i), done: i >= 60 && i < 64 ? b.requests + 20 : b.requests });
    const [w] = detectWindows(s).windows;
    expect([w.start, w.end]).toEqual([40, 59]);
    expect(w.aftermathEnd).toBe(63);
    // without completions and in-flight the same slow arrivals are load (the old reading)
    const bare = series(100, 30, (i) => (i >= 40 && i < 60 ? { requests: 80, slowShare: 0.8, errors: 30 }
      : i >= 60 && i < 64 ? { slowShare: 0.5 } : {}));
    expect(detectWindows(bare).windows[0].end).toBe(63);
  });

  it('slowness alone soon after a window, and milder than it, is its recovery, not a new window', () => {
    const burst = (i: number) => i >= 40 && i < 60;
    const slowAfter = (from: number, ms: number) => (i: number): Spec =>
      burst(i) ? { requests: 200, errors: 150, slowShare: 0.6, slowMs: 4000 } : i >= from && i < from + 8 ? { slowShare: 0.15, slowMs: ms } : {};
    // 8 slow buckets starting 6 after the load: within the load's length (20), p95 far below 4 s
    const recovery = detectWindows(series(120, 30, slowAfter(66, 500))).windows;
    expect(recovery).toHaveLength(1);
    expect(recovery[0].end).toBe(59);
    expect(recovery[0].aftermathEnd).toBe(73);
    // the same slowness later than the load lasted is its own window
    expect(detectWindows(series(120, 30, slowAfter(80, 500))).windows).toHaveLength(2);
    // and so is slowness worse than the incident itself
    expect(detectWindows(series(120, 30, slowAfter(66, 20_000))).windows).toHaveLength(2);
  });

  it('a few very slow requests among many fast ones are caught by the tail test', () => {
    const s = series(100, 200, (i) => (i >= 50 && i < 60 ? { slowShare: 0.02, slowMs: 5000 } : {}));
    const [w] = detectWindows(s).windows;
    expect(w.start).toBeGreaterThanOrEqual(49);
    expect(w.end).toBeLessThanOrEqual(60);
  });

  it('poissonTail matches known values', () => {
    expect(poissonTail(0, 3)).toBe(1);
    expect(poissonTail(1, 2)).toBeCloseTo(1 - Math.exp(-2), 10);
    expect(poissonTail(3, 0.05)).toBeLessThan(3e-5);
  });
});

describe('time-of-day baseline (period)', () => {
  // two weeks of hourly buckets of a sparse site: ~2 requests an hour at night, ~8 by day, and a
  // nightly job at 02:00 (12 slow requests, one 502, one connect_failed event)
  const HOURS = 14 * 24;
  const sparse = (outage?: number) => series(HOURS, 0, (i) => {
    const h = i % 24;
    if (i === outage) return { requests: 400, errors: 250, events: 300, slowShare: 0.5, slowMs: 3000 };
    if (h === 2) return { requests: 25, errors: 1, events: 1, slowShare: 0.9, slowMs: 600 };
    return { requests: h < 7 ? 1 + (i % 3) : 6 + (i % 5) };
  }, 7);

  it('without it, the nightly job is a spike every night', () => {
    const { windows } = detectWindows(sparse());
    expect(windows.length).toBeGreaterThanOrEqual(10);
  });

  it('with it, the nightly job is the baseline of its hour: no window', () => {
    expect(detectWindows(sparse(), { period: 24 }).windows).toEqual([]);
  });

  it('with it, the outage is still found, alone', () => {
    const outage = 10 * 24 + 21;
    const { windows } = detectWindows(sparse(outage), { period: 24 });
    expect(windows.map((w) => [w.start, w.end])).toEqual([[outage, outage]]);
    expect([...windows[0].reasons].sort()).toEqual(['errors', 'events', 'latency', 'traffic']);
  });

  it('a Monday peak that both weeks have is the weekly rhythm; on one Monday only it is a spike', () => {
    // day 0 and day 7 are Mondays: 09:00-11:00 at 30 requests instead of ~8
    const monday = (both: boolean) => series(HOURS, 0, (i) => {
      const h = i % 24, d = Math.floor(i / 24);
      if ((d === 0 || (both && d === 7)) && h >= 9 && h <= 11) return { requests: 30 };
      return { requests: h < 7 ? 1 + (i % 3) : 6 + (i % 5) };
    }, 9);
    expect(detectWindows(monday(true), { period: 24 }).windows).toEqual([]);
    expect(detectWindows(monday(false), { period: 24 }).windows.map((w) => [w.start, w.end])).toEqual([[9, 11]]);
  });

  it('needs 4 days of peers: a shorter range keeps the rolling baseline', () => {
    const short = sparse().slice(0, 3 * 24);
    expect(detectWindows(short, { period: 24 }).windows).toEqual(detectWindows(short).windows);
  });
});
