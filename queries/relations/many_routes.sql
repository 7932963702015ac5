-- relation: many_routes(from, to, tier, host)
-- description: whether [from, to) is a range of many routes (a scanned site: a route per request),
--   judged on its first five whole minutes: at least 2,000 distinct routes among at most 20,000
--   minute rows. Reports that rank routes use it to choose between reading every route in full
--   (a few hundred routes) and pruning first (a million one-request routes).
-- columns: many (1 or 0)
-- exact: yes (a cheap sample by design: it chooses how to read, never what the answer is)
SELECT count(DISTINCT route) >= 2000 AS many FROM (
  SELECT route FROM rollup_minute
  WHERE tier = {tier} AND host IN (SELECT host FROM hosts({tier}, {host}))
    AND t >= ({from} + 59999) / 60000 * 60000 AND t < min({to} / 60000 * 60000, ({from} + 59999) / 60000 * 60000 + 300000)
  LIMIT 20000)
