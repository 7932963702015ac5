// The public schema. Users write SQL against these tables (README "Schema"), so columns are
// only ever added by a new migration, never renamed in place.

export const REQUEST_COLUMNS = [
  'source_id', 'host', 'ts', 'start_ts', 'end_ts', 'client', 'method', 'url', 'path', 'query', 'route',
  'protocol', 'status', 'bytes', 'request_length', 'duration_ms', 'upstream_ms', 'upstream_connect_ms',
  'upstream_header_ms', 'upstream_attempts', 'upstream_addr', 'upstream_status', 'upstream_raw', 'vhost',
  'referer', 'user_agent', 'extra',
] as const;

export const EVENT_COLUMNS = [
  'source_id', 'host', 'ts', 'component', 'kind', 'severity', 'backend', 'pid', 'client', 'request', 'route',
  'value', 'limit_value', 'message', 'line_no',
] as const;

export const TRACE_COLUMNS = [
  'source_id', 'host', 'ts', 'pool', 'pid', 'script', 'fingerprint', 'top_frame', 'app_frame', 'depth',
  'request', 'route', 'truncated', 'line_no',
] as const;

/** Each entry moves the schema one version forward; applied in order inside one transaction. */
export const MIGRATIONS: string[] = [
  // 1: the spine: sources, requests, rejects
  `
  CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    format TEXT NOT NULL,
    host TEXT,
    tz TEXT,
    bytes INTEGER NOT NULL DEFAULT 0,      -- (decompressed) bytes consumed: the resume offset
    lines INTEGER NOT NULL DEFAULT 0,
    parsed INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    first_ts INTEGER,
    last_ts INTEGER,
    identity TEXT,                         -- hash of the file's first bytes: same file, resumed
    complete INTEGER NOT NULL DEFAULT 0,   -- 1 once the input reached its end
    ingested_at TEXT NOT NULL,
    format_spec TEXT,                      -- the log_format / LogFormat string used, if any
    note TEXT                              -- what went wrong at the end (truncated gzip, ...)
  );
  CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    host TEXT,
    ts INTEGER NOT NULL,
    start_ts INTEGER,
    end_ts INTEGER,
    client TEXT,
    method TEXT,
    url TEXT,
    path TEXT,
    query TEXT,
    route TEXT,
    protocol TEXT,
    status INTEGER,
    bytes INTEGER,
    request_length INTEGER,
    duration_ms REAL,
    upstream_ms REAL,
    upstream_connect_ms REAL,
    upstream_header_ms REAL,
    upstream_attempts INTEGER,
    upstream_addr TEXT,
    upstream_status INTEGER,
    upstream_raw TEXT,
    vhost TEXT,
    referer TEXT,
    user_agent TEXT,
    extra TEXT
  );
  CREATE TABLE rejects (
    source_id INTEGER NOT NULL REFERENCES sources(id),
    line_no INTEGER NOT NULL,
    reason TEXT NOT NULL,
    line TEXT
  );
  `,
  // 2: error logs and PHP-FPM slowlogs
  `
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    host TEXT,
    ts INTEGER NOT NULL,
    component TEXT NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT,
    backend TEXT,
    pid INTEGER,
    client TEXT,
    request TEXT,
    route TEXT,
    value REAL,
    limit_value REAL,
    message TEXT NOT NULL,
    line_no INTEGER
  );
  CREATE TABLE slow_traces (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    host TEXT,
    ts INTEGER NOT NULL,
    pool TEXT,
    pid INTEGER,
    script TEXT,
    fingerprint TEXT NOT NULL,
    top_frame TEXT,
    app_frame TEXT,
    depth INTEGER NOT NULL,
    request TEXT,
    route TEXT,
    truncated INTEGER NOT NULL DEFAULT 0,
    line_no INTEGER
  );
  CREATE TABLE slow_frames (
    trace_id INTEGER NOT NULL REFERENCES slow_traces(id),
    depth INTEGER NOT NULL,
    function TEXT NOT NULL,
    file TEXT,
    line INTEGER
  );
  `,
  // 3: rollups v1 -- summaries the reports read instead of scanning every request; built and kept
  // current by src/store/rollups.ts after each ingest. A request counts in the second it started
  // (coalesce(start_ts, ts)). *_hist columns are log-bucketed histograms (src/report/histogram.ts:
  // percentiles within 2.2 %), occ is exact in-flight occupancy (level:ms). tier is 'edge' or
  // 'backend' (PHP-FPM access logs repeat requests the web server also logged). '' = no value.
  `-- rollups v1
  CREATE TABLE rollup_second (
    tier TEXT NOT NULL, host TEXT NOT NULL, t INTEGER NOT NULL,
    requests INTEGER NOT NULL, s1xx INTEGER NOT NULL, s2xx INTEGER NOT NULL, s3xx INTEGER NOT NULL,
    s4xx INTEGER NOT NULL, s5xx INTEGER NOT NULL, bytes INTEGER NOT NULL,
    dur_n INTEGER NOT NULL, dur_sum REAL NOT NULL, dur_max REAL, dur_hist TEXT,
    up_n INTEGER NOT NULL, up_sum REAL NOT NULL, up_hist TEXT,
    done INTEGER NOT NULL, done_hist TEXT,  -- requests that ENDED in this second, and their durations
    PRIMARY KEY (tier, host, t)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_status (
    tier TEXT NOT NULL, host TEXT NOT NULL, t INTEGER NOT NULL, status INTEGER NOT NULL, requests INTEGER NOT NULL,
    PRIMARY KEY (tier, host, t, status)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_minute (
    tier TEXT NOT NULL, host TEXT NOT NULL, t INTEGER NOT NULL, route TEXT NOT NULL,
    requests INTEGER NOT NULL, s4xx INTEGER NOT NULL, s5xx INTEGER NOT NULL,
    bytes INTEGER NOT NULL, bytes_max INTEGER, bytes_hist TEXT,
    dur_n INTEGER NOT NULL, dur_sum REAL NOT NULL, dur_min REAL, dur_max REAL, dur_hist TEXT,
    up_n INTEGER NOT NULL, up_sum REAL NOT NULL, up_min REAL, up_max REAL, up_hist TEXT,
    first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,
    PRIMARY KEY (tier, host, t, route)
  ) WITHOUT ROWID;
  -- one row per minute and upstream server, counting every attempt of nginx's upstream lists
  CREATE TABLE rollup_upstream (
    tier TEXT NOT NULL, host TEXT NOT NULL, t INTEGER NOT NULL, upstream TEXT NOT NULL,
    attempts INTEGER NOT NULL, failed INTEGER NOT NULL, timeouts INTEGER NOT NULL, retried INTEGER NOT NULL,
    time_n INTEGER NOT NULL, time_sum REAL NOT NULL, time_max REAL, time_hist TEXT,
    first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,
    PRIMARY KEY (tier, host, t, upstream)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_inflight (
    tier TEXT NOT NULL, host TEXT NOT NULL, upstream TEXT NOT NULL, t INTEGER NOT NULL,
    peak INTEGER NOT NULL, occ TEXT NOT NULL,
    PRIMARY KEY (tier, host, upstream, t)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_events (
    host TEXT NOT NULL, t INTEGER NOT NULL, component TEXT NOT NULL, kind TEXT NOT NULL, backend TEXT NOT NULL,
    events INTEGER NOT NULL, first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,
    PRIMARY KEY (host, t, component, kind, backend)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_state (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  `,
  // 4: rollups v2 -- finer and per-client summaries, so that a report on a short window (the
  // incident report's 40 s spike, its 40 s before) reads rollups instead of hundreds of thousands
  // of rows. Built by the same pass as v1 (src/store/rollups.ts); a database whose rollups
  // predate them gets a full rebuild (rollup_state 'version'). Keys start (tier, t): a time range
  // is one index range whether or not a host is given. Requests count at their start as stored
  // (coalesce(start_ts, ts)), as in rollup_minute, so raw rows at a range's ragged ends add up
  // with them exactly. 5xx = status 500-599, as in rollup_minute.
  //   rollup_route_10s, rollup_upstream_10s: what rollup_minute / rollup_upstream hold that the
  //     incident and upstreams reports read, per 10 seconds.
  //   rollup_clients: requests and 5xx per client ('' = none), one row per 10 s (grain 10000) and
  //     per minute (grain 60000). BOUNDED: `kept` holds the busiest clients of the bucket (1000
  //     by default, rollup_state 'clients_kept'), as JSON [[client, requests, s5xx], ...], busiest
  //     first, ties by name; the rest of the bucket is summed in rest_*, with rest_top the most
  //     requests any one left-out client had (0: none was left out). So a client's count over
  //     several buckets is low by at most the sum of rest_top over the buckets it is not kept in.
  //     One row per bucket, not per client: a long log has millions of (client, bucket) pairs,
  //     and inserting them one row each cost more than the rest of the rollups v2 together.
  //   rollup_minute_totals: rollup_second's counts per minute and rollup_inflight's peak (all
  //     upstreams): the TUI's bars on the minute grid without reading every second (a day of
  //     seconds, with their histograms, is ~100 MB to read; its minutes are 1440 short rows).
  `-- rollups v2
  CREATE TABLE rollup_route_10s (
    tier TEXT NOT NULL, t INTEGER NOT NULL, host TEXT NOT NULL, route TEXT NOT NULL,
    requests INTEGER NOT NULL, s5xx INTEGER NOT NULL, dur_sum REAL NOT NULL, dur_hist TEXT,
    PRIMARY KEY (tier, t, host, route)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_upstream_10s (
    tier TEXT NOT NULL, t INTEGER NOT NULL, host TEXT NOT NULL, upstream TEXT NOT NULL,
    attempts INTEGER NOT NULL, failed INTEGER NOT NULL, timeouts INTEGER NOT NULL, retried INTEGER NOT NULL,
    time_max REAL, time_hist TEXT, first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,
    PRIMARY KEY (tier, t, host, upstream)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_minute_totals (
    tier TEXT NOT NULL, host TEXT NOT NULL, t INTEGER NOT NULL,
    requests INTEGER NOT NULL, s4xx INTEGER NOT NULL, s5xx INTEGER NOT NULL, inflight_peak INTEGER NOT NULL,
    PRIMARY KEY (tier, host, t)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_clients (
    tier TEXT NOT NULL, grain INTEGER NOT NULL, t INTEGER NOT NULL, host TEXT NOT NULL,
    kept TEXT NOT NULL,
    rest_clients INTEGER NOT NULL, rest_requests INTEGER NOT NULL, rest_s5xx INTEGER NOT NULL, rest_top INTEGER NOT NULL,
    PRIMARY KEY (tier, grain, t, host)
  ) WITHOUT ROWID;
  `,
];

/**
 * Indexes that serve the reports. Created after an ingest finishes (IF NOT EXISTS), not during
 * it: maintaining them row by row would halve the insert rate, and one sorted build is cheaper.
 */
export const INDEXES: string[] = [
  'CREATE INDEX IF NOT EXISTS requests_ts ON requests(ts)',
  'CREATE INDEX IF NOT EXISTS requests_route_ts ON requests(route, ts)',
  'CREATE INDEX IF NOT EXISTS rejects_source ON rejects(source_id, line_no)',
  'CREATE INDEX IF NOT EXISTS events_ts ON events(ts)',
  'CREATE INDEX IF NOT EXISTS events_kind_ts ON events(kind, ts)',
  'CREATE INDEX IF NOT EXISTS slow_traces_ts ON slow_traces(ts)',
  'CREATE INDEX IF NOT EXISTS slow_traces_fp ON slow_traces(fingerprint)',
  'CREATE INDEX IF NOT EXISTS slow_frames_trace ON slow_frames(trace_id, depth)',
  // reports: the time a request counts at (its start), the largest responses, event joins
  'CREATE INDEX IF NOT EXISTS requests_start ON requests(coalesce(start_ts, ts))',
  'CREATE INDEX IF NOT EXISTS requests_bytes ON requests(bytes)',
];
