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
WITH RECURSIVE
  b(t) AS (SELECT :from UNION ALL SELECT t + :bucket_ms FROM b WHERE t + :bucket_ms < :to),
  f AS (
    SELECT :from + ((t - :from) / :bucket_ms) * :bucket_ms AS bt, upstream, max(peak) AS peak, occ(occ) AS o
    FROM rollup_inflight
    WHERE tier = :tier AND t >= :from AND t < :to AND (:host IS NULL OR host = :host)
      AND ((:by = 'all' AND upstream = '') OR (:by = 'upstream' AND upstream <> ''))
    GROUP BY bt, upstream),
  r AS (
    SELECT :from + ((t - :from) / :bucket_ms) * :bucket_ms AS bt, sum(requests) AS n, total(dur_sum) AS dsum, sum(dur_n) AS dn
    FROM rollup_second
    WHERE tier = :tier AND t >= :from AND t < :to AND (:host IS NULL OR host = :host)
    GROUP BY bt),
  keys AS (SELECT DISTINCT upstream FROM f UNION SELECT '' WHERE :by = 'all')
SELECT
  b.t AS bucket_ts,
  iso(b.t) AS bucket,
  nullif(keys.upstream, '') AS upstream,
  coalesce(f.peak, 0) AS peak,
  coalesce(occ_pct(f.o, 99, min(:bucket_ms, :to - b.t)), 0) AS p99,
  round(coalesce(occ_mean(f.o, min(:bucket_ms, :to - b.t)), 0), 2) AS mean,
  CASE WHEN :by = 'all' THEN round(coalesce(r.n, 0) * 1000.0 / :bucket_ms, 3) END AS arrival_rps,
  CASE WHEN :by = 'all' THEN round(r.dsum / nullif(r.dn, 0), 1) END AS mean_duration_ms,
  CASE WHEN :by = 'all' THEN round(coalesce(r.n, 0) * 1000.0 / :bucket_ms * coalesce(r.dsum / nullif(r.dn, 0), 0) / 1000.0, 2) END AS littles_law,
  CASE WHEN :limit IS NOT NULL THEN round(coalesce(occ_above(f.o, :limit), 0) / 1000.0, 3) END AS over_limit_s
FROM b
CROSS JOIN keys
LEFT JOIN f ON f.bt = b.t AND f.upstream = keys.upstream
LEFT JOIN r ON r.bt = b.t
ORDER BY b.t, keys.upstream
