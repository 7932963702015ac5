// The built-in panels drawn from the canned reports (queries/*.sql via src/report/runner.ts), so
// the TUI shows the same numbers as `overload report`, each cell drawn as the file's `-- columns:`
// header says (panel-view.ts). Here only what a header can not say: the columns that fit a
// terminal, their short titles, and the rows a panel reshapes (a section, totals over buckets).
import type { ReportResult } from '../../report/runner.js';
import type { Row, Spike } from './types.js';
import type { PanelView, ReportRow } from './panel-view.js';

const section = (r: ReportResult, name: string): ReportRow[] => r.rows.filter((x) => x.section === name);
const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0);

/** Which report each built-in panel runs, with the parameters it adds to the window's. */
export const PANEL_REPORTS = {
  endpoints: { report: 'slow-endpoints', params: { limit: 200 } },
  oversized: { report: 'oversized', params: { limit: 10 } },
  slowlog: { report: 'slowlog-top', params: { limit: 200 } },
  upstreams: { report: 'upstreams', params: { limit: 200 } },
  status: { report: 'status', params: {} },
  overview: { report: 'incident', params: {} },
  limits: { report: 'incident', params: {} },
} as const;

export const endpointsView: PanelView = {
  columns: [
    { from: 'endpoint', title: 'route' },
    { from: 'requests', title: 'reqs' },
    // an endpoint's total over a day runs to thousands of minutes
    { from: 'total_s', title: 'total', width: 8 },
    { from: 'share_pct', title: 'time%' },
    { from: 'p50_ms', title: 'p50' },
    { from: 'p95_ms', title: 'p95' },
    { from: 'p99_ms', title: 'p99' },
    { from: 'max_ms', title: 'max' },
    { from: 's5xx', title: '5xx', width: 6 },
  ],
  sorts: ['total_s', 'p95_ms', 'p99_ms', 'requests', 's5xx'],
  note: (rows) => rows.length ? 'slow endpoints by total time (report slow-endpoints); Enter: the route\'s timeline and slowest requests' : 'no requests in this window',
  drill: 'route', drillKey: 'endpoint',
};

/** Oversized: routes by size, responses buffered to disk, then the largest responses themselves. */
export const oversizedView: PanelView = {
  rows: (r) => [...section(r, 'routes'), ...section(r, 'buffered'), ...section(r, 'largest')],
  columns: [
    { from: 'section', width: 8 },
    // a response's url (a buffered one's request line when nginx logged no url), a route's name
    { key: 'what', from: ['url', 'request', 'route'], title: 'url / route' },
    // a route's largest response, or the response's own size
    { key: 'bytes', from: ['max_bytes', 'bytes'], title: 'bytes', width: 8 },
    { from: 'p99_bytes', title: 'p99' },
    { from: 'p50_bytes', title: 'p50' },
    { from: 'requests', title: 'reqs' },
    { from: 'duration_ms', title: 'time' },
    // a buffered response at nginx's event, a large one at its request's start
    { key: 'when', from: ['event_time', 'start', 'time'], title: 'at' },
  ],
  sorts: ['section', 'bytes', 'duration_ms'],
  note: (rows) => rows.length ? 'routes by size, responses buffered to disk, the largest responses (report oversized); Enter: the route' : 'no responses in this window',
  drill: 'route', drillKey: 'route',
};

export const slowlogView: PanelView = {
  columns: [
    { from: 'entries' },
    { from: 'share_pct', title: 'share' },
    { key: 'stack', from: ['stack', 'top_frame'], title: 'stack (innermost first)' },
    { from: 'scripts', title: 'script', width: 24 },
    { from: 'first' },
    { from: 'last' },
  ],
  sorts: ['entries', 'first', 'last'],
  note: (rows) => rows.length ? 'slowlog stacks by fingerprint (report slowlog-top); Enter: frames and the requests they served'
    : 'no slowlog entries in this window (ingest the PHP-FPM slowlog to see stacks)',
  drill: 'fingerprint', drillKey: 'fingerprint',
};

export const upstreamsView: PanelView = {
  columns: [
    { from: 'upstream' },
    { from: 'attempts', title: 'tries' },
    { from: 'failures', title: 'failed' },
    { from: 'failure_rate', title: 'fail%' },
    // 7, not the 8 their titles and the sort marker take: an upstream's address needs the room
    { from: 'timeouts', title: 'timeout', width: 7 },
    { from: 'retried', width: 7 },
    { from: 'p50_ms', title: 'p50' },
    { from: 'p95_ms', title: 'p95' },
    { from: 'max_ms', title: 'max' },
  ],
  sorts: ['failures', 'attempts', 'timeouts', 'p95_ms'],
  note: (rows) => rows.length ? 'upstreams by failures (report upstreams)' : 'no upstream recorded in this window (the access log has no upstream address)',
};

/**
 * Status codes over the window: the report's rows are per bucket (the engine asks for one bucket
 * as wide as the window, which may still straddle two), so the panel sums each code's requests
 * and its share of them all, in the report's own columns and units (share_pct 0-100).
 */
export const statusView: PanelView = {
  rows: (r) => {
    const by = new Map<number, number>();
    for (const x of r.rows) by.set(num(x.status), (by.get(num(x.status)) ?? 0) + num(x.requests));
    const total = [...by.values()].reduce((a, b) => a + b, 0);
    return [...by.entries()].sort((a, b) => b[1] - a[1]).map(([s, n]) => ({
      // status 0: none logged
      status: s === 0 ? '-' : s, requests: n, share_pct: total ? (100 * n) / total : null,
      bar: '#'.repeat(Math.max(n ? 1 : 0, Math.round((n / (total || 1)) * 40))),
    }));
  },
  columns: [
    { from: 'status', width: 7 },
    { from: 'requests', title: 'reqs', width: 9 },
    { from: 'share_pct', title: 'share', width: 7 },
    { key: 'bar', title: '', kind: 'text', value: (x) => x.bar as string },
  ],
  sorts: ['requests', 'status'],
  note: (rows) => `${rows.reduce((a, x) => a + num(x.requests), 0).toLocaleString('en-US')} requests (report status)`,
};

/** The spike windows as Overview rows: one sentence each; Enter zooms into one. */
export function spikeRows(spikes: Spike[], fmt: (ms: number) => string): Row[] {
  return spikes.map((s, i): Row => ({
    section: 'spike', from: s.from, to: s.to,
    _line: `spike ${i + 1}  ${fmt(s.from)}-${fmt(s.to)}  ${s.reason}`,
  }));
}

/** A first-last span as one cell, each stamp as `fmt` writes it (the date shows on long windows). */
function span(x: ReportRow, fmt: (ms: number) => string): string | null {
  const t = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : typeof v === 'number' ? v : NaN);
  const first = t(x.first), last = t(x.last);
  return Number.isNaN(first) ? null : `${fmt(first)}-${Number.isNaN(last) ? '' : fmt(last)}`;
}

/**
 * Overview: the incident report's findings for the window against the time before it. The App
 * puts the spike rows above them (they come from their own, faster query).
 */
export function overviewView(fmt: (ms: number) => string): PanelView {
  return {
    columns: [
      { from: 'section', width: 9 },
      { from: 'item', title: 'what' },
      { from: 'detail', width: 18 },
      { from: 'before' },
      { from: 'during' },
      { from: 'ratio', width: 6 },
      { key: 'when', title: 'first-last', kind: 'text', width: 17, value: (x) => span(x, fmt) },
    ],
    sorts: [],
    note: (_rows, r) => {
      const p = r.params ?? {};
      const win = p.from && p.to ? `${fmt(Date.parse(String(p.from)))}-${fmt(Date.parse(String(p.to)))}` : null;
      return win ? `what changed in ${win} against the time before it (report incident); Enter on a spike zooms in`
        : 'no spike to explain in this window';
    },
  };
}

/** "critical (rule): the change" as diagnose writes a finding's detail. */
const FINDING = /^(critical|warning|info) \(([^)]+)\): (.*)$/s;
const finding = (x: ReportRow) => FINDING.exec(typeof x.detail === 'string' ? x.detail : '');

/**
 * Limits: report incident's "what to change" section (overload diagnose over the window), one row
 * per finding: the limit that broke, its severity, and the change to make.
 */
export const limitsView: PanelView = {
  rows: (r) => section(r, 'what to change'),
  columns: [
    { key: 'severity', title: 'sev', kind: 'text', width: 8, value: (x) => finding(x)?.[1] ?? null },
    { from: 'item', title: 'limit that broke' },
    { key: 'change', title: 'what to change', kind: 'text', value: (x) => finding(x)?.[3] ?? (x.detail == null ? '' : String(x.detail)) },
    { from: 'first' },
    { from: 'last' },
  ],
  sorts: ['severity', 'first'],
  note: (rows) => rows.length ? 'the limits that broke in this window and what to change (overload diagnose; the evidence and arithmetic: overload diagnose --from --to)' : 'no limit was hit in this window (or no config, event or access log says so)',
};
