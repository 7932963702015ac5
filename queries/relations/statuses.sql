-- relation: statuses(from, to, bucket_ms, tier, host)
-- description: requests per time bucket of [from, to) and status code (0 = none logged), only
--   the codes that occurred. A request counts in the bucket it started in.
-- columns: bucket_ts, status, requests
-- exact: yes
SELECT {from} + ((t - {from}) / {bucket_ms}) * {bucket_ms} AS bucket_ts, status, sum(requests) AS requests
FROM rollup_status
WHERE tier = {tier} AND t >= {from} AND t < {to} AND host IN (SELECT host FROM hosts({tier}, {host}))
GROUP BY 1, status
