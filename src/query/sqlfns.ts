// SQL functions over the rollup histograms, registered on every connection that runs a report
// (and on the writer that builds rollups), with those of ./functions.ts: the exact percentile
// aggregates over raw rows, and iso().
//
//   hist(x)              aggregate: numbers are added, histogram texts are merged -> text
//   hist_pct(h, p)       percentile p (0-100) of a histogram text (within 2.2 %, see histogram.ts)
//   occ(o)               aggregate: merges occupancy texts (in-flight level -> ms)
//   occ_pct(o, p, span)  in-flight level not exceeded for p % of span ms (exact)
//   occ_mean(o, span)    time-weighted mean in-flight over span ms (exact)
//   occ_above(o, n)      ms during which more than n requests were in flight (exact)
//   occ_peak(o)          highest in-flight level
//   upstream_attempts(upstream_raw, upstream_addr, upstream_status, upstream_ms)
//                        table: one row per upstream tried (idx, addr, status, ms, failed, retried).
//                        SQLite drops a table-valued call with a NULL argument, so pass
//                        coalesce(x, '') for the texts and coalesce(x, -1) for the numbers.
//   time_pieces(lo, hi)  table: [lo, hi) cut into what reads it cheapest (grain, lo, hi): the whole
//                        minutes ('1m': rollup_minute, rollup_upstream, rollup_clients grain 60000),
//                        the whole 10 s around them ('10s': rollup_route_10s, rollup_upstream_10s
//                        or, for a minute rollup_sparse lists, its rows,
//                        rollup_clients grain 10000) and the ragged ends ('rows': the requests
//                        themselves, by coalesce(start_ts, ts)). Empty pieces are left out.
import type Database from 'better-sqlite3';
import { Histogram, Occupancy } from './histogram.js';
import { attemptFailed, attemptsOf } from './upstream-attempts.js';
import { registerFunctions } from './functions.js';

const registered = new WeakSet<object>();

export type Grain = 'rows' | '10s' | '1m';

/** time_pieces(): [lo, hi) as whole minutes, whole 10 s around them, and rows at the ragged ends. */
export function timePieces(lo: number, hi: number): Array<[Grain, number, number]> {
  const out: Array<[Grain, number, number]> = [];
  if (!(hi > lo)) return out;
  const add = (g: Grain, a: number, z: number) => { if (z > a) out.push([g, a, z]); };
  const t0 = Math.ceil(lo / 10_000) * 10_000, t1 = Math.floor(hi / 10_000) * 10_000;
  if (t0 >= t1) { add('rows', lo, hi); return out; }
  const m0 = Math.ceil(lo / 60_000) * 60_000, m1 = Math.floor(hi / 60_000) * 60_000;
  add('rows', lo, t0);
  if (m0 < m1) {
    add('10s', t0, m0);
    add('1m', m0, m1);
    add('10s', m1, t1);
  } else add('10s', t0, t1);
  add('rows', t1, hi);
  return out;
}

/** A histogram text that Histogram.merge() reads: "min|max|bins" with at least one bin. */
function wellFormed(text: string): boolean {
  const p1 = text.indexOf('|');
  const p2 = text.indexOf('|', p1 + 1);
  return p1 >= 0 && p2 > p1 && p2 < text.length - 1;
}

export function registerReportFunctions(db: Database.Database): void {
  if (registered.has(db)) return;
  registered.add(db);
  registerFunctions(db);
  // A group of one histogram text (a route seen in one minute: most of a million scanned paths)
  // gives that text back as it is, unparsed: the text is what toText() wrote, so parsing it and
  // writing it again gives the same text.
  db.aggregate('hist', {
    start: () => ({ text: null as string | null, h: null as Histogram | null }),
    step: (st: { text: string | null; h: Histogram | null }, v: unknown) => {
      if (v === null || v === undefined) return;
      if (typeof v === 'string' && st.h === null && st.text === null) { st.text = v; return; }
      if (st.h === null) {
        st.h = new Histogram();
        if (st.text !== null) st.h.merge(st.text);
        st.text = null;
      }
      if (typeof v === 'number') st.h.add(v);
      else if (typeof v === 'bigint') st.h.add(Number(v));
      else if (typeof v === 'string') st.h.merge(v);
    },
    result: (st: { text: string | null; h: Histogram | null }) => (st.h ? st.h.toText() : st.text !== null && wellFormed(st.text) ? st.text : null),
  });
  db.function('hist_pct', { deterministic: true }, (h: unknown, p: unknown) =>
    typeof h === 'string' ? Histogram.from(h).percentile(Number(p)) : null);
  db.aggregate('occ', {
    start: () => new Occupancy(),
    step: (o: Occupancy, v: unknown) => {
      if (typeof v === 'string') o.merge(v);
    },
    result: (o: Occupancy) => o.toText(),
  });
  const occ = (v: unknown) => {
    const o = new Occupancy();
    if (typeof v === 'string') o.merge(v);
    return o;
  };
  db.function('occ_pct', { deterministic: true }, (o: unknown, p: unknown, span: unknown) =>
    occ(o).percentile(Number(p), Number(span)));
  db.function('occ_mean', { deterministic: true }, (o: unknown, span: unknown) => occ(o).mean(Number(span)));
  db.function('occ_above', { deterministic: true }, (o: unknown, n: unknown) => occ(o).msAbove(Number(n)));
  db.function('occ_peak', { deterministic: true }, (o: unknown) => occ(o).peak());
  db.table('time_pieces', {
    columns: ['grain', 'lo', 'hi'],
    parameters: ['range_lo', 'range_hi'],
    rows: function* (lo: unknown, hi: unknown) {
      // whole numbers go back as INTEGER (a JS number would come back REAL)
      const v = (x: number) => (Number.isSafeInteger(x) ? BigInt(x) : x);
      for (const [g, a, z] of timePieces(Number(lo), Number(hi))) yield [g, v(a), v(z)];
    },
  });
  db.table('upstream_attempts', {
    columns: ['idx', 'addr', 'status', 'ms', 'failed', 'retried'],
    parameters: ['raw', 'addr_in', 'status_in', 'ms_in'],
    rows: function* (raw: unknown, addr: unknown, status: unknown, ms: unknown) {
      const n = (v: unknown) => (v == null || Number(v) < 0 ? null : Number(v));
      const list = attemptsOf(typeof raw === 'string' && raw ? raw : null, typeof addr === 'string' && addr ? addr : null, n(status), n(ms));
      for (let i = 0; i < list.length; i++) {
        const a = list[i];
        yield [i, a.addr, a.status, a.ms, attemptFailed(a) ? 1 : 0, i < list.length - 1 ? 1 : 0];
      }
    },
  });
}
