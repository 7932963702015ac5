-- name: slow-endpoints
-- title: Slow endpoints
-- description: Requests grouped by route (or path, or url): count, 4xx, 5xx, min/p50/p95/p99/max/sum
--   of the duration and of the upstream time, and each group's share of all the time served.
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: tier (tier, default: auto) edge = the web server's access log, backend = PHP-FPM's
-- param: group (enum route|path|url, default: route) what makes an endpoint
-- param: limit (int, default: 20) how many endpoints
-- ranking: total time (sum of duration_ms), largest first, as alp and pt-query-digest rank: what
--   the server spent its time on, which is where capacity went
-- time: a request counts at its start (start_ts). For group=route, the whole minutes of the range
--   come from per-minute rollups (percentiles within 2.2 %) and the partial minutes at its edges
--   from the rows themselves; path and url read every row of the range.
-- columns: endpoint text, requests count, s4xx count, s5xx count, min_ms duration ms,
--   p50_ms duration ms, p95_ms duration ms, p99_ms duration ms, max_ms duration ms,
--   total_s duration s, share_pct percent, upstream_min_ms duration ms,
--   upstream_p50_ms duration ms, upstream_p95_ms duration ms, upstream_p99_ms duration ms,
--   upstream_max_ms duration ms, upstream_total_s duration s, first time iso, last time iso
WITH wide AS MATERIALIZED (
  -- (read only where the ranking by routes runs: routes over an hour or more)
  SELECT CASE WHEN :group = 'route' AND :to - :from >= 3600000
    THEN (SELECT many FROM many_routes(:from, :to, :tier, :host)) ELSE 0 END AS many),
-- (the end of the range each ranking reads: the other's is empty. A condition outside a grouped
-- relation is tested after it has grouped every route; an empty range reads nothing)
ends AS MATERIALIZED (SELECT CASE WHEN many THEN :from ELSE :to END AS by_routes, CASE WHEN many THEN :to ELSE :from END AS by_pieces FROM wide),
g AS (
  -- over an hour or more, ranked on the time and count alone (a subquery of its own: the columns
  -- a routes() call computes are those its subquery names), every other column read after for the
  -- endpoints shown only (r below): the minutes' histograms then far outnumber the rows at the
  -- range's edges that routes() reads a second time. A log of a million scanned URLs (a million
  -- one-request routes) would otherwise merge histograms and read percentiles of a million routes
  -- to show twenty. Over a shorter range the edges are most of the rows: read once, as they are.
  -- Where the range has many routes ("wide"), grouped once over route_pieces(): routes() groups
  -- the minutes' rows by route and then groups those groups with the edges' again, two sorts of
  -- a million routes on a scanned site; over a few hundred routes its first GROUP BY leaves the
  -- second nothing to sort, and one GROUP BY over every piece cost more there
  SELECT endpoint, n, dsum, NULL AS s4, NULL AS s5, NULL AS dmin, NULL AS dmax, NULL AS dh,
    NULL AS umin, NULL AS umax, NULL AS usum, NULL AS uh, NULL AS first, NULL AS last
  FROM (SELECT route AS endpoint, requests AS n, dur_sum AS dsum FROM routes(:from, (SELECT by_routes FROM ends), :tier, :host))
  WHERE :group = 'route' AND :to - :from >= 3600000
  UNION ALL
  SELECT route, sum(requests), total(dur_sum), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM route_pieces(:from, (SELECT by_pieces FROM ends), :tier, :host)
  WHERE :group = 'route' AND :to - :from >= 3600000
  GROUP BY route
  UNION ALL
  SELECT route, requests, dur_sum, s4xx, s5xx, dur_min, dur_max, dur_hist, up_min, up_max, up_sum, up_hist, first_ts, last_ts
  FROM routes(:from, :to, :tier, :host)
  WHERE :group = 'route' AND :to - :from < 3600000
  UNION ALL
  SELECT CASE :group WHEN 'path' THEN path ELSE url END,
    count(*), total(duration_ms), sum(status BETWEEN 400 AND 499), sum(status BETWEEN 500 AND 599),
    min(duration_ms), max(duration_ms), hist(duration_ms),
    min(upstream_ms), max(upstream_ms), total(upstream_ms), hist(upstream_ms), min(ts), max(ts)
  FROM requests_in(:from, :to, :tier, :host)
  WHERE :group <> 'route'
  GROUP BY 1),
tot AS (SELECT total(dsum) AS all_ms FROM g),
top AS MATERIALIZED (SELECT * FROM g ORDER BY dsum DESC, n DESC, endpoint LIMIT :limit),
r AS MATERIALIZED (
  SELECT route, s4xx, s5xx, dur_min, dur_max, dur_hist, up_min, up_max, up_sum, up_hist, first_ts, last_ts
  FROM routes(:from, :to, :tier, :host, (SELECT json_group_array(endpoint) FROM top))
  WHERE :group = 'route' AND :to - :from >= 3600000),
shown AS (
  SELECT top.endpoint, top.n, top.dsum,
    coalesce(r.s4xx, top.s4) AS s4, coalesce(r.s5xx, top.s5) AS s5, coalesce(r.dur_min, top.dmin) AS dmin,
    coalesce(r.dur_max, top.dmax) AS dmax, coalesce(r.dur_hist, top.dh) AS dh, coalesce(r.up_min, top.umin) AS umin,
    coalesce(r.up_max, top.umax) AS umax, coalesce(r.up_sum, top.usum) AS usum, coalesce(r.up_hist, top.uh) AS uh,
    coalesce(r.first_ts, top.first) AS first, coalesce(r.last_ts, top.last) AS last
  FROM top LEFT JOIN r ON r.route = top.endpoint)
SELECT
  endpoint,
  n AS requests,
  s4 AS s4xx,
  s5 AS s5xx,
  round(dmin, 1) AS min_ms,
  round(hist_pct(dh, 50), 1) AS p50_ms,
  round(hist_pct(dh, 95), 1) AS p95_ms,
  round(hist_pct(dh, 99), 1) AS p99_ms,
  round(dmax, 1) AS max_ms,
  round(dsum / 1000.0, 3) AS total_s,
  round(100.0 * dsum / nullif(tot.all_ms, 0), 1) AS share_pct,
  round(umin, 1) AS upstream_min_ms,
  round(hist_pct(uh, 50), 1) AS upstream_p50_ms,
  round(hist_pct(uh, 95), 1) AS upstream_p95_ms,
  round(hist_pct(uh, 99), 1) AS upstream_p99_ms,
  round(umax, 1) AS upstream_max_ms,
  round(usum / 1000.0, 3) AS upstream_total_s,
  iso(first) AS first,
  iso(last) AS last
FROM shown, tot
ORDER BY dsum DESC, n DESC, endpoint
