-- relation: inflight(from, to, bucket_ms, tier, host, per_upstream)
-- description: requests in flight per time bucket of [from, to), from the sweep over every
--   request's start and end: per_upstream = 0 one series of all requests (upstream ''), 1 one per
--   upstream server attempt by attempt. One row per bucket and series that had any in flight.
-- columns: bucket_ts, upstream ('' = all requests), peak (the highest level), occ (occupancy:
--   how many ms at each level, for occ_pct(), occ_mean(), occ_above())
-- exact: yes (for the stored start and end times)
SELECT {from} + ((t - {from}) / {bucket_ms}) * {bucket_ms} AS bucket_ts, upstream, max(peak) AS peak, {occ? occ(occ)} AS occ
FROM (
  -- two plain reads, one per kind of series, so each seeks its (host, upstream) time range
  SELECT t, upstream, peak, {occ? occ} AS occ FROM rollup_inflight
  WHERE {per_upstream} = 0 AND tier = {tier} AND host IN (SELECT host FROM hosts({tier}, {host})) AND upstream = ''
    AND t >= {from} AND t < {to}
  UNION ALL
  SELECT t, upstream, peak, {occ? occ} FROM rollup_inflight
  WHERE {per_upstream} <> 0 AND tier = {tier} AND host IN (SELECT host FROM hosts({tier}, {host})) AND upstream > ''
    AND t >= {from} AND t < {to})
GROUP BY 1, upstream
