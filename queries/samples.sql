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
-- columns: section text, time time iso, component text, kind text, count count, line text
-- section: events
WITH k AS (
  SELECT component, kind, sum(events) AS n, min(first_ts) AS first FROM event_counts(:from, :to, :to - :from, :host)
  WHERE kind NOT IN ('lifecycle', 'other')
  GROUP BY component, kind)
SELECT iso(k.first) AS time, k.component, k.kind, k.n AS count,
  (SELECT e.message FROM events e WHERE e.kind = k.kind AND e.ts = k.first AND e.component = k.component
     AND (:host IS NULL OR e.host = :host) ORDER BY e.id LIMIT 1) AS line
FROM k
ORDER BY k.n DESC, k.first
-- section: slowest
SELECT iso(r.ts) AS time, r.route AS kind, 1 AS count,
  iso(r.ts) || ' ' || coalesce(r.client, '-') || ' "' || coalesce(r.method, '-') || ' ' || coalesce(r.url, '-') || '" ' || coalesce(r.status, '-')
    || ' ' || coalesce(r.bytes, '-') || ' ' || coalesce(printf('%g', r.duration_ms), '-') || ' ms' || coalesce(' upstream ' || r.upstream_addr || ' ' || printf('%g', r.upstream_ms) || ' ms', '') AS line
FROM slowest(:from, :to, :tier, :host, :limit) s JOIN requests r ON r.id = s.id
ORDER BY r.duration_ms DESC, r.id
-- section: failed
SELECT iso(r.ts) AS time, CAST(r.status AS TEXT) AS kind, f.requests AS count,
  iso(r.ts) || ' ' || coalesce(r.client, '-') || ' "' || coalesce(r.method, '-') || ' ' || coalesce(r.url, '-') || '" ' || r.status
    || ' ' || coalesce(r.bytes, '-') || ' ' || coalesce(printf('%g', r.duration_ms), '-') || ' ms' || coalesce(' upstream ' || r.upstream_addr || ' ' || printf('%g', r.upstream_ms) || ' ms', '') AS line
FROM first_of_status(:from, :to, :tier, :host) f JOIN requests r ON r.id = f.first_id
WHERE f.status >= 500
ORDER BY f.status
