// Panels drawn from the canned reports (queries/*.sql via src/report/runner.ts), so the TUI
// shows the same numbers as `overload report`. Each mapper picks the columns that fit a
// terminal; a column the report does not (yet) have shows as '-'.
import type { ReportResult } from '../../report/runner.js';
import type { Cell, Column, Row, Spike, Table } from './types.js';

type R = Record<string, unknown>;

const num = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null);
const text = (v: unknown): string | null => (v == null ? null : typeof v === 'string' ? v : JSON.stringify(v));
/** report times are ISO strings; the table wants epoch ms (shown in the user's zone) */
const time = (v: unknown): number | null => {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
};

function rowsOf(r: ReportResult, section?: string): R[] {
  return section ? r.rows.filter((x) => x.section === section) : r.rows;
}

export function endpointsTable(r: ReportResult): Table {
  const rows = rowsOf(r).map((x): Row => ({
    route: text(x.endpoint ?? x.route), requests: num(x.requests), total_ms: num(x.total_s) !== null ? num(x.total_s)! * 1000 : num(x.total_ms),
    share: num(x.share_pct) !== null ? num(x.share_pct)! / 100 : null,
    p50_ms: num(x.p50_ms), p95_ms: num(x.p95_ms), p99_ms: num(x.p99_ms), max_ms: num(x.max_ms), s5xx: num(x.s5xx),
    key: text(x.endpoint ?? x.route),
  }));
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
    rows, sorts: ['total_ms', 'p95_ms', 'p99_ms', 'requests', 's5xx'],
    note: rows.length ? 'slow endpoints by total time (report slow-endpoints); Enter: the route\'s timeline and slowest requests' : 'no requests in this window',
    drill: 'route', drillKey: 'key',
  };
}

/** Oversized: routes by size, responses buffered to disk, then the largest responses themselves. */
export function oversizedTable(r: ReportResult): Table {
  const rows: Row[] = [];
  for (const x of rowsOf(r, 'routes')) {
    rows.push({ section: 'routes', what: text(x.route), route: text(x.route), bytes: num(x.max_bytes ?? x.bytes_max), p99: num(x.p99_bytes ?? x.p95_bytes),
      p50: num(x.p50_bytes), count: num(x.requests), ms: null, when: null, key: text(x.route) });
  }
  for (const x of rowsOf(r, 'buffered')) {
    rows.push({ section: 'buffered', what: text(x.url ?? x.request ?? x.message), route: text(x.route), bytes: num(x.bytes), p99: null,
      p50: null, count: null, ms: num(x.duration_ms), when: time(x.event_time ?? x.time ?? x.start), key: text(x.route) });
  }
  for (const x of rowsOf(r, 'largest')) {
    rows.push({ section: 'largest', what: text(x.url ?? x.route), route: text(x.route), bytes: num(x.bytes), p99: null,
      p50: null, count: null, ms: num(x.duration_ms), when: time(x.start ?? x.time), key: text(x.route) });
  }
  return {
    columns: [
      { key: 'section', title: 'section', kind: 'text', width: 8 },
      { key: 'what', title: 'url / route', kind: 'text' },
      { key: 'bytes', title: 'bytes', kind: 'bytes', width: 8 },
      { key: 'p99', title: 'p99', kind: 'bytes', width: 7 },
      { key: 'p50', title: 'p50', kind: 'bytes', width: 7 },
      { key: 'count', title: 'reqs', kind: 'int', width: 7 },
      { key: 'ms', title: 'time', kind: 'ms', width: 7 },
      { key: 'when', title: 'at', kind: 'time', width: 9 },
    ],
    rows, sorts: ['section', 'bytes', 'ms'],
    note: rows.length ? 'routes by size, responses buffered to disk, the largest responses (report oversized); Enter: the route' : 'no responses in this window',
    drill: 'route', drillKey: 'key',
  };
}

export function slowlogTable(r: ReportResult): Table {
  const rows = rowsOf(r).map((x): Row => ({
    entries: num(x.entries), share: num(x.share_pct) !== null ? num(x.share_pct)! / 100 : null, stack: text(x.stack ?? x.top_frame),
    script: text(x.scripts ?? x.script), first: time(x.first), last: time(x.last), fingerprint: text(x.fingerprint),
  }));
  return {
    columns: [
      { key: 'entries', title: 'entries', kind: 'int', width: 7 },
      { key: 'share', title: 'share', kind: 'pct', width: 6 },
      { key: 'stack', title: 'stack (innermost first)', kind: 'text' },
      { key: 'script', title: 'script', kind: 'text', width: 24 },
      { key: 'first', title: 'first', kind: 'time', width: 9 },
      { key: 'last', title: 'last', kind: 'time', width: 9 },
    ],
    rows, sorts: ['entries', 'first', 'last'],
    note: rows.length ? 'slowlog stacks by fingerprint (report slowlog-top); Enter: frames and the requests they served'
      : 'no slowlog entries in this window (ingest the PHP-FPM slowlog to see stacks)',
    drill: 'fingerprint', drillKey: 'fingerprint',
  };
}

export function upstreamsTable(r: ReportResult): Table {
  const rows = rowsOf(r).map((x): Row => ({
    upstream: text(x.upstream), attempts: num(x.attempts ?? x.requests), failures: num(x.failures), timeouts: num(x.timeouts),
    retried: num(x.retried), rate: num(x.failure_rate), p50_ms: num(x.p50_ms), p95_ms: num(x.p95_ms), max_ms: num(x.max_ms),
  }));
  return {
    columns: [
      { key: 'upstream', title: 'upstream', kind: 'text' },
      { key: 'attempts', title: 'tries', kind: 'int', width: 7 },
      { key: 'failures', title: 'failed', kind: 'int', width: 7 },
      { key: 'rate', title: 'fail%', kind: 'pct', width: 6 },
      { key: 'timeouts', title: 'timeout', kind: 'int', width: 7 },
      { key: 'retried', title: 'retried', kind: 'int', width: 7 },
      { key: 'p50_ms', title: 'p50', kind: 'ms', width: 7 },
      { key: 'p95_ms', title: 'p95', kind: 'ms', width: 7 },
      { key: 'max_ms', title: 'max', kind: 'ms', width: 7 },
    ],
    rows, sorts: ['failures', 'attempts', 'timeouts', 'p95_ms'],
    note: rows.length ? 'upstreams by failures (report upstreams)' : 'no upstream recorded in this window (the access log has no upstream address)',
  };
}

export function statusTable(r: ReportResult): Table {
  const by = new Map<number, number>();
  for (const x of rowsOf(r)) {
    const s = num(x.status) ?? 0;
    by.set(s, (by.get(s) ?? 0) + (num(x.requests) ?? 0));
  }
  const total = [...by.values()].reduce((a, b) => a + b, 0);
  const rows = [...by.entries()].sort((a, b) => b[1] - a[1]).map(([s, n]): Row => ({
    status: s === 0 ? '-' : String(s), requests: n, share: total ? n / total : null,
    bar: '#'.repeat(Math.max(n ? 1 : 0, Math.round((n / (total || 1)) * 40))),
  }));
  return {
    columns: [
      { key: 'status', title: 'status', kind: 'text', width: 7 },
      { key: 'requests', title: 'reqs', kind: 'int', width: 9 },
      { key: 'share', title: 'share', kind: 'pct', width: 7 },
      { key: 'bar', title: '', kind: 'text' },
    ],
    rows, sorts: ['requests', 'status'],
    note: `${total.toLocaleString('en-US')} requests (report status)`,
  };
}

const SECTION_COLUMNS: Column[] = [
  { key: 'section', title: 'section', kind: 'text', width: 9 },
  { key: 'item', title: 'what', kind: 'text' },
  { key: 'detail', title: 'detail', kind: 'text', width: 18 },
  { key: 'before', title: 'before', kind: 'num', width: 8 },
  { key: 'during', title: 'during', kind: 'num', width: 8 },
  { key: 'ratio', title: 'ratio', kind: 'num', width: 6 },
  { key: 'when', title: 'first-last', kind: 'text', width: 17 },
];

/** The spike windows as Overview rows: one sentence each; Enter zooms into one. */
export function spikeRows(spikes: Spike[], fmt: (ms: number) => string): Row[] {
  return spikes.map((s, i): Row => ({
    section: 'spike', from: s.from, to: s.to,
    _line: `spike ${i + 1}  ${fmt(s.from)}-${fmt(s.to)}  ${s.reason}`,
  }));
}

/**
 * Overview: the incident report's findings for the window against the time before it. The App
 * puts the spike rows above them (they come from their own, faster query).
 */
export function overviewTable(r: ReportResult, fmt: (ms: number) => string): Table {
  const rows: Row[] = [];
  for (const x of r.rows) {
    const first = time(x.first), last = time(x.last);
    rows.push({
      section: text(x.section), item: text(x.item), detail: text(x.detail), before: num(x.before) ?? (text(x.before) as Cell),
      during: num(x.during) ?? (text(x.during) as Cell), ratio: num(x.ratio),
      when: first !== null ? `${fmt(first)}-${last !== null ? fmt(last) : ''}` : null,
    });
  }
  const p = r.params ?? {};
  const win = p.from && p.to ? `${fmt(Date.parse(String(p.from)))}-${fmt(Date.parse(String(p.to)))}` : null;
  return {
    columns: SECTION_COLUMNS, rows, sorts: [],
    note: win ? `what changed in ${win} against the time before it (report incident); Enter on a spike zooms in`
      : 'no spike to explain in this window',
  };
}

/**
 * Limits: report incident's "what to change" section (overload diagnose over the window), one row
 * per finding: the limit that broke, its severity and rule, and the change to make.
 */
export function limitsTable(r: ReportResult): Table {
  const rows = rowsOf(r, 'what to change').map((x): Row => {
    const detail = text(x.detail) ?? '';
    const m = /^(critical|warning|info) \(([^)]+)\): (.*)$/s.exec(detail);
    return { severity: m?.[1] ?? null, finding: text(x.item), change: m?.[3] ?? detail, rule: m?.[2] ?? null, first: time(x.first), last: time(x.last) };
  });
  return {
    columns: [
      { key: 'severity', title: 'sev', kind: 'text', width: 8 },
      { key: 'finding', title: 'limit that broke', kind: 'text' },
      { key: 'change', title: 'what to change', kind: 'text' },
      { key: 'first', title: 'first', kind: 'time', width: 9 },
      { key: 'last', title: 'last', kind: 'time', width: 9 },
    ],
    rows, sorts: ['severity', 'first'],
    note: rows.length ? 'the limits that broke in this window and what to change (overload diagnose; the evidence and arithmetic: overload diagnose --from --to)' : 'no limit was hit in this window (or no config, event or access log says so)',
  };
}
