-- relation: buckets(from, to, bucket_ms)
-- description: the time buckets of [from, to), empty ones included: from, from + bucket_ms, ...
--   up to the last that starts before `to` (one bucket when from >= to).
-- columns: bucket_ts (ms, the bucket's start), span_ms (its length inside the range: bucket_ms,
--   shorter for a last bucket cut by `to`)
WITH RECURSIVE b(t) AS (SELECT {from} UNION ALL SELECT t + {bucket_ms} FROM b WHERE t + {bucket_ms} < {to})
SELECT t AS bucket_ts, min({bucket_ms}, {to} - t) AS span_ms FROM b
