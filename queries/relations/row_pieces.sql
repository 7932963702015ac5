-- relation: row_pieces(from, to, tier, host)
-- description: the parts of [from, to) that the 10 s-grain relations (route_load, upstreams) read
--   from the request rows rather than the rollups: the ragged ends under 10 s that time_pieces()
--   leaves to the rows (host NULL: every host), and the 10 s pieces inside a sparse minute of a
--   host (rollup_sparse: fewer requests than the 10 s rollups would have rows, so they keep none).
-- columns: lo, hi (ms, [lo, hi)), host (NULL = every host; else only that host's rows)
-- exact: yes
-- (CROSS JOIN: the pieces outside, so rollup_sparse is sought by each piece's time; left to
-- itself SQLite may read the tier's every sparse minute and probe the pieces)
SELECT lo, hi, NULL AS host FROM time_pieces({from}, {to}) WHERE grain = 'rows'
UNION ALL
SELECT max(x.lo, z.t), min(x.hi, z.t + 60000), z.host
FROM time_pieces({from}, {to}) x CROSS JOIN rollup_sparse z ON z.tier = {tier} AND z.t > x.lo - 60000 AND z.t < x.hi AND ({host} IS NULL OR z.host = {host})
WHERE x.grain = '10s'
