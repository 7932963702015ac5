-- relation: inflight(from, to, bucket_ms, tier, host, per_upstream)
-- description: requests in flight per time bucket of [from, to), from the sweep over every
--   request's start and end: per_upstream = 0 one series of all requests (upstream ''), 1 one per
--   upstream server attempt by attempt. One row per bucket and series that had any in flight.
-- columns: bucket_ts, upstream ('' = all requests), peak (the highest level), occ (occupancy:
--   how many ms at each level, for occ_pct(), occ_mean(), occ_above())
-- exact: yes (for the stored start and end times)
-- (grain: as traffic(), a minute of all requests that lies whole in one bucket of a minute or
-- more is read from rollup_inflight_minute, its seconds' highest peak and their occupancies merged
-- (whole ms: the same in any order); the seconds of the ragged ends, of the minutes a bucket's
-- start cuts, of shorter buckets and of the per-upstream series from rollup_inflight)
-- grain: [lo, hi) the range's whole minutes, whole = minutes may be read; span: the minutes
-- [m_lo, m_hi) read as minutes, the seconds [from, a_hi) and [b_lo, to) as seconds; cuts: the
-- minutes a bucket's start falls inside, read as seconds. Index ranges all; hs: the hosts, read once.
WITH hs AS MATERIALIZED (SELECT host FROM hosts({tier}, {host})),
grain AS MATERIALIZED (
  SELECT lo, hi, lo < hi AND {bucket_ms} >= 60000 AS whole
  FROM (SELECT (({from} + 59999) / 60000) * 60000 AS lo, ({to} / 60000) * 60000 AS hi)),
span AS MATERIALIZED (
  SELECT CASE WHEN whole THEN lo ELSE 0 END AS m_lo, CASE WHEN whole THEN hi ELSE 0 END AS m_hi,
    CASE WHEN whole THEN lo ELSE {to} END AS a_hi, CASE WHEN whole THEN hi ELSE {to} END AS b_lo
  FROM grain),
starts(at) AS (
  SELECT {from} + {bucket_ms} FROM grain WHERE whole AND {from} + {bucket_ms} < hi
  UNION ALL
  SELECT at + {bucket_ms} FROM starts, grain WHERE at + {bucket_ms} < hi),
cuts AS MATERIALIZED (SELECT (at / 60000) * 60000 AS m FROM starts WHERE at % 60000 <> 0)
SELECT {from} + ((t - {from}) / {bucket_ms}) * {bucket_ms} AS bucket_ts, upstream, max(peak) AS peak, {occ? occ(occ)} AS occ
FROM (
  -- plain reads, one per kind of series, grain and range, so each seeks its (host, upstream) time range
  SELECT t, upstream, peak, {occ? occ} AS occ FROM span, rollup_inflight_minute
  WHERE {per_upstream} = 0 AND tier = {tier} AND host IN hs AND upstream = '' AND t >= m_lo AND t < m_hi AND ((t - {from}) / {bucket_ms}) = ((t + 59999 - {from}) / {bucket_ms})
  UNION ALL
  SELECT t, upstream, peak, {occ? occ} FROM span, rollup_inflight
  WHERE {per_upstream} = 0 AND tier = {tier} AND host IN hs AND upstream = '' AND t >= {from} AND t < a_hi
  UNION ALL
  SELECT t, upstream, peak, {occ? occ} FROM span, rollup_inflight
  WHERE {per_upstream} = 0 AND tier = {tier} AND host IN hs AND upstream = '' AND t >= b_lo AND t < {to}
  UNION ALL
  SELECT t, upstream, peak, {occ? occ} FROM cuts, rollup_inflight
  WHERE {per_upstream} = 0 AND tier = {tier} AND host IN hs AND upstream = '' AND t >= m AND t < m + 60000
  UNION ALL
  -- (per upstream: seconds only, the pass writes no minutes of them)
  SELECT t, upstream, peak, {occ? occ} FROM rollup_inflight
  WHERE {per_upstream} <> 0 AND tier = {tier} AND host IN hs AND upstream > '' AND t >= {from} AND t < {to})
GROUP BY 1, upstream
