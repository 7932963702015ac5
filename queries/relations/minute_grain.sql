-- relation: minute_grain(from, to, bucket_ms, minutes_ok = 1)
-- description: which parts of [from, to) traffic() and inflight() read from a table of minutes
--   (grain 'm': the range's whole minutes) and which from the seconds (grain 's': the ragged ends
--   and, in buckets that do not start on a minute, each minute a bucket's start cuts). Minutes
--   only for buckets of a minute or more and when minutes_ok (the caller's condition, e.g. that
--   every minute of the range has an exact sum); else one 's' part, the whole range. The caller
--   reads a minute only if it lies whole in one bucket; the cut minutes are read here as seconds.
-- columns: grain ('m' or 's'), lo, hi (a part [lo, hi) in ms)
-- exact: yes (each instant of [from, to) is in exactly one part, or in an 'm' part and a cut
--   minute whose minute row the caller's whole-in-one-bucket test leaves out)
WITH whole AS MATERIALIZED (
  SELECT lo, hi FROM (SELECT (({from} + 59999) / 60000) * 60000 AS lo, ({to} / 60000) * 60000 AS hi)
  WHERE lo < hi AND {bucket_ms} >= 60000 AND ({minutes_ok})),
starts(at) AS (
  SELECT {from} + {bucket_ms} FROM whole WHERE {from} + {bucket_ms} < hi
  UNION ALL
  SELECT at + {bucket_ms} FROM starts, whole WHERE at + {bucket_ms} < hi)
SELECT 'm' AS grain, lo, hi FROM whole
UNION ALL SELECT 's', {from}, lo FROM whole
UNION ALL SELECT 's', hi, {to} FROM whole
UNION ALL SELECT 's', {from}, {to} WHERE NOT EXISTS (SELECT 1 FROM whole)
UNION ALL SELECT 's', (at / 60000) * 60000, (at / 60000) * 60000 + 60000 FROM starts WHERE at % 60000 <> 0
