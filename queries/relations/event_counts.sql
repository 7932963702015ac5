-- relation: event_counts(from, to, bucket_ms, host)
-- description: error-log events per time bucket of [from, to), component, kind and backend; an
--   event counts at its stamp. One row per bucket and (component, kind, backend) that occurred.
-- columns: bucket_ts, component, kind, backend ('' = none), events, first_ts, last_ts (ms)
-- exact: yes
SELECT {from} + ((t - {from}) / {bucket_ms}) * {bucket_ms} AS bucket_ts, component, kind, backend,
  sum(events) AS events, min(first_ts) AS first_ts, max(last_ts) AS last_ts
FROM rollup_events
WHERE t >= {from} AND t < {to} AND ({host} IS NULL OR host = {host})
GROUP BY 1, component, kind, backend
