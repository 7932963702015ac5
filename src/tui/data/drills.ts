// Enter on a row: a route's own timeline and its slowest (or largest) requests; an event kind's
// messages and lines; a fingerprint's frames and the requests it served; a source's rejects. Each
// is a query file (queries/tui-route-*.sql, tui-event-kind, tui-counter, tui-slowlog-stack,
// tui-rejects), run as `overload report NAME` would, each table drawn through its file's
// `-- columns:` header (panel-view.ts) with the columns that fit a terminal picked here.
import type { Bucket, Drill, DrillData, Window } from './types.js';
import { OVERLOAD_COUNTERS } from './kernel.js';
import { n, section, windowParams, type RunScreen } from './screen.js';
import { viewTable, type PanelView, type ReportRow } from './panel-view.js';

const LINES = 300;

/** A drill's table: no sort of its own, the title above it says what it is. */
const fixed = (v: Omit<PanelView, 'sorts' | 'note'>): PanelView => ({ ...v, sorts: [] });
const sectionRows = (name: string) => (r: { rows: ReportRow[] }) => r.rows.filter((x) => x.section === name);

function routeBuckets(run: RunScreen, w: Window, tier: string, route: string): Bucket[] {
  const count = Math.max(0, Math.ceil((w.to - w.from) / w.bucketMs));
  const out: Bucket[] = Array.from({ length: count }, (_, i) => ({ t: w.from + i * w.bucketMs, requests: 0, s4xx: 0, s5xx: 0, inflight: 0, events: {} }));
  for (const row of run('tui-route-buckets', { ...windowParams(w, tier), route }).rows) {
    const b = out[Math.floor((n(row.bucket_ts) - w.from) / w.bucketMs)];
    if (b) { b.requests = n(row.requests); b.s4xx = n(row.s4xx); b.s5xx = n(row.s5xx); }
  }
  return out;
}

const topView = fixed({
  columns: [
    { from: 't', title: 'started' },
    { from: 'status', width: 6, align: 'right' },
    { from: 'duration_ms', title: 'time' },
    { from: 'upstream_ms', title: 'upstrm' },
    { from: 'bytes' },
    { from: 'client', width: 15 },
    { key: 'request', title: 'request', kind: 'text', value: (r) => `${String(r.method ?? '')} ${String(r.url ?? '')}`.trim() },
  ],
});

function routeDrill(run: RunScreen, w: Window, tier: string, d: Drill): DrillData {
  const order = d.order ?? 'duration';
  const buckets = routeBuckets(run, w, tier, d.key);
  const total = buckets.reduce((a, b) => a + b.requests, 0);
  const s5 = buckets.reduce((a, b) => a + b.s5xx, 0);
  // the route's top 40 requests by duration or bytes (tui-route-top picks how to find them by the span)
  const top = run('tui-route-top', { from: w.from, to: w.to, host: w.host ?? undefined, tier, route: d.key, order, limit: 40 });
  return {
    title: `route ${d.label}: ${total.toLocaleString('en-US')} requests, ${s5.toLocaleString('en-US')} 5xx`,
    chart: { buckets, bucketMs: w.bucketMs },
    tables: [{ title: order === 'bytes' ? 'largest responses' : 'slowest requests', table: viewTable(top, run.def('tui-route-top'), topView) }],
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

/** The kind's messages folded to their shapes, most said first: rows in the file's columns plus their count. */
function shapes(rows: ReportRow[]): ReportRow[] {
  // the shape is kept beside its key, never split back out of it: a message may hold a NUL itself,
  // and the key is a JSON pair so no separator can make two different pairs collide
  const counts = new Map<string, { component: unknown; message: string; n: number }>();
  for (const x of rows) {
    const folded = shape(String(x.message));
    const k = JSON.stringify([x.component, folded]);
    const c = counts.get(k);
    if (c) c.n++; else counts.set(k, { component: x.component, message: folded, n: 1 });
  }
  return [...counts.values()].sort((a, b) => b.n - a.n).slice(0, 20).map((c) => ({ events: c.n, component: c.component, message: c.message }));
}

const messagesView = fixed({
  rows: (r) => shapes(sectionRows('messages')(r)),
  columns: [
    { key: 'events', title: 'events', kind: 'int', width: 7, value: (x) => x.events as number },
    { from: 'component', title: 'from', width: 9 },
    { from: 'message' },
  ],
});

const linesView = fixed({
  rows: sectionRows('lines'),
  columns: [
    { from: 'ts', title: 'time' },
    { from: 'component', title: 'from', width: 9 },
    { from: 'backend', width: 16 },
    { from: 'message' },
  ],
});

const counterView = fixed({
  columns: [
    { from: 'ts', title: 'time' },
    { from: 'host', width: 12 },
    { from: 'value', width: 10 },
    { from: 'increase', width: 9 },
    { from: 'per_s', title: 'per s', width: 8 },
  ],
});

function eventDrill(run: RunScreen, w: Window, d: Drill): DrillData {
  const p = { from: w.from, to: w.to, host: w.host ?? undefined };
  // a kernel counter of the events panel: its snapshots instead of log lines
  if (OVERLOAD_COUNTERS.includes(d.key)) {
    const r = run('tui-counter', { ...p, counter: d.key, limit: LINES });
    return {
      title: `kernel counter ${d.label}`,
      tables: [{ title: `snapshots where it rose (first ${LINES}): the increase since the one before`, table: viewTable(r, run.def('tui-counter'), counterView) }],
    };
  }
  const r = run('tui-event-kind', { ...p, kind: d.key, limit: LINES });
  const def = run.def('tui-event-kind');
  return {
    title: `event kind ${d.label}`,
    tables: [
      { title: 'messages (digits folded to N)', table: viewTable(r, def, messagesView) },
      { title: `lines (first ${LINES})`, table: viewTable(r, def, linesView) },
    ],
  };
}

const framesView = fixed({
  rows: sectionRows('frames'),
  columns: [
    { from: 'depth', title: '#', width: 3 },
    { from: 'function', width: 28 },
    { key: 'where', title: 'file:line', kind: 'text', value: (f) => (f.file ? `${String(f.file)}${f.line != null ? ':' + String(f.line) : ''}` : '') },
  ],
});

const servedView = fixed({
  rows: sectionRows('requests'),
  columns: [
    { from: 'ts', title: 'time' },
    { from: 'pid', width: 7, align: 'right' },
    { from: 'script', width: 26 },
    { key: 'request', title: 'request', kind: 'text', value: (r) => (r.request ?? r.route ?? '(not matched to a request)') as string },
  ],
});

function fingerprintDrill(run: RunScreen, w: Window, d: Drill): DrillData {
  const r = run('tui-slowlog-stack', { from: w.from, to: w.to, host: w.host ?? undefined, fingerprint: d.key, limit: LINES });
  const def = run.def('tui-slowlog-stack');
  return {
    title: `slowlog stack ${d.label}`,
    tables: [
      { title: 'frames (innermost first, from the latest entry)', table: viewTable(r, def, framesView) },
      { title: 'requests it served', table: viewTable(r, def, servedView) },
    ],
  };
}

const rejectsView = fixed({
  columns: [
    { from: 'line_no', title: 'line', width: 8 },
    { from: 'reason', width: 14 },
    { from: 'line', title: 'text' },
  ],
});

function sourceDrill(run: RunScreen, d: Drill): DrillData {
  const r = run('tui-rejects', { source: Number(d.key), limit: LINES });
  return {
    title: `rejected lines of ${d.label}`,
    tables: [{ title: r.rows.length ? `first ${r.rows.length} rejected lines` : 'no rejected lines', table: viewTable(r, run.def('tui-rejects'), rejectsView) }],
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
