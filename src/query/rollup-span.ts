// The minute grain of rollup_second, rollup_status and rollup_inflight (rollup_traffic_minute,
// rollup_status_minute, rollup_inflight_minute): each minute of a tier and host made of its
// seconds' rows as the rollup pass writes them, so traffic(), statuses() and inflight() read a
// week in 10,080 rows instead of 600,000 (queries/relations/traffic.sql, statuses.sql,
// inflight.sql: they read minute rows only for the minutes that lie whole in one bucket of their
// range).
//
// A minute row must add up to what its seconds' rows add up to in SQL, value for value: counts,
// byte sums and maxima do in any order; histograms and occupancies merge bin by bin and level by
// level (whole counts and whole milliseconds: the sweep's times are whole ms, inflight.ts). Only
// dur_sum is a float that may have a fraction (Apache's %D is in microseconds): summed in another
// grouping its last bit can differ, so a minute whose seconds' dur_sum are not all whole numbers
// has none (NULL), and the relations read the seconds of a range that holds one.
import { Histogram, Occupancy } from './histogram.js';

export const MINUTE = 60_000;

/** What a minute reads of a second of rollup_second (rollup-aggregate.ts Second: not imported, it imports this) */
export interface SecondCounts {
  requests: number; done: number; s: number[]; bytes: number; durN: number; durSum: number; durMax: number | null;
  /** status code (0 = none logged) -> requests: the second's rollup_status rows */
  statuses: Map<number, number>;
}

/** A minute of rollup_second's columns that traffic() reads (its histograms filled by the pass, value by value). */
export interface TrafficMinute {
  requests: number; done: number; s4xx: number; s5xx: number; bytes: number;
  durN: number; durSum: number; durMax: number | null; dur: Histogram; up: Histogram; doneH: Histogram;
  /** its seconds' rollup_status counts summed per code: the minute's rollup_status_minute rows */
  statuses: Map<number, number>;
  /** every second's dur_sum was a whole number (a sum in any order is the same); else durSum is not written */
  exact: boolean;
}

/** Where a finished minute goes (rollup-rows.ts writerSink: the two tables' rows). */
export interface SpanSink {
  trafficMinute(tier: string, host: string, t: number, m: TrafficMinute): void;
  inflightMinute(tier: string, host: string, upstream: string, t: number, peak: number, o: Occupancy): void;
}

/** One in-flight series' minute: the highest of its seconds' peaks and their occupancies merged. */
interface InflightMinute { t: number; peak: number; occ: Occupancy }

/**
 * The minutes of one tier and host, filled as the pass hands over its finished seconds. A
 * traffic minute is written once no second of it is still to come (flush(until) after the
 * seconds before `until` were added). An in-flight series hands over its seconds in time order
 * but later than the pass's `until` while requests are still in flight (inflight.ts flush), so
 * its minute is written when a second of a later minute comes, or at the end (until = Infinity).
 */
export class MinuteSpans {
  private traffic = new Map<number, TrafficMinute>();
  private inflight = new Map<string, InflightMinute>();

  constructor(private tier: string, private host: string) {}

  private lastT = NaN;
  private last: TrafficMinute | null = null;

  /**
   * The minute of time t: the pass adds each value to its histograms as it adds it to its
   * second's (merging each second's histograms here cost ~10 % of the pass on a day-long log:
   * a second's bins span what its few values span, and a merge walks them all).
   */
  at(t: number): TrafficMinute {
    const m0 = Math.floor(t / MINUTE) * MINUTE;
    if (m0 === this.lastT && this.last) return this.last;
    let m = this.traffic.get(m0);
    if (!m) {
      m = {
        requests: 0, done: 0, s4xx: 0, s5xx: 0, bytes: 0, durN: 0, durSum: 0, durMax: null,
        dur: new Histogram(), up: new Histogram(), doneH: new Histogram(), statuses: new Map(), exact: true,
      };
      this.traffic.set(m0, m);
    }
    this.lastT = m0;
    this.last = m;
    return m;
  }

  /** A second of rollup_second, as written: its counts and sums (its values are in the minute's histograms already). */
  second(t: number, x: SecondCounts): void {
    const m = this.at(t);
    m.requests += x.requests;
    m.done += x.done;
    m.s4xx += x.s[3];
    m.s5xx += x.s[4];
    m.bytes += x.bytes;
    m.durN += x.durN;
    m.durSum += x.durSum;
    if (!Number.isInteger(x.durSum)) m.exact = false;
    if (x.durMax !== null && (m.durMax === null || x.durMax > m.durMax)) m.durMax = x.durMax;
    for (const [code, n] of x.statuses) m.statuses.set(code, (m.statuses.get(code) ?? 0) + n);
  }

  /**
   * A second of rollup_inflight, as written: each series' come in time order. The pass hands over
   * the series of all requests ('') only: the per-upstream series (concurrency --by upstream) are
   * more seconds than it on a proxy's log, and its minutes cost the pass more than they save a
   * report that is rarely asked for.
   */
  inflightSecond(upstream: string, t: number, o: Occupancy, sink: SpanSink): void {
    const m0 = Math.floor(t / MINUTE) * MINUTE;
    let m = this.inflight.get(upstream);
    if (m && m.t !== m0) {
      sink.inflightMinute(this.tier, this.host, upstream, m.t, m.peak, m.occ);
      m = undefined;
    }
    if (!m) this.inflight.set(upstream, (m = { t: m0, peak: 0, occ: new Occupancy() }));
    // (a second's peak is its highest level: Occupancy.peak(), at least 0 as m.peak starts)
    const peak = o.peak();
    if (peak > m.peak) m.peak = peak;
    m.occ.addAll(o);
  }

  /** Write and forget the traffic minutes that end by `until` (every second before it has been added). */
  flush(until: number, sink: SpanSink): void {
    for (const [t, m] of this.traffic) {
      if (t + MINUTE > until) continue;
      sink.trafficMinute(this.tier, this.host, t, m);
      this.traffic.delete(t);
      if (t === this.lastT) { this.lastT = NaN; this.last = null; }
    }
    if (until !== Infinity) return;
    for (const [upstream, m] of this.inflight) sink.inflightMinute(this.tier, this.host, upstream, m.t, m.peak, m.occ);
    this.inflight.clear();
  }
}
