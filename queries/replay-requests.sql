-- name: replay-requests
-- title: Requests for the what-if replay
-- description: Every edge request of the range with what the what-if replay (src/diagnose/replay.ts)
--   needs: its start, status, duration, upstream times, whether it went to the backend pool, and the
--   backend's own duration of the same request (the PHP-FPM or Apache access log line with the same
--   URL that started within a second of it), which is the service time the pool needed.
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- listed: no
--   (the what-if replay's input, read by src/diagnose/replay-window.ts for one window: at its
--   default range it is every edge request of the data, a million rows of a million-line log,
--   not an answer to read, so `report --list` leaves it out; it runs by name as before)
-- ranking: none: log order (the order the edge wrote its lines, which is completion order)
-- time: a request counts at its start (start_ts). The backend line is searched among rows that
--   started from 2 s before the range to 2 s after it.
-- columns: id id, source_id id, format text, ts time ms, start_ts time ms, end_ts time ms, route text,
--   status id, duration_ms duration ms, upstream_ms duration ms, upstream_connect_ms duration ms,
--   upstream_header_ms duration ms, upstream_addr text, to_backend count, backend_id id,
--   backend_ms duration ms, backend_status id
WITH
  edge AS MATERIALIZED (
    SELECT r.id, r.source_id, r.host, r.ts, r.start_ts, r.end_ts, r.url, coalesce(r.route, r.path) AS route, r.status,
      r.duration_ms, r.upstream_ms, r.upstream_connect_ms, r.upstream_header_ms, r.upstream_addr, r.extra, s.format
    FROM requests_in(:from, :to, 'edge', :host) r JOIN sources s ON s.id = r.source_id),
  back AS MATERIALIZED (
    SELECT r.id, r.host, r.url, r.started AS start_ts, r.duration_ms, r.status
    FROM requests_in(:from - 2000, :to + 2000, 'backend', :host) r),
  -- the backend line nearest in start time among those with the same URL; a backend stamped in
  -- whole seconds (PHP-FPM %t, Apache %t) starts up to 1 s after the edge's start, later still
  -- when it queued, never long before. A pair counts only when each is the other's nearest: URLs
  -- repeat (Varnish's /account/profile.cgi?u=0..40), and one backend line serves one request;
  -- a backend line goes to an edge request that was answered before one that failed.
  cand AS (
    SELECT e.id AS edge_id, b.id AS back_id, b.duration_ms, b.status,
      row_number() OVER (PARTITION BY e.id ORDER BY abs(b.start_ts - coalesce(e.start_ts, e.ts)), b.id) AS k,
      row_number() OVER (PARTITION BY b.id ORDER BY e.status >= 500, abs(b.start_ts - coalesce(e.start_ts, e.ts)), e.id) AS kb
    FROM edge e JOIN back b ON b.url = e.url AND coalesce(b.host, '') = coalesce(e.host, '')
      AND b.start_ts >= coalesce(e.start_ts, e.ts) - 1000 AND b.start_ts <= coalesce(e.end_ts, e.ts) + 1000),
  pairs AS MATERIALIZED (SELECT * FROM cand WHERE k = 1 AND kb = 1),
  proxied AS MATERIALIZED (SELECT DISTINCT source_id FROM edge WHERE upstream_addr IS NOT NULL)
SELECT
  e.id, e.source_id, e.format, e.ts, e.start_ts, e.end_ts, e.route, e.status, e.duration_ms,
  e.upstream_ms, e.upstream_connect_ms, e.upstream_header_ms, e.upstream_addr,
  -- which requests the pool saw: Varnish serves hits itself; nginx passes to an upstream the
  -- requests it names one for; a server without upstream fields (lighttpd, Apache) runs them all
  CASE
    WHEN e.format LIKE '%varnish%' THEN coalesce(json_extract(e.extra, '$.varnish_handling'), '') NOT IN ('hit', 'synth')
    WHEN e.source_id IN (SELECT source_id FROM proxied) THEN e.upstream_addr IS NOT NULL
    ELSE 1 END AS to_backend,
  p.back_id AS backend_id, p.duration_ms AS backend_ms, p.status AS backend_status
FROM edge e LEFT JOIN pairs p ON p.edge_id = e.id
ORDER BY e.id
