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
//
// Counting is exact up to CLIENTS_COUNTED distinct clients per minute (a quarter of that per
// 10 s), so a minute in flight holds at most 2.5x CLIENTS_COUNTED clients. Past that (a botnet: every
// request from another address) a bucket's counts are kept bounded the Misra-Gries way: when the
// map is full, the median count is taken off every client and those left with none are forgotten.
// Every count is then low by at most the sum of what was taken (`lowBy`), each kept client says
// so as a 4th element of its entry, and rest_top becomes an upper bound on any left-out client.
// Without the bound a minute of a million distinct clients took ~500 MB to count.

import { Histogram } from './histogram.js';
import { isSparseMinute } from './sparse.js';

/** clients kept per 10 s or minute bucket (and per tier and host) */
export const CLIENTS_KEPT = 1000;
/**
 * distinct clients counted exactly per minute (a 10 s bucket: a quarter of it): 2.5x the busiest
 * minute of the benchmark's 10M log (16k clients, 3.3k in its busiest 10 s), ~4 MB when full
 */
export const CLIENTS_COUNTED = 40_000;

export interface Route10 { requests: number; s5xx: number; durSum: number; dur: Histogram }
export interface Upstream10 {
  attempts: number; failed: number; timeouts: number; retried: number; time: Histogram; max: number | null; first: number; last: number;
}
/**
 * (the client is kept in its count too, so that ranking needs no [client, count] pairs: on a
 * sparse log the pass's aggregates live about as long as it takes to allocate its 4 MB young
 * generation, so garbage of its own makes more of them survive a scavenge and be copied)
 */
interface ClientCount { client: string; n: number; e: number }

/** One bucket's requests and 5xx by client, exact up to `limit` distinct clients (see above). */
export class ClientCounts {
  readonly byClient = new Map<string, ClientCount>();
  /** the bucket's requests and 5xx, always exact */
  requests = 0;
  s5xx = 0;
  /** how much any count may be low by (0: every count is exact) */
  lowBy = 0;
  /** clients forgotten to stay within the limit (one that came back and went again counts twice) */
  dropped = 0;

  constructor(private readonly limit: number) {}

  add(client: string, n: number, e: number): void {
    this.requests += n;
    this.s5xx += e;
    this.count(client, n, e);
  }

  /** Another bucket's counts into this one (a minute from its 10 s buckets). */
  merge(other: ClientCounts): void {
    this.requests += other.requests;
    this.s5xx += other.s5xx;
    this.lowBy += other.lowBy;
    this.dropped += other.dropped;
    for (const x of other.byClient.values()) this.count(x.client, x.n, x.e);
  }

  private count(client: string, n: number, e: number): void {
    const c = this.byClient.get(client);
    if (c) { c.n += n; c.e += e; return; }
    if (this.byClient.size >= this.limit) this.shrink();
    this.byClient.set(client, { client, n, e });
  }

  /** Takes the median count off every client: at least half of them go. */
  private shrink(): void {
    const counts = new Float64Array(this.byClient.size);
    let i = 0;
    for (const c of this.byClient.values()) counts[i++] = c.n;
    counts.sort();
    const cut = counts[counts.length >> 1];
    for (const [client, c] of this.byClient) {
      c.n -= cut;
      if (c.n <= 0) { this.byClient.delete(client); this.dropped++; }
      // (a 5xx count stays within its request count: both are lower bounds)
      else if (c.e > c.n) c.e = c.n;
    }
    this.lowBy += cut;
  }
}

interface Ten { routes: Map<string, Route10>; ups: Map<string, Upstream10>; clients: ClientCounts }

/** Where finished buckets go: INSERTs into the rollup tables (src/query/rollups.ts). */
export interface FineSink {
  route10(tier: string, t: number, host: string, route: string, r: Route10): void;
  upstream10(tier: string, t: number, host: string, upstream: string, u: Upstream10): void;
  /**
   * One bucket's clients: `kept` as JSON [[client, requests, s5xx], ...] busiest first, and the
   * rest: how many clients, their requests and 5xx, and the most requests one of them had (0: none)
   */
  clients(grain: 10_000 | 60_000, tier: string, t: number, host: string, kept: string,
    restClients: number, restRequests: number, restS5xx: number, restTop: number): void;
  /** a sparse minute (sparse.ts): its 10 s routes and upstreams (and its largest) are not written */
  sparse(tier: string, t: number, host: string): void;
}

const byRequests = (a: ClientCount, b: ClientCount) =>
  b.n - a.n || (a.client < b.client ? -1 : a.client > b.client ? 1 : 0);

/**
 * Write a bucket's clients: the `keep` busiest, and the rest summed. Where the bucket's counts are
 * bounded estimates, each kept entry says by how much it may be low, and the rest's clients
 * include the forgotten ones.
 *
 * The counts are ranked as they are (each knows its client): ranking [client, count] pairs made
 * one more array per client, ~40 MB of the ~770 MB the rollup pass allocated on 200k `week` lines
 * (a 10 s and a minute bucket per request or two there), and every byte the pass allocates brings
 * its next scavenge closer (see ClientCount).
 */
export function writeClients(sink: FineSink, grain: 10_000 | 60_000, tier: string, t: number, host: string,
  clients: ClientCounts, keep: number): void {
  const sorted = [...clients.byClient.values()];
  if (sorted.length > 1) sorted.sort(byRequests);
  const kept: Array<[string, number, number] | [string, number, number, number]> = [];
  let n = 0, e = 0;
  const lowBy = clients.lowBy;
  const k = Math.min(keep, sorted.length);
  for (let i = 0; i < k; i++) {
    const x = sorted[i];
    kept.push(lowBy > 0 ? [x.client, x.n, x.e, lowBy] : [x.client, x.n, x.e]);
    n += x.n;
    e += x.e;
  }
  const left = sorted.length - k;
  sink.clients(grain, tier, t, host, JSON.stringify(kept), left + clients.dropped, clients.requests - n, clients.s5xx - e,
    (left > 0 ? sorted[keep].n : 0) + lowBy);
}

/** One tier and host's fine rollups, minute by minute. */
export class FineSeries {
  /** minute -> its 10 s buckets (by their start) */
  private minutes = new Map<number, Map<number, Ten>>();
  private lastT = NaN;
  private lastTen: Ten | null = null;

  constructor(readonly tier: string, readonly host: string, private readonly counted = CLIENTS_COUNTED) {}

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
      if (!b) tens.set(t, (b = { routes: new Map(), ups: new Map(), clients: new ClientCounts(Math.ceil(this.counted / 4)) }));
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
    b.clients.add(client, 1, is5xx ? 1 : 0);
  }

  /** Write and forget every minute that ends at or before `until` (Infinity: all). */
  flush(until: number, sink: FineSink, keep: number): void {
    const { tier, host } = this;
    let any = false;
    for (const [m, tens] of this.minutes) {
      if (m + 60_000 > until) continue;
      this.minutes.delete(m);
      any = true;
      let minute: ClientCounts;
      if (tens.size === 1) minute = tens.values().next().value!.clients;
      else {
        minute = new ClientCounts(this.counted);
        for (const ten of tens.values()) minute.merge(ten.clients);
      }
      writeClients(sink, 60_000, tier, m, host, minute, keep);
      // (minute.requests: every request that started in the minute, exact even when the clients are bounded)
      const sparse = isSparseMinute(minute.requests);
      if (sparse) sink.sparse(tier, m, host);
      for (const [t, ten] of tens) {
        if (!sparse) {
          for (const [route, r] of ten.routes) sink.route10(tier, t, host, route, r);
          for (const [addr, u] of ten.ups) sink.upstream10(tier, t, host, addr, u);
        }
        writeClients(sink, 10_000, tier, t, host, ten.clients, keep);
      }
    }
    if (any) { this.lastT = NaN; this.lastTen = null; }
  }
}
