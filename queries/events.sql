-- name: events
-- title: Events over time
-- description: Error-log events per time bucket, component (nginx, lighttpd, php-fpm ...), kind and
--   backend (socket, upstream address or pool), with the first and last time in the bucket.
-- param: from (time, default: start of data) start of the range, inclusive
-- param: to (time, default: end of data) end of the range, exclusive
-- param: host (text) only this host
-- param: bucket (bucket, default: auto) bucket width: 1s, 10s, 1m, 5m, 15m, 1h, or auto (60-120 buckets)
-- param: kind (text) only this event kind (see README "Event vocabulary")
-- param: component (text) only this component
-- param: quiet (bool, default: false) also list lifecycle and other (start/stop notices, tracing chatter)
-- ranking: none: buckets in time order, then most events first
-- time: an event counts at its stamp (error logs write when it happened)
-- columns: bucket_ts time ms, bucket time iso, component text, kind text, backend text, events count,
--   first time iso, last time iso
SELECT
  bucket_ts,
  iso(bucket_ts) AS bucket,
  component,
  kind,
  nullif(backend, '') AS backend,
  events,
  iso(first_ts) AS first,
  iso(last_ts) AS last
FROM event_counts(:from, :to, :bucket_ms, :host)
WHERE (:kind IS NULL OR kind = :kind) AND (:component IS NULL OR component = :component)
  AND (:quiet = 1 OR :kind IS NOT NULL OR kind NOT IN ('lifecycle', 'other'))
ORDER BY bucket_ts, events DESC, component, kind, backend
