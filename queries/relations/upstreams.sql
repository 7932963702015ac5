-- relation: upstreams(from, to, tier, host)
-- description: every upstream server nginx tried for the requests that started in [from, to),
--   retries included (each address of an upstream list is an attempt): attempts, failures (5xx
--   or no answer), timeouts (504), attempts retried on the next server, upstream times. A name
--   that is not an address (the upstream group) is where "no live upstreams" answered.
-- columns: upstream, attempts, failed, timeouts, retried, time_max (ms), time_hist, first_ts,
--   last_ts (the first and last stamp of the requests)
-- exact: counts and max; percentiles within 2.2 %
-- (time_pieces: rollup_upstream for whole minutes, rollup_upstream_10s for the whole 10 s around
-- them, the rows for the rest and for the 10 s pieces in a sparse minute of a host (rollup_sparse),
-- which rollup_upstream_10s leaves out; of the rows, a request with one attempt (no ", " or " : "
-- list in upstream_raw) is its own columns, only the retried ones go through upstream_attempts(),
-- a JavaScript call per row)
WITH pieces AS (SELECT grain, lo, hi FROM time_pieces({from}, {to})),
raw_pieces AS (SELECT lo, hi, host FROM row_pieces({from}, {to}, {tier}, {host}))
SELECT upstream, sum(attempts) AS attempts, sum(failed) AS failed, sum(timeouts) AS timeouts, sum(retried) AS retried,
  max(tmax) AS time_max, {time_hist? hist(th)} AS time_hist, min(first) AS first_ts, max(last) AS last_ts
FROM (
  SELECT r.upstream_addr AS upstream, count(*) AS attempts, sum(r.upstream_status IS NULL OR r.upstream_status >= 500) AS failed,
    sum(r.upstream_status = 504) AS timeouts, 0 AS retried, max(r.upstream_ms) AS tmax, {time_hist? hist(r.upstream_ms)} AS th,
    min(r.ts) AS first, max(r.ts) AS last
  FROM raw_pieces x CROSS JOIN requests r ON coalesce(r.start_ts, r.ts) >= x.lo AND coalesce(r.start_ts, r.ts) < x.hi
  WHERE (x.host IS NULL OR coalesce(r.host, '') = x.host) AND r.upstream_addr IS NOT NULL AND (r.upstream_raw IS NULL OR (instr(r.upstream_raw, ',') = 0 AND instr(r.upstream_raw, ' : ') = 0))
    AND ({host} IS NULL OR r.host = {host})
    AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = {tier})
  GROUP BY 1
  UNION ALL
  SELECT a.addr, count(*), sum(a.failed), sum(a.status = 504), sum(a.retried), max(a.ms), {time_hist? hist(a.ms)}, min(r.ts), max(r.ts)
  FROM raw_pieces x CROSS JOIN requests r ON coalesce(r.start_ts, r.ts) >= x.lo AND coalesce(r.start_ts, r.ts) < x.hi,
    upstream_attempts(coalesce(r.upstream_raw, ''), coalesce(r.upstream_addr, ''), coalesce(r.upstream_status, -1), coalesce(r.upstream_ms, -1)) a
  WHERE (x.host IS NULL OR coalesce(r.host, '') = x.host) AND (r.upstream_raw IS NOT NULL OR r.upstream_addr IS NOT NULL)
    AND NOT (r.upstream_addr IS NOT NULL AND (r.upstream_raw IS NULL OR (instr(r.upstream_raw, ',') = 0 AND instr(r.upstream_raw, ' : ') = 0)))
    AND ({host} IS NULL OR r.host = {host})
    AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = {tier})
  GROUP BY a.addr
  UNION ALL
  SELECT u.upstream, sum(u.attempts), sum(u.failed), sum(u.timeouts), sum(u.retried), max(u.time_max), {time_hist? hist(u.time_hist)}, min(u.first_ts), max(u.last_ts)
  FROM pieces x CROSS JOIN rollup_upstream_10s u ON u.tier = {tier} AND u.t >= x.lo AND u.t < x.hi
  WHERE x.grain = '10s' AND ({host} IS NULL OR u.host = {host})
  GROUP BY u.upstream
  UNION ALL
  SELECT u.upstream, sum(u.attempts), sum(u.failed), sum(u.timeouts), sum(u.retried), max(u.time_max), {time_hist? hist(u.time_hist)}, min(u.first_ts), max(u.last_ts)
  FROM pieces x CROSS JOIN rollup_upstream u ON u.tier = {tier} AND u.host IN (SELECT host FROM hosts({tier}, {host})) AND u.t >= x.lo AND u.t < x.hi
  WHERE x.grain = '1m'
  GROUP BY u.upstream)
GROUP BY upstream
