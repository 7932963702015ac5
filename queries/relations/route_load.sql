-- relation: route_load(from, to, tier, host)
-- description: what each route ('' = none) cost in [from, to): requests, 5xx, the time served
--   and its durations. The columns of routes() that the 10 s rollups also hold, so a short range
--   reads whole 10 s instead of up to two minutes of rows. A request counts at its start.
-- columns: route, requests, s5xx, dur_sum (ms), dur_hist
-- exact: counts and sums; percentiles within 2.2 %
-- (time_pieces: whole minutes from rollup_minute, the whole 10 s around them from
-- rollup_route_10s, the ragged ends under 10 s from the rows; and the rows of the 10 s pieces in
-- a sparse minute of a host (rollup_sparse), which rollup_route_10s leaves out: row_pieces().
-- rollup_minute is keyed (tier, host, t, route): read per host of hosts(), so each seeks its
-- time range; "({host} IS NULL OR host = {host})" read the tier's every minute row, the whole
-- week for a 15-minute window)
WITH pieces AS (SELECT grain, lo, hi FROM time_pieces({from}, {to})),
raw_pieces AS (SELECT lo, hi, host FROM row_pieces({from}, {to}, {tier}, {host}))
SELECT route, sum(n) AS requests, sum(e) AS s5xx, total(busy) AS dur_sum, {dur_hist? hist(h)} AS dur_hist
FROM (
  SELECT coalesce(r.route, '') AS route, count(*) AS n, sum(r.status BETWEEN 500 AND 599) AS e, total(r.duration_ms) AS busy,
    {dur_hist? hist(r.duration_ms)} AS h
  FROM raw_pieces x CROSS JOIN requests r ON coalesce(r.start_ts, r.ts) >= x.lo AND coalesce(r.start_ts, r.ts) < x.hi
  WHERE (x.host IS NULL OR coalesce(r.host, '') = x.host) AND ({host} IS NULL OR r.host = {host})
    AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = {tier})
  GROUP BY 1
  UNION ALL
  SELECT m.route, sum(m.requests), sum(m.s5xx), total(m.dur_sum), {dur_hist? hist(m.dur_hist)}
  FROM pieces x CROSS JOIN rollup_route_10s m ON m.tier = {tier} AND m.t >= x.lo AND m.t < x.hi
  WHERE x.grain = '10s' AND ({host} IS NULL OR m.host = {host})
  GROUP BY 1
  UNION ALL
  SELECT m.route, sum(m.requests), sum(m.s5xx), total(m.dur_sum), {dur_hist? hist(m.dur_hist)}
  FROM pieces x CROSS JOIN rollup_minute m ON m.tier = {tier} AND m.host IN (SELECT host FROM hosts({tier}, {host}))
    AND m.t >= x.lo AND m.t < x.hi
  WHERE x.grain = '1m'
  GROUP BY 1)
GROUP BY route
