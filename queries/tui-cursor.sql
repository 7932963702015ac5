-- name: tui-cursor
-- title: TUI cursor bucket
-- description: p50/p95/p99 of the request durations in one bucket: the one under the TUI's
--   cursor (the timeline strip itself carries only counts: merging a histogram per second costs
--   ~10 µs each, 1 s for a day of seconds).
-- param: from (time, default: start of data) start of the bucket, inclusive
-- param: to (time, default: end of data) end of the bucket, exclusive
-- param: host (text) only this host
-- param: tier (tier, default: auto) edge = the web server's access log, backend = PHP-FPM's
-- ranking: none: one row
-- time: a request counts in the second it started in; percentiles from per-second histograms (within 2.2 %)
-- listed: no
-- columns: p50_ms duration ms, p95_ms duration ms, p99_ms duration ms
SELECT hist_pct(h, 50) AS p50_ms, hist_pct(h, 95) AS p95_ms, hist_pct(h, 99) AS p99_ms
FROM (SELECT hist(dur_hist) AS h FROM rollup_second
  WHERE tier = :tier AND host IN (SELECT value FROM json_each(:hosts)) AND t >= :from AND t < :to)
