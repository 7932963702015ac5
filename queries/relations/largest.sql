-- relation: largest(from, to, tier, host, n)
-- description: the n largest responses among the requests that started in [from, to) (bytes,
--   largest first, then by id). Requests without a size are left out.
-- columns: id (of the request), bytes
-- exact: yes
-- (whole minutes: each minute's 100 largest responses per tier and host are in rollup_largest,
-- so the n largest of a range of whole minutes are among them up to n = 100; beyond that the
-- minutes' rows are read; plus the largest rows of the partial minutes at the range's edges, and
-- of the whole minutes that rollup_sparse lists for a host: rollup_largest has none of those.
-- A sparse minute is read only if its largest response (rollup_minute's bytes_max) reaches the
-- n-th largest of the other candidates, when there are n of them: on a week of quiet nights
-- those minutes are more than half the range and a third of its requests, nearly all smaller)
WITH edges(lo, hi) AS (VALUES
    ({from}, min({to}, ({from} + 59999) / 60000 * 60000)),
    (max({from}, {to} / 60000 * 60000), CASE WHEN {to} / 60000 * 60000 >= ({from} + 59999) / 60000 * 60000 THEN {to} ELSE {from} END)),
dense AS MATERIALIZED (
  SELECT id FROM (
    SELECT id FROM rollup_largest
    WHERE tier = {tier} AND t >= ({from} + 59999) / 60000 * 60000 AND t < {to} / 60000 * 60000 AND ({host} IS NULL OR host = {host})
    ORDER BY bytes DESC, id LIMIT {n})
  UNION
  SELECT id FROM (
    SELECT r.id FROM requests r
    WHERE {n} > 100 AND coalesce(r.start_ts, r.ts) >= ({from} + 59999) / 60000 * 60000 AND coalesce(r.start_ts, r.ts) < {to} / 60000 * 60000
      AND r.bytes IS NOT NULL AND ({host} IS NULL OR r.host = {host}) AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = {tier})
    ORDER BY r.bytes DESC, r.id LIMIT {n})
  UNION
  SELECT id FROM (
    SELECT r.id FROM edges x JOIN requests r ON coalesce(r.start_ts, r.ts) >= x.lo AND coalesce(r.start_ts, r.ts) < x.hi
    WHERE r.bytes IS NOT NULL AND ({host} IS NULL OR r.host = {host}) AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = {tier})
    ORDER BY r.bytes DESC, r.id LIMIT {n})),
bound AS MATERIALIZED (
  SELECT r.bytes AS b FROM dense JOIN requests r ON r.id = dense.id
  WHERE {n} > 0 AND r.bytes IS NOT NULL AND ({host} IS NULL OR r.host = {host}) AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = {tier})
  ORDER BY r.bytes DESC, r.id LIMIT 1 OFFSET {n} - 1),
cand AS (
  SELECT id FROM dense
  UNION
  SELECT id FROM (
    SELECT r.id FROM (
        -- (t + 0: a bare INTEGER column compared with the start index's expression, which has no
        -- affinity, keeps the index from using that bound: every minute read the rows from the first)
        -- (every host's rows of a minute sparse on some host: a candidate of a dense host is still
        -- a request of the range, and the host's name is not looked up per row)
        SELECT DISTINCT t + 0 AS lo, t + 60000 AS hi FROM rollup_sparse
        WHERE {n} <= 100 AND tier = {tier} AND t >= ({from} + 59999) / 60000 * 60000 AND t < {to} / 60000 * 60000
          AND ({host} IS NULL OR host = {host})
          AND (NOT EXISTS (SELECT 1 FROM bound) OR (SELECT max(m.bytes_max) FROM rollup_minute m
            WHERE m.tier = {tier} AND m.host IN (SELECT host FROM hosts({tier}, {host})) AND m.t = rollup_sparse.t) >= (SELECT b FROM bound))) z
      CROSS JOIN requests r ON coalesce(r.start_ts, r.ts) >= z.lo AND coalesce(r.start_ts, r.ts) < z.hi
    WHERE ({host} IS NULL OR r.host = {host})
      AND r.bytes IS NOT NULL AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = {tier})
    ORDER BY r.bytes DESC, r.id LIMIT {n}))
SELECT r.id AS id, r.bytes AS bytes
FROM cand JOIN requests r ON r.id = cand.id
WHERE r.bytes IS NOT NULL AND ({host} IS NULL OR r.host = {host})
  AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = {tier})
ORDER BY r.bytes DESC, r.id
LIMIT {n}
