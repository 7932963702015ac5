-- name: tui-minutes
-- title: TUI minute series
-- description: The whole data per minute, read once by the TUI: every window whose buckets are
--   whole minutes on the minute grid is then summed from it in memory, so zooms and bucket steps
--   at those sizes cost no query. Requests, 4xx, 5xx and the peak in flight from
--   rollup_minute_totals (a day of seconds: 60-150 ms, its minutes ~1 ms); events by kind and
--   the kernel's overload counters as in tui-timeline.
-- param: from (time, default: start of data) start of the range, inclusive (a whole minute)
-- param: to (time, default: end of data) end of the range, exclusive (a whole minute)
-- param: host (text) only this host
-- param: tier (tier, default: auto) edge = the web server's access log, backend = PHP-FPM's
-- ranking: none: per section, minutes in time order
-- time: as tui-timeline, in one-minute buckets from :from
-- listed: no
-- columns: section text, bucket_ts time ms, requests count, s4xx count, s5xx count, peak count,
--   kind text, events count
-- section: requests
SELECT :from + ((t - :from) / 60000) * 60000 AS bucket_ts, sum(requests) AS requests, sum(s4xx) AS s4xx, sum(s5xx) AS s5xx,
  max(inflight_peak) AS peak
FROM rollup_minute_totals
WHERE tier = :tier AND host IN (SELECT value FROM json_each(:hosts)) AND t >= :from AND t < :to
GROUP BY bucket_ts
-- section: events
SELECT :from + ((t - :from) / 60000) * 60000 AS bucket_ts, kind, sum(events) AS events
FROM rollup_events
WHERE host IN (SELECT value FROM json_each(:hosts)) AND t >= :from AND t < :to
GROUP BY bucket_ts, kind
-- section: counters
SELECT :from + ((to_ts - :from) / 60000) * 60000 AS bucket_ts, counter AS kind, total(increase) AS events
FROM counter_increases
WHERE to_ts >= :from AND to_ts < :to AND coalesce(host, '') IN (SELECT value FROM json_each(:hosts))
  AND counter IN ('TcpExtListenOverflows', 'TcpExtListenDrops', 'TcpExtTCPBacklogDrop', 'TcpExtTCPReqQFullDrop',
    'TcpExtTCPReqQFullDoCookies', 'TcpExtSyncookiesSent', 'TcpExtTCPAbortOnMemory')
GROUP BY bucket_ts, counter HAVING events > 0
