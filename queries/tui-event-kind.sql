-- name: tui-event-kind
-- title: TUI drill: one event kind
-- description: The lines of one event kind in the window (the first :limit by time) and its
--   messages (up to 20,000 of them, which the TUI folds into shapes: digits to N, nginx's
--   per-request context cut).
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: kind (text) the event kind (backlog_full, worker_limit_reached ...)
-- param: limit (int, default: 300) how many lines
-- ranking: lines in time order; messages as stored
-- time: an event counts at its stamp
-- listed: no
-- columns: section text, ts time ms, component text, severity text, backend text, message text
-- section: lines
SELECT ts, component, severity, backend, message
FROM events
WHERE kind = :kind AND ts >= :from AND ts < :to AND (:host IS NULL OR coalesce(host, '') = :host)
ORDER BY ts
LIMIT :limit
-- section: messages
SELECT component, message
FROM events
WHERE kind = :kind AND ts >= :from AND ts < :to AND (:host IS NULL OR coalesce(host, '') = :host)
LIMIT 20000
