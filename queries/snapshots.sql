-- name: snapshots
-- title: System snapshots over time
-- description: The figures that system snapshots gave in the range, one row per snapshot time and
--   figure (see README "Snapshots"): listen queues and backlogs (ss-listen, fpm-status), busy and
--   idle workers (fpm-status, apache-server-status, nginx-stub-status, lighttpd-statistics,
--   varnishstat), TCP states per listener and backend port (ss-states), memory and worker RSS
--   (meminfo, ps), cpus (nproc). By default the figures an overload shows in; all=1 every one.
--   For a counter, `increase` is the rise since the snapshot before of the same host, subject and
--   metric (NULL for the first and after a reset).
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: snapshot (text) only this snapshot kind: fpm-status, ss-states, ss-listen, nginx-stub-status, apache-server-status, lighttpd-statistics, varnishstat, ps, meminfo, nproc, nstat
-- param: subject (text) only this subject (a pool, a listener, a process name, a backend)
-- param: all (bool, default: false) every figure, not only the overload ones
-- param: limit (int, default: 5000) how many rows
-- ranking: none: in time order, then snapshot, subject and metric
-- time: a figure counts at the time of its snapshot (the date line before it, its own time, --at
--   or the file name's stamp); a counter's increase happened between the two snapshots.
-- columns: time time iso, ts time ms, host text, snapshot text, subject text, metric text, value number,
--   kind text, increase number
SELECT iso(ts) AS time, ts, host, snapshot, subject, metric, value, kind, increase
FROM (
  SELECT ts, host, snapshot, subject, metric, value, kind,
    CASE WHEN kind = 'counter' AND prev IS NOT NULL AND value >= prev THEN value - prev END AS increase
  FROM (
    SELECT s.*, lag(value) OVER (PARTITION BY coalesce(host, ''), snapshot, subject, metric ORDER BY ts, id) AS prev
    FROM samples s
    WHERE (:host IS NULL OR host = :host) AND (:snapshot IS NULL OR snapshot = :snapshot)
      AND (:subject IS NULL OR subject = :subject) AND ts < :to
  )
)
WHERE ts >= :from
  AND (:all = 1 OR :snapshot IS NOT NULL OR metric IN (
    -- queues and limits
    'listen queue', 'max listen queue', 'listen queue len', 'recv_q', 'send_q',
    -- workers
    'active processes', 'idle processes', 'total processes', 'max active processes', 'max children reached',
    'BusyWorkers', 'IdleWorkers', 'scoreboard open', 'active', 'writing', 'waiting', 'accepts', 'handled',
    'load', 'overloaded', 'died', 'disabled',
    'MAIN.backend_busy', 'MAIN.backend_fail', 'MAIN.backend_unhealthy', 'MAIN.threads', 'MAIN.threads_limited',
    'MAIN.sess_queued', 'MAIN.sess_dropped', 'MAIN.thread_queue_len', 'conn', 'busy', 'fail', 'unhealthy',
    -- TCP states
    'SYN-RECV', 'SYN-SENT', 'TIME-WAIT', 'ESTAB', 'CLOSE-WAIT',
    -- memory and cpus
    'MemTotal_kb', 'MemAvailable_kb', 'SwapUsed_kb', 'processes', 'rss_kb', 'rss_kb_avg', 'rss_kb_sum', 'cpus',
    'Load1',
    -- the kernel's overload counters (report kernel-counters has them by bucket)
    'TcpExtListenOverflows', 'TcpExtListenDrops', 'TcpExtTCPReqQFullDrop', 'TcpExtSyncookiesSent'))
ORDER BY ts, snapshot, subject, metric
LIMIT :limit
