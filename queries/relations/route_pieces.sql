-- relation: route_pieces(from, to, tier, host)
-- description: routes() before its GROUP BY: one row per route, host and whole minute of
--   [from, to) (rollup_minute) and one per route for the partial minutes at the two edges (the
--   rows). A route's counts and sums are the sums of its pieces and its max the max of theirs:
--   a report that needs only a bound reads them without grouping (oversized: the routes whose
--   largest piece reaches a size, among a million one-request routes of a scanned site).
-- columns: route, requests, dur_sum, bytes_max
-- exact: yes
SELECT coalesce(r.route, '') AS route, count(*) AS requests, {dur_sum? total(r.duration_ms)} AS dur_sum, {bytes_max? max(r.bytes)} AS bytes_max
FROM requests r
WHERE ((coalesce(r.start_ts, r.ts) >= {from} AND coalesce(r.start_ts, r.ts) < min({to}, ({from} + 59999) / 60000 * 60000))
    OR ({to} / 60000 * 60000 >= ({from} + 59999) / 60000 * 60000
      AND coalesce(r.start_ts, r.ts) >= max({from}, {to} / 60000 * 60000) AND coalesce(r.start_ts, r.ts) < {to}))
  AND ({host} IS NULL OR r.host = {host})
  AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = {tier})
GROUP BY 1
UNION ALL
SELECT route, requests, {dur_sum? dur_sum}, {bytes_max? bytes_max}
FROM rollup_minute
WHERE tier = {tier} AND t >= ({from} + 59999) / 60000 * 60000 AND t < {to} / 60000 * 60000 AND host IN (SELECT host FROM hosts({tier}, {host}))
