// The public schema. Users write SQL against these tables and views (README "Schema"), so public
// columns are only ever added by a new migration, never renamed in place.
import { settingDefaultsInsertSql } from '../config/defaults.js';

/** The public columns of `requests` (a view since migration 4; see below). */
export const REQUEST_COLUMNS = [
  'source_id', 'host', 'ts', 'start_ts', 'end_ts', 'client', 'method', 'url', 'path', 'query', 'route',
  'protocol', 'status', 'bytes', 'request_length', 'duration_ms', 'upstream_ms', 'upstream_connect_ms',
  'upstream_header_ms', 'upstream_attempts', 'upstream_addr', 'upstream_status', 'upstream_raw', 'vhost',
  'referer', 'user_agent', 'extra',
] as const;

/**
 * `requests` columns stored as ids into `strings` (request_rows.<name>_id). They repeat: a log of a
 * million lines has a few dozen routes, a handful of user agents and upstreams. Binding one small
 * integer instead of a string is what lets one SQLite writer keep up with the parser.
 */
export const DICTIONARY_COLUMNS = [
  'host', 'client', 'method', 'route', 'protocol', 'upstream_addr', 'vhost', 'referer', 'user_agent',
] as const;
// (upstream_raw stays text: with three timings per attempt nearly every request has its own)

/**
 * `path` and `query` are stored only when they are not what the url says: NULL in request_rows
 * means "derive it from url" (the common case), and a lone NUL character means "really NULL".
 * The ingest (src/ingest/request-encoding.ts) applies the same rule with the same definition.
 */
export const NO_VALUE = '\u0000';
const pathOf = (url: string) => `CASE WHEN instr(${url}, '?') > 0 THEN substr(${url}, 1, instr(${url}, '?') - 1) ELSE ${url} END`;
const queryOf = (url: string) => `CASE WHEN instr(${url}, '?') > 0 THEN substr(${url}, instr(${url}, '?') + 1) END`;
const stored = (column: string, derived: string) =>
  `CASE WHEN ${column} IS ${derived} THEN NULL WHEN ${column} IS NULL THEN char(0) ELSE ${column} END`;
const shown = (column: string, derived: string) =>
  `CASE WHEN ${column} IS NULL THEN ${derived} WHEN ${column} = char(0) THEN NULL ELSE ${column} END`;

const stringId = (v: string) => `(SELECT min(id) FROM strings WHERE text = ${v})`;

/**
 * The lowest strings id no one has and no ingest reserved: above every existing id and every
 * block handed out (string_ids.next). New strings outside an ingest take it; an ingest reserves
 * its block from it (src/store/writer.ts).
 */
export const FREE_STRING_ID_SQL = 'max(coalesce((SELECT max(id) FROM strings), 0), (SELECT next - 1 FROM string_ids)) + 1';

// Each dictionary column reads its text with a scalar subquery, which SQLite evaluates only
// when a query uses that column (a LEFT JOIN per column was looked up for every row, used or
// not). route is the exception: a JOIN lets `WHERE route = ?` go through strings_text to the
// route index.
const text = (c: string) => `(SELECT text FROM strings WHERE id = r.${c}_id)`;
const REQUESTS_VIEW = `
  CREATE VIEW requests AS SELECT
    r.id AS id, r.source_id AS source_id, ${text('host')} AS host, r.ts AS ts, r.start_ts AS start_ts, r.end_ts AS end_ts,
    ${text('client')} AS client, ${text('method')} AS method, r.url AS url,
    ${shown('r.path', pathOf('r.url'))} AS path,
    ${shown('r.query', queryOf('r.url'))} AS query,
    route.text AS route, ${text('protocol')} AS protocol, r.status AS status, r.bytes AS bytes,
    r.request_length AS request_length, r.duration_ms AS duration_ms, r.upstream_ms AS upstream_ms,
    r.upstream_connect_ms AS upstream_connect_ms, r.upstream_header_ms AS upstream_header_ms,
    r.upstream_attempts AS upstream_attempts, ${text('upstream_addr')} AS upstream_addr, r.upstream_status AS upstream_status,
    r.upstream_raw AS upstream_raw, ${text('vhost')} AS vhost, ${text('referer')} AS referer, ${text('user_agent')} AS user_agent,
    r.extra AS extra
  FROM request_rows r LEFT JOIN strings route ON route.id = r.route_id;
  -- Inserting into the view (scripts, tests, a user's own import) stores the strings as the
  -- ingest does. New strings take ids above every block an ingest reserved (string_ids.next).
  CREATE TRIGGER requests_insert INSTEAD OF INSERT ON requests BEGIN
${DICTIONARY_COLUMNS.map((c) => `
    INSERT INTO strings (id, text)
      SELECT ${FREE_STRING_ID_SQL}, NEW.${c}
      WHERE NEW.${c} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM strings WHERE text = NEW.${c});`).join('')}
    INSERT INTO request_rows (id, source_id, host_id, ts, start_ts, end_ts, client_id, method_id, url, path, query,
      route_id, protocol_id, status, bytes, request_length, duration_ms, upstream_ms, upstream_connect_ms,
      upstream_header_ms, upstream_attempts, upstream_addr_id, upstream_status, upstream_raw, vhost_id, referer_id,
      user_agent_id, extra)
    VALUES (NEW.id, NEW.source_id, ${stringId('NEW.host')}, NEW.ts, NEW.start_ts, NEW.end_ts, ${stringId('NEW.client')},
      ${stringId('NEW.method')}, NEW.url, ${stored('NEW.path', pathOf('NEW.url'))}, ${stored('NEW.query', queryOf('NEW.url'))},
      ${stringId('NEW.route')}, ${stringId('NEW.protocol')}, NEW.status, NEW.bytes, NEW.request_length, NEW.duration_ms,
      NEW.upstream_ms, NEW.upstream_connect_ms, NEW.upstream_header_ms, NEW.upstream_attempts,
      ${stringId('NEW.upstream_addr')}, NEW.upstream_status, NEW.upstream_raw, ${stringId('NEW.vhost')},
      ${stringId('NEW.referer')}, ${stringId('NEW.user_agent')}, NEW.extra);
  END;
  CREATE TRIGGER requests_delete INSTEAD OF DELETE ON requests BEGIN
    DELETE FROM request_rows WHERE id = OLD.id;
  END;
`;

export const EVENT_COLUMNS = [
  'source_id', 'host', 'ts', 'component', 'kind', 'severity', 'backend', 'pid', 'client', 'request', 'route',
  'value', 'limit_value', 'message', 'line_no',
] as const;

export const SAMPLE_COLUMNS = ['source_id', 'host', 'ts', 'snapshot', 'subject', 'metric', 'value', 'kind', 'line_no'] as const;

export const TRACE_COLUMNS = [
  'source_id', 'host', 'ts', 'pool', 'pid', 'script', 'fingerprint', 'top_frame', 'app_frame', 'depth',
  'request', 'route', 'truncated', 'line_no',
] as const;

/**
 * Settings from server configs (src/ingest/config-input.ts). effective_settings: for each
 * host/server/scope/name the last active row (the newest source first), else the documented
 * default: host-wide defaults (scope '') where no scope sets the name, scoped ones ('pool:%',
 * 'backend:%', 'fastcgi:%') in each such scope that does not. Kernel defaults show for every host
 * with any settings, php.ini's for hosts with PHP-FPM or php settings.
 */
const SETTINGS_SQL = `
  CREATE TABLE settings (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    host TEXT,
    server TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    value TEXT,
    file TEXT NOT NULL,
    line INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    note TEXT
  );
  CREATE INDEX settings_name ON settings(name, host);
  CREATE INDEX settings_source ON settings(source_id);
  CREATE TABLE setting_defaults (server TEXT NOT NULL, name TEXT NOT NULL, value TEXT, applies TEXT, doc TEXT, scope TEXT NOT NULL DEFAULT '');
  CREATE VIEW effective_settings AS
  WITH ranked AS (
    SELECT s.*, row_number() OVER (PARTITION BY s.host, s.server, s.scope, s.name ORDER BY s.source_id DESC, s.id DESC) AS rn
    FROM settings s WHERE s.active = 1
  ),
  servers AS (
    SELECT DISTINCT host, server FROM settings
    UNION SELECT DISTINCT host, 'kernel' FROM settings
    UNION SELECT DISTINCT host, 'php' FROM settings WHERE server IN ('php-fpm', 'php')
  ),
  scopes AS (SELECT DISTINCT host, server, scope FROM settings)
  SELECT host, server, scope, name, value, file, line, 0 AS is_default, source_id, note, NULL AS applies, NULL AS doc
  FROM ranked WHERE rn = 1
  UNION ALL
  SELECT v.host, d.server, '' AS scope, d.name, d.value, NULL, NULL, 1, NULL, NULL, d.applies, d.doc
  FROM setting_defaults d JOIN servers v ON v.server = d.server
  WHERE d.scope = '' AND NOT EXISTS (
    SELECT 1 FROM settings s WHERE s.active = 1 AND s.host IS v.host AND s.server = d.server AND s.name = d.name)
  UNION ALL
  SELECT c.host, d.server, c.scope, d.name, d.value, NULL, NULL, 1, NULL, NULL, d.applies, d.doc
  FROM setting_defaults d JOIN scopes c ON c.server = d.server AND d.scope <> '' AND c.scope LIKE d.scope AND c.scope NOT LIKE '%/probe'
  WHERE NOT EXISTS (
    SELECT 1 FROM settings s WHERE s.active = 1 AND s.host IS c.host AND s.server = d.server AND s.scope = c.scope AND s.name = d.name);
`;

/**
 * Snapshots as time series (migration 11): every figure read from a capture at a time -- the
 * kernel's counters (nstat), TCP state counts and listen queues (ss, netstat), status pages
 * (PHP-FPM, Apache, nginx, lighttpd, varnishstat), ps, meminfo, nproc -- in ONE table, since all
 * are "a figure at a time from a capture". kind: 'counter' (cumulative since some start: read
 * as increases) or 'gauge' (the value now). counter_increases: per host, subject and counter, the
 * increase from one snapshot to the next, across files (several captures of one host make one
 * series); a value lower than the one before (a reboot, nstat without -a, a restarted pool) is a
 * reset: no increase, never a negative one. `TEMP ` makes them for a read-only connection to a
 * database made before migration 11 (src/store/db.ts): the reports then read it as one without
 * snapshots instead of failing on a missing table.
 */
export function samplesSchema(temp: '' | 'TEMP '): string {
  return `-- samples
  CREATE ${temp}TABLE samples (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    host TEXT,
    ts INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    metric TEXT NOT NULL,
    value REAL NOT NULL,
    kind TEXT NOT NULL,
    line_no INTEGER
  );
  CREATE INDEX ${temp ? 'temp.' : ''}samples_series ON samples(metric, host, ts);
  CREATE INDEX ${temp ? 'temp.' : ''}samples_ts ON samples(ts);
  CREATE ${temp}VIEW counter_increases AS
  SELECT host, snapshot, subject, counter, prev_ts AS from_ts, ts AS to_ts, value,
    CASE WHEN prev IS NOT NULL AND value >= prev THEN value - prev END AS increase,
    CASE WHEN prev IS NOT NULL AND value >= prev AND ts > prev_ts THEN round((value - prev) * 1000.0 / (ts - prev_ts), 3) END AS per_s,
    CASE WHEN prev IS NOT NULL AND value < prev THEN 1 ELSE 0 END AS reset
  FROM (
    SELECT host, snapshot, subject, metric AS counter, ts, value,
      lag(value) OVER w AS prev, lag(ts) OVER w AS prev_ts
    FROM samples
    WHERE kind = 'counter'
    WINDOW w AS (PARTITION BY coalesce(host, ''), subject, metric ORDER BY ts, id)
  );
  `;
}

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
  // current by src/query/rollups.ts after each ingest. A request counts in the second it started
  // (coalesce(start_ts, ts)). *_hist columns are log-bucketed histograms (src/query/histogram.ts:
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
  // of rows. Built by the same pass as v1 (src/query/rollups.ts); a database whose rollups
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
  //     A bucket of more distinct clients than rollup-fine.ts counts exactly (CLIENTS_COUNTED)
  //     holds bounded estimates: each kept entry has a 4th element, by how much it may be low,
  //     and rest_top is an upper bound (docs/reports.md, "Counting is bounded too").
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
  // 5: narrow requests -- the table becomes request_rows (repetitive strings as ids into
  // strings, path/query only where the url does not say them) and requests a view with the same
  // columns as before, so every query written against it still works. Existing rows are converted.
  `-- narrow requests
  CREATE TABLE strings (id INTEGER PRIMARY KEY, text TEXT NOT NULL);
  -- the next id an ingest may reserve a block from (src/store/writer.ts reserveStringIds)
  CREATE TABLE string_ids (next INTEGER NOT NULL);
  CREATE TABLE request_rows (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    host_id INTEGER,
    ts INTEGER NOT NULL,
    start_ts INTEGER,
    end_ts INTEGER,
    client_id INTEGER,
    method_id INTEGER,
    url TEXT,
    path TEXT,                -- NULL: as in url; char(0): no path
    query TEXT,               -- NULL: as in url; char(0): no query
    route_id INTEGER,
    protocol_id INTEGER,
    status INTEGER,
    bytes INTEGER,
    request_length INTEGER,
    duration_ms REAL,
    upstream_ms REAL,
    upstream_connect_ms REAL,
    upstream_header_ms REAL,
    upstream_attempts INTEGER,
    upstream_addr_id INTEGER,
    upstream_status INTEGER,
    upstream_raw TEXT,
    vhost_id INTEGER,
    referer_id INTEGER,
    user_agent_id INTEGER,
    extra TEXT
  );
  INSERT INTO strings (text) SELECT v FROM (
    ${DICTIONARY_COLUMNS.map((c) => `SELECT ${c} AS v FROM requests`).join(' UNION ')}
  ) WHERE v IS NOT NULL;
  CREATE INDEX strings_text ON strings(text);
  INSERT INTO request_rows SELECT r.id, r.source_id, ${stringId('r.host')}, r.ts, r.start_ts, r.end_ts, ${stringId('r.client')},
    ${stringId('r.method')}, r.url, ${stored('r.path', pathOf('r.url'))}, ${stored('r.query', queryOf('r.url'))},
    ${stringId('r.route')}, ${stringId('r.protocol')}, r.status, r.bytes, r.request_length, r.duration_ms, r.upstream_ms,
    r.upstream_connect_ms, r.upstream_header_ms, r.upstream_attempts, ${stringId('r.upstream_addr')}, r.upstream_status,
    r.upstream_raw, ${stringId('r.vhost')}, ${stringId('r.referer')}, ${stringId('r.user_agent')}, r.extra
  FROM requests r ORDER BY r.id;
  DROP TABLE requests;
  INSERT INTO string_ids (next) SELECT coalesce(max(id), 0) + 1 FROM strings;
  ${REQUESTS_VIEW}
  `,
  // 6: rollups v3 -- a minute's largest responses (LARGEST_KEPT per tier and host, by bytes then
  // id; counted at the start as stored, like rollup_minute). The oversized report finds the
  // largest responses of whole minutes here, where it needed an index on bytes: built after every
  // ingest, that index took a third of the time after the load (20 s of the index builds at 10M)
  // and was maintained row by random row by every later ingest.
  `-- rollups v3
  CREATE TABLE rollup_largest (
    tier TEXT NOT NULL, t INTEGER NOT NULL, host TEXT NOT NULL, id INTEGER NOT NULL, bytes INTEGER NOT NULL,
    PRIMARY KEY (tier, t, host, id)
  ) WITHOUT ROWID;
  `,
  // 7: the bytes index gives way to rollup_largest (6)
  `DROP INDEX IF EXISTS request_rows_bytes;`,
  // 8: lines a source's format read as a variant of its family (a common line in a combined
  // log, an X-Forwarded-For list as client ...), as JSON {variant: lines}; NULL when none
  `ALTER TABLE sources ADD COLUMN variants TEXT;`,
  // 9: rows decoded from damaged compressed data (a gzip member whose CRC fails, an .xz/.bz2/.zst
  // the decompressor calls corrupt) may be fabricated. They are kept, and marked: this source's
  // events, slow_traces and rejects with line_no >= suspect_from_line, and its requests with
  // id >= suspect_from_id. NULL: nothing suspect.
  `ALTER TABLE sources ADD COLUMN suspect_from_line INTEGER;
  ALTER TABLE sources ADD COLUMN suspect_from_id INTEGER;`,
  // 10: server configs -- settings as the files state them, the documented
  // defaults, and effective_settings (the active setting, else the default) for the diagnosis
  `-- settings
  ${SETTINGS_SQL}
  ${settingDefaultsInsertSql()}
  `,
  // 11: snapshots -- every figure a capture gives at a time (samplesSchema above): the kernel's
  // counters (nstat -az, /proc/net/netstat, netstat -s; parsers/kernel-counters.ts) under nstat's
  // name (TcpExtListenOverflows), ss/netstat state counts and listen queues, status pages, ps,
  // meminfo, nproc. (This migration first made a kernel-only counter_samples table; it was
  // generalised in place before any release.) A few thousand rows per capture: indexed at creation.
  samplesSchema(''),
  // 12: sparse minutes -- a (tier, host, minute) of fewer requests than src/query/sparse.ts
  // SPARSE_BELOW has no rows in rollup_route_10s, rollup_upstream_10s and rollup_largest (there
  // they outnumbered the requests on a sparse log); rollup_sparse lists those minutes, and the
  // relations read their requests instead. Keyed (tier, t, host): a range is one index range with
  // or without a host. A database built before lists none: every minute has its rows, and reads
  // as before.
  `-- rollups: sparse minutes
  CREATE TABLE rollup_sparse (
    tier TEXT NOT NULL, t INTEGER NOT NULL, host TEXT NOT NULL,
    PRIMARY KEY (tier, t, host)
  ) WITHOUT ROWID;
  `,
  // 13: the minutes of rollup_second and rollup_inflight (src/query/rollup-span.ts), so traffic()
  // and inflight() read a week or a 13-hour spike in minutes where their buckets hold whole
  // minutes: 60 times fewer rows, each with its histograms or occupancy already merged. Keyed as
  // the tables they sum. rollup_traffic_minute.dur_sum NULL: some second's dur_sum had a fraction,
  // so a sum of the minutes could differ in its last bit from the sum of the seconds (the
  // relations read the seconds of a range that holds such a minute). rollup_inflight_minute: the
  // series of all requests (upstream '') only. Written by the same pass as the seconds; rollups
  // built before have none (ROLLUPS_VERSION 4: they are built again).
  `-- rollups: minutes of the seconds
  CREATE TABLE rollup_traffic_minute (
    tier TEXT NOT NULL, host TEXT NOT NULL, t INTEGER NOT NULL,
    requests INTEGER NOT NULL, done INTEGER NOT NULL, s4xx INTEGER NOT NULL, s5xx INTEGER NOT NULL, bytes INTEGER NOT NULL,
    dur_n INTEGER NOT NULL, dur_sum REAL, dur_max REAL, dur_hist TEXT, up_hist TEXT, done_hist TEXT,
    PRIMARY KEY (tier, host, t)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_inflight_minute (
    tier TEXT NOT NULL, host TEXT NOT NULL, upstream TEXT NOT NULL, t INTEGER NOT NULL,
    peak INTEGER NOT NULL, occ TEXT NOT NULL,
    PRIMARY KEY (tier, host, upstream, t)
  ) WITHOUT ROWID;
  `,
  // 14: the minutes of rollup_status (src/query/rollup-span.ts), so statuses() reads a week in
  // minutes where its buckets hold whole minutes (the status report on a 1M-line week read 540k
  // second rows for 168 hourly buckets). Counts only: a minute is exactly the sum of its seconds.
  // Written by the same pass as the seconds; rollups built before have none (ROLLUPS_VERSION 5:
  // they are built again).
  `-- rollups: minutes of the statuses
  CREATE TABLE rollup_status_minute (
    tier TEXT NOT NULL, host TEXT NOT NULL, t INTEGER NOT NULL, status INTEGER NOT NULL, requests INTEGER NOT NULL,
    PRIMARY KEY (tier, host, t, status)
  ) WITHOUT ROWID;
  `,
];

/** `strings` by text (made by migration 5); an ingest may drop it while it loads (db.ts deferStringsIndex). */
export const STRINGS_TEXT_INDEX = 'CREATE INDEX IF NOT EXISTS strings_text ON strings(text)';

/**
 * Indexes that serve the reports. Created after an ingest finishes (IF NOT EXISTS), not during
 * it: maintaining them row by row would halve the insert rate, and one sorted build is cheaper.
 */
export const INDEXES: string[] = [
  // (also the requests view's lookups by text: built again after an ingest that dropped it)
  STRINGS_TEXT_INDEX,
  'CREATE INDEX IF NOT EXISTS request_rows_route ON request_rows(route_id, ts)',
  'CREATE INDEX IF NOT EXISTS rejects_source ON rejects(source_id, line_no)',
  'CREATE INDEX IF NOT EXISTS events_ts ON events(ts)',
  'CREATE INDEX IF NOT EXISTS events_kind_ts ON events(kind, ts)',
  'CREATE INDEX IF NOT EXISTS slow_traces_ts ON slow_traces(ts)',
  'CREATE INDEX IF NOT EXISTS slow_traces_fp ON slow_traces(fingerprint)',
  'CREATE INDEX IF NOT EXISTS slow_frames_trace ON slow_frames(trace_id, depth)',
  // reports: the time a request counts at (its start); the largest responses are in rollup_largest
  'CREATE INDEX IF NOT EXISTS request_rows_start ON request_rows(coalesce(start_ts, ts))',
];
