-- name: spikes
-- title: Spikes
-- description: Windows where traffic, the 5xx count or latency left its baseline, or overload
--   events clustered; one row per window with its peak, its baseline and the reasons.
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: bucket (bucket, default: auto) bucket width: 1s, 10s, 1m, 5m, 15m, 1h, or auto (60-120 buckets)
-- param: tier (tier, default: auto) edge = the web server's access log, backend = PHP-FPM's
-- param: k (number, default: 4) how many robust sigmas (1.4826 x MAD) a bucket must leave its baseline by
-- param: gap (int, default: 2) flagged buckets at most this many quiet buckets apart are one window
-- ranking: windows in time order; `severity` (how far the worst signal left its baseline) ranks them:
--   `rank` 1 is the most severe (ties: more 5xx, then earlier)
-- time: requests count in the bucket they started in (end stamp - duration), so a window starts
--   when the slow or failing requests arrived, not when the log wrote them; events at their stamp.
--   Baseline per signal: rolling median and MAD of the last 30 quiet (unflagged) buckets, seeded
--   from the quieter half of the range (src/correlate/detect.ts, docs/reports.md "Spikes"). Over
--   4 days or more in buckets of an hour or less, the baseline is the same time of day on the
--   other days instead (a nightly job is its hour's baseline). A window found in coarse buckets
--   is refined: this series is read again around it at the finest step its data fill
--   (`resolution`), as the TUI's zoom would; baseline and severity stay the coarse ones.
--   A window is the incident: the time the load exceeded what the servers could serve. What
--   follows once the load stopped is its aftermath (aftermath_end): errors and events after the
--   load, the drain (buckets where more requests end than start and in flight falls by more than
--   its square root, arrivals not above baseline: the backlog emptying, its arrivals slow only
--   because they queue behind it) and
--   the recovery (slowness alone within the load's length after it, milder than the window). The
--   series therefore carries completions (done) and the peak in flight beside the arrivals.
-- module: spikes
-- columns: window id, start_ts time ms, end_ts time ms, start time iso, end time iso,
--   duration_s duration s, peak_rps rate req/s, baseline_rps rate req/s, requests count,
--   errors count, error_rate ratio, p95_ms duration ms, baseline_p95_ms duration ms,
--   peak_inflight count, events count, event_kinds json, reasons text, aftermath_end_ts time ms,
--   aftermath_end time iso, severity number, rank count, resolution text
-- section: series
WITH RECURSIVE
  b(t) AS (SELECT :from UNION ALL SELECT t + :bucket_ms FROM b WHERE t + :bucket_ms < :to),
  r AS (
    SELECT :from + ((t - :from) / :bucket_ms) * :bucket_ms AS bt, sum(requests) AS n, sum(done) AS d, sum(s5xx) AS e, hist(dur_hist) AS dh, hist(done_hist) AS doh
    FROM rollup_second
    WHERE tier = :tier AND t >= :from AND t < :to AND (:host IS NULL OR host = :host)
    GROUP BY bt),
  f AS (
    SELECT :from + ((t - :from) / :bucket_ms) * :bucket_ms AS bt, max(peak) AS peak
    FROM rollup_inflight
    WHERE tier = :tier AND upstream = '' AND t >= :from AND t < :to AND (:host IS NULL OR host = :host)
    GROUP BY bt),
  ev AS (
    SELECT bt, sum(n) AS n, json_group_object(kind, n) AS kinds FROM (
      SELECT :from + ((t - :from) / :bucket_ms) * :bucket_ms AS bt, kind, sum(events) AS n
      FROM rollup_events
      WHERE t >= :from AND t < :to AND (:host IS NULL OR host = :host) AND kind NOT IN ('lifecycle', 'other')
      GROUP BY bt, kind ORDER BY bt, kind)
    GROUP BY bt)
SELECT b.t AS bucket_ts, coalesce(r.n, 0) AS requests, coalesce(r.d, 0) AS done, coalesce(r.e, 0) AS errors, r.dh AS dur_hist, r.doh AS done_hist,
  coalesce(f.peak, 0) AS inflight_peak, coalesce(ev.n, 0) AS events, coalesce(ev.kinds, '{}') AS kinds
FROM b
LEFT JOIN r ON r.bt = b.t
LEFT JOIN f ON f.bt = b.t
LEFT JOIN ev ON ev.bt = b.t
ORDER BY b.t
