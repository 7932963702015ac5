-- name: upstreams
-- title: Upstreams
-- description: Per upstream server (every address nginx tried, retries included): attempts,
--   failures (5xx or no answer), timeouts (504), attempts retried on the next server, failure
--   rate, p50/p95/max upstream time, first and last attempt.
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: tier (tier, default: auto) edge = the web server's access log, backend = PHP-FPM's
-- param: limit (int, default: 20) how many upstreams
-- ranking: failures, most first, then attempts. A name that is not an address (nginx logs the
--   upstream group, e.g. app_backend) is where "no live upstreams" answered: no server was tried.
-- time: a request's attempts count at the request's start; whole minutes and whole 10 s from the
--   rollups (percentiles within 2.2 %), the ragged ends under 10 s from the rows.
-- columns: upstream text, attempts count, failures count, timeouts count, retried count,
--   failure_rate ratio, p50_ms duration ms, p95_ms duration ms, max_ms duration ms,
--   first time iso, last time iso
SELECT
  upstream,
  attempts,
  failed AS failures,
  timeouts,
  retried,
  round(1.0 * failed / attempts, 4) AS failure_rate,
  round(hist_pct(time_hist, 50), 1) AS p50_ms,
  round(hist_pct(time_hist, 95), 1) AS p95_ms,
  round(time_max, 1) AS max_ms,
  iso(first_ts) AS first,
  iso(last_ts) AS last
FROM upstreams(:from, :to, :tier, :host)
ORDER BY failures DESC, attempts DESC, upstream
LIMIT :limit
