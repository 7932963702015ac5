// The contract between ingest and every log format.
//
// A format is one file under parsers/ exporting a FormatDefinition. Ingest never knows a
// format's details: it asks the definition for a LineParser, feeds it one line at a time and
// stores what comes back. Parsers are pure and synchronous per line; any I/O (reading an
// nginx.conf, a routes file) happens at the edges before `create` is called.

/** One row of the `requests` table, as a parser produces it (ids, source and host are added by ingest). */
export interface RequestRecord {
  /** epoch ms UTC: the stamp as the log wrote it (end for nginx/lighttpd, start for Apache %t/PHP-FPM/Varnish) */
  ts: number;
  /** epoch ms UTC when the request started / ended, where a duration makes it knowable */
  start_ts: number | null;
  end_ts: number | null;
  client: string | null;
  method: string | null;
  /** request target as logged: path and query */
  url: string | null;
  /** url without the query string */
  path: string | null;
  query: string | null;
  protocol: string | null;
  status: number | null;
  /** response body bytes (or bytes sent when that is all the log has) */
  bytes: number | null;
  request_length: number | null;
  duration_ms: number | null;
  /** sum of the upstream attempts' response times */
  upstream_ms: number | null;
  upstream_connect_ms: number | null;
  upstream_header_ms: number | null;
  /** number of upstream servers tried (members of the $upstream_* list) */
  upstream_attempts: number | null;
  /** last address / status of the upstream list */
  upstream_addr: string | null;
  upstream_status: number | null;
  /** the upstream lists as logged, `urt=0.012, 0.480 uct=... uht=... ua=10.0.0.1:80, 10.0.0.2:80 us=504, 200` (null when every list is `-`) */
  upstream_raw: string | null;
  vhost: string | null;
  referer: string | null;
  user_agent: string | null;
  /** every other field of the format, by its variable name; stored as JSON */
  extra: Record<string, string | number | null> | null;
}

/** One row of the `events` table: an error-log line classified into the shared vocabulary. */
export interface EventRecord {
  ts: number;
  /** who wrote it: lighttpd, nginx, apache, php-fpm, php, varnish */
  component: string;
  /** one of EVENT_KINDS */
  kind: EventKind;
  /** normalised: emerg, alert, crit, error, warn, notice, info, debug */
  severity: string | null;
  /** the backend the event is about: a socket (`unix:/run/php.sock-2`), an upstream address, a pool (`www`) */
  backend: string | null;
  pid: number | null;
  client: string | null;
  /** request line or URI the event names, e.g. `GET /report.php?a=1` */
  request: string | null;
  /** numeric detail of the kind: load, seconds, children, bytes ... (see README "Event vocabulary") */
  value: number | null;
  /** the configured limit the event reports, e.g. pm.max_children (4) */
  limit_value: number | null;
  /** the whole message as logged (without the time stamp) */
  message: string;
}

export const EVENT_KINDS = [
  'backend_overloaded',
  'backend_disabled',
  'backend_reenabled',
  'backend_down',
  'connect_failed',
  'backlog_full',
  'upstream_timeout',
  'upstream_reset',
  'upstream_closed',
  /** the web server sends a request to a backend again after an attempt failed (lighttpd `..., reconnecting`) */
  'upstream_retry',
  'no_live_upstreams',
  'response_buffered_to_disk',
  'request_body_buffered',
  'worker_limit_reached',
  'pool_busy',
  'slow_request',
  'request_killed',
  'worker_crashed',
  'fd_limit',
  'rate_limited',
  /** the server gave up waiting for the client (Apache mod_reqtimeout, nginx `client timed out`) */
  'client_timeout',
  /** the client went away before its response was complete (nginx `client prematurely closed connection`, status 499) */
  'client_gave_up',
  'php_timeout',
  'php_memory',
  // the kernel's word (parsers/kernel-rules.ts): dmesg, kern.log, journalctl -k
  /** a listener's SYN queue overflowed: `Possible SYN flooding on port 80. Sending cookies.` */
  'syn_flood',
  /** netfilter's connection tracking table is full and drops new flows */
  'conntrack_full',
  /** TCP ran into tcp_mem: `out of memory -- consider tuning tcp_mem` */
  'tcp_memory',
  /** more orphaned sockets than tcp_max_orphans: `too many orphaned sockets` */
  'tcp_orphans',
  /** more TIME_WAIT sockets than tcp_max_tw_buckets */
  'tcp_tw_overflow',
  /** the OOM killer killed a process (value: its RSS in bytes) */
  'oom_kill',
  /** the lines around an OOM kill: who invoked the killer, the constraint, the reaper */
  'oom_invoked',
  /** the kernel could not allocate memory: `page allocation failure` */
  'alloc_failure',
  /** the kernel dropped N messages of a burst (net_ratelimit / printk ratelimit) */
  'log_suppressed',
  'lifecycle',
  'other',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface SlowFrame {
  /** 0 = innermost (the top frame as the slowlog prints it first) */
  depth: number;
  function: string;
  file: string | null;
  line: number | null;
}

/** One PHP-FPM slowlog entry (or a PHP stack trace), with its frames. */
export interface SlowTraceRecord {
  ts: number;
  pool: string | null;
  pid: number | null;
  script: string | null;
  /** hash of the normalised stack: functions and files, never addresses, pids or line numbers */
  fingerprint: string;
  top_frame: string | null;
  /** deepest frame that belongs to the application (not an internal PHP function) */
  app_frame: string | null;
  depth: number;
  /** recovered later by joining to the `executing too slow` event; parsers leave them null */
  request: string | null;
  /** true when the entry was cut off (rotation, truncation, frame cap) */
  truncated: boolean;
  frames: SlowFrame[];
  /** line where the entry began: a multi-line entry is emitted on a later line */
  line_no?: number;
}

/**
 * Figures of one subject read from a snapshot at one moment: rows of the `samples` table, one per
 * value. The kernel's counters (nstat, /proc/net/netstat, netstat -s) under nstat's names
 * (`TcpExtListenOverflows`); ss/netstat state counts, status pages, ps, meminfo, nproc under the
 * names the README's snapshot table lists.
 */
export interface SampleRecord {
  /** epoch ms of the snapshot */
  ts: number;
  /** nstat | ss-states | ss-listen | fpm-status | nginx-stub-status | apache-server-status | lighttpd-statistics | varnishstat | ps | meminfo | nproc */
  snapshot: string;
  /** what the figures are about: a pool, a listener, a process name, a backend; '' = the host */
  subject: string;
  /** 'counter': cumulative since some start (read as increases); 'gauge': the value now */
  kind: 'counter' | 'gauge';
  /** metric -> value */
  values: Record<string, number>;
  /** the line the figures were read from, where the record is emitted later (a summed snapshot) */
  line_no?: number;
}

export type RejectReason =
  | 'no-match'
  | 'bad-timestamp'
  | 'line-too-long'
  | 'bad-json'
  | 'bad-field'
  | 'orphan-line'
  /** the parser failed on the line (a bug, not the line's fault): the line is kept, the ingest goes on */
  | 'parser-error'
  /** a snapshot that ends in the middle (a status page's JSON cut short): the file's other snapshots are kept */
  | 'cut-snapshot'
  /**
   * The line is understood but its time cannot be placed without something the input lacks:
   * raw dmesg without a boot time, a syslog stamp without a year, a counter snapshot without
   * a date. Kept with this reason, never guessed (the ingest summary says what to pass).
   */
  | 'unplaced-time';

/** What a parser makes of one line. */
export type ParseOutcome =
  /**
   * `variant`: the line is a compatible variant of the format's family (a common line in a
   * combined log, an X-Forwarded-For list as client ...), read by it and counted per source
   */
  | { type: 'request'; record: RequestRecord; variant?: string }
  | { type: 'event'; record: EventRecord }
  | { type: 'trace'; record: SlowTraceRecord }
  /** figures of a snapshot: stored in `samples` (counters read as increases) */
  | { type: 'samples'; records: SampleRecord[] }
  /** the line belongs to a multi-line entry still open; it counts as parsed */
  | { type: 'continued' }
  /** nothing to store and nothing wrong: blank separator lines */
  | { type: 'skip' }
  | { type: 'reject'; reason: RejectReason; detail?: string };

export interface LineParser {
  /** Parse one line (no trailing newline, CR already removed). Must not throw. */
  parse(line: string, lineNo: number): ParseOutcome;
  /**
   * Multi-line formats only: the line number where the entry still open began, or null.
   * Ingest commits its resume offset no further than this line, so a killed ingest re-reads
   * the whole entry instead of storing half of it.
   */
  openSince?(): number | null;
  /** Multi-line formats only: end of input; return the open entry (marked truncated). */
  finish?(): ParseOutcome[];
}

export interface ParserOptions {
  /** IANA zone for stamps that carry no offset */
  tz: string;
  /** `--log-format`: an nginx log_format body or an Apache/lighttpd LogFormat string */
  logFormat?: string;
  /** `--field KEY=column` mappings for JSON logs */
  fieldMap?: Record<string, string>;
  /** `--boot-time`: epoch ms the machine booted, to place raw dmesg's seconds since boot */
  bootTime?: number;
  /** `--year`: the year of the first yearless stamp (syslog, journalctl short) */
  year?: number;
  /**
   * the stamp in the file's name (status-json-full-20261122T095144.json), else `--at`: epoch ms
   * of a snapshot that carries no date line and no time of its own
   */
  at?: number;
}

/** A sample line and (a subset of) what it must yield: each format's own tests. */
export interface FormatSample {
  line: string;
  /** the fields the outcome's record must contain (deep partial match); omit for "must not reject" */
  expect?: Partial<RequestRecord> | Partial<EventRecord> | Partial<SampleRecord> | Record<string, unknown>;
  /** the family variant the line must be read as (see ParseOutcome); omit for the format's own layout */
  variant?: string;
  /** a sample that must be rejected with this reason */
  reject?: RejectReason;
  /** lines that must be fed before `line` (multi-line formats) */
  before?: string[];
  /** lines fed after `line`, then finish(): the sample's expectation applies to the last record */
  after?: string[];
  /** parser options for this sample (e.g. a logFormat) */
  options?: Partial<ParserOptions>;
  note?: string;
}

/**
 * Which kind of server a source comes from, innermost first: 'app' (PHP-FPM, PHP) behind 'web'
 * (nginx, Apache, lighttpd) behind 'cache' (Varnish). One request is logged once per server it
 * passes, so reports read one tier at a time: the access logs of the outermost kind present on a
 * host are its edge (src/query/tiers.ts). Every format of a server (its access and error logs,
 * status pages, configs) says it is present; null: no server of the request path (the kernel,
 * ps, meminfo).
 */
export const SERVER_ROLES = ['app', 'web', 'cache'] as const;
export type ServerRole = (typeof SERVER_ROLES)[number];

export interface FormatDefinition {
  /** stable identifier used by `--format` and stored in sources.format, e.g. `nginx-combined` */
  name: string;
  title: string;
  /** the kind of server that writes it (see SERVER_ROLES) */
  role: ServerRole | null;
  /** which table the format fills */
  produces: 'requests' | 'events' | 'traces' | 'samples';
  /** one example line shown by `overload formats` */
  example: string;
  /**
   * Auto-detection takes part unless false. Formats that need user input (a pasted log format)
   * or that would match almost anything opt out.
   */
  detectable: boolean;
  /** tie-break when several formats parse the same sample equally well: higher wins */
  specificity: number;
  create(options: ParserOptions): LineParser;
  samples: FormatSample[];
}
