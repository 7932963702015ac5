-- relation: slowest(from, to, tier, host, n)
-- description: the n slowest requests that started in [from, to) (duration, longest first, then
--   by id). Requests without a duration are left out.
-- columns: id (of the request), duration_ms
-- exact: yes
-- (the slowest requests started in the seconds with the largest maximum duration: only those are
-- read. A rollup second holds requests whose stored start is up to 1 s either side of it (stamps
-- spread), so the seconds from 1 s before the range to 1 s after it are candidates, and the
-- n + 4 slowest of them: up to two at each end may owe their maximum to a request outside it)
WITH top AS (
  SELECT t FROM rollup_second
  WHERE tier = {tier} AND t > {from} - 1000 AND t < {to} + 1000 AND host IN (SELECT host FROM hosts({tier}, {host})) AND dur_max IS NOT NULL
  ORDER BY dur_max DESC LIMIT {n} + 4),
cand AS (
  SELECT r.id FROM top JOIN requests r
    ON coalesce(r.start_ts, r.ts) >= max({from}, top.t - 1000) AND coalesce(r.start_ts, r.ts) < min({to}, top.t + 1000)
  WHERE r.duration_ms IS NOT NULL)
SELECT r.id AS id, r.duration_ms AS duration_ms
FROM (SELECT DISTINCT id FROM cand) c JOIN requests r ON r.id = c.id
WHERE ({host} IS NULL OR r.host = {host}) AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = {tier})
ORDER BY r.duration_ms DESC, r.id
LIMIT {n}
