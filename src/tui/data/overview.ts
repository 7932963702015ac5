// The Overview panel when the `incident` report is not available: one line per finding, built
// from the other panels of the same window (the engine caches them, so this costs no new scan).
import type { Row, Table, TimelineData } from './types.js';

export interface OverviewInputs {
  timeline: TimelineData;
  endpoints: Table;
  oversized: Table;
  events: Table;
  slowlog: Table;
  statuses: Table;
  /** first message of the pool-limit kinds, e.g. "server reached pm.max_children setting (4)" */
  poolMessage: string | null;
  fmtTime: (ms: number) => string;
}

const n = (v: unknown) => (typeof v === 'number' ? v : 0);
const int = (v: number) => Math.round(v).toLocaleString('en-US');
const ms = (v: unknown) => (typeof v !== 'number' ? '-' : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
const bytes = (v: unknown) => (typeof v !== 'number' ? '-' : v >= 1 << 20 ? `${(v / (1 << 20)).toFixed(1)} MiB` : v >= 1024 ? `${(v / 1024).toFixed(0)} KiB` : `${v} B`);

export function localOverview(x: OverviewInputs): Table {
  const rows: Row[] = [];
  const add = (finding: string, detail: string) => rows.push({ finding, detail });
  const { buckets, window: w } = x.timeline;
  const total = buckets.reduce((a, b) => a + b.requests, 0);
  const s5 = buckets.reduce((a, b) => a + b.s5xx, 0);
  const peak = buckets.reduce((a, b) => (b.requests > a.requests ? b : a), buckets[0] ?? { requests: 0, t: w.from });
  const rate = (k: number) => ((k * 1000) / w.bucketMs).toFixed(1);
  add('traffic', `${int(total)} requests, peak ${rate(peak.requests)} req/s at ${x.fmtTime(peak.t)}, 5xx ${int(s5)}` +
    (total ? ` (${((100 * s5) / total).toFixed(1)} %)` : ''));
  const fl = buckets.reduce((a, b) => (b.inflight > a.inflight ? b : a), buckets[0] ?? { inflight: 0, t: w.from });
  if (fl && fl.inflight > 0) add('in flight', `peak ${fl.inflight} concurrent requests at ${x.fmtTime(fl.t)}`);
  if (x.poolMessage) add('pool limit', x.poolMessage);
  const ev = x.events.rows.slice(0, 4).map((r) => `${r.kind} ${int(n(r.events))}`);
  if (ev.length) add('events', ev.join(', '));
  const top = x.endpoints.rows[0];
  if (top) add('slowest route', `${top.route}: ${int(n(top.requests))} reqs, ${ms(top.total_ms)} in total, p95 ${ms(top.p95_ms)}, p99 ${ms(top.p99_ms)}`);
  const p95 = [...x.endpoints.rows].filter((r) => n(r.requests) >= 5).sort((a, b) => n(b.p95_ms) - n(a.p95_ms))[0];
  if (p95 && p95 !== top) add('highest p95', `${p95.route}: p95 ${ms(p95.p95_ms)} over ${int(n(p95.requests))} reqs`);
  const big = x.oversized.rows[0];
  if (big && n(big.max_bytes) > 0) add('largest', `${big.route}: ${bytes(big.max_bytes)} (p95 ${bytes(big.p95_bytes)})`);
  const bad = x.statuses.rows.filter((r) => Number(r.status) >= 400).slice(0, 3).map((r) => `${r.status} x${int(n(r.requests))}`);
  if (bad.length) add('errors', bad.join(', '));
  const fp = x.slowlog.rows[0];
  if (fp) add('slowlog', `${int(n(fp.entries))} entries in ${fp.app ?? fp.top ?? '?'} (${fp.script ?? 'script unknown'})`);
  return {
    columns: [{ key: 'finding', title: 'finding', kind: 'text', width: 14 }, { key: 'detail', title: 'detail', kind: 'text' }],
    rows, sorts: [],
    note: `findings for ${x.fmtTime(w.from)}-${x.fmtTime(w.to)}, from the panels below (no incident report installed)`,
  };
}
