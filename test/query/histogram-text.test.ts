// percentileOfText() and countAboveInText() read a histogram's text in place: they must give what
// the parsed histogram gives, for the texts toText() writes and for any other (which they parse).
import { describe, expect, it } from 'vitest';
import { countAboveInText, Histogram, isCanonicalText, percentileOfText } from '../../src/query/histogram.js';

let x = 7;
const r = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);

/** toText() of a histogram of n random durations (spread from µs to minutes) */
function written(n: number): string {
  const h = new Histogram();
  for (let i = 0; i < n; i++) h.add(r() < 0.1 ? 60_000 * r() : r() < 0.5 ? 1000 * r() : r() < 0.9 ? Math.round(300 * r()) : r() / 1000);
  return h.toText()!;
}

describe('a histogram text read in place', () => {
  const thresholds = [-1, 0, 0.0005, 0.001, 1, 25, 25.5, 100, 127.9, 1000, 59_999, 1e9, NaN];
  const percents = [0, 1, 50, 95, 99, 99.9, 100];

  it('gives the parsed histogram\'s percentiles and counts above for what toText() writes', () => {
    for (const n of [1, 2, 3, 10, 100, 1000]) {
      for (let k = 0; k < 20; k++) {
        const text = written(n);
        expect(isCanonicalText(text)).toBe(true);
        const h = Histogram.from(text);
        for (const p of percents) expect(percentileOfText(text, p)).toBe(h.percentile(p));
        for (const t of thresholds) expect(countAboveInText(text, t)).toBe(h.countAbove(t));
      }
    }
  });

  it('gives the same for texts in any other form, empty ones and none', () => {
    const odd = ['', '1|2|', '1|2|5:3,', '1|2|9:1,5:2', '1|2|5:1,5:2', '1|2|5:0', '1|2|5:0,7:2', 'x|y|5:2', '3|1|1200:2',
      '1|2|12:1,1001:4', '0.5|7|a:1', '1|2|5:3:4', '1|2|,5:1', '|5|3:1', '1|2|3', '-1|4|3:2,40:1', '1|2|3:99999999999999999'];
    for (const text of odd) {
      const h = Histogram.from(text);
      for (const p of percents) expect(percentileOfText(text, p), `${text} p${p}`).toBe(h.percentile(p));
      for (const t of thresholds) expect(countAboveInText(text, t), `${text} above ${t}`).toBe(h.countAbove(t));
    }
    expect(percentileOfText(null, 95)).toBeNull();
    expect(countAboveInText(undefined, 1)).toBe(0);
    // (a head that is not a number is read as merge() reads it: only the bins decide the form)
    expect(odd.filter(isCanonicalText)).toEqual(['x|y|5:2', '|5|3:1', '-1|4|3:2,40:1']);
  });

  it('merges as its parsed histogram when it is in toText()\'s form', () => {
    const texts = [written(5), written(50), written(1)];
    const byText = new Histogram(), byHist = new Histogram();
    for (const t of texts) { byText.merge(t); byHist.mergeHistogram(Histogram.from(t)); }
    expect(byText.toText()).toBe(byHist.toText());
  });
});
