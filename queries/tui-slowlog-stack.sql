-- name: tui-slowlog-stack
-- title: TUI drill: one slowlog stack
-- description: One stack fingerprint of the PHP-FPM slowlog: the frames of its latest entry in the
--   window (innermost first) and the requests its entries served (the first :limit by time).
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: fingerprint (text) the stack's fingerprint (report slowlog-top)
-- param: limit (int, default: 300) how many entries
-- ranking: frames by depth; entries in time order
-- time: an entry counts at its stamp
-- listed: no
-- columns: section text, depth count, function text, file text, line count, ts time ms, pid id, pool text,
--   script text, request text, route text
-- section: frames
SELECT depth, function, file, line
FROM slow_frames
WHERE trace_id = (SELECT id FROM slow_traces
  WHERE fingerprint = :fingerprint AND ts >= :from AND ts < :to AND (:host IS NULL OR coalesce(host, '') = :host)
  ORDER BY ts DESC LIMIT 1)
ORDER BY depth
-- section: requests
SELECT ts, pid, pool, script, request, route
FROM slow_traces
WHERE fingerprint = :fingerprint AND ts >= :from AND ts < :to AND (:host IS NULL OR coalesce(host, '') = :host)
ORDER BY ts
LIMIT :limit
