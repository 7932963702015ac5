// The rollups v2 tables (migration 4 in src/store/schema.ts), built inside RollupPass: per 10 s
// routes and upstreams, and per-client counts per 10 s and per minute, bounded.
//
// RollupPass hands every row that starts (as stored: coalesce(start_ts, ts), like rollup_minute)
// in the range being rebuilt to its series' FineSeries, and calls flush() whenever no row still to
// come can start before a time: every minute that ends by then is written out and forgotten. So
// memory holds the minutes in flight (the rows of a scan chunk and the longest request), not the
// whole range, however many clients a log has.
//
// Clients are bounded per bucket: one rollup_clients row holds the `keep` clients with the most
// requests (ties by name) as JSON, and the rest of the bucket summed (how many clients, their
// requests and 5xx, and the most requests any one of them had). A minute's clients are ranked on
// the minute's own counts (the sum of its 10 s buckets before either is cut), so its row is what
// counting per minute would give, not a sum of cut lists.

import { Histogram } from './histogram.js';

/** clients kept per 10 s or minute bucket (and per tier and host) */
export const CLIENTS_KEPT = 1000;

export interface Route10 { requests: number; s5xx: number; durSum: number; dur: Histogram }
export interface Upstream10 {
  attempts: number; failed: number; timeouts: number; retried: number; time: Histogram; max: number | null; first: number; last: number;
}
interface ClientCount { n: number; e: number }
interface Ten { routes: Map<string, Route10>; ups: Map<string, Upstream10>; clients: Map<string, ClientCount> }

/** Where finished buckets go: INSERTs into the rollup tables (src/store/rollups.ts). */
export interface FineSink {
  route10(tier: string, t: number, host: string, route: string, r: Route10): void;
  upstream10(tier: string, t: number, host: string, upstream: string, u: Upstream10): void;
  /**
   * One bucket's clients: `kept` as JSON [[client, requests, s5xx], ...] busiest first, and the
   * rest: how many clients, their requests and 5xx, and the most requests one of them had (0: none)
   */
  clients(grain: 10_000 | 60_000, tier: string, t: number, host: string, kept: string,
    restClients: number, restRequests: number, restS5xx: number, restTop: number): void;
}

const byRequests = (a: [string, ClientCount], b: [string, ClientCount]) =>
  b[1].n - a[1].n || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** Write a bucket's clients: the `keep` busiest, and the rest summed. */
export function writeClients(sink: FineSink, grain: 10_000 | 60_000, tier: string, t: number, host: string,
  clients: Map<string, ClientCount>, keep: number): void {
  const sorted = [...clients].sort(byRequests);
  const kept: Array<[string, number, number]> = [];
  let n = 0, e = 0;
  for (let i = 0; i < sorted.length; i++) {
    const [c, x] = sorted[i];
    if (i < keep) kept.push([c, x.n, x.e]);
    else { n += x.n; e += x.e; }
  }
  const left = sorted.length - kept.length;
  sink.clients(grain, tier, t, host, JSON.stringify(kept), left, n, e, left > 0 ? sorted[keep][1].n : 0);
}

/** One tier and host's fine rollups, minute by minute. */
export class FineSeries {
  /** minute -> its 10 s buckets (by their start) */
  private minutes = new Map<number, Map<number, Ten>>();
  private lastT = NaN;
  private lastTen: Ten | null = null;

  constructor(readonly tier: string, readonly host: string) {}

  /**
   * One request, counted at `rawT` (its start as stored). The upstream attempts are the first
   * `attempts` entries of addr/status/ms (RollupPass parses them once for every table).
   */
  add(rawT: number, ts: number, status: number | null, dur: number | null, route: string, client: string,
    attempts: number, addr: string[], st: Array<number | null>, ms: Array<number | null>): void {
    const t = Math.floor(rawT / 10_000) * 10_000;
    let b = t === this.lastT ? this.lastTen : null;
    if (!b) {
      const m = Math.floor(rawT / 60_000) * 60_000;
      let tens = this.minutes.get(m);
      if (!tens) this.minutes.set(m, (tens = new Map()));
      b = tens.get(t) ?? null;
      if (!b) tens.set(t, (b = { routes: new Map(), ups: new Map(), clients: new Map() }));
      this.lastT = t;
      this.lastTen = b;
    }
    const is5xx = status !== null && status >= 500 && status < 600;
    let r = b.routes.get(route);
    if (!r) b.routes.set(route, (r = { requests: 0, s5xx: 0, durSum: 0, dur: new Histogram() }));
    r.requests++;
    if (is5xx) r.s5xx++;
    if (dur !== null) { r.durSum += dur; r.dur.add(dur); }
    for (let i = 0; i < attempts; i++) {
      let u = b.ups.get(addr[i]);
      if (!u) b.ups.set(addr[i], (u = { attempts: 0, failed: 0, timeouts: 0, retried: 0, time: new Histogram(), max: null, first: ts, last: ts }));
      const s = st[i], x = ms[i];
      u.attempts++;
      if (s === null || s >= 500) u.failed++; // attemptFailed()
      if (s === 504) u.timeouts++;
      if (i < attempts - 1) u.retried++;
      if (x !== null) { u.time.add(x); if (u.max === null || x > u.max) u.max = x; }
      if (ts < u.first) u.first = ts;
      if (ts > u.last) u.last = ts;
    }
    let c = b.clients.get(client);
    if (!c) b.clients.set(client, (c = { n: 0, e: 0 }));
    c.n++;
    if (is5xx) c.e++;
  }

  /** Write and forget every minute that ends at or before `until` (Infinity: all). */
  flush(until: number, sink: FineSink, keep: number): void {
    const { tier, host } = this;
    let any = false;
    for (const [m, tens] of this.minutes) {
      if (m + 60_000 > until) continue;
      this.minutes.delete(m);
      any = true;
      let minute: Map<string, ClientCount>;
      if (tens.size === 1) minute = tens.values().next().value!.clients;
      else {
        minute = new Map();
        for (const ten of tens.values()) {
          for (const [c, x] of ten.clients) {
            const y = minute.get(c);
            if (y) { y.n += x.n; y.e += x.e; } else minute.set(c, { n: x.n, e: x.e });
          }
        }
      }
      writeClients(sink, 60_000, tier, m, host, minute, keep);
      for (const [t, ten] of tens) {
        for (const [route, r] of ten.routes) sink.route10(tier, t, host, route, r);
        for (const [addr, u] of ten.ups) sink.upstream10(tier, t, host, addr, u);
        writeClients(sink, 10_000, tier, t, host, ten.clients, keep);
      }
    }
    if (any) { this.lastT = NaN; this.lastTen = null; }
  }
}
