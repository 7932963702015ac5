// Panels over what the error logs and slowlogs said (queries/tui-events.sql), and over the inputs
// themselves (queries/inputs.sql), drawn through the files' `-- columns:` headers (panel-view.ts).
import { markerOf, MARKERS, MARKER_ORDER } from '../markers.js';
import type { Table, Window } from './types.js';
import { describeOutliers } from '../../report/extent.js';
import type { DataRange } from '../../report/extent.js';
import { n, section, type RunScreen } from './screen.js';
import { viewTable, type PanelView } from './panel-view.js';

/** the kinds the timeline marks first, by severity; start/stop notices and chatter last */
const rank = (k: string) => { const c = markerOf(k); return c ? MARKER_ORDER.indexOf(c) : k === 'lifecycle' || k === 'other' ? 9 : 5; };

export const eventsView: PanelView = {
  // the kernel's overload counters that rose: their increase counts as the row's events
  rows: (r) => [...section(r, 'kinds'), ...section(r, 'counters')]
    .sort((x, y) => rank(String(x.kind)) - rank(String(y.kind)) || n(y.events) - n(x.events)),
  columns: [
    { from: 'kind', width: 26 },
    { key: 'marker', title: 'mark', kind: 'text', width: 5, value: (x) => { const c = markerOf(String(x.kind)); return c ? MARKERS[c].letter : ''; } },
    { from: 'component', title: 'from' },
    { from: 'events', width: 8 },
    { from: 'first' },
    { from: 'last' },
  ],
  sorts: ['marker', 'events', 'first', 'kind'],
  note: (rows) => rows.length ? 'marks on the timeline: O overload, P pool limit, T timeouts, D disk buffering; a kernel counter\'s events are its increase'
    : 'no error-log events in this window',
  drill: 'event-kind', drillKey: 'kind',
};

/** Events by kind (from the per-second event rollup); Enter opens the kind's messages and lines. */
export function events(run: RunScreen, w: Window): Table {
  return viewTable(run('tui-events', { from: w.from, to: w.to, host: w.host ?? undefined }), run.def('tui-events'), eventsView);
}

/** Every input with its line counts; not limited to the window (rejects have no time). */
export function sourcesView(range: DataRange): PanelView {
  return {
    columns: [
      { key: 'path', title: 'source', kind: 'text', cut: 'start', value: (x) => (x.host ? `[${String(x.host)}] ` : '') + String(x.path) },
      { from: 'format', width: 16 },
      { from: 'lines', width: 8 },
      { from: 'parsed', width: 8 },
      { from: 'rejected', width: 8 },
      { key: 'reasons', title: 'reject reasons', kind: 'text', width: 18, value: (x) => (x.reasons as string | null) ?? (x.note ? `note: ${String(x.note)}` : '') },
    ],
    sorts: ['lines', 'rejected', 'path'],
    // stamps far from the rest are stored but outside the default range: said here, as by `overload sources`
    note: (rows) => `${rows.length} inputs; ${describeOutliers(range.outliers) ?? 'Enter shows sample rejected lines'}`,
    drill: 'source', drillKey: 'id',
  };
}

export function sources(run: RunScreen, host: string | null, range: DataRange): Table {
  return viewTable(run('inputs', { host: host ?? undefined }), run.def('inputs'), sourcesView(range));
}
