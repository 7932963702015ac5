-- relation: routes(from, to, tier, host, only = NULL)
-- description: the requests of [from, to) per route ('' = none): counts, durations, upstream
--   times and response sizes. A request counts at its start. `only`: a JSON list of the routes
--   to read (NULL, the default: every route), e.g. the few a report ranked on cheap columns,
--   whose histograms it then reads without merging those of every other route.
-- columns: route, requests, s4xx, s5xx, dur_min, dur_max, dur_sum, dur_hist, up_min, up_max,
--   up_sum, up_hist, bytes, bytes_max, bytes_hist, first_ts, last_ts (the first and last stamp)
-- exact: counts, sums, min and max; percentiles of the histograms within 2.2 %
-- (the whole minutes from rollup_minute, the partial minutes at the two edges from the rows: two
-- plain ranges of the start index. Every column but route and requests is read only when the
-- calling subquery names it: one after a histogram's text in the row costs reading past it)
SELECT route, sum(n) AS requests, {s4xx? sum(s4)} AS s4xx, {s5xx? sum(s5)} AS s5xx,
  {dur_min? min(dmin)} AS dur_min, {dur_max? max(dmax)} AS dur_max, {dur_sum? total(dsum)} AS dur_sum, {dur_hist? hist(dh)} AS dur_hist,
  {up_min? min(umin)} AS up_min, {up_max? max(umax)} AS up_max, {up_sum? total(usum)} AS up_sum, {up_hist? hist(uh)} AS up_hist,
  {bytes? total(bsum)} AS bytes, {bytes_max? max(bmax)} AS bytes_max, {bytes_hist? hist(bh)} AS bytes_hist,
  {first_ts? min(first)} AS first_ts, {last_ts? max(last)} AS last_ts
FROM (
  SELECT coalesce(r.route, '') AS route, count(*) AS n,
    {s4xx? sum(r.status BETWEEN 400 AND 499)} AS s4, {s5xx? sum(r.status BETWEEN 500 AND 599)} AS s5,
    {dur_min? min(r.duration_ms)} AS dmin, {dur_max? max(r.duration_ms)} AS dmax, {dur_sum? total(r.duration_ms)} AS dsum, {dur_hist? hist(r.duration_ms)} AS dh,
    {up_min? min(r.upstream_ms)} AS umin, {up_max? max(r.upstream_ms)} AS umax, {up_sum? total(r.upstream_ms)} AS usum, {up_hist? hist(r.upstream_ms)} AS uh,
    {bytes? total(r.bytes)} AS bsum, {bytes_max? max(r.bytes)} AS bmax, {bytes_hist? hist(r.bytes)} AS bh,
    {first_ts? min(r.ts)} AS first, {last_ts? max(r.ts)} AS last
  FROM requests r
  WHERE ((coalesce(r.start_ts, r.ts) >= {from} AND coalesce(r.start_ts, r.ts) < min({to}, ({from} + 59999) / 60000 * 60000))
      OR ({to} / 60000 * 60000 >= ({from} + 59999) / 60000 * 60000
        AND coalesce(r.start_ts, r.ts) >= max({from}, {to} / 60000 * 60000) AND coalesce(r.start_ts, r.ts) < {to}))
    AND ({host} IS NULL OR r.host = {host})
    AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = {tier})
    AND ({only} IS NULL OR coalesce(r.route, '') IN (SELECT value FROM json_each({only})))
  GROUP BY 1
  UNION ALL
  SELECT route, sum(requests), {s4xx? sum(s4xx)}, {s5xx? sum(s5xx)},
    {dur_min? min(dur_min)}, {dur_max? max(dur_max)}, {dur_sum? total(dur_sum)}, {dur_hist? hist(dur_hist)},
    {up_min? min(up_min)}, {up_max? max(up_max)}, {up_sum? total(up_sum)}, {up_hist? hist(up_hist)},
    {bytes? total(bytes)}, {bytes_max? max(bytes_max)}, {bytes_hist? hist(bytes_hist)},
    {first_ts? min(first_ts)}, {last_ts? max(last_ts)}
  FROM rollup_minute
  WHERE tier = {tier} AND t >= ({from} + 59999) / 60000 * 60000 AND t < {to} / 60000 * 60000 AND host IN (SELECT host FROM hosts({tier}, {host}))
    AND ({only} IS NULL OR route IN (SELECT value FROM json_each({only})))
  GROUP BY route)
GROUP BY route
