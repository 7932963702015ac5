-- name: oversized
-- title: Oversized responses
-- description: The largest responses (bytes, total and upstream time, and the time the client took
--   to read them = duration - upstream time), the routes with the largest p99 and max sizes, and the
--   "buffered to a temporary file" events (nginx) with the requests that caused them.
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: tier (tier, default: auto) edge = the web server's access log, backend = PHP-FPM's
-- param: limit (int, default: 10) rows per section
-- ranking: largest: bytes, largest first; routes: p99 bytes, then max bytes; buffered: in time order
-- time: a request counts at its start; an event at its stamp. A buffered event is matched to the
--   request with the same request line (and client, when both name one) that was in flight then.
--   Route sizes: whole minutes from the per-minute rollup (p50/p99 within 2.2 %), edges from rows.
-- columns: section text, start time iso, time time iso, route text, url text, status id, bytes bytes,
--   duration_ms duration ms, upstream_ms duration ms, client_ms duration ms, client text,
--   upstream text, requests count, total_bytes bytes, p50_bytes bytes, p99_bytes bytes,
--   max_bytes bytes, event_time time iso, request text, event_client text
-- section: largest
SELECT
  iso(coalesce(r.start_ts, r.ts)) AS start,
  iso(r.ts) AS time,
  r.route,
  r.url,
  r.status,
  r.bytes,
  r.duration_ms,
  r.upstream_ms,
  round(r.duration_ms - coalesce(r.upstream_ms, 0), 3) AS client_ms,
  r.client,
  r.upstream_addr AS upstream
FROM largest(:from, :to, :tier, :host, :limit) l JOIN requests r ON r.id = l.id
ORDER BY r.bytes DESC, r.id
-- section: routes
-- (a log of scanned URLs has a route per request: a million routes whose histograms all merged
-- and read to show ten. A p99 is at most its max (histogram.ts clamps it), so over a range with
-- many routes ("wide": many_routes()) the p99s of the routes owning the largest pieces give a
-- bound: the limit-th largest of them. A route whose max is below it rounds to a smaller p99 than limit routes that have one, so only the routes with a
-- piece that reaches it are read in full (cand). Elsewhere, a few hundred routes over many
-- minutes, most routes reach the bound and the three extra reads would cost more than they
-- save: cand is NULL, which routes() reads as every route. Either way the same rows.)
WITH wide AS MATERIALIZED (SELECT many FROM many_routes(:from, :to, :tier, :host)),
seed AS MATERIALIZED (
  SELECT json_group_array(route) AS j FROM (SELECT DISTINCT route FROM (
    SELECT route FROM route_pieces(:from, :to, :tier, :host) WHERE bytes_max IS NOT NULL
    ORDER BY bytes_max DESC LIMIT 100 * :limit))),
bound AS MATERIALIZED (
  SELECT CAST(round(hist_pct(bytes_hist, 99)) AS INTEGER) AS p99 FROM routes(:from, :to, :tier, :host, (SELECT j FROM seed))
  WHERE :limit > 0 AND bytes_hist IS NOT NULL
  ORDER BY p99 DESC LIMIT 1 OFFSET max(:limit, 1) - 1),
cand AS NOT MATERIALIZED (
  -- (- 0.5: a p99 that rounds to the bound may be half a byte below it)
  SELECT CASE WHEN NOT (SELECT many FROM wide) OR (SELECT p99 FROM bound) IS NULL THEN NULL
    ELSE (SELECT json_group_array(DISTINCT route) FROM route_pieces(:from, :to, :tier, :host)
      WHERE bytes_max >= (SELECT p99 FROM bound) - 0.5) END AS j)
SELECT
  route,
  requests,
  CAST(bytes AS INTEGER) AS total_bytes,
  CAST(round(hist_pct(bytes_hist, 50)) AS INTEGER) AS p50_bytes,
  CAST(round(hist_pct(bytes_hist, 99)) AS INTEGER) AS p99_bytes,
  bytes_max AS max_bytes
FROM routes(:from, :to, :tier, :host, (SELECT j FROM cand))
ORDER BY p99_bytes DESC, max_bytes DESC, route
LIMIT :limit
-- section: buffered
WITH e AS (
  SELECT id, ts, client, request, message FROM events
  WHERE kind = 'response_buffered_to_disk' AND ts >= :from AND ts < :to AND (:host IS NULL OR host = :host)
  ORDER BY ts LIMIT :limit),
m AS (
  SELECT e.id AS event_id, r.id AS request_id,
    row_number() OVER (PARTITION BY e.id ORDER BY abs(r.ts - e.ts)) AS k
  FROM e JOIN requests r
    ON r.ts >= e.ts - 1000 AND r.ts <= e.ts + (SELECT coalesce(max(value), 3600000) FROM rollup_state WHERE name = 'max_duration_ms') + 1000
   AND coalesce(r.start_ts, r.ts) <= e.ts + 1000
   AND (e.request = r.method || ' ' || r.url
        OR substr(e.request, 1, length(r.method) + length(r.url) + 2) = r.method || ' ' || r.url || ' ')
   AND (e.client IS NULL OR r.client IS NULL OR e.client = r.client))
SELECT
  iso(e.ts) AS event_time,
  e.request,
  e.client AS event_client,
  iso(coalesce(r.start_ts, r.ts)) AS start,
  iso(r.ts) AS time,
  r.route,
  r.status,
  r.bytes,
  r.duration_ms,
  r.upstream_ms,
  round(r.duration_ms - coalesce(r.upstream_ms, 0), 3) AS client_ms
FROM e
LEFT JOIN m ON m.event_id = e.id AND m.k = 1
LEFT JOIN requests r ON r.id = m.request_id
ORDER BY e.ts
