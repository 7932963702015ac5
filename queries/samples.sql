-- name: samples
-- title: Sample lines
-- description: Evidence to quote: the first line of each event kind, the slowest requests, and the
--   first request of each error status in the range, with how many there were of each.
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: tier (tier, default: auto) edge = the web server's access log, backend = PHP-FPM's
-- param: limit (int, default: 3) slowest requests to show
-- ranking: events: most frequent kind first; slowest: duration, longest first; failed: by status
-- time: events at their stamp, requests by their start. Request lines are rebuilt from the stored
--   fields (time, client, request, status, bytes, duration): the raw line is not kept.
-- section: events
WITH e AS (
  SELECT *, row_number() OVER (PARTITION BY component, kind ORDER BY ts, id) AS k, count(*) OVER (PARTITION BY component, kind) AS n
  FROM events
  WHERE ts >= :from AND ts < :to AND (:host IS NULL OR host = :host) AND kind NOT IN ('lifecycle', 'other'))
SELECT iso(ts) AS time, component, kind, n AS count, message AS line
FROM e WHERE k = 1
ORDER BY n DESC, ts
-- section: slowest
SELECT iso(r.ts) AS time, r.route AS kind, 1 AS count,
  iso(r.ts) || ' ' || coalesce(r.client, '-') || ' "' || coalesce(r.method, '-') || ' ' || coalesce(r.url, '-') || '" ' || coalesce(r.status, '-')
    || ' ' || coalesce(r.bytes, '-') || ' ' || coalesce(printf('%g', r.duration_ms), '-') || ' ms' || coalesce(' upstream ' || r.upstream_addr || ' ' || printf('%g', r.upstream_ms) || ' ms', '') AS line
FROM requests r
WHERE coalesce(r.start_ts, r.ts) >= :from AND coalesce(r.start_ts, r.ts) < :to AND r.duration_ms IS NOT NULL
  AND (:host IS NULL OR r.host = :host) AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = :tier)
ORDER BY r.duration_ms DESC
LIMIT :limit
-- section: failed
WITH f AS (
  SELECT r.*, row_number() OVER (PARTITION BY r.status ORDER BY r.ts, r.id) AS k, count(*) OVER (PARTITION BY r.status) AS n
  FROM requests r
  WHERE coalesce(r.start_ts, r.ts) >= :from AND coalesce(r.start_ts, r.ts) < :to AND r.status >= 500
    AND (:host IS NULL OR r.host = :host) AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = :tier))
SELECT iso(ts) AS time, CAST(status AS TEXT) AS kind, n AS count,
  iso(ts) || ' ' || coalesce(client, '-') || ' "' || coalesce(method, '-') || ' ' || coalesce(url, '-') || '" ' || status
    || ' ' || coalesce(bytes, '-') || ' ' || coalesce(printf('%g', duration_ms), '-') || ' ms' || coalesce(' upstream ' || upstream_addr || ' ' || printf('%g', upstream_ms) || ' ms', '') AS line
FROM f WHERE k = 1
ORDER BY status
