-- relation: requests_in(from, to, tier, host)
-- description: the requests of a tier that started in [from, to): every column of the view
--   `requests`, and `started` = its start (the stored start, else its stamp).
-- columns: those of requests, started (ms)
-- exact: yes (the rows themselves)
SELECT r.*, coalesce(r.start_ts, r.ts) AS started
FROM requests r
WHERE coalesce(r.start_ts, r.ts) >= {from} AND coalesce(r.start_ts, r.ts) < {to}
  AND ({host} IS NULL OR r.host = {host})
  AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = {tier})
