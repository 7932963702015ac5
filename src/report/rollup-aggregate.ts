// One pass over request rows -> the per-second, per-status and per-minute rollup rows
// (src/store/rollups.ts decides which rows to feed and deletes what it replaces).
import type Database from 'better-sqlite3';
import { Histogram } from './histogram.js';
import { attemptFailed, type Attempt } from '../correlate/upstream-attempts.js';

/** The row shape rollups.ts selects, in this order. */
/** t: the refined start (per-second rows); rawT: coalesce(start_ts, ts) as stored (per-minute rows) */
export type RollupInput = [
  tier: string, host: string, t: number | null, rawT: number | null, ts: number, status: number | null, bytes: number | null,
  duration_ms: number | null, upstream_ms: number | null, route: string, attempts: Attempt[],
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

const SEP = '\u001f';
const min = (a: number | null, b: number) => (a === null || b < a ? b : a);
const max = (a: number | null, b: number) => (a === null || b > a ? b : a);

export class RequestAggregator {
  private seconds = new Map<string, Second>();
  private statuses = new Map<string, number>();
  private minutes = new Map<string, Minute>();
  private upstreams = new Map<string, Upstream>();

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
    const [tier, host, t, rawT, ts, status, bytes, dur, upMs, route, attempts] = row as RollupInput;
    if (t !== null) this.addSecond(tier, host, t, status, bytes, dur, upMs);
    if (rawT !== null) this.addMinute(tier, host, rawT, ts, status, bytes, dur, upMs, route, attempts);
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
  }
}
