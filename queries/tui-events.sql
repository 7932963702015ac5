-- name: tui-events
-- title: TUI events panel
-- description: What the error logs said in the window, by kind: the components that said it, how
--   many times, first and last; and the kernel's overload counters that rose, their increase
--   counted as the row's events. The TUI puts the kinds its timeline marks first.
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- ranking: events, most first, per section
-- time: an event counts at its stamp (per-second rollups), a counter's increase at the snapshot that saw it
-- listed: no
-- columns: section text, kind text, component text, events count, first time ms, last time ms
-- section: kinds
SELECT kind, group_concat(DISTINCT component) AS component, sum(events) AS events, min(first_ts) AS first, max(last_ts) AS last
FROM rollup_events
WHERE host IN (SELECT value FROM json_each(:hosts)) AND t >= :from AND t < :to
GROUP BY kind
ORDER BY events DESC
-- section: counters
SELECT counter AS kind, 'kernel counter' AS component, total(increase) AS events, min(to_ts) AS first, max(to_ts) AS last
FROM counter_increases
WHERE to_ts >= :from AND to_ts < :to AND increase > 0 AND coalesce(host, '') IN (SELECT value FROM json_each(:hosts))
  AND counter IN ('TcpExtListenOverflows', 'TcpExtListenDrops', 'TcpExtTCPBacklogDrop', 'TcpExtTCPReqQFullDrop',
    'TcpExtTCPReqQFullDoCookies', 'TcpExtSyncookiesSent', 'TcpExtTCPAbortOnMemory')
GROUP BY counter
ORDER BY events DESC
