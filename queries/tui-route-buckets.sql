-- name: tui-route-buckets
-- title: TUI drill: one route's timeline
-- description: One route's requests, 4xx and 5xx per bucket. Buckets of a minute or more come from
--   the per-minute rollup (a minute straddling a bucket edge counts in the bucket it starts in);
--   finer ones from the route's own rows, found by the (route, ts) index: the end stamp is at most
--   the longest request after the start. Only one of the two sections runs (by the bucket).
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: bucket (bucket, default: auto) bucket width: 1s, 10s, 1m, 5m, 15m, 1h, or auto (60-120 buckets)
-- param: tier (tier, default: auto) edge = the web server's access log, backend = PHP-FPM's
-- param: route (text) the route
-- ranking: none: buckets in time order, empty ones left out
-- time: a request counts in the bucket it started in
-- listed: no
-- columns: section text, bucket_ts time ms, requests count, s4xx count, s5xx count
-- section: minutes
SELECT :from + ((t - :from) / :bucket_ms) * :bucket_ms AS bucket_ts, sum(requests) AS requests, sum(s4xx) AS s4xx, sum(s5xx) AS s5xx
FROM rollup_minute
WHERE :bucket_ms >= 60000 AND tier = :tier AND host IN (SELECT value FROM json_each(:hosts)) AND t >= :from AND t < :to
  AND route = :route
GROUP BY bucket_ts
ORDER BY bucket_ts
-- section: rows
SELECT :from + ((coalesce(r.start_ts, r.ts) - :from) / :bucket_ms) * :bucket_ms AS bucket_ts, count(*) AS requests,
  sum(r.status BETWEEN 400 AND 499) AS s4xx, sum(r.status >= 500) AS s5xx
FROM requests r
WHERE :bucket_ms < 60000 AND r.route = :route
  AND r.ts >= :from AND r.ts < :to + coalesce((SELECT value FROM rollup_state WHERE name = 'max_duration_ms'), 3600000)
  AND coalesce(r.start_ts, r.ts) >= :from AND coalesce(r.start_ts, r.ts) < :to
  AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = :tier) AND (:host IS NULL OR coalesce(r.host, '') = :host)
GROUP BY bucket_ts
ORDER BY bucket_ts
