-- name: tui-route-top
-- title: TUI drill: one route's slowest (or largest) requests
-- description: The :limit requests of one route that took longest (order=duration) or sent the
--   most (order=bytes). A window up to 30 minutes reads the route's rows by the (route, ts) index;
--   a longer one lets the per-minute maxima pick the 20 minutes that can hold the top rows and
--   reads only those and the partial minutes at the edges, not the route's millions (so there,
--   a top spread over more than 20 minutes is cut short). Only one section runs (by the span).
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: tier (tier, default: auto) edge = the web server's access log, backend = PHP-FPM's
-- param: route (text) the route
-- param: order (enum duration|bytes, default: duration) rank by time taken or by bytes sent
-- param: limit (int, default: 40) how many requests
-- ranking: duration_ms (or bytes), largest first
-- time: a request counts at its start
-- listed: no
-- columns: section text, t time ms, status id, duration_ms duration ms, upstream_ms duration ms, bytes bytes,
--   method text, url text, client text
-- section: short
SELECT coalesce(r.start_ts, r.ts) AS t, r.status, r.duration_ms, r.upstream_ms, r.bytes, r.method, r.url, r.client
FROM requests r
WHERE :span_ms <= 1800000 AND r.route = :route
  AND r.ts >= :from AND r.ts < :to + coalesce((SELECT value FROM rollup_state WHERE name = 'max_duration_ms'), 3600000)
  AND coalesce(r.start_ts, r.ts) >= :from AND coalesce(r.start_ts, r.ts) < :to
  AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = :tier) AND (:host IS NULL OR coalesce(r.host, '') = :host)
ORDER BY CASE :order WHEN 'bytes' THEN r.bytes ELSE r.duration_ms END DESC
LIMIT :limit
-- section: long
WITH m AS (
  SELECT DISTINCT t FROM rollup_minute
  WHERE :span_ms > 1800000 AND tier = :tier AND host IN (SELECT value FROM json_each(:hosts))
    AND t >= :from_minute AND t < :to_minute AND route = :route
  ORDER BY CASE :order WHEN 'bytes' THEN bytes_max ELSE dur_max END DESC
  LIMIT 20),
g(lo, hi) AS (
  SELECT t, t + 60000 FROM m
  UNION ALL SELECT :from, min(:to, :from_minute) WHERE :span_ms > 1800000
  UNION ALL SELECT max(:from, :to_minute), :to WHERE :span_ms > 1800000 AND :to_minute >= :from_minute)
-- one range at a time by the start-time index, not the route's (a busy route has millions of
-- rows); the unary + keeps SQLite from choosing the route index
SELECT coalesce(r.start_ts, r.ts) AS t, r.status, r.duration_ms, r.upstream_ms, r.bytes, r.method, r.url, r.client
FROM g CROSS JOIN requests r
WHERE coalesce(r.start_ts, r.ts) >= g.lo AND coalesce(r.start_ts, r.ts) < g.hi AND +r.route = :route
  AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = :tier) AND (:host IS NULL OR coalesce(r.host, '') = :host)
ORDER BY CASE :order WHEN 'bytes' THEN r.bytes ELSE r.duration_ms END DESC
LIMIT :limit
