// Panels over what the error logs and slowlogs said, and over the inputs themselves.
import type { DB } from '../../store/db.js';
import { bindWindow, EVENT_FILTER } from './window-sql.js';
import { markerOf, MARKERS, MARKER_ORDER } from '../markers.js';
import type { Row, Table, Window } from './types.js';
import { dataRange, describeOutliers } from '../../report/extent.js';
import { counterTotals } from './kernel.js';

/** Events by kind (from the per-second event rollup); Enter opens the kind's messages and lines. */
export function events(db: DB, w: Window): Table {
  const p = bindWindow(db, w, '');
  const rows = db.prepare(`SELECT kind, group_concat(DISTINCT component) comp, sum(events) n, min(first_ts) a, max(last_ts) z
    FROM rollup_events WHERE ${EVENT_FILTER} GROUP BY kind ORDER BY n DESC`).all(p) as
    { kind: string; comp: string; n: number; a: number; z: number }[];
  // the kernel's overload counters that rose: their increase counts as the row's events
  for (const c of counterTotals(db, p)) rows.push({ kind: c.counter, comp: 'kernel counter', n: c.n, a: c.a, z: c.z });
  // the kinds the timeline marks first, by severity; start/stop notices and chatter last
  const rank = (k: string) => { const c = markerOf(k); return c ? MARKER_ORDER.indexOf(c) : k === 'lifecycle' || k === 'other' ? 9 : 5; };
  rows.sort((x, y) => rank(x.kind) - rank(y.kind) || y.n - x.n);
  return {
    columns: [
      { key: 'kind', title: 'kind', kind: 'text', width: 26 },
      { key: 'marker', title: 'mark', kind: 'text', width: 5 },
      { key: 'component', title: 'from', kind: 'text' },
      { key: 'events', title: 'events', kind: 'int', width: 8 },
      { key: 'first', title: 'first', kind: 'time', width: 9 },
      { key: 'last', title: 'last', kind: 'time', width: 9 },
    ],
    rows: rows.map((r): Row => {
      const c = markerOf(r.kind);
      return { kind: r.kind, marker: c ? MARKERS[c].letter : '', component: r.comp, events: r.n, first: r.a, last: r.z };
    }),
    sorts: ['marker', 'events', 'first', 'kind'],
    note: rows.length ? 'marks on the timeline: O overload, P pool limit, T timeouts, D disk buffering; a kernel counter\'s events are its increase'
      : 'no error-log events in this window',
    drill: 'event-kind', drillKey: 'kind',
  };
}

/** Every input with its line counts; not limited to the window (rejects have no time). */
export function sources(db: DB, host: string | null): Table {
  const rows = db.prepare(`SELECT id, path, format, host, lines, parsed, rejected, first_ts, last_ts, complete, note
    FROM sources WHERE (? IS NULL OR host = ?) ORDER BY id`).all(host, host) as
    { id: number; path: string; format: string; host: string | null; lines: number; parsed: number; rejected: number;
      first_ts: number | null; last_ts: number | null; complete: number; note: string | null }[];
  const reasons = new Map<number, string>();
  for (const r of db.prepare(`SELECT source_id, reason, count(*) n FROM rejects GROUP BY source_id, reason ORDER BY source_id, n DESC`)
    .all() as { source_id: number; reason: string; n: number }[]) {
    reasons.set(r.source_id, (reasons.has(r.source_id) ? reasons.get(r.source_id) + ', ' : '') + `${r.reason} ${r.n}`);
  }
  return {
    columns: [
      { key: 'path', title: 'source', kind: 'text', cut: 'start' },
      { key: 'format', title: 'format', kind: 'text', width: 16 },
      { key: 'lines', title: 'lines', kind: 'int', width: 8 },
      { key: 'parsed', title: 'parsed', kind: 'int', width: 8 },
      { key: 'rejected', title: 'rejected', kind: 'int', width: 8 },
      { key: 'reasons', title: 'reject reasons', kind: 'text', width: 18 },
    ],
    rows: rows.map((r): Row => ({
      id: String(r.id), path: (r.host ? `[${r.host}] ` : '') + r.path, format: r.format, lines: r.lines, parsed: r.parsed,
      rejected: r.rejected, reasons: reasons.get(r.id) ?? (r.note ? `note: ${r.note}` : ''),
    })),
    sorts: ['lines', 'rejected', 'path'],
    // stamps far from the rest are stored but outside the default range: said here, as by `overload sources`
    note: `${rows.length} inputs; ${describeOutliers(dataRange(db, host).outliers) ?? 'Enter shows sample rejected lines'}`,
    drill: 'source', drillKey: 'id',
  };
}
