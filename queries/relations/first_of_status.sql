-- relation: first_of_status(from, to, tier, host)
-- description: per status code (0 = none logged) of the requests that started in [from, to):
--   how many, and the first of them (by start, then id).
-- columns: status, requests, first_id (of the request)
-- exact: yes
-- requests: counted in the second of the rollups (starts spread within their second), so a
-- whole-second range counts exactly what the rows do
-- (the per-second status rollup says from which second on to look: a rollup second holds requests
-- whose stored start is up to 1 s either side of it, so the first started at most 1 s before the
-- first second of the status from 1 s before the range on; the rows are read from there)
WITH s AS (
  SELECT status, min(t) AS t0, sum(CASE WHEN t >= {from} AND t < {to} THEN requests END) AS n FROM rollup_status
  WHERE tier = {tier} AND t > {from} - 1000 AND t < {to} + 1000 AND host IN (SELECT host FROM hosts({tier}, {host}))
  GROUP BY status)
SELECT s.status AS status, s.n AS requests, (
  SELECT r.id FROM requests r
  WHERE coalesce(r.start_ts, r.ts) >= max({from}, s.t0 - 1000) AND coalesce(r.start_ts, r.ts) < {to} AND r.status = s.status
    AND ({host} IS NULL OR r.host = {host}) AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = {tier})
  ORDER BY coalesce(r.start_ts, r.ts), r.id LIMIT 1) AS first_id
FROM s
