-- relation: traffic(from, to, bucket_ms, tier, host)
-- description: requests per time bucket of [from, to): one row per bucket that had any (no row
--   for an empty one: join buckets() for those). A request counts in the bucket it started in.
--   Pass bucket_ms = to - from for one row over the whole range.
-- columns: bucket_ts, requests, done (requests that ended in it), s4xx, s5xx, bytes, dur_n (with
--   a duration), dur_sum (ms), dur_max (ms), dur_hist, up_hist (upstream time), done_hist (the
--   durations of the requests that ended in it): histograms for hist_pct()
-- exact: counts and sums; percentiles of the histograms within 2.2 %
-- (every column but requests is read only when the calling statement names it: a column after a
-- histogram's text in the row costs reading past that text)
-- (grain: with buckets of a minute or more, a minute that lies whole in one bucket is read from
-- rollup_traffic_minute, the sums of its seconds; the seconds of the ragged ends and of the
-- minutes a bucket's start cuts (a range from 06:25:13 in 1 h buckets: one a bucket) from
-- rollup_second, and every second of shorter buckets. A week at 1 h reads 10,080 minutes instead
-- of 600,000 seconds. Not when a minute of the range has no dur_sum (its
-- seconds' have fractions: summed by minutes the last bit could differ): the seconds then, as before)
-- grain: [lo, hi) the range's whole minutes, whole = minutes may be read; span: the minutes
-- [m_lo, m_hi) read as minutes, the seconds [from, a_hi) and [b_lo, to) as seconds; cuts: the
-- minutes a bucket's start falls inside, read as seconds. Index ranges all; hs: the hosts, read once.
WITH hs AS MATERIALIZED (SELECT host FROM hosts({tier}, {host})),
grain AS MATERIALIZED (
  SELECT lo, hi, lo < hi AND {bucket_ms} >= 60000
    AND NOT EXISTS (SELECT 1 FROM rollup_traffic_minute WHERE tier = {tier} AND host IN hs
      AND t >= lo AND t < hi AND dur_sum IS NULL) AS whole
  FROM (SELECT (({from} + 59999) / 60000) * 60000 AS lo, ({to} / 60000) * 60000 AS hi)),
span AS MATERIALIZED (
  SELECT CASE WHEN whole THEN lo ELSE 0 END AS m_lo, CASE WHEN whole THEN hi ELSE 0 END AS m_hi,
    CASE WHEN whole THEN lo ELSE {to} END AS a_hi, CASE WHEN whole THEN hi ELSE {to} END AS b_lo
  FROM grain),
starts(at) AS (
  SELECT {from} + {bucket_ms} FROM grain WHERE whole AND {from} + {bucket_ms} < hi
  UNION ALL
  SELECT at + {bucket_ms} FROM starts, grain WHERE at + {bucket_ms} < hi),
cuts AS MATERIALIZED (SELECT (at / 60000) * 60000 AS m FROM starts WHERE at % 60000 <> 0)
SELECT {from} + ((t - {from}) / {bucket_ms}) * {bucket_ms} AS bucket_ts,
  sum(requests) AS requests, {done? sum(done)} AS done, {s4xx? sum(s4xx)} AS s4xx, {s5xx? sum(s5xx)} AS s5xx, {bytes? sum(bytes)} AS bytes,
  {dur_n? sum(dur_n)} AS dur_n, {dur_sum? total(dur_sum)} AS dur_sum, {dur_max? max(dur_max)} AS dur_max,
  {dur_hist? hist(dur_hist)} AS dur_hist, {up_hist? hist(up_hist)} AS up_hist, {done_hist? hist(done_hist)} AS done_hist
FROM (
  SELECT t, requests, {done? done} AS done, {s4xx? s4xx} AS s4xx, {s5xx? s5xx} AS s5xx, {bytes? bytes} AS bytes,
    {dur_n? dur_n} AS dur_n, {dur_sum? dur_sum} AS dur_sum, {dur_max? dur_max} AS dur_max,
    {dur_hist? dur_hist} AS dur_hist, {up_hist? up_hist} AS up_hist, {done_hist? done_hist} AS done_hist
  FROM span, rollup_traffic_minute WHERE tier = {tier} AND t >= m_lo AND t < m_hi AND host IN hs AND ((t - {from}) / {bucket_ms}) = ((t + 59999 - {from}) / {bucket_ms})
  UNION ALL
  SELECT t, requests, {done? done}, {s4xx? s4xx}, {s5xx? s5xx}, {bytes? bytes}, {dur_n? dur_n}, {dur_sum? dur_sum}, {dur_max? dur_max},
    {dur_hist? dur_hist}, {up_hist? up_hist}, {done_hist? done_hist}
  FROM span, rollup_second WHERE tier = {tier} AND t >= {from} AND t < a_hi AND host IN hs
  UNION ALL
  SELECT t, requests, {done? done}, {s4xx? s4xx}, {s5xx? s5xx}, {bytes? bytes}, {dur_n? dur_n}, {dur_sum? dur_sum}, {dur_max? dur_max},
    {dur_hist? dur_hist}, {up_hist? up_hist}, {done_hist? done_hist}
  FROM span, rollup_second WHERE tier = {tier} AND t >= b_lo AND t < {to} AND host IN hs
  UNION ALL
  SELECT t, requests, {done? done}, {s4xx? s4xx}, {s5xx? s5xx}, {bytes? bytes}, {dur_n? dur_n}, {dur_sum? dur_sum}, {dur_max? dur_max},
    {dur_hist? dur_hist}, {up_hist? up_hist}, {done_hist? done_hist}
  FROM cuts, rollup_second WHERE tier = {tier} AND t >= m AND t < m + 60000 AND host IN hs)
GROUP BY 1
