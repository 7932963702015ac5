-- name: backend-overload
-- title: Backend overload episodes
-- description: Episodes of backends refusing work (lighttpd "backend is overloaded", "all handlers
--   ... are down", disabled / re-enabled; nginx connect() EAGAIN), with the request rate and 5xx
--   during each episode and in the same length of time before it.
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: tier (tier, default: auto) edge = the web server's access log, backend = PHP-FPM's
-- param: gap (duration, default: 5s) events closer than this belong to one episode
-- param: by (enum all|backend, default: all) one series of episodes, or one per backend socket
--   (lighttpd 1.4.45 names the socket only when it re-enables it: its "overloaded" lines count under "(unnamed)")
-- ranking: episodes in time order
-- time: events at their stamp; requests by their start. An episode runs from its first event to one
--   second after its last (stamps are whole seconds).
-- columns: episode id, backend text, start_ts time ms, end_ts time ms, start time iso, end time iso,
--   duration_s duration s, overloaded count, disabled count, down count, reenabled count,
--   connect_failed count, backlog_full count, max_load number, backends text, components text,
--   requests count, rps rate req/s, s5xx count, error_rate ratio, rps_before rate req/s,
--   error_rate_before ratio
WITH ev AS (
  SELECT ts, kind, backend, value, component,
    CASE WHEN :by = 'backend' THEN coalesce(backend, '(unnamed)') ELSE '' END AS grp
  FROM events
  WHERE kind IN ('backend_overloaded', 'backend_disabled', 'backend_down', 'backend_reenabled', 'backlog_full', 'connect_failed')
    AND ts >= :from AND ts < :to AND (:host IS NULL OR host = :host)),
marks AS (
  SELECT *, CASE WHEN ts - lag(ts) OVER (PARTITION BY grp ORDER BY ts) <= :gap THEN 0 ELSE 1 END AS first_of
  FROM ev),
numbered AS (
  SELECT *, sum(first_of) OVER (PARTITION BY grp ORDER BY ts ROWS UNBOUNDED PRECEDING) AS n FROM marks),
ep AS (
  SELECT grp, n, min(ts) AS start_ts, max(ts) + 1000 AS end_ts,
    sum(kind = 'backend_overloaded') AS overloaded, sum(kind = 'backend_disabled') AS disabled,
    sum(kind = 'backend_down') AS down, sum(kind = 'backend_reenabled') AS reenabled,
    sum(kind IN ('backlog_full', 'connect_failed')) AS connect_failed,
    sum(kind = 'backlog_full') AS backlog_full,
    max(CASE WHEN kind = 'backend_overloaded' THEN value END) AS max_load,
    group_concat(DISTINCT backend) AS backends,
    group_concat(DISTINCT component) AS components
  FROM numbered GROUP BY grp, n),
-- the traffic during the episode and in the same length of time before it (one bucket each)
load AS (
  SELECT ep.grp, ep.n,
    (SELECT total(requests) FROM traffic(ep.start_ts, ep.end_ts, ep.end_ts - ep.start_ts, :tier, :host)) AS req,
    (SELECT total(s5xx) FROM traffic(ep.start_ts, ep.end_ts, ep.end_ts - ep.start_ts, :tier, :host)) AS s5,
    (SELECT total(requests) FROM traffic(2 * ep.start_ts - ep.end_ts, ep.start_ts, ep.end_ts - ep.start_ts, :tier, :host)) AS req_before,
    (SELECT total(s5xx) FROM traffic(2 * ep.start_ts - ep.end_ts, ep.start_ts, ep.end_ts - ep.start_ts, :tier, :host)) AS s5_before
  FROM ep)
SELECT
  row_number() OVER (ORDER BY ep.start_ts, ep.grp) AS episode,
  nullif(ep.grp, '') AS backend,
  ep.start_ts, ep.end_ts,
  iso(ep.start_ts) AS start, iso(ep.end_ts) AS "end",
  (ep.end_ts - ep.start_ts) / 1000.0 AS duration_s,
  ep.overloaded, ep.disabled, ep.down, ep.reenabled, ep.connect_failed, ep.backlog_full,
  ep.max_load,
  ep.backends,
  ep.components,
  CAST(coalesce(t.req, 0) AS INTEGER) AS requests,
  round(coalesce(t.req, 0) * 1000.0 / (ep.end_ts - ep.start_ts), 2) AS rps,
  CAST(coalesce(t.s5, 0) AS INTEGER) AS s5xx,
  round(coalesce(t.s5, 0) / nullif(t.req, 0), 4) AS error_rate,
  round(coalesce(t.req_before, 0) * 1000.0 / (ep.end_ts - ep.start_ts), 2) AS rps_before,
  round(coalesce(t.s5_before, 0) / nullif(t.req_before, 0), 4) AS error_rate_before
FROM ep LEFT JOIN load t ON t.grp = ep.grp AND t.n = ep.n
ORDER BY ep.start_ts, ep.grp
