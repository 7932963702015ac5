-- name: fpm-saturation
-- title: PHP-FPM saturation
-- description: When each pool hit pm.max_children (with the traffic, 5xx, slow and killed requests
--   around it), and which scripts were logged as slow ("executing too slow") or killed
--   ("execution timed out") per pool, with first and last time.
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: tier (tier, default: auto) edge = the web server's access log, backend = PHP-FPM's
-- param: around (duration, default: 30s) the time before and after each max_children warning to measure
-- param: limit (int, default: 20) how many scripts
-- ranking: saturation: in time order; scripts: slow + killed, most first
-- time: events at their stamp (FPM logs max_children when it refuses to spawn); requests by start.
-- columns: section text, time time iso, pool text, max_children count, component text,
--   requests_before count, requests_after count, s5xx_after count, p95_before_ms duration ms,
--   p95_after_ms duration ms, slow_around count, killed_around count, peak_inflight count,
--   script text, slow count, killed count, max_seconds duration s, first time iso, last time iso
-- section: saturation
-- before = the `around` before the warning, after = the `around` from it on (one bucket each)
WITH w AS (
  SELECT id, ts, component, coalesce(backend, '') AS pool, limit_value FROM events
  WHERE kind = 'worker_limit_reached' AND ts >= :from AND ts < :to AND (:host IS NULL OR host = :host))
SELECT
  iso(w.ts) AS time,
  nullif(w.pool, '') AS pool,
  w.limit_value AS max_children,
  w.component AS component,
  (SELECT total(requests) FROM traffic(w.ts - :around, w.ts, :around, :tier, :host)) AS requests_before,
  (SELECT total(requests) FROM traffic(w.ts, w.ts + :around, :around, :tier, :host)) AS requests_after,
  (SELECT total(s5xx) FROM traffic(w.ts, w.ts + :around, :around, :tier, :host)) AS s5xx_after,
  (SELECT round(hist_pct(hist(dur_hist), 95), 1) FROM traffic(w.ts - :around, w.ts, :around, :tier, :host)) AS p95_before_ms,
  (SELECT round(hist_pct(hist(dur_hist), 95), 1) FROM traffic(w.ts, w.ts + :around, :around, :tier, :host)) AS p95_after_ms,
  (SELECT count(*) FROM events e WHERE e.kind = 'slow_request' AND e.ts >= w.ts - :around AND e.ts < w.ts + :around AND coalesce(e.backend, '') = w.pool) AS slow_around,
  (SELECT count(*) FROM events e WHERE e.kind = 'request_killed' AND e.ts >= w.ts - :around AND e.ts < w.ts + :around AND coalesce(e.backend, '') = w.pool) AS killed_around,
  (SELECT max(peak) FROM inflight(w.ts - :around, w.ts + :around, 2 * :around, :tier, :host, 0)) AS peak_inflight
FROM w
ORDER BY w.ts
-- section: scripts
SELECT
  nullif(coalesce(backend, ''), '') AS pool,
  coalesce(route, request) AS script,
  sum(kind = 'slow_request') AS slow,
  sum(kind = 'request_killed') AS killed,
  round(max(value), 2) AS max_seconds,
  iso(min(ts)) AS first,
  iso(max(ts)) AS last
FROM events
WHERE kind IN ('slow_request', 'request_killed') AND ts >= :from AND ts < :to AND (:host IS NULL OR host = :host)
GROUP BY 1, 2
ORDER BY slow + killed DESC, script
LIMIT :limit
