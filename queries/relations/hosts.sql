-- relation: hosts(tier, host)
-- description: the hosts that have requests of a tier ('' = no host given at ingest): all of
--   them when host is NULL, else the one named if it has any. The rollups keyed (tier, host, t)
--   are read per host through this list: `host IN (SELECT host FROM hosts(...))` lets SQLite seek
--   each host's time range, where `({host} IS NULL OR host = {host})` made it scan the tier's
--   every row whatever the range (a one-minute read of a week's database read the whole week).
-- columns: host
-- exact: yes
SELECT host FROM rollup_minute_totals
WHERE tier = {tier} AND ({host} IS NULL OR host = {host})
GROUP BY host
