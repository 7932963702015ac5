-- name: status
-- title: Status codes over time
-- description: Requests per time bucket and status code, with each code's share of its bucket.
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: bucket (bucket, default: auto) bucket width: 1s, 10s, 1m, 5m, 15m, 1h, or auto (60-120 buckets)
-- param: tier (tier, default: auto) edge = the web server's access log, backend = PHP-FPM's
-- ranking: none: buckets in time order, codes ascending; only codes that occurred (status 0 = none logged)
-- time: a request counts in the bucket it started in (end stamp - duration)
-- columns: bucket_ts time ms, bucket time iso, status id, requests count, rps rate req/s,
--   share_pct percent
WITH s AS (
  SELECT :from + ((t - :from) / :bucket_ms) * :bucket_ms AS bt, status, sum(requests) AS n
  FROM rollup_status
  WHERE tier = :tier AND t >= :from AND t < :to AND (:host IS NULL OR host = :host)
  GROUP BY bt, status)
SELECT
  bt AS bucket_ts,
  iso(bt) AS bucket,
  status,
  n AS requests,
  round(n * 1000.0 / :bucket_ms, 3) AS rps,
  round(100.0 * n / sum(n) OVER (PARTITION BY bt), 1) AS share_pct
FROM s
ORDER BY bt, status
