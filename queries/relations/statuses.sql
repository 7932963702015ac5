-- relation: statuses(from, to, bucket_ms, tier, host)
-- description: requests per time bucket of [from, to) and status code (0 = none logged), only
--   the codes that occurred. A request counts in the bucket it started in.
-- columns: bucket_ts, status, requests
-- exact: yes
-- (grain, minute_grain(): with buckets of a minute or more, a minute that lies whole in one
-- bucket is read from rollup_status_minute, the sums of its seconds; the ragged ends and the
-- minutes a bucket's start cuts from rollup_status's seconds, as traffic() does. A week in hours
-- reads ~50,000 minute rows instead of ~540,000 second rows. hs: the hosts, read once)
WITH hs AS MATERIALIZED (SELECT host FROM hosts({tier}, {host})),
parts AS MATERIALIZED (SELECT grain, lo, hi FROM minute_grain({from}, {to}, {bucket_ms}, 1))
SELECT {from} + ((t - {from}) / {bucket_ms}) * {bucket_ms} AS bucket_ts, status, sum(requests) AS requests
FROM (
  SELECT t, status, requests
  FROM parts CROSS JOIN rollup_status_minute WHERE grain = 'm' AND tier = {tier} AND t >= lo AND t < hi AND host IN hs
    AND ((t - {from}) / {bucket_ms}) = ((t + 59999 - {from}) / {bucket_ms})
  UNION ALL
  SELECT t, status, requests
  FROM parts CROSS JOIN rollup_status WHERE grain = 's' AND tier = {tier} AND t >= lo AND t < hi AND host IN hs)
GROUP BY 1, status
