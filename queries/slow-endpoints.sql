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
WITH g AS (
  SELECT route AS endpoint, requests AS n, s4xx AS s4, s5xx AS s5, dur_min AS dmin, dur_max AS dmax, dur_sum AS dsum, dur_hist AS dh,
    up_min AS umin, up_max AS umax, up_sum AS usum, up_hist AS uh, first_ts AS first, last_ts AS last
  FROM routes(:from, :to, :tier, :host)
  WHERE :group = 'route'
  UNION ALL
  SELECT CASE :group WHEN 'path' THEN path ELSE url END,
    count(*), sum(status BETWEEN 400 AND 499), sum(status BETWEEN 500 AND 599),
    min(duration_ms), max(duration_ms), total(duration_ms), hist(duration_ms),
    min(upstream_ms), max(upstream_ms), total(upstream_ms), hist(upstream_ms), min(ts), max(ts)
  FROM requests_in(:from, :to, :tier, :host)
  WHERE :group <> 'route'
  GROUP BY 1),
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
