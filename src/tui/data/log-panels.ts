// Panels over what the error logs and slowlogs said (queries/tui-events.sql), and over the inputs
// themselves (queries/inputs.sql).
import { markerOf, MARKERS, MARKER_ORDER } from '../markers.js';
import type { Row, Table, Window } from './types.js';
import { describeOutliers } from '../../report/extent.js';
import type { DataRange } from '../../report/extent.js';
import { n, section, type RunScreen } from './screen.js';

/** Events by kind (from the per-second event rollup); Enter opens the kind's messages and lines. */
export function events(run: RunScreen, w: Window): Table {
  const r = run('tui-events', { from: w.from, to: w.to, host: w.host ?? undefined });
  // the kernel's overload counters that rose: their increase counts as the row's events
  const rows = [...section(r, 'kinds'), ...section(r, 'counters')];
  // the kinds the timeline marks first, by severity; start/stop notices and chatter last
  const rank = (k: string) => { const c = markerOf(k); return c ? MARKER_ORDER.indexOf(c) : k === 'lifecycle' || k === 'other' ? 9 : 5; };
  rows.sort((x, y) => rank(String(x.kind)) - rank(String(y.kind)) || n(y.events) - n(x.events));
  return {
    columns: [
      { key: 'kind', title: 'kind', kind: 'text', width: 26 },
      { key: 'marker', title: 'mark', kind: 'text', width: 5 },
      { key: 'component', title: 'from', kind: 'text' },
      { key: 'events', title: 'events', kind: 'int', width: 8 },
      { key: 'first', title: 'first', kind: 'time', width: 9 },
      { key: 'last', title: 'last', kind: 'time', width: 9 },
    ],
    rows: rows.map((x): Row => {
      const c = markerOf(String(x.kind));
      return { kind: String(x.kind), marker: c ? MARKERS[c].letter : '', component: x.component as string | null, events: n(x.events),
        first: x.first as number | null, last: x.last as number | null };
    }),
    sorts: ['marker', 'events', 'first', 'kind'],
    note: rows.length ? 'marks on the timeline: O overload, P pool limit, T timeouts, D disk buffering; a kernel counter\'s events are its increase'
      : 'no error-log events in this window',
    drill: 'event-kind', drillKey: 'kind',
  };
}

/** Every input with its line counts; not limited to the window (rejects have no time). */
export function sources(run: RunScreen, host: string | null, range: DataRange): Table {
  const rows = run('inputs', { host: host ?? undefined }).rows;
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
      id: String(r.id), path: (r.host ? `[${r.host}] ` : '') + r.path, format: r.format as string, lines: r.lines as number, parsed: r.parsed as number,
      rejected: r.rejected as number, reasons: (r.reasons as string | null) ?? (r.note ? `note: ${r.note}` : ''),
    })),
    sorts: ['lines', 'rejected', 'path'],
    // stamps far from the rest are stored but outside the default range: said here, as by `overload sources`
    note: `${rows.length} inputs; ${describeOutliers(range.outliers) ?? 'Enter shows sample rejected lines'}`,
    drill: 'source', drillKey: 'id',
  };
}
