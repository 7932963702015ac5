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
-- (one GROUP BY over the four sources, not buckets() LEFT JOINed to three grouped relations:
-- each join materialized its relation and indexed it, copying every second's histogram text
-- twice more; a day refined to the second is 50,000 texts)
WITH
  ev AS (
    SELECT bucket_ts, sum(n) AS n, json_group_object(kind, n) AS kinds FROM (
      SELECT bucket_ts, kind, sum(events) AS n FROM event_counts(:from, :to, :bucket_ms, :host)
      WHERE kind NOT IN ('lifecycle', 'other')
      GROUP BY bucket_ts, kind ORDER BY bucket_ts, kind)
    GROUP BY bucket_ts)
SELECT bucket_ts, sum(requests) AS requests, sum(done) AS done, sum(errors) AS errors, max(dur_hist) AS dur_hist,
  max(inflight_peak) AS inflight_peak, sum(events) AS events, coalesce(max(kinds), '{}') AS kinds
FROM (
  SELECT bucket_ts, 0 AS requests, 0 AS done, 0 AS errors, NULL AS dur_hist, 0 AS inflight_peak, 0 AS events, NULL AS kinds
  FROM buckets(:from, :to, :bucket_ms)
  UNION ALL
  SELECT bucket_ts, requests, coalesce(done, 0), coalesce(s5xx, 0), dur_hist, 0, 0, NULL FROM traffic(:from, :to, :bucket_ms, :tier, :host)
  UNION ALL
  SELECT bucket_ts, 0, 0, 0, NULL, peak, 0, NULL FROM inflight(:from, :to, :bucket_ms, :tier, :host, 0)
  UNION ALL
  SELECT bucket_ts, 0, 0, 0, NULL, 0, n, kinds FROM ev)
GROUP BY bucket_ts
ORDER BY bucket_ts
-- section: done
-- the durations of the requests that ENDED in one bucket [from, to): the module reads it only for
-- the buckets the detector asks about (the one after a window's load), not for every bucket of
-- the series (at 1 s, half of the text the series read)
SELECT hist(done_hist) AS done_hist FROM traffic(:from, :to, :to - :from, :tier, :host)
