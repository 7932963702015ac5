// Spike detection over a bucketed series. Pure: no database, so the rules are unit-testable.
//
// Each bucket is compared with a rolling baseline of the QUIET buckets before it (median and
// MAD of the last 30 buckets that were not flagged; baseline.ts). Because flagged buckets never
// enter the baseline, a long incident cannot become its own baseline and stays one window.
// A bucket is flagged when any signal leaves its baseline by k = 4 robust sigmas and by a
// floor that keeps noise and single requests out:
//   traffic  requests > base + max(k*sigma, base/2, 3), sigma at least sqrt(base) (Poisson);
//            or a drop below base - max(k*sigma, base/2) when base >= 10 per bucket (inside the
//            span the access log covers)
//   errors   5xx >= 4, > base + k*sigma, and >= 5 % of the bucket's requests
//   latency  at least 2 requests above the line base + max(k*sigma, base, 25 ms) (one slow
//            request is not a spike) AND either the p95 is above the line, or more requests are
//            above it than the quiet buckets' share makes plausible (Poisson tail < 1e-3): a
//            few very slow requests among many fast ones move the tail before the p95
//   events   overload events (every kind but lifecycle/other) >= 2 and > base + k*sigma
// Flagged buckets separated by at most `gap` quiet buckets form one window; a window of one
// bucket with one reason is dropped.
//
// Time of day. A range of several days in buckets of an hour or less has a rhythm: a quiet
// night, a busy morning, a nightly job. There the baseline of a bucket is not the buckets
// before it but the SAME TIME OF DAY on the other days of the range (`period`: buckets per day;
// the caller sets it when the range holds at least MIN_PERIODS days): median and MAD of each
// signal over those peers. The nightly job is then its own hour's baseline, not a surge
// against the quiet hour before it; a bucket is flagged when it departs from what that hour
// usually looks like, or has errors and overload events its peers do not have. Peers include
// every other day the access log covers (before and after: a postmortem reads the whole range);
// the median ignores the one day that had the incident. When the range holds other weeks, a
// reason must also hold against the same hour of the same weekday on them (a Monday peak is
// the Monday rhythm, not a spike).
//
// Incident and aftermath. A window is the INCIDENT: the time the offered load exceeded what the
// servers could serve. What follows once the load has stopped is its AFTERMATH, reported as
// `aftermathEnd`, not as the window nor as a window of its own:
//   - the window ends with its load: the last bucket with slow arrivals or a traffic swing of at
//     least 10 % of the window's largest. Errors, events and small retry bursts after that are
//     aftermath (upstreams held "down" by nginx's fail_timeout, disabled backends re-enabling).
//   - the DRAIN: a bucket where more requests complete than arrive, the peak in flight falls
//     below the bucket before's by more than its Poisson noise (sqrt), and arrivals are not above
//     their baseline is the queue emptying, not load, even though its arrivals are slow (they
//     queue behind the backlog; logs that stamp the start count them there). Such buckets at the
//     end of the load are trimmed off it. Requests count where they started, so the last load
//     bucket's slow requests finish later: if at least 2 slow ones complete in the next bucket,
//     the window takes that bucket too.
//   - RECOVERY: a later run of buckets flagged for latency alone (arrivals at their baseline, no
//     5xx, no events: nothing new came in) that lies within the window's load length after the
//     load ended and is milder than the window (a lower p95) is the servers settling, not a new
//     incident: it extends the aftermath. Slowness that lasts longer than the incident did, or is
//     worse than it, or comes with traffic, errors or events is a window of its own.
import { countAboveInText, Histogram, isCanonicalText, percentileOfText } from '../query/histogram.js';
import { madSigma, median, quietSeed, RollingBaseline, type Baseline } from './baseline.js';

export interface BucketPoint {
  t: number;
  requests: number;
  errors: number;
  hist: Histogram;
  /**
   * The text `hist` is parsed from, when the point keeps one (optional): its p95 and its count
   * above a line are then read from the text in place, the same numbers without a Histogram each
   * (a day refined to the second asks ~60,000 buckets each question)
   */
  histText?: string | null;
  events: number;
  /** durations of the requests that ENDED in the bucket (optional: used to place a window's end) */
  doneHist?: Histogram;
  /** requests that ENDED in the bucket (optional: with `inflight`, tells the drain from load) */
  done?: number;
  /** peak requests in flight in the bucket (optional) */
  inflight?: number;
}

export type Reason = 'traffic' | 'errors' | 'latency' | 'events';
export const REASONS: Reason[] = ['traffic', 'errors', 'latency', 'events'];

export interface DetectOptions {
  k: number;
  window: number;
  minRef: number;
  gap: number;
  latencyFloorMs: number;
  minSlow: number;
  minEvents: number;
  minErrors: number;
  minErrorShare: number;
  /** buckets per day for the time-of-day baseline (0: the rolling baseline only) */
  period: number;
}

/** Days a range must cover for the time-of-day baseline (fewer peers are no baseline). */
export const MIN_PERIODS = 4;

export const DEFAULT_DETECT: DetectOptions = {
  k: 4, window: 30, minRef: 8, gap: 2, latencyFloorMs: 25, minSlow: 2, minEvents: 2, minErrors: 4, minErrorShare: 0.05, period: 0,
};

export interface BucketFlags {
  reasons: Set<Reason>;
  baseRequests: number;
  /** |requests - baseline|: how far traffic moved */
  excess: number;
  baseP95: number | null;
  p95: number | null;
  /** the latency line of this bucket (ms) */
  line: number;
  /** arrivals above the baseline's upper bound (a traffic surge, not a drop) */
  surge: boolean;
}

export interface Window {
  /** first and last flagged bucket index of the load (inclusive) */
  start: number;
  end: number;
  /** last bucket of the aftermath (errors/events after the load), or null */
  aftermathEnd: number | null;
  reasons: Set<Reason>;
}

/** P(X >= c) for X ~ Poisson(lambda). */
export function poissonTail(c: number, lambda: number): number {
  if (c <= 0) return 1;
  if (lambda > 200) {
    const z = (c - 0.5 - lambda) / Math.sqrt(lambda);
    return 0.5 * erfc(z / Math.SQRT2);
  }
  let term = Math.exp(-lambda);
  let below = term;
  for (let i = 1; i < c; i++) {
    term *= lambda / i;
    below += term;
  }
  return Math.max(0, 1 - below);
}

function erfc(x: number): number {
  // Abramowitz-Stegun 7.1.26, ample for a threshold test
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return x >= 0 ? y : 2 - y;
}

/**
 * Indexes of the same time of day on the other days of the series (empty without a period): the
 * nearest `each` on either side, so a range of years (a stray 1970 stamp) costs no more per
 * bucket than four weeks.
 */
export function peersOf(i: number, n: number, period: number, each = 14): number[] {
  if (period <= 0) return [];
  const out: number[] = [];
  for (let k = each; k >= 1; k--) if (i - k * period >= 0) out.push(i - k * period);
  for (let k = 1; k <= each && i + k * period < n; k++) out.push(i + k * period);
  return out;
}

/** b.hist.percentile(p), from the text when the point keeps it. */
function percentileOf(b: BucketPoint, p: number): number | null {
  return b.histText !== undefined ? percentileOfText(b.histText, p) : b.hist.percentile(p);
}

/** b.hist.countAbove(line), from the text when the point keeps it. */
function countAbove(b: BucketPoint, line: number): number {
  return b.histText !== undefined ? countAboveInText(b.histText, line) : b.hist.countAbove(line);
}

function peerBaseline(values: Array<number | null>, peers: number[]): Baseline {
  const v = peers.map((j) => values[j]).filter((x): x is number => x !== null);
  const med = median(v);
  return { median: med, sigma: madSigma(v, med) };
}

interface Judged {
  reasons: Set<Reason>;
  tr: Baseline;
  la: Baseline;
  line: number;
  slow: number;
  surge: boolean;
}

export function flagBuckets(series: BucketPoint[], o: DetectOptions = DEFAULT_DETECT): BucketFlags[] {
  const p95s = series.map((b) => (b.requests > 0 ? percentileOf(b, 95) : null));
  const reqs = series.map((b) => b.requests), errs = series.map((b) => b.errors), evs = series.map((b) => b.events);
  const lat = p95s.filter((v): v is number => v !== null);
  const base = {
    traffic: new RollingBaseline(quietSeed(reqs), o.window, o.minRef),
    errors: new RollingBaseline(quietSeed(errs), o.window, o.minRef),
    latency: new RollingBaseline(quietSeed(lat), o.window, o.minRef),
    events: new RollingBaseline(quietSeed(evs), o.window, o.minRef),
  };
  // share of requests above the latency line in the recent quiet buckets
  const quietSlow: Array<{ n: number; slow: number }> = [];
  // before the first request and after the last the log simply does not cover the time (other
  // logs of the range start earlier): no traffic there is not a drop, nor a day to compare with
  const firstReq = series.findIndex((b) => b.requests > 0);
  let lastReq = -1;
  series.forEach((b, i) => { if (b.requests > 0) lastReq = i; });
  // the time-of-day baseline needs MIN_PERIODS days the access log covers (the bucket's own day
  // and at least 3 peers); a second week adds the same hour of the same weekday
  const covered = lastReq - firstReq + 1;
  const period = o.period > 0 && covered >= MIN_PERIODS * o.period ? o.period : 0;
  const inCover = (js: number[]) => js.filter((j) => j >= firstReq && j <= lastReq);

  /** The reasons of bucket i against one set of baselines (rolling or peers). */
  const judge = (i: number, tr: Baseline, er: Baseline, la: Baseline, ev: Baseline, slowRef: (line: number) => { n: number; above: number }): Judged => {
    const b = series[i];
    const reasons = new Set<Reason>();
    const trSigma = Math.max(tr.sigma, Math.sqrt(Math.max(tr.median, 1)));
    const surge = b.requests > tr.median + Math.max(o.k * trSigma, tr.median / 2, 3);
    if (surge) reasons.add('traffic');
    if (tr.median >= 10 && i > firstReq && i < lastReq && b.requests < tr.median - Math.max(o.k * trSigma, tr.median / 2)) reasons.add('traffic');

    const erSigma = Math.max(er.sigma, Math.sqrt(Math.max(er.median, 1)));
    if (b.errors >= o.minErrors && b.errors > er.median + o.k * erSigma && b.errors >= o.minErrorShare * b.requests) reasons.add('errors');

    const p95 = p95s[i];
    let slow = 0;
    const line = la.median + Math.max(o.k * la.sigma, la.median, o.latencyFloorMs);
    if (p95 !== null) {
      slow = countAbove(b, line);
      const { n, above } = slowRef(line);
      const lambda = (b.requests * (above + 0.5)) / (n + 1);
      if (slow >= o.minSlow && (p95 > line || poissonTail(slow, lambda) < 1e-3)) reasons.add('latency');
    }

    if (b.events >= o.minEvents && b.events > ev.median + o.k * ev.sigma) reasons.add('events');
    return { reasons, tr, la, line, slow, surge };
  };
  /** Against peers: their medians, and their share of requests above the line (what is usual then). */
  const judgePeers = (i: number, peers: number[]): Judged => judge(i, peerBaseline(reqs, peers), peerBaseline(errs, peers),
    peerBaseline(p95s, peers), peerBaseline(evs, peers), (line) => {
      let n = 0, above = 0;
      for (const j of peers) { n += series[j].requests; above += countAbove(series[j], line); }
      return { n, above };
    });

  const out: BucketFlags[] = [];
  series.forEach((b, i) => {
    const daily = period ? inCover(peersOf(i, series.length, period)) : [];
    let j: Judged;
    if (daily.length) {
      j = judgePeers(i, daily);
      // a weekly rhythm (Monday's peak): what this hour of this weekday was on the other weeks
      // must be left too; with one other week that one day is the reference
      const weekly = inCover(peersOf(i, series.length, 7 * period));
      if (weekly.length && j.reasons.size) {
        const w = judgePeers(i, weekly).reasons;
        for (const r of [...j.reasons]) if (!w.has(r)) j.reasons.delete(r);
      }
    } else {
      j = judge(i, base.traffic.current(), base.errors.current(), base.latency.current(), base.events.current(), () => {
        let n = 0, above = 0;
        for (const q of quietSlow) { n += q.n; above += q.slow; }
        return { n, above };
      });
    }
    const p95 = p95s[i];
    out.push({ reasons: j.reasons, baseRequests: j.tr.median, excess: Math.abs(b.requests - j.tr.median), baseP95: lat.length ? j.la.median : null, p95, line: j.line, surge: j.surge });
    if (j.reasons.size === 0) {
      base.traffic.push(b.requests);
      base.errors.push(b.errors);
      if (p95 !== null) {
        base.latency.push(p95);
        quietSlow.push({ n: b.requests, slow: j.slow });
        if (quietSlow.length > o.window) quietSlow.shift();
      }
      base.events.push(b.events);
    }
  });
  return out;
}

/**
 * The queue draining after the load stopped: more requests complete than arrive, the peak in
 * flight falls below the bucket before's by more than that count's Poisson noise (its square
 * root; at a few requests a second a drain cannot be told from chance, and the bucket stays
 * load), and arrivals are not above their baseline. Needs `done` and `inflight` on the series;
 * without them no bucket is a drain.
 */
export function isDrain(series: BucketPoint[] | undefined, flags: BucketFlags[], i: number): boolean {
  const b = series?.[i], prev = series?.[i - 1];
  if (!b || !prev || b.done === undefined || b.inflight === undefined || prev.inflight === undefined) return false;
  return b.done > b.requests && b.inflight < prev.inflight - Math.sqrt(prev.inflight) && !flags[i].surge;
}

function mergedHist(series: BucketPoint[], from: number, to: number): Histogram {
  const h = new Histogram();
  for (let i = from; i <= to; i++) {
    // a text in toText()'s form merges as its parsed histogram does, without parsing it into one first
    const text = series[i].histText;
    if (text && isCanonicalText(text)) h.merge(text);
    else h.mergeHistogram(series[i].hist);
  }
  return h;
}

export function buildWindows(flags: BucketFlags[], o: DetectOptions = DEFAULT_DETECT, series?: BucketPoint[]): Window[] {
  // runs of flagged buckets, merged across gaps of up to o.gap quiet buckets
  const runs: Array<{ start: number; end: number }> = [];
  flags.forEach((f, i) => {
    if (f.reasons.size === 0) return;
    const last = runs[runs.length - 1];
    if (last && i - last.end - 1 <= o.gap) last.end = i;
    else runs.push({ start: i, end: i });
  });
  const out: Window[] = [];
  // p95 of each window's load, for the recovery test
  const loadP95: number[] = [];
  for (const run of runs) {
    const reasons = new Set<Reason>();
    let flagged = 0;
    let lastLoad = -1;
    let maxExcess = 0;
    for (let i = run.start; i <= run.end; i++) {
      if (flags[i].reasons.has('traffic')) maxExcess = Math.max(maxExcess, flags[i].excess);
    }
    for (let i = run.start; i <= run.end; i++) {
      const r = flags[i].reasons;
      if (r.size) flagged++;
      for (const x of r) reasons.add(x);
      // load: slow arrivals, or a traffic swing of at least a tenth of the window's largest; a
      // trickle of fast-failing retries after the peak is aftermath, not load
      if (r.has('latency') || (r.has('traffic') && flags[i].excess >= 0.1 * maxExcess)) lastLoad = i;
    }
    if (flagged === 1 && reasons.size === 1) continue;

    // recovery: slowness alone, soon after a window and milder than it, is that window settling
    const prev = out[out.length - 1];
    if (prev && series && [...reasons].every((x) => x === 'latency')) {
      const loadLength = prev.end - prev.start + 1;
      const p95 = mergedHist(series, run.start, run.end).percentile(95) ?? 0;
      if (run.end - prev.end <= loadLength && p95 < loadP95[out.length - 1]) {
        prev.aftermathEnd = Math.max(prev.aftermathEnd ?? prev.end, run.end);
        continue;
      }
    }

    let end = lastLoad >= run.start ? lastLoad : run.end;
    // the drain at the end of the load is aftermath: the load had stopped, the backlog empties
    while (end > run.start && isDrain(series, flags, end)) end--;
    // requests admitted in the last load bucket finish in the next one: when at least minSlow
    // slow ones complete there, the load visibly lasted that bucket too (one bucket at most)
    const next = series?.[end + 1];
    if (next?.doneHist && end + 1 < flags.length && next.doneHist.countAbove(flags[end].line) >= o.minSlow) end++;
    if (end > run.end) run.end = end;
    out.push({ start: run.start, end, aftermathEnd: end < run.end ? run.end : null, reasons });
    loadP95.push(series ? mergedHist(series, run.start, end).percentile(95) ?? 0 : 0);
  }
  return out;
}

export function detectWindows(series: BucketPoint[], o: Partial<DetectOptions> = {}): { windows: Window[]; flags: BucketFlags[] } {
  const opts = { ...DEFAULT_DETECT, ...o };
  const flags = flagBuckets(series, opts);
  return { windows: buildWindows(flags, opts, series), flags };
}
