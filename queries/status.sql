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
SELECT
  bucket_ts,
  iso(bucket_ts) AS bucket,
  status,
  requests,
  round(requests * 1000.0 / :bucket_ms, 3) AS rps,
  round(100.0 * requests / sum(requests) OVER (PARTITION BY bucket_ts), 1) AS share_pct
FROM statuses(:from, :to, :bucket_ms, :tier, :host)
ORDER BY bucket_ts, status
