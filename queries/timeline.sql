-- name: timeline
-- title: Traffic timeline
-- description: One row per time bucket: requests, rate, 4xx and 5xx, p50/p95/p99 duration, p95
--   upstream time, bytes, peak requests in flight, the events logged in it by kind, and the
--   increase of the kernel's overload counters (listen queue overflows ...) where snapshots exist.
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: bucket (bucket, default: auto) bucket width: 1s, 10s, 1m, 5m, 15m, 1h, or auto (60-120 buckets)
-- param: tier (tier, default: auto) edge = the web server's access log, backend = PHP-FPM's; auto = edge when there is one
-- ranking: none: buckets in time order, empty buckets included (no traffic is news too)
-- time: a request counts in the bucket it started in (end stamp - duration), so a slow request
--   weighs on the moment it arrived; events count at their stamp. Percentiles come from
--   per-second histograms and are within 2.2 % of the exact value; counts are exact. A kernel
--   counter's increase counts at the snapshot that saw it (report kernel-counters).
-- json: events, kernel
-- columns: bucket_ts time ms, bucket time iso, requests count, rps rate req/s, s4xx count, s5xx count,
--   p50_ms duration ms, p95_ms duration ms, p99_ms duration ms, upstream_p95_ms duration ms,
--   bytes bytes, inflight_peak count, events json, kernel json
WITH
  e AS (
    SELECT bucket_ts, json_group_object(kind, n) AS ev FROM (
      SELECT bucket_ts, kind, sum(events) AS n FROM event_counts(:from, :to, :bucket_ms, :host)
      GROUP BY bucket_ts, kind ORDER BY bucket_ts, kind)
    GROUP BY bucket_ts),
  k AS (
    SELECT bt, json_group_object(counter, n) AS kc FROM (
      SELECT :from + ((to_ts - :from) / :bucket_ms) * :bucket_ms AS bt, counter, total(increase) AS n
      FROM counter_increases
      WHERE to_ts >= :from AND to_ts < :to AND (:host IS NULL OR host = :host)
        AND counter IN ('TcpExtListenOverflows', 'TcpExtListenDrops', 'TcpExtTCPBacklogDrop', 'TcpExtTCPReqQFullDrop',
          'TcpExtTCPReqQFullDoCookies', 'TcpExtSyncookiesSent', 'TcpExtTCPAbortOnMemory', 'TcpExtTCPTimeouts')
      GROUP BY bt, counter HAVING n > 0 ORDER BY bt, counter)
    GROUP BY bt)
SELECT
  b.bucket_ts,
  iso(b.bucket_ts) AS bucket,
  coalesce(r.requests, 0) AS requests,
  round(coalesce(r.requests, 0) * 1000.0 / :bucket_ms, 3) AS rps,
  coalesce(r.s4xx, 0) AS s4xx,
  coalesce(r.s5xx, 0) AS s5xx,
  round(hist_pct(r.dur_hist, 50), 1) AS p50_ms,
  round(hist_pct(r.dur_hist, 95), 1) AS p95_ms,
  round(hist_pct(r.dur_hist, 99), 1) AS p99_ms,
  round(hist_pct(r.up_hist, 95), 1) AS upstream_p95_ms,
  coalesce(r.bytes, 0) AS bytes,
  coalesce(f.peak, 0) AS inflight_peak,
  coalesce(e.ev, '{}') AS events,
  coalesce(k.kc, '{}') AS kernel
FROM buckets(:from, :to, :bucket_ms) b
LEFT JOIN traffic(:from, :to, :bucket_ms, :tier, :host) r ON r.bucket_ts = b.bucket_ts
LEFT JOIN inflight(:from, :to, :bucket_ms, :tier, :host, 0) f ON f.bucket_ts = b.bucket_ts
LEFT JOIN e ON e.bucket_ts = b.bucket_ts
LEFT JOIN k ON k.bt = b.bucket_ts
ORDER BY b.bucket_ts
