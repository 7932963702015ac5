// SQL functions over the rollup histograms, registered on every connection that runs a report
// (and on the writer that builds rollups). They complement store/functions.ts, which holds the
// exact percentile aggregates over raw rows.
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
import type Database from 'better-sqlite3';
import { Histogram, Occupancy } from './histogram.js';
import { attemptFailed, attemptsOf } from '../correlate/upstream-attempts.js';

const registered = new WeakSet<object>();

export function registerReportFunctions(db: Database.Database): void {
  if (registered.has(db)) return;
  registered.add(db);
  db.aggregate('hist', {
    start: () => new Histogram(),
    step: (h: Histogram, v: unknown) => {
      if (typeof v === 'number') h.add(v);
      else if (typeof v === 'bigint') h.add(Number(v));
      else if (typeof v === 'string') h.merge(v);
    },
    result: (h: Histogram) => h.toText(),
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
