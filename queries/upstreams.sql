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
-- the range in pieces (time_pieces): rollup_upstream for whole minutes, rollup_upstream_10s for
-- the whole 10 s around them, the rows for the rest; of the rows, a request with one attempt (no
-- ", " or " : " list in upstream_raw) is its own columns, only the retried ones go through
-- upstream_attempts() (a JS call per row)
-- columns: upstream text, attempts count, failures count, timeouts count, retried count,
--   failure_rate ratio, p50_ms duration ms, p95_ms duration ms, max_ms duration ms,
--   first time iso, last time iso
WITH pieces AS (SELECT grain, lo, hi FROM time_pieces(:from, :to)),
parts AS (
  SELECT r.upstream_addr AS upstream, count(*) AS attempts, sum(r.upstream_status IS NULL OR r.upstream_status >= 500) AS failed,
    sum(r.upstream_status = 504) AS timeouts, 0 AS retried, max(r.upstream_ms) AS tmax, hist(r.upstream_ms) AS th, min(r.ts) AS first, max(r.ts) AS last
  FROM pieces x CROSS JOIN requests r ON coalesce(r.start_ts, r.ts) >= x.lo AND coalesce(r.start_ts, r.ts) < x.hi
  WHERE x.grain = 'rows' AND r.upstream_addr IS NOT NULL AND (r.upstream_raw IS NULL OR (instr(r.upstream_raw, ',') = 0 AND instr(r.upstream_raw, ' : ') = 0))
    AND (:host IS NULL OR r.host = :host)
    AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = :tier)
  GROUP BY 1
  UNION ALL
  SELECT a.addr AS upstream, count(*) AS attempts, sum(a.failed) AS failed, sum(a.status = 504) AS timeouts,
    sum(a.retried) AS retried, max(a.ms) AS tmax, hist(a.ms) AS th, min(r.ts) AS first, max(r.ts) AS last
  FROM pieces x CROSS JOIN requests r ON coalesce(r.start_ts, r.ts) >= x.lo AND coalesce(r.start_ts, r.ts) < x.hi,
    upstream_attempts(coalesce(r.upstream_raw, ''), coalesce(r.upstream_addr, ''), coalesce(r.upstream_status, -1), coalesce(r.upstream_ms, -1)) a
  WHERE x.grain = 'rows' AND (r.upstream_raw IS NOT NULL OR r.upstream_addr IS NOT NULL)
    AND NOT (r.upstream_addr IS NOT NULL AND (r.upstream_raw IS NULL OR (instr(r.upstream_raw, ',') = 0 AND instr(r.upstream_raw, ' : ') = 0)))
    AND (:host IS NULL OR r.host = :host)
    AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = :tier)
  GROUP BY a.addr
  UNION ALL
  SELECT u.upstream, sum(u.attempts), sum(u.failed), sum(u.timeouts), sum(u.retried), max(u.time_max), hist(u.time_hist), min(u.first_ts), max(u.last_ts)
  FROM pieces x CROSS JOIN rollup_upstream_10s u ON u.tier = :tier AND u.t >= x.lo AND u.t < x.hi
  WHERE x.grain = '10s' AND (:host IS NULL OR u.host = :host)
  GROUP BY u.upstream
  UNION ALL
  SELECT u.upstream, sum(u.attempts), sum(u.failed), sum(u.timeouts), sum(u.retried), max(u.time_max), hist(u.time_hist), min(u.first_ts), max(u.last_ts)
  FROM pieces x CROSS JOIN rollup_upstream u ON u.tier = :tier AND u.t >= x.lo AND u.t < x.hi
  WHERE x.grain = '1m' AND (:host IS NULL OR u.host = :host)
  GROUP BY u.upstream)
SELECT
  upstream,
  sum(attempts) AS attempts,
  sum(failed) AS failures,
  sum(timeouts) AS timeouts,
  sum(retried) AS retried,
  round(1.0 * sum(failed) / sum(attempts), 4) AS failure_rate,
  round(hist_pct(hist(th), 50), 1) AS p50_ms,
  round(hist_pct(hist(th), 95), 1) AS p95_ms,
  round(max(tmax), 1) AS max_ms,
  iso(min(first)) AS first,
  iso(max(last)) AS last
FROM parts
GROUP BY upstream
ORDER BY failures DESC, attempts DESC, upstream
LIMIT :limit
