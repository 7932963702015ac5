// Spike windows for the timeline when the `spikes` report is not available: the same robust
// baseline the correlate stage uses (median + MAD of the quiet buckets before each one), applied
// to the buckets on screen. A bucket is flagged when its rate, its 5xx share or an overload-class
// event stands out; adjacent flagged buckets (gaps of one allowed) form one window.
import { quietSeed, RollingBaseline } from '../../correlate/baseline.js';
import { markerOf } from '../markers.js';
import type { Bucket, Spike } from './types.js';

const RATE_SIGMAS = 4;
/** a rise must also be this large relative to the baseline: MAD is ~0 on very regular traffic */
const RATE_FACTOR = 1.5;
const ERROR_SHARE = 0.1;

export function detectSpikes(buckets: Bucket[], bucketMs: number): Spike[] {
  const rps = buckets.map((b) => (b.requests * 1000) / bucketMs);
  // buckets before the first request and after the last are outside the data, not quiet traffic
  const first = buckets.findIndex((b) => b.requests > 0 || Object.keys(b.events).length > 0);
  let last = buckets.length - 1;
  while (last >= 0 && buckets[last].requests === 0 && Object.keys(buckets[last].events).length === 0) last--;
  const base = new RollingBaseline(quietSeed(rps.slice(Math.max(first, 0), last + 1)));
  const why: Array<string | null> = buckets.map((b, i) => {
    if (i < first || i > last) return null;
    const { median, sigma } = base.current();
    const reasons: string[] = [];
    if (rps[i] > median + RATE_SIGMAS * sigma && rps[i] > median * RATE_FACTOR && rps[i] - median >= 1) {
      reasons.push(`rate ${rps[i].toFixed(1)}/s vs ${median.toFixed(1)}/s`);
    }
    if (b.requests >= 5 && b.s5xx / b.requests >= ERROR_SHARE) reasons.push(`5xx ${Math.round((100 * b.s5xx) / b.requests)} %`);
    const kinds = Object.keys(b.events).filter((k) => markerOf(k) === 'overload' || markerOf(k) === 'pool' || markerOf(k) === 'timeout');
    if (kinds.length) reasons.push(kinds.join(', '));
    if (reasons.length === 0) base.push(rps[i]);
    return reasons.length ? reasons.join('; ') : null;
  });
  const spikes: Spike[] = [];
  let start = -1;
  let lastFlag = -1;
  const close = () => {
    if (start < 0) return;
    let peak = 0;
    const reasons = new Set<string>();
    for (let i = start; i <= lastFlag; i++) {
      peak = Math.max(peak, rps[i]);
      for (const r of (why[i] ?? '').split('; ')) if (r && !r.startsWith('rate ') && !r.startsWith('5xx ')) reasons.add(r);
    }
    const errs = buckets.slice(start, lastFlag + 1).reduce((a, b) => [a[0] + b.s5xx, a[1] + b.requests], [0, 0]);
    const head = [`peak ${peak.toFixed(1)} req/s`];
    if (errs[1] && errs[0] / errs[1] >= ERROR_SHARE) head.push(`5xx ${Math.round((100 * errs[0]) / errs[1])} %`);
    spikes.push({ from: buckets[start].t, to: buckets[lastFlag].t + bucketMs, peakRps: peak, reason: [...head, ...reasons].join('; ') });
    start = -1;
  };
  why.forEach((w, i) => {
    if (w === null) {
      if (start >= 0 && i - lastFlag > 1) close();
      return;
    }
    if (start < 0) start = i;
    lastFlag = i;
  });
  close();
  return spikes;
}
