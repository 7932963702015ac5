-- relation: client_rest(from, to, tier, host)
-- description: the traffic of the clients that clients() cannot tell apart in [from, to): those
--   outside the busiest of their 10 s or minute, summed. One row.
-- columns: buckets (how many 10 s and minutes had such a rest), clients (counted per bucket: one
--   client left out of two buckets counts twice), requests, s5xx, top (the sum of each bucket's
--   most requests of one left-out client: an upper bound on any one client's requests here),
--   kept (how many clients a bucket keeps apart)
-- exact: requests and s5xx
SELECT count(*) AS buckets, total(c.rest_clients) AS clients, total(c.rest_requests) AS requests,
  total(c.rest_s5xx) AS s5xx, total(c.rest_top) AS top, (SELECT value FROM rollup_state WHERE name = 'clients_kept') AS kept
FROM time_pieces({from}, {to}) x CROSS JOIN rollup_clients c ON c.tier = {tier} AND c.grain = CASE x.grain WHEN '10s' THEN 10000 ELSE 60000 END
  AND c.t >= x.lo AND c.t < x.hi
WHERE x.grain IN ('10s', '1m') AND ({host} IS NULL OR c.host = {host}) AND c.rest_clients > 0
