// Percentiles read from rollup histograms stay within the stated bound of the exact value.
import { describe, expect, it } from 'vitest';
import { binOf, Histogram, HIST_RELATIVE_ERROR, Occupancy } from '../../src/query/histogram.js';
import { percentileOf } from '../../src/query/functions.js';

describe('histogram percentiles', () => {
  it('are within 2.2 % of the exact percentile', () => {
    expect(HIST_RELATIVE_ERROR).toBeLessThan(0.0222);
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const values = Array.from({ length: 20_000 }, () => Math.exp(rand() * 10) * 0.5);
    const h = new Histogram();
    for (const v of values) h.add(v);
    const sorted = Float64Array.from(values).sort();
    for (const p of [1, 10, 50, 90, 95, 99, 99.9]) {
      const exact = percentileOf(sorted, p)!;
      expect(Math.abs(h.percentile(p)! - exact) / exact).toBeLessThanOrEqual(HIST_RELATIVE_ERROR + 1e-9);
    }
    expect(h.percentile(0)).toBe(sorted[0]);
    expect(h.percentile(100)).toBe(sorted[sorted.length - 1]);
  });

  it('merge one another as their texts would (mergeHistogram = merge(toText()))', () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let round = 0; round < 200; round++) {
      const parts = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => {
        const h = new Histogram();
        // empty ones, single values, zeros and spreads from microseconds to minutes
        const n = Math.floor(rand() * 4) === 0 ? 0 : 1 + Math.floor(rand() * 50);
        for (let i = 0; i < n; i++) h.add(rand() < 0.1 ? 0 : Math.exp(rand() * 25) * 0.0005, 1 + Math.floor(rand() * 3));
        return h;
      });
      const byText = new Histogram(), direct = new Histogram();
      for (const p of parts) {
        const t = p.toText();
        if (t) byText.merge(t);
        direct.mergeHistogram(p);
      }
      expect(direct.toText()).toBe(byText.toText());
      expect([direct.n, direct.min, direct.max]).toEqual([byText.n, byText.min, byText.max]);
      expect(direct.percentile(95)).toBe(byText.percentile(95));
    }
  });

  it('survive the text form and merging', () => {
    const a = new Histogram(), b = new Histogram(), all = new Histogram();
    for (let i = 1; i <= 100; i++) (i % 2 ? a : b).add(i), all.add(i);
    const m = Histogram.from(a.toText());
    m.merge(b.toText()!);
    expect(m.toText()).toBe(all.toText());
    expect(m.n).toBe(100);
    expect(m.countAbove(50)).toBeGreaterThanOrEqual(49);
    expect(new Histogram().toText()).toBeNull();
  });

  it('of values in one bin (kept without an array) answer as any other, and take a second bin', () => {
    const b = binOf(100);
    expect(binOf(100.5)).toBe(b);
    const one = new Histogram();
    one.add(100); one.add(100.5, 2);
    const text = `100|100.5|${b}:3`;
    expect(one.toText()).toBe(text);
    const buf = new Uint8Array(one.textBound());
    expect(Buffer.from(buf.subarray(0, one.writeText(buf, 0))).toString('latin1')).toBe(text);
    expect(one.percentile(50)).toBe(Histogram.from(text).percentile(50));
    expect(one.countAbove(50)).toBe(3);
    expect(one.countAbove(1000)).toBe(0);
    // merged into an empty one, into one of another bin, and read back from its text
    const empty = new Histogram();
    empty.mergeHistogram(one);
    expect(empty.toText()).toBe(text);
    const other = new Histogram();
    other.add(7);
    other.mergeHistogram(one);
    expect(other.toText()).toBe(`7|100.5|${binOf(7)}:1,${b}:3`);
    const parsed = new Histogram();
    parsed.add(100);
    parsed.merge(`7|7|${binOf(7)}:1`);
    expect(parsed.toText()).toBe(`7|100|${binOf(7)}:1,${b}:1`);
    // a second bin, far off
    one.add(3_000_000);
    expect(one.toText()).toBe(`100|3000000|${b}:3,${binOf(3_000_000)}:1`);
    expect(one.n).toBe(4);
    // (its bound on the bytes of its text holds the bin too, with the longest numbers)
    const long = new Histogram();
    long.add(1.2345678901234567e21, 1_000_000); long.add(1.2345678901234568e21);
    const room = new Uint8Array(long.textBound());
    expect(Buffer.from(room.subarray(0, long.writeText(room, 0))).toString('latin1')).toBe(long.toText());
  });

  // A histogram fed value by value keeps a few bins as (bin, count) pairs: a dense array of the
  // bins between 5 ms and 30 s is ~200 wide whatever few values it holds (the rollup worker's
  // 10 s and minute histograms of an overloaded hour).
  it('of a few values far apart are held as pairs, and answer as the dense form would', () => {
    let seed = 5;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let round = 0; round < 300; round++) {
      const h = new Histogram();
      const bins = new Map<number, number>();
      let lo = Infinity, hi = -Infinity;
      // up to 60 distinct bins, some rounds spread wide and some narrow: pairs that become dense,
      // and dense arrays that go back to pairs, on the way
      const width = rand() < 0.5 ? 25 : 3;
      const choices = Array.from({ length: 1 + Math.floor(rand() * 60) }, () => (rand() < 0.1 ? 0 : Math.exp(rand() * width) * 0.0005));
      for (let i = 0, n = 1 + Math.floor(rand() * 150); i < n; i++) {
        const v = choices[Math.floor(rand() * choices.length)], c = Math.floor(rand() * 3); // (a count of 0 now and then)
        h.add(v, c);
        bins.set(binOf(v), (bins.get(binOf(v)) ?? 0) + c);
        lo = Math.min(lo, v); hi = Math.max(hi, v);
      }
      const kept = [...bins].filter(([, c]) => c > 0).sort((x, y) => x[0] - y[0]);
      const expected = kept.length ? `${lo}|${hi}|${kept.map(([b, c]) => `${b}:${c}`).join(',')}` : null;
      if (expected === null) { expect(h.toText()).toBe(null); continue; }
      const buf = new Uint8Array(h.textBound());
      expect(Buffer.from(buf.subarray(0, h.writeText(buf, 0))).toString('latin1')).toBe(expected);
      const ref = Histogram.from(expected);
      const copy = new Histogram();
      copy.mergeHistogram(h);
      for (const p of [0, 10, 50, 95, 99, 100]) expect(h.percentile(p)).toBe(ref.percentile(p));
      expect(h.countAbove(1)).toBe(ref.countAbove(1));
      expect(h.toText()).toBe(expected);
      expect(copy.toText()).toBe(expected);
    }
    // five values from 5 ms to 30 s: room for five pairs, not for the ~200 bins between them
    const few = new Histogram();
    for (const v of [5, 80, 900, 12_000, 30_000]) few.add(v);
    expect(binOf(30_000) - binOf(5)).toBeGreaterThan(190);
    expect(few.textBound()).toBeLessThanOrEqual(2 * 25 + 2 + 22 * 2 * 5);
    // twenty values over the same range (an overloaded route's 10 s of durations): pairs still,
    // where at most eight pairs were kept before the ~200-bin array
    const twenty = new Histogram();
    for (let i = 0; i < 20; i++) twenty.add(5 * Math.pow(6000, i / 19));
    expect(twenty.textBound()).toBeLessThanOrEqual(2 * 25 + 2 + 22 * 2 * 20);
    // values near each other first (a dense array), then spread: back to pairs as it would grow
    const spread = new Histogram();
    for (const v of [100, 101, 103, 5, 30_000, 12_000, 900]) spread.add(v);
    expect(spread.textBound()).toBeLessThanOrEqual(2 * 25 + 2 + 22 * 2 * 6);
    expect(spread.toText()).toBe(Histogram.from(spread.toText()).toText());
    expect(spread.percentile(50)).toBe(Histogram.from(spread.toText()).percentile(50));
    // pairs merged with pairs and with a text, either way round
    const other = new Histogram();
    other.add(7); other.add(2_000);
    const both = new Histogram();
    both.merge(few.toText()!); both.merge(other.toText()!);
    const a = new Histogram();
    for (const v of [5, 80, 900, 12_000, 30_000]) a.add(v);
    a.mergeHistogram(other);
    expect(a.toText()).toBe(both.toText());
    const b = new Histogram();
    b.add(7); b.add(2_000);
    b.merge(few.toText()!);
    expect(b.toText()).toBe(both.toText());
  });

  it('keep zero and sub-microsecond values', () => {
    const h = new Histogram();
    h.add(0); h.add(0); h.add(5);
    expect(h.percentile(50)).toBe(0);
    expect(h.percentile(100)).toBe(5);
  });
});

describe('occupancy', () => {
  it('answers peak, time above a limit and time-weighted percentiles exactly', () => {
    const o = new Occupancy();
    o.merge('1:200,3:300,6:100');
    expect(o.peak()).toBe(6);
    expect(o.msAbove(2)).toBe(400);
    expect(o.mean(1000)).toBe((200 + 900 + 600) / 1000);
    expect(o.percentile(50, 1000)).toBe(1); // 400 ms at 0, 200 at 1
    expect(o.percentile(99, 1000)).toBe(6);
  });

  it("write the same bytes into a buffer as their text form (the rollup worker's rows)", () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const bytes = (o: Histogram | Occupancy) => {
      const buf = new Uint8Array(o.textBound());
      return Buffer.from(buf.subarray(0, o.writeText(buf, 0))).toString('latin1');
    };
    // whole values, fractions, a zero, values past 2^53 and tiny ones: each number's own form
    const kinds = [() => Math.floor(rand() * 5000), () => rand() * 100, () => 0, () => 2 ** 60 * rand(), () => rand() / 1e7, () => 123.456];
    for (let k = 0; k < 300; k++) {
      const h = new Histogram();
      const o = new Occupancy();
      for (let i = 0, n = 1 + Math.floor(rand() * (k % 3 === 0 ? 200 : 4)); i < n; i++) {
        h.add(kinds[Math.floor(rand() * kinds.length)](), 1 + Math.floor(rand() * 3));
        o.add(1 + Math.floor(rand() * (k % 2 ? 40 : 5)), rand() < 0.5 ? Math.floor(rand() * 1000) : rand() * 10);
      }
      expect(h.isEmpty()).toBe(false);
      expect(bytes(h)).toBe(h.toText());
      expect(bytes(o)).toBe(o.toText());
    }
    expect(new Histogram().isEmpty()).toBe(true);
    expect(new Occupancy().isEmpty()).toBe(true);
  });
});

describe('a histogram parsed from text', () => {
  // Histogram.merge() sizes an empty histogram's bins to the text's first and last (fit()): the
  // merges that follow, below and above that span and inside it, count as growing would have
  it('counts the same whichever text came first, values at bin 0 and the largest bin included', () => {
    const a = new Histogram(), b = new Histogram(), c = new Histogram();
    for (const v of [0, 3, 17, 250]) a.add(v);
    for (const v of [0.0001, 1, 60_005, 1e20]) b.add(v);
    for (const v of [18, 19, 240]) c.add(v);
    const texts = [a.toText()!, b.toText()!, c.toText()!];
    const all = new Histogram();
    for (const h of [a, b, c]) all.mergeHistogram(h);
    for (const order of [[0, 1, 2], [1, 0, 2], [2, 1, 0], [2, 0, 1]]) {
      const h = new Histogram();
      for (const i of order) h.merge(texts[i]);
      expect(h.toText()).toBe(all.toText());
      expect(h.percentile(95)).toBe(all.percentile(95));
      expect(h.countAbove(20)).toBe(all.countAbove(20));
    }
    expect(Histogram.from('5|5|').toText()).toBe(null);
  });

  it('Occupancy.addAll adds what merging the other\'s text adds, level by level, none or one or many levels', () => {
    const levels = [[], [[3, 250]], [[3, 250], [1, 100.5], [3, 50], [7, 600]], [[0, 10], [2, 990]]];
    for (const into of levels) {
      for (const from of levels) {
        const a = new Occupancy(), b = new Occupancy(), other = new Occupancy();
        for (const [l, t] of into) { a.add(l, t); b.add(l, t); }
        for (const [l, t] of from) other.add(l, t);
        a.addAll(other);
        const text = other.toText();
        if (text) b.merge(text);
        expect(a.toText(), `${JSON.stringify(into)} + ${JSON.stringify(from)}`).toBe(b.toText());
        expect(a.peak()).toBe(b.peak());
      }
    }
  });
});

