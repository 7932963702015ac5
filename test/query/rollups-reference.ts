// The request rollups as buildRollups computed them before the single-pass rewrite (one object
// per row, JS sweep over every interval): kept as the reference the fast build must equal,
// cell for cell (test/query/rollups-equal.test.ts), with the in-flight sweep run at once over
// every interval where the pass streams it. Test-only; not imported by src/.
import type Database from 'better-sqlite3';
import { Histogram } from '../../src/query/histogram.js';
import { attemptFailed, attemptsOf, type Attempt } from '../../src/query/upstream-attempts.js';
import { InflightSweeps, attemptSpans, spanFrom, spanUntil } from '../../src/query/inflight.js';
import { StampSpreader, wholeSecondSources } from '../../src/query/stamp-spread.js';
import { sourceTiers } from '../../src/query/tiers.js';
import { SPARSE_BELOW } from '../../src/query/sparse.js';
import { registerReportFunctions } from '../../src/query/sqlfns.js';
type RollupInput = [
  tier: string, host: string, t: number | null, rawT: number | null, ts: number, status: number | null, bytes: number | null,
  duration_ms: number | null, upstream_ms: number | null, route: string, attempts: Attempt[], client: string,
];

interface Second {
  requests: number; s: number[]; bytes: number;
  durN: number; durSum: number; durMax: number | null; dur: Histogram;
  upN: number; upSum: number; up: Histogram;
  done: number; doneH: Histogram;
}

interface Upstream {
  attempts: number; failed: number; timeouts: number; retried: number;
  n: number; sum: number; max: number | null; h: Histogram; first: number; last: number;
}

interface Minute {
  requests: number; s4xx: number; s5xx: number;
  bytes: number; bytesMax: number | null; bytesH: Histogram;
  durN: number; durSum: number; durMin: number | null; durMax: number | null; dur: Histogram;
  upN: number; upSum: number; upMin: number | null; upMax: number | null; up: Histogram;
  first: number; last: number;
}

interface Route10 { requests: number; s5xx: number; durSum: number; dur: Histogram }
interface Upstream10 { attempts: number; failed: number; timeouts: number; retried: number; time: Histogram; max: number | null; first: number; last: number }

const SEP = '\u001f';
const min = (a: number | null, b: number) => (a === null || b < a ? b : a);
const max = (a: number | null, b: number) => (a === null || b > a ? b : a);

class RequestAggregator {
  private seconds = new Map<string, Second>();
  private statuses = new Map<string, number>();
  private minutes = new Map<string, Minute>();
  private upstreams = new Map<string, Upstream>();
  // rollups v2: keys tier|host|t|name
  private routes10 = new Map<string, Route10>();
  private upstreams10 = new Map<string, Upstream10>();
  private clients = { 10_000: new Map<string, { n: number; e: number }>(), 60_000: new Map<string, { n: number; e: number }>() };

  constructor(private clientsKept: number) {}

  private second(tier: string, host: string, sec: number): Second {
    const sk = tier + SEP + host + SEP + sec;
    let s = this.seconds.get(sk);
    if (!s) {
      s = {
        requests: 0, s: [0, 0, 0, 0, 0], bytes: 0, durN: 0, durSum: 0, durMax: null, dur: new Histogram(),
        upN: 0, upSum: 0, up: new Histogram(), done: 0, doneH: new Histogram(),
      };
      this.seconds.set(sk, s);
    }
    return s;
  }

  /** A request that ended at `end` (its completion second; only rows whose end falls in the rebuilt range). */
  addEnd(tier: string, host: string, end: number, dur: number | null): void {
    const s = this.second(tier, host, Math.floor(end / 1000) * 1000);
    s.done++;
    if (dur !== null) s.doneH.add(dur);
  }

  add(row: unknown[]): void {
    const [tier, host, t, rawT, ts, status, bytes, dur, upMs, route, attempts, client] = row as RollupInput;
    if (t !== null) this.addSecond(tier, host, t, status, bytes, dur, upMs);
    if (rawT !== null) {
      this.addMinute(tier, host, rawT, ts, status, bytes, dur, upMs, route, attempts);
      this.addFine(tier, host, rawT, ts, status, dur, route, attempts, client);
    }
  }

  /** rollups v2, counted at the start as stored like the minutes: 10 s routes and upstreams, clients per 10 s and minute */
  private addFine(tier: string, host: string, rawT: number, ts: number, status: number | null, dur: number | null, route: string,
    attempts: Attempt[], client: string): void {
    const t = Math.floor(rawT / 10_000) * 10_000;
    const is5xx = status !== null && status >= 500 && status < 600;
    const rk = tier + SEP + host + SEP + t + SEP + route;
    let r = this.routes10.get(rk);
    if (!r) this.routes10.set(rk, (r = { requests: 0, s5xx: 0, durSum: 0, dur: new Histogram() }));
    r.requests++;
    if (is5xx) r.s5xx++;
    if (dur !== null) { r.durSum += dur; r.dur.add(dur); }
    for (const [i, a] of attempts.entries()) {
      const uk = tier + SEP + host + SEP + t + SEP + a.addr;
      let u = this.upstreams10.get(uk);
      if (!u) this.upstreams10.set(uk, (u = { attempts: 0, failed: 0, timeouts: 0, retried: 0, time: new Histogram(), max: null, first: ts, last: ts }));
      u.attempts++;
      if (attemptFailed(a)) u.failed++;
      if (a.status === 504) u.timeouts++;
      if (i < attempts.length - 1) u.retried++;
      if (a.ms !== null) { u.time.add(a.ms); u.max = max(u.max, a.ms); }
      if (ts < u.first) u.first = ts;
      if (ts > u.last) u.last = ts;
    }
    for (const grain of [10_000, 60_000] as const) {
      const ck = tier + SEP + host + SEP + Math.floor(rawT / grain) * grain + SEP + client;
      let c = this.clients[grain].get(ck);
      if (!c) this.clients[grain].set(ck, (c = { n: 0, e: 0 }));
      c.n++;
      if (is5xx) c.e++;
    }
  }

  private addSecond(tier: string, host: string, t: number, status: number | null, bytes: number | null, dur: number | null, upMs: number | null): void {
    const sec = Math.floor(t / 1000) * 1000;
    const sk = tier + SEP + host + SEP + sec;
    const s = this.second(tier, host, sec);
    s.requests++;
    const cls = status !== null ? Math.floor(status / 100) : 0;
    if (cls >= 1 && cls <= 5) s.s[cls - 1]++;
    if (bytes !== null) s.bytes += bytes;
    if (dur !== null) { s.durN++; s.durSum += dur; s.durMax = max(s.durMax, dur); s.dur.add(dur); }
    if (upMs !== null) { s.upN++; s.upSum += upMs; s.up.add(upMs); }
    const stk = sk + SEP + (status ?? 0);
    this.statuses.set(stk, (this.statuses.get(stk) ?? 0) + 1);
  }

  private addMinute(tier: string, host: string, rawT: number, ts: number, status: number | null, bytes: number | null,
    dur: number | null, upMs: number | null, route: string, attempts: Attempt[]): void {
    const cls = status !== null ? Math.floor(status / 100) : 0;
    // per-minute rows use the start as stored, so that reports can add the raw rows of partial
    // minutes at a range's edges with the same attribution and count every request once
    const minute = Math.floor(rawT / 60_000) * 60_000;

    const mk = tier + SEP + host + SEP + minute + SEP + route;
    let m = this.minutes.get(mk);
    if (!m) {
      m = {
        requests: 0, s4xx: 0, s5xx: 0, bytes: 0, bytesMax: null, bytesH: new Histogram(),
        durN: 0, durSum: 0, durMin: null, durMax: null, dur: new Histogram(),
        upN: 0, upSum: 0, upMin: null, upMax: null, up: new Histogram(), first: ts, last: ts,
      };
      this.minutes.set(mk, m);
    }
    m.requests++;
    if (cls === 4) m.s4xx++;
    if (cls === 5) m.s5xx++;
    if (bytes !== null) { m.bytes += bytes; m.bytesMax = max(m.bytesMax, bytes); m.bytesH.add(bytes); }
    if (dur !== null) { m.durN++; m.durSum += dur; m.durMin = min(m.durMin, dur); m.durMax = max(m.durMax, dur); m.dur.add(dur); }
    if (upMs !== null) { m.upN++; m.upSum += upMs; m.upMin = min(m.upMin, upMs); m.upMax = max(m.upMax, upMs); m.up.add(upMs); }
    if (ts < m.first) m.first = ts;
    if (ts > m.last) m.last = ts;
    attempts.forEach((a, i) => this.addAttempt(tier + SEP + host + SEP + minute + SEP + a.addr, a, i < attempts.length - 1, ts));
  }

  private addAttempt(key: string, a: Attempt, retried: boolean, ts: number): void {
    let u = this.upstreams.get(key);
    if (!u) {
      u = { attempts: 0, failed: 0, timeouts: 0, retried: 0, n: 0, sum: 0, max: null, h: new Histogram(), first: ts, last: ts };
      this.upstreams.set(key, u);
    }
    u.attempts++;
    if (attemptFailed(a)) u.failed++;
    if (a.status === 504) u.timeouts++;
    if (retried) u.retried++;
    if (a.ms !== null) { u.n++; u.sum += a.ms; u.max = max(u.max, a.ms); u.h.add(a.ms); }
    if (ts < u.first) u.first = ts;
    if (ts > u.last) u.last = ts;
  }

  /** (tier, host, minute) keys with fewer requests than sparse.ts SPARSE_BELOW, counted at the start as stored */
  sparseMinutes(): Set<string> {
    const n = new Map<string, number>();
    for (const [k, m] of this.minutes) {
      const mk = k.split(SEP).slice(0, 3).join(SEP);
      n.set(mk, (n.get(mk) ?? 0) + m.requests);
    }
    return new Set([...n].filter(([, x]) => x < SPARSE_BELOW).map(([k]) => k));
  }

  /** rollup_minute_totals: the seconds' counts summed per minute, with the minute's in-flight peak */
  writeMinuteTotals(db: Database.Database, schema: string, peaks: Map<string, number>): void {
    const tot = new Map<string, number[]>();
    for (const [k, s] of this.seconds) {
      const [tier, host, t] = k.split(SEP);
      const mk = tier + SEP + host + SEP + Math.floor(Number(t) / 60_000) * 60_000;
      const x = tot.get(mk) ?? [0, 0, 0];
      x[0] += s.requests; x[1] += s.s[3]; x[2] += s.s[4];
      tot.set(mk, x);
    }
    for (const mk of peaks.keys()) if (!tot.has(mk)) tot.set(mk, [0, 0, 0]);
    const ins = db.prepare(`INSERT INTO ${schema}.rollup_minute_totals (tier, host, t, requests, s4xx, s5xx, inflight_peak) VALUES (?,?,?,?,?,?,?)`);
    for (const [mk, [n, s4, s5]] of tot) {
      const [tier, host, t] = mk.split(SEP);
      ins.run(tier, host, Number(t), n, s4, s5, peaks.get(mk) ?? 0);
    }
  }

  write(db: Database.Database, schema: string): void {
    const sec = db.prepare(`INSERT INTO ${schema}.rollup_second (tier, host, t, requests, s1xx, s2xx, s3xx, s4xx, s5xx, bytes,
      dur_n, dur_sum, dur_max, dur_hist, up_n, up_sum, up_hist, done, done_hist) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
    for (const [k, s] of this.seconds) {
      const [tier, host, t] = k.split(SEP);
      sec.run(tier, host, Number(t), s.requests, ...s.s, s.bytes, s.durN, s.durSum, s.durMax, s.dur.toText(), s.upN, s.upSum, s.up.toText(), s.done, s.doneH.toText());
    }
    const st = db.prepare(`INSERT INTO ${schema}.rollup_status (tier, host, t, status, requests) VALUES (?,?,?,?,?)`);
    for (const [k, n] of this.statuses) {
      const [tier, host, t, status] = k.split(SEP);
      st.run(tier, host, Number(t), Number(status), n);
    }
    const mi = db.prepare(`INSERT INTO ${schema}.rollup_minute (tier, host, t, route, requests, s4xx, s5xx,
      bytes, bytes_max, bytes_hist, dur_n, dur_sum, dur_min, dur_max, dur_hist, up_n, up_sum, up_min, up_max, up_hist,
      first_ts, last_ts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
    for (const [k, m] of this.minutes) {
      const [tier, host, t, route] = k.split(SEP);
      mi.run(tier, host, Number(t), route, m.requests, m.s4xx, m.s5xx,
        m.bytes, m.bytesMax, m.bytesH.toText(), m.durN, m.durSum, m.durMin, m.durMax, m.dur.toText(),
        m.upN, m.upSum, m.upMin, m.upMax, m.up.toText(), m.first, m.last);
    }
    const up = db.prepare(`INSERT INTO ${schema}.rollup_upstream (tier, host, t, upstream, attempts, failed, timeouts, retried,
      time_n, time_sum, time_max, time_hist, first_ts, last_ts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
    for (const [k, u] of this.upstreams) {
      const [tier, host, t, addr] = k.split(SEP);
      up.run(tier, host, Number(t), addr, u.attempts, u.failed, u.timeouts, u.retried, u.n, u.sum, u.max, u.h.toText(), u.first, u.last);
    }
    // sparse minutes (src/query/sparse.ts): no 10 s rows, listed in rollup_sparse
    const sparse = this.sparseMinutes();
    const sparseAt = (tier: string, host: string, t: string) => sparse.has(tier + SEP + host + SEP + Math.floor(Number(t) / 60_000) * 60_000);
    const sp = db.prepare(`INSERT INTO ${schema}.rollup_sparse (tier, t, host) VALUES (?,?,?)`);
    for (const k of sparse) {
      const [tier, host, t] = k.split(SEP);
      sp.run(tier, Number(t), host);
    }
    const r10 = db.prepare(`INSERT INTO ${schema}.rollup_route_10s (tier, t, host, route, requests, s5xx, dur_sum, dur_hist) VALUES (?,?,?,?,?,?,?,?)`);
    for (const [k, r] of this.routes10) {
      const [tier, host, t, route] = k.split(SEP);
      if (sparseAt(tier, host, t)) continue;
      r10.run(tier, Number(t), host, route, r.requests, r.s5xx, r.durSum, r.dur.toText());
    }
    const u10 = db.prepare(`INSERT INTO ${schema}.rollup_upstream_10s (tier, t, host, upstream, attempts, failed, timeouts, retried, time_max,
      time_hist, first_ts, last_ts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`);
    for (const [k, u] of this.upstreams10) {
      const [tier, host, t, addr] = k.split(SEP);
      if (sparseAt(tier, host, t)) continue;
      u10.run(tier, Number(t), host, addr, u.attempts, u.failed, u.timeouts, u.retried, u.max, u.time.toText(), u.first, u.last);
    }
    // clients: per bucket, the clientsKept busiest (most requests, then name) and the rest summed
    const ins = db.prepare(`INSERT INTO ${schema}.rollup_clients (tier, grain, t, host, kept, rest_clients, rest_requests, rest_s5xx, rest_top)
      VALUES (?,?,?,?,?,?,?,?,?)`);
    for (const grain of [10_000, 60_000] as const) {
      const buckets = new Map<string, Array<{ client: string; n: number; e: number }>>();
      for (const [k, c] of this.clients[grain]) {
        const [tier, host, t, client] = k.split(SEP);
        const b = tier + SEP + host + SEP + t;
        if (!buckets.has(b)) buckets.set(b, []);
        buckets.get(b)!.push({ client, ...c });
      }
      for (const [b, list] of buckets) {
        const [tier, host, t] = b.split(SEP);
        list.sort((x, y) => y.n - x.n || (x.client < y.client ? -1 : x.client > y.client ? 1 : 0));
        const kept = list.slice(0, this.clientsKept), left = list.slice(this.clientsKept);
        ins.run(tier, grain, Number(t), host, JSON.stringify(kept.map((c) => [c.client, c.n, c.e])), left.length,
          left.reduce((a, c) => a + c.n, 0), left.reduce((a, c) => a + c.e, 0), left.length ? left[0].n : 0);
      }
    }
  }
}

interface RequestRow {
  id: number; source: number; ts: number; start: number | null; end: number | null; tier: string; host: string;
  status: number | null; bytes: number | null; duration_ms: number | null; upstream_ms: number | null;
  route: string; upstream: string | null; upstream_status: number | null; upstream_raw: string | null; client: string;
}

/**
 * Every request rollup table (second, status, minute, upstream, inflight, and those of rollups v2)
 * from scratch into `schema`'s (already emptied) tables, the old way.
 */
export function referenceRequestRollups(db: Database.Database, schema: string, clientsKept = 1000): void {
  const lo = -Infinity, hi = Infinity;
  const tiers = sourceTiers(db as never);
  const sample = db.prepare('SELECT max(ts % 1000) AS frac FROM (SELECT ts FROM requests WHERE source_id = ? LIMIT 1000)');
  const whole = wholeSecondSources((db.prepare('SELECT id FROM sources').all() as { id: number }[])
    .map(({ id }) => ({ source_id: id, frac: (sample.get(id) as { frac: number | null }).frac })));
  const stmt = db.prepare(`SELECT r.id, r.source_id AS source, r.ts, r.start_ts AS start, r.end_ts AS "end",
      coalesce(r.host, '') AS host, r.status, r.bytes, r.duration_ms, r.upstream_ms, coalesce(r.route, '') AS route,
      r.upstream_addr AS upstream, r.upstream_status, r.upstream_raw, coalesce(r.client, '') AS client
    FROM requests r ORDER BY r.id`);
  const agg = new RequestAggregator(clientsKept);
  const sweep = new InflightSweeps();
  const spreader = new StampSpreader<RequestRow>(whole, (r, start, end) => {
    r.tier = tiers.get(r.source) ?? 'edge';
    const t = start ?? r.ts;
    const e = end ?? r.ts;
    if (e >= lo && e < hi) agg.addEnd(r.tier, r.host, e, r.duration_ms);
    const attempts = attemptsOf(r.upstream_raw, r.upstream, r.upstream_status, r.upstream_ms);
    const rawT = r.start ?? r.ts;
    const inSecond = t >= lo && t < hi;
    const inMinute = rawT >= lo && rawT < hi;
    if (inSecond || inMinute) {
      agg.add([r.tier, r.host, inSecond ? t : null, inMinute ? rawT : null, r.ts, r.status, r.bytes, r.duration_ms, r.upstream_ms, r.route, attempts, r.client]);
    }
    const key = `${r.tier}\u001f${r.host}\u001f`;
    sweep.add(key, start, end);
    if (start === null) return;
    attemptSpans(start, end, attempts.length, attempts.map((a) => a.ms));
    attempts.forEach((a, i) => sweep.add(key + a.addr, spanFrom[i], spanUntil[i]));
  });
  // rollups v3: per tier, host and minute of the start as stored, the 100 largest responses by bytes, then id
  const largest = new Map<string, Array<[number, number]>>();
  for (const row of stmt.iterate() as Iterable<RequestRow>) {
    const rawT = row.start ?? row.ts;
    if (row.bytes !== null && rawT >= lo && rawT < hi) {
      const k = (tiers.get(row.source) ?? 'edge') + SEP + row.host + SEP + Math.floor(rawT / 60_000) * 60_000;
      if (!largest.has(k)) largest.set(k, []);
      largest.get(k)!.push([row.id, row.bytes]);
    }
    spreader.push(row);
  }
  spreader.flush();
  // (none for a sparse minute: its requests are read instead)
  const sparse = agg.sparseMinutes();
  const big = db.prepare(`INSERT INTO ${schema}.rollup_largest (tier, t, host, id, bytes) VALUES (?,?,?,?,?)`);
  for (const [k, list] of largest) {
    if (sparse.has(k)) continue;
    const [tier, host, t] = k.split(SEP);
    list.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    for (const [id, bytes] of list.slice(0, 100)) big.run(tier, Number(t), host, id, bytes);
  }
  agg.write(db, schema);
  const ins = db.prepare(`INSERT INTO ${schema}.rollup_inflight (tier, host, upstream, t, peak, occ) VALUES (?, ?, ?, ?, ?, ?)`);
  const peaks = new Map<string, number>(); // tier|host|minute -> the highest in flight (all upstreams)
  for (const key of sweep.keys()) {
    const [tier, host, up] = key.split('\u001f');
    for (const [t, o] of sweep.occupancy(key, lo, hi)) {
      ins.run(tier, host, up, t, o.peak(), o.toText());
      const mk = tier + SEP + host + SEP + Math.floor(t / 60_000) * 60_000;
      if (up === '') peaks.set(mk, Math.max(peaks.get(mk) ?? 0, o.peak()));
    }
  }
  agg.writeMinuteTotals(db, schema, peaks);
  referenceMinuteSpans(db, schema);
}

/**
 * rollup_traffic_minute, rollup_inflight_minute and rollup_status_minute (src/query/rollup-span.ts) as
 * SQL over the seconds just written: what traffic(), inflight() and statuses() summed from the seconds, per minute;
 * dur_sum only when every second's is a whole number; in flight, the series of all requests only.
 */
function referenceMinuteSpans(db: Database.Database, schema: string): void {
  registerReportFunctions(db);
  db.exec(`INSERT INTO ${schema}.rollup_traffic_minute (tier, host, t, requests, done, s4xx, s5xx, bytes, dur_n, dur_sum, dur_max,
      dur_hist, up_hist, done_hist)
    SELECT tier, host, t / 60000 * 60000, sum(requests), sum(done), sum(s4xx), sum(s5xx), sum(bytes), sum(dur_n),
      CASE WHEN min(dur_sum = round(dur_sum)) THEN total(dur_sum) END, max(dur_max), hist(dur_hist), hist(up_hist), hist(done_hist)
    FROM ${schema}.rollup_second GROUP BY 1, 2, 3`);
  db.exec(`INSERT INTO ${schema}.rollup_inflight_minute (tier, host, upstream, t, peak, occ)
    SELECT tier, host, upstream, t / 60000 * 60000, max(peak), occ(occ) FROM ${schema}.rollup_inflight WHERE upstream = ''
    GROUP BY 1, 2, 3, 4`);
  db.exec(`INSERT INTO ${schema}.rollup_status_minute (tier, host, t, status, requests)
    SELECT tier, host, t / 60000 * 60000, status, sum(requests) FROM ${schema}.rollup_status GROUP BY 1, 2, 3, 4`);
}
