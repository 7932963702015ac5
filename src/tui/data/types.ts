// What the TUI asks of the database and what comes back. Everything here is plain data so it
// can cross a worker_thread boundary (structured clone) unchanged.

/** A time range at one bucket size: the unit of caching (every panel is computed per window). */
export interface Window {
  /** epoch ms, inclusive */
  from: number;
  /** epoch ms, exclusive */
  to: number;
  bucketMs: number;
  host: string | null;
}

export interface Bucket {
  t: number;
  requests: number;
  s4xx: number;
  s5xx: number;
  /** peak requests in flight in the bucket */
  inflight: number;
  /** event kind -> count */
  events: Record<string, number>;
}

export interface Spike {
  from: number;
  to: number;
  peakRps: number;
  /** why it was flagged, for the Overview */
  reason: string;
}

export interface TimelineData {
  window: Window;
  buckets: Bucket[];
}

/** Spike windows of a window: a query of their own, so the bars never wait for the detector. */
export interface SpikesData {
  window: Window;
  spikes: Spike[];
  /** why there are none, when the `spikes` report failed on this window */
  error: string | null;
}

export interface HeaderData {
  db: string;
  sources: number;
  formats: string[];
  hosts: string[];
  /** data extent, epoch ms (null when empty) */
  from: number | null;
  to: number | null;
  /** parsed rows (requests, events, slowlog entries) and rejected lines over all sources */
  rows: number;
  rejects: number;
  /** 'edge' when a front server's access log is present, else 'backend' */
  tier: 'edge' | 'backend';
  /** the panels of the user's own reports (--queries DIR), after the built-in ones */
  panels: PanelInfo[];
}

/** A panel that is a report of the user's (a queries/*.sql file with a `-- columns:` header). */
export interface PanelInfo {
  id: PanelId;
  title: string;
}

export type Cell = string | number | null;
export type Row = Record<string, Cell>;

/**
 * How a cell is drawn (src/tui/format.ts): the TUI's own kinds, and 'rate' (a report column's
 * `rate` kind, per its unit). A report's `-- columns:` header maps onto these (format.ts
 * columnOf), its values brought to the scale the kind draws (epoch ms, ms, a fraction).
 */
export type ColumnKind = 'text' | 'int' | 'ms' | 'bytes' | 'time' | 'pct' | 'num' | 'rate';

export interface Column {
  key: string;
  title: string;
  kind: ColumnKind;
  /** a rate's unit (req/s, /min), as the report's header names it */
  unit?: string;
  /** fixed width in cells; text columns without one share what is left */
  width?: number;
  /** cut long text at its start (paths: the file name is the part worth keeping) */
  cut?: 'start';
  /** a text column of short numbers (a status code, a pid): right-aligned like the numbers beside it */
  align?: 'right';
}

export interface Table {
  columns: Column[];
  rows: Row[];
  /** keys of the columns `s` cycles through (first = default order, as the query returns it) */
  sorts: string[];
  /** a line above the table: totals, or why the table is empty */
  note?: string;
  /** what Enter on a row opens, by the row's `drillKey` column */
  drill?: DrillKind;
  drillKey?: string;
}

export const PANELS = ['overview', 'endpoints', 'oversized', 'events', 'slowlog', 'upstreams', 'status', 'sources', 'limits'] as const;
export type BuiltinPanel = (typeof PANELS)[number];
/** a built-in panel, or `q:NAME`: the user's report NAME from --queries */
export type PanelId = BuiltinPanel | `q:${string}`;

export const PANEL_TITLES: Record<BuiltinPanel, string> = {
  overview: 'Overview', endpoints: 'Endpoints', oversized: 'Oversized', events: 'Events',
  slowlog: 'Slowlog', upstreams: 'Upstreams', status: 'Status', sources: 'Sources', limits: 'Limits',
};

export type DrillKind = 'route' | 'event-kind' | 'fingerprint' | 'source';

export interface Drill {
  kind: DrillKind;
  /** the row's key: a route, an event kind, a fingerprint, a source id */
  key: string;
  /** what to call it in the title */
  label: string;
  /** routes: rank their requests by time (Endpoints) or by size (Oversized) */
  order?: 'duration' | 'bytes';
}

/** A drill-down: a title, an optional small timeline (a route's own) and one or two tables. */
export interface DrillData {
  title: string;
  chart?: { buckets: Bucket[]; bucketMs: number };
  tables: Array<{ title: string; table: Table }>;
}

export type Query =
  | { type: 'header'; host: string | null }
  | { type: 'timeline'; window: Window }
  | { type: 'spikes'; window: Window }
  | { type: 'panel'; panel: PanelId; window: Window }
  | { type: 'drill'; drill: Drill; window: Window }
  | { type: 'cursor'; window: Window; t: number }
  /** the window's postmortem document (src/postmortem), for `e` */
  | { type: 'postmortem'; window: Window; svgName: string };

export interface PostmortemDoc {
  markdown: string;
  svg: string;
}

/** p50/p95/p99 of the bucket under the cursor (the timeline itself carries only counts). */
export interface CursorDetail {
  t: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export type QueryResult = HeaderData | TimelineData | SpikesData | Table | DrillData | CursorDetail | PostmortemDoc;
