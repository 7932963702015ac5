-- relation: inflight(from, to, bucket_ms, tier, host, per_upstream)
-- description: requests in flight per time bucket of [from, to), from the sweep over every
--   request's start and end: per_upstream = 0 one series of all requests (upstream ''), 1 one per
--   upstream server attempt by attempt. One row per bucket and series that had any in flight.
-- columns: bucket_ts, upstream ('' = all requests), peak (the highest level), occ (occupancy:
--   how many ms at each level, for occ_pct(), occ_mean(), occ_above())
-- exact: yes (for the stored start and end times)
-- (grain, minute_grain() as traffic(): a minute of all requests that lies whole in one bucket of
-- a minute or more is read from rollup_inflight_minute, its seconds' highest peak and their
-- occupancies merged (whole ms: the same in any order); the seconds of the ragged ends, of the
-- minutes a bucket's start cuts, of shorter buckets and of the per-upstream series from
-- rollup_inflight; hs: the hosts, read once)
WITH hs AS MATERIALIZED (SELECT host FROM hosts({tier}, {host})),
parts AS MATERIALIZED (SELECT grain, lo, hi FROM minute_grain({from}, {to}, {bucket_ms}))
SELECT {from} + ((t - {from}) / {bucket_ms}) * {bucket_ms} AS bucket_ts, upstream, max(peak) AS peak, {occ? occ(occ)} AS occ
FROM (
  -- plain reads, one per kind of series and grain, so each seeks its (host, upstream) time ranges
  SELECT t, upstream, peak, {occ? occ} AS occ FROM parts CROSS JOIN rollup_inflight_minute
  WHERE {per_upstream} = 0 AND grain = 'm' AND tier = {tier} AND host IN hs AND upstream = '' AND t >= lo AND t < hi AND ((t - {from}) / {bucket_ms}) = ((t + 59999 - {from}) / {bucket_ms})
  UNION ALL
  SELECT t, upstream, peak, {occ? occ} FROM parts CROSS JOIN rollup_inflight
  WHERE {per_upstream} = 0 AND grain = 's' AND tier = {tier} AND host IN hs AND upstream = '' AND t >= lo AND t < hi
  UNION ALL
  -- (per upstream: seconds only, the pass writes no minutes of them)
  SELECT t, upstream, peak, {occ? occ} FROM rollup_inflight
  WHERE {per_upstream} <> 0 AND tier = {tier} AND host IN hs AND upstream > '' AND t >= {from} AND t < {to})
GROUP BY 1, upstream
