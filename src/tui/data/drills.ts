// Enter on a row: a route's own timeline and its slowest (or largest) requests; an event kind's
// messages and lines; a fingerprint's frames and the requests it served; a source's rejects. Each
// is a query file (queries/tui-route-*.sql, tui-event-kind, tui-counter, tui-slowlog-stack,
// tui-rejects), run as `overload report NAME` would.
import type { Bucket, Drill, DrillData, Row, Table, Window } from './types.js';
import { OVERLOAD_COUNTERS } from './kernel.js';
import { n, section, windowParams, type RunScreen } from './screen.js';

const LINES = 300;

function table(columns: Table['columns'], rows: Row[], note?: string): Table {
  return { columns, rows, sorts: [], note };
}

function routeBuckets(run: RunScreen, w: Window, tier: string, route: string): Bucket[] {
  const count = Math.max(0, Math.ceil((w.to - w.from) / w.bucketMs));
  const out: Bucket[] = Array.from({ length: count }, (_, i) => ({ t: w.from + i * w.bucketMs, requests: 0, s4xx: 0, s5xx: 0, inflight: 0, events: {} }));
  for (const row of run('tui-route-buckets', { ...windowParams(w, tier), route }).rows) {
    const b = out[Math.floor((n(row.bucket_ts) - w.from) / w.bucketMs)];
    if (b) { b.requests = n(row.requests); b.s4xx = n(row.s4xx); b.s5xx = n(row.s5xx); }
  }
  return out;
}

/** The route's top 40 requests by duration or bytes (tui-route-top picks how to find them by the span). */
function topRequests(run: RunScreen, w: Window, tier: string, route: string, order: 'duration' | 'bytes'): Row[] {
  const rows = run('tui-route-top', { from: w.from, to: w.to, host: w.host ?? undefined, tier, route, order, limit: 40 }).rows;
  return rows.map((r) => ({ ...(r as Row), request: `${r.method ?? ''} ${r.url ?? ''}`.trim() }));
}

function routeDrill(run: RunScreen, w: Window, tier: string, d: Drill): DrillData {
  const order = d.order ?? 'duration';
  const buckets = routeBuckets(run, w, tier, d.key);
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
      ], topRequests(run, w, tier, d.key, order)),
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

function eventDrill(run: RunScreen, w: Window, d: Drill): DrillData {
  const p = { from: w.from, to: w.to, host: w.host ?? undefined };
  const r = run('tui-event-kind', { ...p, kind: d.key, limit: LINES });
  const lines = section(r, 'lines') as Row[];
  const shapes = section(r, 'messages').map((x) => [x.component, x.message] as [string, string]);
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
      ], run('tui-counter', { ...p, counter: d.key, limit: LINES }).rows as Row[]) }],
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

function fingerprintDrill(run: RunScreen, w: Window, d: Drill): DrillData {
  const r = run('tui-slowlog-stack', { from: w.from, to: w.to, host: w.host ?? undefined, fingerprint: d.key, limit: LINES });
  const frames = section(r, 'frames') as Row[];
  const served = section(r, 'requests') as Row[];
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

function sourceDrill(run: RunScreen, d: Drill): DrillData {
  const rows = run('tui-rejects', { source: Number(d.key), limit: LINES }).rows as Row[];
  return {
    title: `rejected lines of ${d.label}`,
    tables: [{ title: rows.length ? `first ${rows.length} rejected lines` : 'no rejected lines', table: table([
      { key: 'line_no', title: 'line', kind: 'int', width: 8 },
      { key: 'reason', title: 'reason', kind: 'text', width: 14 },
      { key: 'line', title: 'text', kind: 'text' },
    ], rows) }],
  };
}

export function drillData(run: RunScreen, w: Window, tier: string, d: Drill): DrillData {
  switch (d.kind) {
    case 'route': return routeDrill(run, w, tier, d);
    case 'event-kind': return eventDrill(run, w, d);
    case 'fingerprint': return fingerprintDrill(run, w, d);
    case 'source': return sourceDrill(run, d);
  }
}
