// Panels over requests: Endpoints, Oversized, Upstreams, Status. Each merges the per-minute
// rollups of the window's whole minutes with raw rows from its edges (window-sql.ts).
import type { DB } from '../../store/db.js';
import { bindWindow, edgeRows, MINUTE_FILTER, SECOND_FILTER, HOST_IN, pct } from './window-sql.js';
import type { Row, Table, Window } from './types.js';

const LIMIT = 200;

/** Slow endpoints ranked by total time (alp / pt-query-digest): where the server's time went. */
export function endpoints(db: DB, w: Window, tier: string): Table {
  const rows = db.prepare(`WITH edge AS (${edgeRows('coalesce(r.route, \'\') route, r.duration_ms d, r.status st')}),
    parts AS (
      SELECT route, sum(requests) n, sum(s5xx) s5, sum(dur_sum) ds, max(dur_max) dmax, hist(dur_hist) dh
      FROM rollup_minute WHERE ${MINUTE_FILTER} GROUP BY route
      UNION ALL
      SELECT route, count(*), sum(st >= 500), coalesce(sum(d), 0), max(d), hist(d) FROM edge GROUP BY route)
    SELECT route, sum(n) n, sum(s5) s5, sum(ds) ds, max(dmax) dmax, hist(dh) dh FROM parts
    GROUP BY route ORDER BY ds DESC, n DESC LIMIT ${LIMIT}`).all(bindWindow(db, w, tier)) as
    { route: string; n: number; s5: number; ds: number; dmax: number | null; dh: string | null }[];
  const total = rows.reduce((a, r) => a + r.ds, 0);
  return {
    columns: [
      { key: 'route', title: 'route', kind: 'text' },
      { key: 'requests', title: 'reqs', kind: 'int', width: 7 },
      { key: 'total_ms', title: 'total', kind: 'ms', width: 8 },
      { key: 'share', title: 'time%', kind: 'pct', width: 6 },
      { key: 'p50_ms', title: 'p50', kind: 'ms', width: 7 },
      { key: 'p95_ms', title: 'p95', kind: 'ms', width: 7 },
      { key: 'p99_ms', title: 'p99', kind: 'ms', width: 7 },
      { key: 'max_ms', title: 'max', kind: 'ms', width: 7 },
      { key: 's5xx', title: '5xx', kind: 'int', width: 6 },
    ],
    rows: rows.map((r): Row => ({
      route: r.route || '(none)', requests: r.n, total_ms: r.ds, share: total > 0 ? r.ds / total : null,
      p50_ms: pct(r.dh, 50), p95_ms: pct(r.dh, 95), p99_ms: pct(r.dh, 99), max_ms: r.dmax, s5xx: r.s5,
      key: r.route,
    })),
    sorts: ['total_ms', 'p95_ms', 'p99_ms', 'requests', 's5xx'],
    note: rows.length ? 'ranked by total time spent serving each route; percentiles within 2.2 %' : 'no requests in this window',
    drill: 'route', drillKey: 'key',
  };
}

/** Routes by response size: the bytes that fill buffers, temp files and links. */
export function oversized(db: DB, w: Window, tier: string): Table {
  const rows = db.prepare(`WITH edge AS (${edgeRows('coalesce(r.route, \'\') route, r.bytes sz')}),
    parts AS (
      SELECT route, sum(requests) n, sum(bytes) bs, max(bytes_max) bmax, hist(bytes_hist) bh
      FROM rollup_minute WHERE ${MINUTE_FILTER} GROUP BY route
      UNION ALL
      SELECT route, count(*), coalesce(sum(sz), 0), max(sz), hist(sz) FROM edge GROUP BY route)
    SELECT route, sum(n) n, sum(bs) bs, max(bmax) bmax, hist(bh) bh FROM parts
    GROUP BY route ORDER BY bmax DESC, bs DESC LIMIT ${LIMIT}`).all(bindWindow(db, w, tier)) as
    { route: string; n: number; bs: number; bmax: number | null; bh: string | null }[];
  const total = rows.reduce((a, r) => a + r.bs, 0);
  return {
    columns: [
      { key: 'route', title: 'route', kind: 'text' },
      { key: 'requests', title: 'reqs', kind: 'int', width: 7 },
      { key: 'max_bytes', title: 'largest', kind: 'bytes', width: 8 },
      { key: 'p95_bytes', title: 'p95', kind: 'bytes', width: 8 },
      { key: 'p50_bytes', title: 'p50', kind: 'bytes', width: 8 },
      { key: 'bytes', title: 'total', kind: 'bytes', width: 8 },
      { key: 'share', title: 'bytes%', kind: 'pct', width: 7 },
    ],
    rows: rows.map((r): Row => ({
      route: r.route || '(none)', requests: r.n, max_bytes: r.bmax, p95_bytes: pct(r.bh, 95), p50_bytes: pct(r.bh, 50),
      bytes: r.bs, share: total > 0 ? r.bs / total : null, key: r.route,
    })),
    sorts: ['max_bytes', 'bytes', 'p95_bytes', 'requests'],
    note: rows.length ? 'routes by their largest response; Enter lists the largest requests' : 'no requests in this window',
    drill: 'route', drillKey: 'key',
  };
}

/**
 * Upstreams (backends): every attempt of the upstream lists, from the per-minute upstream rollup
 * (whole minutes overlapping the window: attempts are not kept per request row).
 */
export function upstreams(db: DB, w: Window, tier: string): Table {
  const p = { ...bindWindow(db, w, tier), mfrom: BigInt(Math.floor(w.from / 60_000) * 60_000) };
  const rows = db.prepare(`SELECT upstream up, sum(attempts) n, sum(failed) f, sum(timeouts) tmo, sum(retried) rt,
      max(time_max) umax, hist(time_hist) uh
    FROM rollup_upstream WHERE tier = :tier AND ${HOST_IN} AND t >= :mfrom AND t < :to
    GROUP BY upstream ORDER BY f DESC, n DESC LIMIT ${LIMIT}`).all(p) as
    { up: string; n: number; f: number; tmo: number; rt: number; umax: number | null; uh: string | null }[];
  return {
    columns: [
      { key: 'upstream', title: 'upstream', kind: 'text' },
      { key: 'attempts', title: 'tries', kind: 'int', width: 7 },
      { key: 'failures', title: 'failed', kind: 'int', width: 7 },
      { key: 'timeouts', title: 'timeout', kind: 'int', width: 7 },
      { key: 'retried', title: 'retried', kind: 'int', width: 7 },
      { key: 'p50_ms', title: 'p50', kind: 'ms', width: 7 },
      { key: 'p95_ms', title: 'p95', kind: 'ms', width: 7 },
      { key: 'max_ms', title: 'max', kind: 'ms', width: 7 },
    ],
    rows: rows.map((r): Row => ({
      upstream: r.up, attempts: r.n, failures: r.f, timeouts: r.tmo, retried: r.rt, p50_ms: pct(r.uh, 50), p95_ms: pct(r.uh, 95), max_ms: r.umax,
    })),
    sorts: ['failures', 'attempts', 'timeouts', 'p95_ms'],
    note: rows.length ? 'upstreams by failures, by whole minutes' : 'no upstream recorded in this window (the access log has no upstream address)',
  };
}

/** Status codes: exact counts from the per-second rollup. */
export function statuses(db: DB, w: Window, tier: string): Table {
  const rows = db.prepare(`SELECT status, sum(requests) n FROM rollup_status WHERE ${SECOND_FILTER}
    GROUP BY status ORDER BY n DESC`).all(bindWindow(db, w, tier)) as { status: number; n: number }[];
  const total = rows.reduce((a, r) => a + r.n, 0);
  return {
    columns: [
      { key: 'status', title: 'status', kind: 'text', width: 7 },
      { key: 'requests', title: 'reqs', kind: 'int', width: 9 },
      { key: 'share', title: 'share', kind: 'pct', width: 7 },
      { key: 'bar', title: '', kind: 'text' },
    ],
    rows: rows.map((r): Row => ({
      status: r.status === 0 ? '-' : String(r.status), requests: r.n, share: total ? r.n / total : null,
      bar: '#'.repeat(Math.max(total && r.n ? 1 : 0, Math.round((r.n / (total || 1)) * 40))),
    })),
    sorts: ['requests', 'status'],
    note: `${total.toLocaleString('en-US')} requests`,
  };
}
