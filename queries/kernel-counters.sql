-- name: kernel-counters
-- title: Kernel counters over time
-- description: The increase of the kernel's cumulative counters per time bucket, from counter
--   snapshots (nstat -az, /proc/net/netstat, netstat -s; see README "Kernel logs and counters"):
--   by default the ones that prove a queue or memory gave out (listen queue overflows and drops,
--   SYN queue full, SYN cookies, backlog drops, aborts on memory, timeouts).
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: bucket (bucket, default: auto) bucket width: 1s, 10s, 1m, 5m, 15m, 1h, or auto (60-120 buckets)
-- param: counter (text) only this counter (nstat's name, e.g. TcpExtListenOverflows)
-- param: all (bool, default: false) every counter with an increase, not only the overload ones
-- ranking: none: buckets in time order, then the largest increase first
-- time: an increase counts at the snapshot that saw it (the end of its interval), so it may have
--   happened up to one snapshot interval earlier. A counter lower than the snapshot before (a
--   reboot, nstat without -a) is a reset: counted as resets, never as a negative increase.
-- columns: bucket_ts time ms, bucket time iso, host text, counter text, increase count, per_s rate /s,
--   value count, snapshots count, resets count, first time iso, last time iso
SELECT
  :from + ((to_ts - :from) / :bucket_ms) * :bucket_ms AS bucket_ts,
  iso(:from + ((to_ts - :from) / :bucket_ms) * :bucket_ms) AS bucket,
  host,
  counter,
  total(increase) AS increase,
  round(total(increase) * 1000.0 / :bucket_ms, 3) AS per_s,
  max(value) AS value,
  count(*) AS snapshots,
  sum(reset) AS resets,
  iso(min(CASE WHEN increase > 0 THEN to_ts END)) AS first,
  iso(max(CASE WHEN increase > 0 THEN to_ts END)) AS last
FROM counter_increases
WHERE to_ts >= :from AND to_ts < :to AND snapshot = 'nstat' AND (:host IS NULL OR host = :host)
  AND (:counter IS NULL OR counter = :counter)
  AND (:all = 1 OR :counter IS NOT NULL OR counter IN ('TcpExtListenOverflows', 'TcpExtListenDrops', 'TcpExtTCPBacklogDrop',
    'TcpExtTCPReqQFullDrop', 'TcpExtTCPReqQFullDoCookies', 'TcpExtSyncookiesSent', 'TcpExtTCPAbortOnMemory', 'TcpExtTCPTimeouts'))
GROUP BY bucket_ts, host, counter
HAVING increase > 0 OR resets > 0
ORDER BY bucket_ts, increase DESC, counter
