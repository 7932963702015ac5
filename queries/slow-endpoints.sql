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
WITH parts AS (
  SELECT CASE :group WHEN 'path' THEN r.path WHEN 'url' THEN r.url ELSE coalesce(r.route, '') END AS endpoint,
    count(*) AS n, sum(r.status >= 400 AND r.status < 500) AS s4, sum(r.status >= 500) AS s5,
    min(r.duration_ms) AS dmin, max(r.duration_ms) AS dmax, total(r.duration_ms) AS dsum, hist(r.duration_ms) AS dh,
    min(r.upstream_ms) AS umin, max(r.upstream_ms) AS umax, total(r.upstream_ms) AS usum, hist(r.upstream_ms) AS uh,
    min(r.ts) AS first, max(r.ts) AS last
  FROM requests r
  -- the rows: everything for path/url; for route only the partial minutes at the two edges (two
  -- plain ranges, so the start index serves them)
  WHERE ((coalesce(r.start_ts, r.ts) >= :from AND coalesce(r.start_ts, r.ts) < CASE WHEN :group = 'route' THEN min(:to, :from_minute) ELSE :to END)
      OR (:group = 'route' AND :to_minute >= :from_minute AND coalesce(r.start_ts, r.ts) >= max(:from, :to_minute) AND coalesce(r.start_ts, r.ts) < :to))
    AND (:host IS NULL OR r.host = :host)
    AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = :tier)
  GROUP BY endpoint
  UNION ALL
  SELECT route, sum(requests), sum(s4xx), sum(s5xx), min(dur_min), max(dur_max), total(dur_sum), hist(dur_hist),
    min(up_min), max(up_max), total(up_sum), hist(up_hist), min(first_ts), max(last_ts)
  FROM rollup_minute
  WHERE :group = 'route' AND tier = :tier AND t >= :from_minute AND t < :to_minute AND (:host IS NULL OR host = :host)
  GROUP BY route),
g AS (
  SELECT endpoint, sum(n) AS n, sum(s4) AS s4, sum(s5) AS s5, min(dmin) AS dmin, max(dmax) AS dmax, total(dsum) AS dsum,
    hist(dh) AS dh, min(umin) AS umin, max(umax) AS umax, total(usum) AS usum, hist(uh) AS uh, min(first) AS first, max(last) AS last
  FROM parts GROUP BY endpoint),
tot AS (SELECT total(dsum) AS all_ms FROM g)
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
FROM g, tot
ORDER BY dsum DESC, n DESC, endpoint
LIMIT :limit
