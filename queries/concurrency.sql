-- name: concurrency
-- title: Requests in flight
-- description: Requests in flight per time bucket, reconstructed from every request's start and end
--   with a sweep (not an estimate): peak, p99 and mean over the bucket's time, beside Little's law
--   (arrival rate x mean duration). With --param limit=N: how long more than N were in flight.
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: bucket (bucket, default: auto) bucket width: 1s, 10s, 1m, 5m, 15m, 1h, or auto (60-120 buckets)
-- param: tier (tier, default: auto) edge = the web server's access log, backend = PHP-FPM's
-- param: by (enum all|upstream, default: all) one series, or one per upstream server (attempt by attempt)
-- param: limit (int) a capacity (workers, pm.max_children): report the seconds above it per bucket
-- ranking: none: buckets in time order (by upstream: then upstream)
-- time: in-flight is measured over each bucket's time; arrivals count where they started. Whole-second
--   end stamps are spread over their second in log order before the sweep (docs/reports.md).
-- columns: bucket_ts time ms, bucket time iso, upstream text, peak count, p99 number, mean number,
--   arrival_rps rate req/s, mean_duration_ms duration ms, littles_law number,
--   over_limit_s duration s
WITH
  f AS MATERIALIZED (SELECT bucket_ts, upstream, peak, occ FROM inflight(:from, :to, :bucket_ms, :tier, :host, :by = 'upstream')),
  keys AS (SELECT DISTINCT upstream FROM f UNION SELECT '' WHERE :by = 'all')
SELECT
  b.bucket_ts,
  iso(b.bucket_ts) AS bucket,
  nullif(keys.upstream, '') AS upstream,
  coalesce(f.peak, 0) AS peak,
  coalesce(occ_pct(f.occ, 99, b.span_ms), 0) AS p99,
  round(coalesce(occ_mean(f.occ, b.span_ms), 0), 2) AS mean,
  CASE WHEN :by = 'all' THEN round(coalesce(r.requests, 0) * 1000.0 / :bucket_ms, 3) END AS arrival_rps,
  CASE WHEN :by = 'all' THEN round(r.dur_sum / nullif(r.dur_n, 0), 1) END AS mean_duration_ms,
  CASE WHEN :by = 'all' THEN round(coalesce(r.requests, 0) * 1000.0 / :bucket_ms * coalesce(r.dur_sum / nullif(r.dur_n, 0), 0) / 1000.0, 2) END AS littles_law,
  CASE WHEN :limit IS NOT NULL THEN round(coalesce(occ_above(f.occ, :limit), 0) / 1000.0, 3) END AS over_limit_s
FROM buckets(:from, :to, :bucket_ms) b
CROSS JOIN keys
LEFT JOIN f ON f.bucket_ts = b.bucket_ts AND f.upstream = keys.upstream
LEFT JOIN traffic(:from, :to, :bucket_ms, :tier, :host) r ON r.bucket_ts = b.bucket_ts
ORDER BY b.bucket_ts, keys.upstream
