// The screen's state and every change a key makes to it, as one pure reducer: keys.ts turns a
// keystroke into an Action, the App feeds it here with what it knows about the data on screen.
import { PANELS, type Drill, type HeaderData, type PanelId, type Row, type Spike, type Table, type Window } from './data/types.js';
import { bucketCount, fitBucket, makeWindow, plotWidth, rebucket } from './window.js';

export interface UiState {
  /** zoom stack: [0] is the whole range, the last entry is on screen */
  zoom: Array<{ window: Window; span: { from: number; to: number } }>;
  cursor: number;
  /** first bucket drawn when the buckets outnumber the columns */
  offset: number;
  mark: { a: number; b: number } | null;
  panel: PanelId;
  row: Record<PanelId, number>;
  sort: Record<PanelId, number>;
  drill: Drill | null;
  drillRow: number;
  filter: string;
  editingFilter: boolean;
  help: boolean;
  message: string | null;
  /** live mode: the cursor stays on the newest bucket until the user moves it */
  follow: boolean;
}

export type Action =
  | { type: 'range'; from: number; to: number; host: string | null; columns: number }
  | { type: 'cursor'; delta: number; extend?: boolean }
  | { type: 'cursor-to'; index: number }
  | { type: 'mark-start' }
  | { type: 'mark-end' }
  | { type: 'zoom-in' }
  | { type: 'zoom-to'; from: number; to: number }
  | { type: 'zoom-out' }
  | { type: 'bucket'; dir: -1 | 1 }
  | { type: 'spike'; dir: -1 | 1; spikes: Spike[] }
  | { type: 'panel'; panel: PanelId }
  /** Tab: the next panel of `panels` (the built-in ones, then the user's reports) */
  | { type: 'panel-step'; dir: -1 | 1; panels: readonly PanelId[] }
  | { type: 'row'; delta: number; rows: number }
  | { type: 'drill'; drill: Drill }
  /** Enter: zoom into the marked window if there is one, else open what the selected row offers
   * (both decided on the latest state: the table and its rows as drawn) */
  | { type: 'enter'; table: Table | null; rows: Row[] }
  | { type: 'back' }
  | { type: 'filter-start' }
  | { type: 'filter-text'; text: string }
  | { type: 'filter-done' }
  | { type: 'filter-cancel' }
  | { type: 'sort'; sorts: number }
  | { type: 'help' }
  /** another host: back to a whole range, which the next 'range' sets */
  | { type: 'reset'; message: string }
  | { type: 'message'; text: string | null };

const zeroes = () => Object.fromEntries(PANELS.map((p) => [p, 0])) as Record<PanelId, number>;

export function initialState(panel: PanelId = 'overview'): UiState {
  return {
    zoom: [], cursor: 0, offset: 0, mark: null, panel, row: zeroes(), sort: zeroes(), drill: null, drillRow: 0,
    filter: '', editingFilter: false, help: false, message: null, follow: true,
  };
}

/** The whole range's window as the App will draw it first (--from/--to or the data's extent). */
export function rootWindow(h: HeaderData, terminalColumns: number, host: string | null, from?: number, to?: number): Window | null {
  if (h.from === null || h.to === null) return null;
  const f = from ?? h.from;
  const t = Math.max(f + 1000, to ?? h.to);
  return makeWindow(f, t, fitBucket(t - f, plotWidth(terminalColumns)), host);
}

export function current(s: UiState): Window | null {
  return s.zoom.length ? s.zoom[s.zoom.length - 1].window : null;
}

/** Keep the cursor inside the window and on screen (plot columns = `columns`). */
function clampView(s: UiState, columns: number): UiState {
  const w = current(s);
  const n = w ? bucketCount(w) : 0;
  const cursor = Math.max(0, Math.min(n - 1, s.cursor));
  let offset = s.offset;
  if (n <= columns) offset = 0;
  else {
    if (cursor < offset) offset = cursor;
    if (cursor >= offset + columns) offset = cursor - columns + 1;
    offset = Math.max(0, Math.min(n - columns, offset));
  }
  return { ...s, cursor, offset };
}

function indexOf(w: Window, t: number): number {
  return Math.floor((t - w.from) / w.bucketMs);
}

/**
 * What Enter on a row opens: a drill-down, or for a spike row the window to zoom into. Called
 * by the reducer with the selection of the latest state (a key can arrive before the render
 * of the key before it).
 */
function rowTarget(table: Table, row: Row | undefined, panel: UiState['panel']): { drill: Drill | null; zoomTo: { from: number; to: number } | null } {
  let drill: Drill | null = null;
  if (row && table.drill && table.drillKey && row[table.drillKey] != null) {
    const first = table.columns.find((c) => c.kind === 'text');
    drill = {
      kind: table.drill, key: String(row[table.drillKey]), label: String(row[first?.key ?? table.drillKey] ?? ''),
      order: panel === 'oversized' ? 'bytes' : 'duration',
    };
  }
  const zoomTo = row && typeof row.from === 'number' && typeof row.to === 'number' ? { from: row.from, to: row.to } : null;
  return { drill, zoomTo };
}

/** The reducer. `columns` is the timeline's plot width, needed to keep the cursor visible. */
export function reduce(s0: UiState, a: Action, columns: number): UiState {
  // a message (export written, no spike here) stays until the next key
  const s = a.type === 'message' || a.type === 'range' || s0.message === null ? s0 : { ...s0, message: null };
  const w = current(s);
  const n = w ? bucketCount(w) : 0;
  const view = (next: UiState) => clampView(next, columns);
  switch (a.type) {
    case 'range': {
      // the data's extent (at start, and as live rows arrive): only the root window follows it
      const root = makeWindow(a.from, a.to, fitBucket(a.to - a.from, columns), a.host);
      const entry = { window: root, span: { from: a.from, to: a.to } };
      if (s.zoom.length === 0) return view({ ...s, zoom: [entry], cursor: bucketCount(root) - 1 });
      if (s.zoom.length > 1) return s;
      const old = s.zoom[0].window;
      if (old.from === root.from && old.to === root.to && old.bucketMs === root.bucketMs) return s;
      const t = old.from + s.cursor * old.bucketMs;
      return view({ ...s, zoom: [entry], cursor: s.follow ? bucketCount(root) - 1 : indexOf(root, t), mark: null });
    }
    case 'cursor': {
      if (!w) return s;
      const cursor = Math.max(0, Math.min(n - 1, s.cursor + a.delta));
      let mark = s.mark;
      if (a.extend) mark = { a: mark ? mark.a : s.cursor, b: cursor };
      return view({ ...s, cursor, mark, follow: cursor === n - 1 });
    }
    case 'cursor-to':
      return view({ ...s, cursor: a.index, follow: a.index >= n - 1 });
    case 'mark-start':
      return { ...s, mark: { a: s.cursor, b: s.mark ? Math.max(s.mark.b, s.cursor) : s.cursor } };
    case 'mark-end':
      return { ...s, mark: { a: s.mark ? Math.min(s.mark.a, s.cursor) : s.cursor, b: s.cursor } };
    case 'zoom-in': {
      if (!w || !s.mark) return s;
      const lo = Math.min(s.mark.a, s.mark.b);
      const hi = Math.max(s.mark.a, s.mark.b);
      const from = w.from + lo * w.bucketMs;
      const to = w.from + (hi + 1) * w.bucketMs;
      const win = makeWindow(from, to, fitBucket(to - from, columns), w.host);
      return view({ ...s, zoom: [...s.zoom, { window: win, span: { from, to } }], cursor: 0, offset: 0, mark: null, drill: null,
        row: zeroes(), follow: false });
    }
    case 'zoom-to': {
      if (!w) return s;
      const lo = Math.max(0, indexOf(w, a.from));
      const hi = Math.min(n - 1, Math.max(lo, indexOf(w, a.to - 1)));
      return reduce({ ...s, mark: { a: lo, b: hi } }, { type: 'zoom-in' }, columns);
    }
    case 'zoom-out': {
      if (s.zoom.length < 2) return s;
      const inner = w!;
      const zoom = s.zoom.slice(0, -1);
      const outer = zoom[zoom.length - 1].window;
      // come back with the window we left marked, so Enter goes straight back in
      const a0 = indexOf(outer, inner.from);
      const b0 = indexOf(outer, inner.to - 1);
      return view({ ...s, zoom, cursor: a0, mark: { a: a0, b: b0 }, drill: null, row: zeroes() });
    }
    case 'bucket': {
      if (!w) return s;
      const top = s.zoom[s.zoom.length - 1];
      const next = rebucket(w, a.dir, top.span);
      if (!next) return { ...s, message: a.dir < 0 ? 'finest bucket for this range' : 'coarsest bucket' };
      const t = w.from + s.cursor * w.bucketMs;
      const zoom = [...s.zoom.slice(0, -1), { window: next, span: top.span }];
      return view({ ...s, zoom, cursor: indexOf(next, t), mark: null });
    }
    case 'spike': {
      if (!w || a.spikes.length === 0) return { ...s, message: 'no spike detected in this window' };
      const here = w.from + s.cursor * w.bucketMs;
      const list = a.dir > 0 ? a.spikes.filter((x) => x.from > here) : a.spikes.filter((x) => x.from < here).reverse();
      const sp = list[0] ?? (a.dir > 0 ? a.spikes[0] : a.spikes[a.spikes.length - 1]);
      const i0 = Math.max(0, indexOf(w, sp.from));
      const i1 = Math.min(n - 1, Math.max(i0, indexOf(w, sp.to - 1)));
      const k = a.spikes.indexOf(sp) + 1;
      return view({ ...s, cursor: i0, mark: { a: i0, b: i1 }, follow: false,
        message: `spike ${k}/${a.spikes.length} marked: Enter zooms in` });
    }
    case 'panel':
      return { ...s, panel: a.panel, drill: null, filter: '', editingFilter: false };
    case 'panel-step': {
      const all = a.panels.length ? a.panels : PANELS;
      const i = all.indexOf(s.panel);
      return { ...s, panel: all[(i + a.dir + all.length) % all.length], drill: null, filter: '', editingFilter: false };
    }
    case 'row': {
      const max = Math.max(0, a.rows - 1);
      if (s.drill) return { ...s, drillRow: Math.max(0, Math.min(max, s.drillRow + a.delta)) };
      return { ...s, row: { ...s.row, [s.panel]: Math.max(0, Math.min(max, (s.row[s.panel] ?? 0) + a.delta)) } };
    }
    case 'drill':
      return { ...s, drill: a.drill, drillRow: 0 };
    case 'enter': {
      if (s.mark) return reduce(s, { type: 'zoom-in' }, columns);
      if (s.drill || !a.table) return s;
      const row = a.rows[Math.min(s.row[s.panel] ?? 0, a.rows.length - 1)];
      const { drill, zoomTo } = rowTarget(a.table, row, s.panel);
      if (drill) return { ...s, drill, drillRow: 0 };
      if (zoomTo) return reduce(s, { type: 'zoom-to', ...zoomTo }, columns);
      return s;
    }
    case 'back':
      // one step back: the drill-down, then the filter, then the mark, then the zoom
      if (s.help) return { ...s, help: false };
      if (s.drill) return { ...s, drill: null };
      if (s.filter) return { ...s, filter: '', row: { ...s.row, [s.panel]: 0 } };
      if (s.mark) return { ...s, mark: null };
      return reduce(s, { type: 'zoom-out' }, columns);
    case 'filter-start':
      return { ...s, editingFilter: true };
    case 'filter-text':
      return { ...s, filter: a.text, row: { ...s.row, [s.panel]: 0 } };
    case 'filter-done':
      return { ...s, editingFilter: false };
    case 'filter-cancel':
      return { ...s, editingFilter: false, filter: '' };
    case 'sort':
      return { ...s, sort: { ...s.sort, [s.panel]: a.sorts ? ((s.sort[s.panel] ?? 0) + 1) % a.sorts : 0 }, row: { ...s.row, [s.panel]: 0 } };
    case 'help':
      return { ...s, help: !s.help };
    case 'reset':
      return { ...initialState(s.panel), message: a.message };
    case 'message':
      return { ...s, message: a.text };
  }
}
