-- name: tui-timeline
-- title: TUI timeline strip
-- description: The TUI's timeline bars, per bucket: requests, 4xx and 5xx, the peak in flight,
--   the events by kind and the rise of the kernel's overload counters (each marks its bucket as
--   overload events do). Counts only: the bucket under the cursor gets its percentiles from
--   tui-cursor. Buckets without any row are left out (the TUI draws them empty).
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: bucket (bucket, default: auto) bucket width: 1s, 10s, 1m, 5m, 15m, 1h, or auto (60-120 buckets)
-- param: tier (tier, default: auto) edge = the web server's access log, backend = PHP-FPM's
-- ranking: none: per section, buckets in time order
-- time: a request counts in the bucket it started in, an event at its stamp, a counter's
--   increase at the snapshot that saw it. From the per-second rollups.
-- listed: no
-- columns: section text, bucket_ts time ms, requests count, s4xx count, s5xx count, peak count,
--   kind text, events count
-- section: requests
SELECT :from + ((t - :from) / :bucket_ms) * :bucket_ms AS bucket_ts, sum(requests) AS requests, sum(s4xx) AS s4xx, sum(s5xx) AS s5xx
FROM rollup_second
WHERE tier = :tier AND host IN (SELECT value FROM json_each(:hosts)) AND t >= :from AND t < :to
GROUP BY bucket_ts
-- section: inflight
SELECT :from + ((t - :from) / :bucket_ms) * :bucket_ms AS bucket_ts, max(peak) AS peak
FROM rollup_inflight
WHERE tier = :tier AND host IN (SELECT value FROM json_each(:hosts)) AND t >= :from AND t < :to AND upstream = ''
GROUP BY bucket_ts
-- section: events
SELECT :from + ((t - :from) / :bucket_ms) * :bucket_ms AS bucket_ts, kind, sum(events) AS events
FROM rollup_events
WHERE host IN (SELECT value FROM json_each(:hosts)) AND t >= :from AND t < :to
GROUP BY bucket_ts, kind
-- section: counters
-- the counters that prove a queue or memory gave out: the TUI's overload marker names them
-- (src/tui/markers.ts). TcpExtTCPTimeouts stays out: retransmission timeouts also rise on a
-- healthy box.
SELECT :from + ((to_ts - :from) / :bucket_ms) * :bucket_ms AS bucket_ts, counter AS kind, total(increase) AS events
FROM counter_increases
WHERE to_ts >= :from AND to_ts < :to AND coalesce(host, '') IN (SELECT value FROM json_each(:hosts))
  AND counter IN ('TcpExtListenOverflows', 'TcpExtListenDrops', 'TcpExtTCPBacklogDrop', 'TcpExtTCPReqQFullDrop',
    'TcpExtTCPReqQFullDoCookies', 'TcpExtSyncookiesSent', 'TcpExtTCPAbortOnMemory')
GROUP BY bucket_ts, counter HAVING events > 0
