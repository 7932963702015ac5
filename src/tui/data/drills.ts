// Enter on a row: a route's own timeline and its slowest (or largest) requests; an event kind's
// messages and lines; a fingerprint's frames and the requests it served; a source's rejects.
import type { DB } from '../../store/db.js';
import { bindWindow, START, HOST_IN, maxDurationMs } from './window-sql.js';
import { TIER_SQL } from '../../query/rollups.js';
import type { Bucket, Drill, DrillData, Row, Table, Window } from './types.js';
import { counterSnapshots, OVERLOAD_COUNTERS } from './kernel.js';

const LINES = 300;

function table(columns: Table['columns'], rows: Row[], note?: string): Table {
  return { columns, rows, sorts: [], note };
}

function routeBuckets(db: DB, w: Window, tier: string, route: string): Bucket[] {
  const n = Math.max(0, Math.ceil((w.to - w.from) / w.bucketMs));
  const out: Bucket[] = Array.from({ length: n }, (_, i) => ({ t: w.from + i * w.bucketMs, requests: 0, s4xx: 0, s5xx: 0, inflight: 0, events: {} }));
  const p = { ...bindWindow(db, w, tier), route, toEnd: BigInt(w.to + maxDurationMs(db)) };
  // buckets of a minute or more come from the per-minute rollup (a minute straddling a bucket
  // edge counts in the bucket it starts in); finer ones from the route's own rows, found by the
  // (route, ts) index: the end stamp is at most the longest request after the start
  const sql = w.bucketMs >= 60_000
    ? `SELECT (t - :from) / :b i, sum(requests), sum(s4xx), sum(s5xx) FROM rollup_minute
       WHERE tier = :tier AND ${HOST_IN} AND t >= :from AND t < :to AND route = :route GROUP BY i`
    : `SELECT (${START} - :from) / :b i, count(*), sum(r.status BETWEEN 400 AND 499), sum(r.status >= 500)
       FROM requests r JOIN sources s ON s.id = r.source_id
       WHERE r.route = :route AND r.ts >= :from AND r.ts < :toEnd AND ${START} >= :from AND ${START} < :to
         AND (${TIER_SQL}) = :tier AND (:host IS NULL OR coalesce(r.host, '') = :host) GROUP BY i`;
  for (const [i, k, s4, s5] of db.prepare(sql).raw().all(p) as [number, number, number, number][]) {
    const b = out[i];
    if (b) { b.requests = k; b.s4xx = s4; b.s5xx = s5; }
  }
  return out;
}

/**
 * The route's top requests by duration or bytes. Over a long window the per-minute maxima pick
 * the 20 minutes that can hold the top rows, so only their rows are read, not the route's millions.
 */
function topRequests(db: DB, w: Window, tier: string, route: string, order: 'duration' | 'bytes'): Row[] {
  const col = order === 'bytes' ? 'r.bytes' : 'r.duration_ms';
  const p = { ...bindWindow(db, w, tier), route, toEnd: BigInt(w.to + maxDurationMs(db)) };
  const base = `SELECT ${START} t, r.status, r.duration_ms, r.upstream_ms, r.bytes, r.method, r.url, r.client
    FROM requests r JOIN sources s ON s.id = r.source_id
    WHERE (${TIER_SQL}) = :tier AND (:host IS NULL OR coalesce(r.host, '') = :host)`;
  let rows: Row[];
  if (w.to - w.from <= 30 * 60_000) {
    rows = db.prepare(`${base} AND r.route = :route AND r.ts >= :from AND r.ts < :toEnd AND ${START} >= :from AND ${START} < :to
      ORDER BY ${col} DESC LIMIT 40`).all(p) as Row[];
  } else {
    const mcol = order === 'bytes' ? 'bytes_max' : 'dur_max';
    const minutes = (db.prepare(`SELECT DISTINCT t FROM rollup_minute WHERE tier = :tier AND ${HOST_IN} AND t >= :fm AND t < :tm
      AND route = :route ORDER BY ${mcol} DESC LIMIT 20`).raw().all(p) as [number][]).map((r) => r[0]);
    const ranges: Array<[bigint, bigint]> = minutes.map((t) => [BigInt(t), BigInt(t + 60_000)]);
    ranges.push([p.from, p.fm], [p.tm, p.to]);
    // one minute each: the start-time index, not the route's (a busy route has millions of rows);
    // the unary + keeps SQLite from choosing the route index
    const stmt = db.prepare(`${base} AND +r.route = :route AND ${START} >= :lo AND ${START} < :hi ORDER BY ${col} DESC LIMIT 40`);
    rows = ranges.flatMap(([lo, hi]) => stmt.all({ ...p, lo, hi }) as Row[]);
    const key = order === 'bytes' ? 'bytes' : 'duration_ms';
    rows.sort((a, b) => Number(b[key] ?? -1) - Number(a[key] ?? -1));
    rows = rows.slice(0, 40);
  }
  return rows.map((r) => ({ ...r, request: `${r.method ?? ''} ${r.url ?? ''}`.trim() }));
}

function routeDrill(db: DB, w: Window, tier: string, d: Drill): DrillData {
  const order = d.order ?? 'duration';
  const buckets = routeBuckets(db, w, tier, d.key);
  const total = buckets.reduce((a, b) => a + b.requests, 0);
  const s5 = buckets.reduce((a, b) => a + b.s5xx, 0);
  return {
    title: `route ${d.label}: ${total.toLocaleString('en-US')} requests, ${s5.toLocaleString('en-US')} 5xx`,
    chart: { buckets, bucketMs: w.bucketMs },
    tables: [{
      title: order === 'bytes' ? 'largest responses' : 'slowest requests',
      table: table([
        { key: 't', title: 'started', kind: 'time', width: 9 },
        { key: 'status', title: 'status', kind: 'int', width: 6 },
        { key: 'duration_ms', title: 'time', kind: 'ms', width: 7 },
        { key: 'upstream_ms', title: 'upstrm', kind: 'ms', width: 7 },
        { key: 'bytes', title: 'bytes', kind: 'bytes', width: 7 },
        { key: 'client', title: 'client', kind: 'text', width: 15 },
        { key: 'request', title: 'request', kind: 'text' },
      ], topRequests(db, w, tier, d.key, order)),
    }],
  };
}

/**
 * A message's shape: without nginx's per-request context (", client: ..., request: ...") and with
 * digits (pids, connection numbers, ports, seconds) folded, so lines that say the same thing count
 * together.
 */
export function shape(message: string): string {
  return message.replace(/, (client|server|request|upstream|host|referrer): .*$/, '').replace(/\d+(\.\d+)?/g, 'N');
}

function eventDrill(db: DB, w: Window, d: Drill): DrillData {
  const p = { ...bindWindow(db, w, ''), kind: d.key };
  const where = `kind = :kind AND ts >= :from AND ts < :to AND (:host IS NULL OR coalesce(host, '') = :host)`;
  const lines = db.prepare(`SELECT ts, component, severity, backend, message FROM events WHERE ${where} ORDER BY ts LIMIT ${LINES}`).all(p) as Row[];
  const shapes = db.prepare(`SELECT component, message FROM events WHERE ${where} LIMIT 20000`).raw().all(p) as [string, string][];
  // the shape is kept beside its key, never split back out of it: a message may hold a NUL itself,
  // and the key is a JSON pair so no separator can make two different pairs collide
  const counts = new Map<string, { component: string; message: string; n: number }>();
  for (const [component, message] of shapes) {
    const folded = shape(message);
    const k = JSON.stringify([component, folded]);
    const c = counts.get(k);
    if (c) c.n++; else counts.set(k, { component, message: folded, n: 1 });
  }
  const messages = [...counts.values()].sort((a, b) => b.n - a.n).slice(0, 20)
    .map((c): Row => ({ events: c.n, component: c.component, message: c.message }));
  // a kernel counter of the events panel: its snapshots instead of log lines
  if (OVERLOAD_COUNTERS.includes(d.key)) {
    return {
      title: `kernel counter ${d.label}`,
      tables: [{ title: `snapshots where it rose (first ${LINES}): the increase since the one before`, table: table([
        { key: 'ts', title: 'time', kind: 'time', width: 9 },
        { key: 'host', title: 'host', kind: 'text', width: 12 },
        { key: 'value', title: 'value', kind: 'int', width: 10 },
        { key: 'increase', title: 'increase', kind: 'int', width: 9 },
        { key: 'per_s', title: 'per s', kind: 'num', width: 8 },
      ], counterSnapshots(db, p, d.key, LINES) as Row[]) }],
    };
  }
  return {
    title: `event kind ${d.label}`,
    tables: [
      { title: 'messages (digits folded to N)', table: table([
        { key: 'events', title: 'events', kind: 'int', width: 7 },
        { key: 'component', title: 'from', kind: 'text', width: 9 },
        { key: 'message', title: 'message', kind: 'text' },
      ], messages) },
      { title: `lines (first ${LINES})`, table: table([
        { key: 'ts', title: 'time', kind: 'time', width: 9 },
        { key: 'component', title: 'from', kind: 'text', width: 9 },
        { key: 'backend', title: 'backend', kind: 'text', width: 16 },
        { key: 'message', title: 'message', kind: 'text' },
      ], lines) },
    ],
  };
}

function fingerprintDrill(db: DB, w: Window, d: Drill): DrillData {
  const p = { ...bindWindow(db, w, ''), fp: d.key };
  const where = `fingerprint = :fp AND ts >= :from AND ts < :to AND (:host IS NULL OR coalesce(host, '') = :host)`;
  const last = db.prepare(`SELECT id FROM slow_traces WHERE ${where} ORDER BY ts DESC LIMIT 1`).get(p) as { id: number } | undefined;
  const frames = last ? db.prepare(`SELECT depth, function, file, line FROM slow_frames WHERE trace_id = ? ORDER BY depth`).all(last.id) as Row[] : [];
  const served = db.prepare(`SELECT ts, pid, pool, script, request, route FROM slow_traces WHERE ${where} ORDER BY ts LIMIT ${LINES}`).all(p) as Row[];
  return {
    title: `slowlog stack ${d.label}`,
    tables: [
      { title: 'frames (innermost first, from the latest entry)', table: table([
        { key: 'depth', title: '#', kind: 'int', width: 3 },
        { key: 'function', title: 'function', kind: 'text', width: 28 },
        { key: 'where', title: 'file:line', kind: 'text' },
      ], frames.map((f) => ({ ...f, where: f.file ? `${f.file}${f.line != null ? ':' + f.line : ''}` : '' }))) },
      { title: 'requests it served', table: table([
        { key: 'ts', title: 'time', kind: 'time', width: 9 },
        { key: 'pid', title: 'pid', kind: 'int', width: 7 },
        { key: 'script', title: 'script', kind: 'text', width: 26 },
        { key: 'request', title: 'request', kind: 'text' },
      ], served.map((r) => ({ ...r, request: r.request ?? r.route ?? '(not matched to a request)' }))) },
    ],
  };
}

function sourceDrill(db: DB, d: Drill): DrillData {
  const rows = db.prepare(`SELECT line_no, reason, line FROM rejects WHERE source_id = ? ORDER BY line_no LIMIT ${LINES}`).all(Number(d.key)) as Row[];
  return {
    title: `rejected lines of ${d.label}`,
    tables: [{ title: rows.length ? `first ${rows.length} rejected lines` : 'no rejected lines', table: table([
      { key: 'line_no', title: 'line', kind: 'int', width: 8 },
      { key: 'reason', title: 'reason', kind: 'text', width: 14 },
      { key: 'line', title: 'text', kind: 'text' },
    ], rows) }],
  };
}

export function drillData(db: DB, w: Window, tier: string, d: Drill): DrillData {
  switch (d.kind) {
    case 'route': return routeDrill(db, w, tier, d);
    case 'event-kind': return eventDrill(db, w, d);
    case 'fingerprint': return fingerprintDrill(db, w, d);
    case 'source': return sourceDrill(db, d);
  }
}
