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
  SELECT component, kind, sum(events) AS n, min(first_ts) AS first FROM rollup_events
  WHERE t >= :from AND t < :to AND (:host IS NULL OR host = :host) AND kind NOT IN ('lifecycle', 'other')
  GROUP BY component, kind)
SELECT iso(k.first) AS time, k.component, k.kind, k.n AS count,
  (SELECT e.message FROM events e WHERE e.kind = k.kind AND e.ts = k.first AND e.component = k.component
     AND (:host IS NULL OR e.host = :host) ORDER BY e.id LIMIT 1) AS line
FROM k
ORDER BY k.n DESC, k.first
-- section: slowest
-- the slowest requests started in the seconds with the largest maximum duration: look only there
-- (a rollup second holds requests whose stored start is up to 1 s earlier: stamps spread)
WITH top AS (
  SELECT t FROM rollup_second
  WHERE tier = :tier AND t >= :from AND t < :to AND (:host IS NULL OR host = :host) AND dur_max IS NOT NULL
  ORDER BY dur_max DESC LIMIT :limit),
cand AS (
  SELECT r.id FROM top JOIN requests r
    ON coalesce(r.start_ts, r.ts) >= max(:from, top.t - 1000) AND coalesce(r.start_ts, r.ts) < min(:to, top.t + 1000)
  WHERE r.duration_ms IS NOT NULL)
SELECT iso(r.ts) AS time, r.route AS kind, 1 AS count,
  iso(r.ts) || ' ' || coalesce(r.client, '-') || ' "' || coalesce(r.method, '-') || ' ' || coalesce(r.url, '-') || '" ' || coalesce(r.status, '-')
    || ' ' || coalesce(r.bytes, '-') || ' ' || coalesce(printf('%g', r.duration_ms), '-') || ' ms' || coalesce(' upstream ' || r.upstream_addr || ' ' || printf('%g', r.upstream_ms) || ' ms', '') AS line
FROM (SELECT DISTINCT id FROM cand) c JOIN requests r ON r.id = c.id
WHERE (:host IS NULL OR r.host = :host) AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = :tier)
ORDER BY r.duration_ms DESC, r.id
LIMIT :limit
-- section: failed
-- the first request of each 5xx status: the per-second status rollup says in which second to look
WITH s AS (
  SELECT status, min(t) AS t0, sum(requests) AS n FROM rollup_status
  WHERE tier = :tier AND status >= 500 AND t >= :from AND t < :to AND (:host IS NULL OR host = :host)
  GROUP BY status),
f AS (
  SELECT s.status, s.n, (
    SELECT r.id FROM requests r
    WHERE coalesce(r.start_ts, r.ts) >= max(:from, s.t0 - 1000) AND coalesce(r.start_ts, r.ts) < min(:to, s.t0 + 1000) AND r.status = s.status
      AND (:host IS NULL OR r.host = :host) AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = :tier)
    ORDER BY coalesce(r.start_ts, r.ts), r.id LIMIT 1) AS id
  FROM s)
SELECT iso(r.ts) AS time, CAST(r.status AS TEXT) AS kind, f.n AS count,
  iso(r.ts) || ' ' || coalesce(r.client, '-') || ' "' || coalesce(r.method, '-') || ' ' || coalesce(r.url, '-') || '" ' || r.status
    || ' ' || coalesce(r.bytes, '-') || ' ' || coalesce(printf('%g', r.duration_ms), '-') || ' ms' || coalesce(' upstream ' || r.upstream_addr || ' ' || printf('%g', r.upstream_ms) || ' ms', '') AS line
FROM f JOIN requests r ON r.id = f.id
ORDER BY f.status
