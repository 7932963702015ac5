-- name: tui-counter
-- title: TUI drill: one kernel counter
-- description: The snapshots of one kernel counter in the window where it rose (or was reset):
--   its value, the increase since the snapshot before and the rate.
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: counter (text) the counter (TcpExtListenOverflows ...)
-- param: limit (int, default: 300) how many snapshots
-- ranking: none: snapshots in time order
-- time: an increase counts at the snapshot that saw it
-- listed: no
-- columns: ts time ms, host text, value count, increase count, per_s rate /s
SELECT to_ts AS ts, host, value, increase, per_s
FROM counter_increases
WHERE counter = :counter AND to_ts >= :from AND to_ts < :to AND (increase > 0 OR reset = 1)
  AND coalesce(host, '') IN (SELECT value FROM json_each(:hosts))
ORDER BY to_ts
LIMIT :limit
