-- relation: clients(from, to, tier, host)
-- description: requests and 5xx per client ('' = none) in [from, to), as far as the client
--   rollups tell clients apart: each 10 s and minute keeps its busiest clients (rollup_state
--   'clients_kept') and sums the rest (client_rest()). A client's counts are only ever low, by at
--   most low_by; a client with no row here has at most client_rest().top requests.
-- columns: client, requests, s5xx, low_by (0 = exact)
-- exact: for a client kept in every bucket it had requests in (see docs/reports.md "Clients are bounded")
-- (time_pieces: rollup_clients per minute and per 10 s, the ragged ends under 10 s from the rows;
-- low_by = the rest_top of the buckets with a rest, less the rest_top of those the client is
-- kept in (it is exact there, or low by at most its entry's 4th element))
WITH pieces AS (SELECT grain, lo, hi FROM time_pieces({from}, {to})),
kb AS (
  SELECT c.kept, c.rest_top
  FROM pieces x CROSS JOIN rollup_clients c ON c.tier = {tier} AND c.grain = CASE x.grain WHEN '10s' THEN 10000 ELSE 60000 END
    AND c.t >= x.lo AND c.t < x.hi
  WHERE x.grain IN ('10s', '1m') AND ({host} IS NULL OR c.host = {host}))
SELECT client, total(n) AS requests, total(e) AS s5xx,
  (SELECT top FROM client_rest({from}, {to}, {tier}, {host})) - total(covered) AS low_by
FROM (
  SELECT coalesce(r.client, '') AS client, count(*) AS n, sum(r.status BETWEEN 500 AND 599) AS e, 0 AS covered
  FROM pieces x CROSS JOIN requests r ON coalesce(r.start_ts, r.ts) >= x.lo AND coalesce(r.start_ts, r.ts) < x.hi
  WHERE x.grain = 'rows' AND ({host} IS NULL OR r.host = {host}) AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = {tier})
  GROUP BY 1
  UNION ALL
  SELECT k.value ->> 0, sum(k.value ->> 1), sum(k.value ->> 2), sum(b.rest_top - coalesce(k.value ->> 3, 0))
  FROM kb b, jsonb_each(b.kept) k
  GROUP BY 1)
GROUP BY client
