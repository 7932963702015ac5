-- relation: routes(from, to, tier, host)
-- description: the requests of [from, to) per route ('' = none): counts, durations, upstream
--   times and response sizes. A request counts at its start.
-- columns: route, requests, s4xx, s5xx, dur_min, dur_max, dur_sum, dur_hist, up_min, up_max,
--   up_sum, up_hist, bytes, bytes_max, bytes_hist, first_ts, last_ts (the first and last stamp)
-- exact: counts, sums, min and max; percentiles of the histograms within 2.2 %
-- (the whole minutes from rollup_minute, the partial minutes at the two edges from the rows: two
-- plain ranges of the start index)
SELECT route, sum(n) AS requests, sum(s4) AS s4xx, sum(s5) AS s5xx,
  min(dmin) AS dur_min, max(dmax) AS dur_max, total(dsum) AS dur_sum, {dur_hist? hist(dh)} AS dur_hist,
  min(umin) AS up_min, max(umax) AS up_max, total(usum) AS up_sum, {up_hist? hist(uh)} AS up_hist,
  total(bsum) AS bytes, max(bmax) AS bytes_max, {bytes_hist? hist(bh)} AS bytes_hist,
  min(first) AS first_ts, max(last) AS last_ts
FROM (
  SELECT coalesce(r.route, '') AS route, count(*) AS n,
    sum(r.status BETWEEN 400 AND 499) AS s4, sum(r.status BETWEEN 500 AND 599) AS s5,
    min(r.duration_ms) AS dmin, max(r.duration_ms) AS dmax, total(r.duration_ms) AS dsum, {dur_hist? hist(r.duration_ms)} AS dh,
    min(r.upstream_ms) AS umin, max(r.upstream_ms) AS umax, total(r.upstream_ms) AS usum, {up_hist? hist(r.upstream_ms)} AS uh,
    total(r.bytes) AS bsum, max(r.bytes) AS bmax, {bytes_hist? hist(r.bytes)} AS bh,
    min(r.ts) AS first, max(r.ts) AS last
  FROM requests r
  WHERE ((coalesce(r.start_ts, r.ts) >= {from} AND coalesce(r.start_ts, r.ts) < min({to}, ({from} + 59999) / 60000 * 60000))
      OR ({to} / 60000 * 60000 >= ({from} + 59999) / 60000 * 60000
        AND coalesce(r.start_ts, r.ts) >= max({from}, {to} / 60000 * 60000) AND coalesce(r.start_ts, r.ts) < {to}))
    AND ({host} IS NULL OR r.host = {host})
    AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = {tier})
  GROUP BY 1
  UNION ALL
  SELECT route, sum(requests), sum(s4xx), sum(s5xx),
    min(dur_min), max(dur_max), total(dur_sum), {dur_hist? hist(dur_hist)},
    min(up_min), max(up_max), total(up_sum), {up_hist? hist(up_hist)},
    total(bytes), max(bytes_max), {bytes_hist? hist(bytes_hist)},
    min(first_ts), max(last_ts)
  FROM rollup_minute
  WHERE tier = {tier} AND t >= ({from} + 59999) / 60000 * 60000 AND t < {to} / 60000 * 60000 AND ({host} IS NULL OR host = {host})
  GROUP BY route)
GROUP BY route
