-- name: slowlog-top
-- title: Slowlog stacks
-- description: PHP-FPM slowlog entries grouped by stack fingerprint (functions and files, no line
--   numbers or addresses): count, top frame, deepest application frame, the stack, scripts, the
--   routes recovered by joining each entry to its "executing too slow" line, first and last time.
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: limit (int, default: 20) how many stacks
-- ranking: entries per fingerprint, most first (pt-query-digest's ranking of normalised entries)
-- time: an entry counts at its stamp (when FPM traced the slow worker)
-- columns: fingerprint id, entries count, share_pct percent, top_frame text, app_frame text, stack text,
--   scripts text, routes text, pools text, first time iso, last time iso, truncated count
WITH t AS (
  SELECT st.*,
    coalesce(st.route, (
      SELECT e.route FROM events e
      WHERE e.kind = 'slow_request' AND e.pid = st.pid AND e.ts >= st.ts - 2000 AND e.ts <= st.ts + 2000
      ORDER BY abs(e.ts - st.ts) LIMIT 1)) AS route_joined
  FROM slow_traces st
  WHERE st.ts >= :from AND st.ts < :to AND (:host IS NULL OR st.host = :host)),
g AS (
  SELECT fingerprint, count(*) AS n, min(ts) AS first, max(ts) AS last, max(id) AS example,
    group_concat(DISTINCT script) AS scripts, group_concat(DISTINCT route_joined) AS routes,
    group_concat(DISTINCT pool) AS pools, max(truncated) AS truncated
  FROM t GROUP BY fingerprint)
SELECT
  g.fingerprint,
  g.n AS entries,
  round(100.0 * g.n / (SELECT count(*) FROM t), 1) AS share_pct,
  st.top_frame,
  st.app_frame,
  (SELECT group_concat(function, ' < ') FROM (SELECT function FROM slow_frames f WHERE f.trace_id = g.example ORDER BY depth)) AS stack,
  g.scripts,
  g.routes,
  g.pools,
  iso(g.first) AS first,
  iso(g.last) AS last,
  g.truncated
FROM g JOIN slow_traces st ON st.id = g.example
ORDER BY g.n DESC, g.fingerprint
LIMIT :limit
