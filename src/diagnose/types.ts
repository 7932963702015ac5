// The shapes the diagnosis works on. Facts are read once from the database (read.ts) for one
// window; every rule family (rules/*.ts) is a pure function from Facts to Findings, so a rule
// can be tested on facts written by hand and the runner decides nothing but the order.

/** One setting in force: the config's own line, or the server's documented default. */
export interface Setting {
  host: string | null;
  server: string;
  scope: string;
  name: string;
  /** as written (units kept); null when redacted */
  value: string | null;
  file: string | null;
  line: number | null;
  isDefault: boolean;
  /** for a default: where it is documented */
  doc: string | null;
  /** 0 when it does not take effect (overridden duplicate, inactive <IfModule>) */
  active: boolean;
  note: string | null;
}

/** Events of one kind from one component and backend in the window. */
export interface EventGroup {
  component: string;
  kind: string;
  backend: string | null;
  count: number;
  first: number;
  last: number;
  /** distinct limits the messages state (pm.max_children, worker_connections ...) */
  limits: number[];
  /** the largest numeric detail (lighttpd's load, seconds ...) */
  maxValue: number | null;
}

/** A figure sampled from snapshots (h/snap's `samples`), summarised over the window. */
export interface SampleSeries {
  snapshot: string;
  subject: string;
  metric: string;
  kind: string;
  n: number;
  min: number;
  max: number;
  /** the value at the last sample (for a counter: its increase over the window is max - min) */
  last: number;
  first: number;
  firstTs: number;
  lastTs: number;
}

/** The demand the access logs show, for one tier (edge: the outermost server; backend: PHP-FPM/Apache behind it). */
export interface Demand {
  tier: 'edge' | 'backend';
  /** formats of the sources that make the tier ('nginx-combined', 'php-fpm-access' ...) */
  servers: string[];
  requests: number;
  /** requests that started in the window, per second of the window */
  arrivalRps: number;
  meanServiceMs: number | null;
  /** mean duration of the requests answered below 500: the service a request needs when it is served (a refusal is fast) */
  meanServedMs: number | null;
  /** the exact sweep's peak of requests in flight, and when */
  peakInflight: number;
  peakAt: number | null;
  errors5xx: number;
  /** the largest response body, and how many were over 1 MiB */
  maxBytes: number | null;
  over1MiB: number;
  /** per bucket (1 s unless the window is long): the sweep's peak and mean in flight */
  series: Array<{ t: number; peak: number; mean: number }>;
}

export interface Window {
  from: number;
  to: number;
  host: string | null;
  /** how the window was chosen */
  basis: 'given' | 'spike' | 'data';
  /** the spike's number in `report spikes` when basis = 'spike' */
  spike: number | null;
}

export interface DiagnoseOptions {
  ramMb?: number;
  workerMb?: number;
}

export interface Facts {
  window: Window;
  /** every row the configs state (active or not), and for each name in force the effective one */
  settings: Setting[];
  effective: Setting[];
  /** documented defaults, for names no file states */
  defaults: Setting[];
  /** the servers a config was given for (the `settings` relation holds rows of theirs) */
  configured: Set<string>;
  events: EventGroup[];
  samples: SampleSeries[];
  demand: Demand[];
  /** the formats of the logs ingested for this host (which servers the logs come from) */
  logFormats: string[];
  options: DiagnoseOptions;
  /** relations this database lacks (an older ingest, a branch not merged): said in the output */
  absent: string[];
}

export type Severity = 'critical' | 'warning' | 'info';
export type Family = 'workers' | 'backlog' | 'timeouts' | 'buffers' | 'kernel' | 'demand';

/** The limit a finding is about, as the server spells it. */
export interface LimitRef {
  server: string;
  setting: string;
  /** as written, or the default */
  value: string | null;
  scope: string;
  /** 'file:line', or 'default' */
  where: string;
  /** for a default: its documentation; for an inferred value: the message it came from */
  doc: string | null;
  /** how the value is known: from the config, the documented default, or inferred from the logs */
  basis: 'config' | 'default' | 'inferred' | 'unknown';
}

export interface Finding {
  /** stable id of the rule: 'php-fpm.max_children', 'kernel.tcp_tw_recycle' */
  rule: string;
  family: Family;
  server: string;
  severity: Severity;
  title: string;
  limits: LimitRef[];
  /** the evidence in the window, one sentence each */
  evidence: string[];
  /** the arithmetic, written out */
  arithmetic: string[];
  recommendation: string;
  /** evidence the rule had to do without, said plainly */
  missing: string[];
  /** the numbers, by name, for JSON readers and tests */
  numbers: Record<string, number | null>;
  first: number | null;
  last: number | null;
}

export interface Diagnosis {
  window: Window;
  findings: Finding[];
  /** what the database lacks, whatever the rules found */
  notes: string[];
}
