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
-- (grain, minute_grain(): with buckets of a minute or more, a minute that lies whole in one
-- bucket is read from rollup_traffic_minute, the sums of its seconds; the seconds of the ragged
-- ends and of the minutes a bucket's start cuts (a range from 06:25:13 in 1 h buckets: one a
-- bucket) from rollup_second, and every second of shorter buckets. A week at 1 h reads 10,080
-- minutes instead of 600,000 seconds. Not when a minute of the range has no dur_sum (its
-- seconds' have fractions: summed by minutes the last bit could differ): the seconds then.
-- hs: the hosts, read once.
-- one_second: buckets of one second from a whole second, of one host (spikes refined to the
-- second): each bucket is one row of rollup_second, read as it is (the second branch) instead of
-- grouped; at 10M lines of `day` the grouping handed 21 MB of histogram texts to hist() and back
-- for groups of one (a refinement's read 449 -> 218 ms). hist() gives a group of one text back as
-- it is, or NULL when the text holds no bin: the LIKE says the same.)
WITH hs AS MATERIALIZED (SELECT host FROM hosts({tier}, {host})),
one_second AS MATERIALIZED (SELECT {bucket_ms} = 1000 AND {from} % 1000 = 0 AND (SELECT count(*) FROM hs) = 1 AS yes),
parts AS MATERIALIZED (SELECT grain, lo, hi FROM minute_grain({from}, {to}, {bucket_ms},
  NOT EXISTS (SELECT 1 FROM rollup_traffic_minute WHERE tier = {tier} AND host IN hs
    AND t >= (({from} + 59999) / 60000) * 60000 AND t < ({to} / 60000) * 60000 AND dur_sum IS NULL)))
SELECT {from} + ((t - {from}) / {bucket_ms}) * {bucket_ms} AS bucket_ts,
  sum(requests) AS requests, {done? sum(done)} AS done, {s4xx? sum(s4xx)} AS s4xx, {s5xx? sum(s5xx)} AS s5xx, {bytes? sum(bytes)} AS bytes,
  {dur_n? sum(dur_n)} AS dur_n, {dur_sum? total(dur_sum)} AS dur_sum, {dur_max? max(dur_max)} AS dur_max,
  {dur_hist? hist(dur_hist)} AS dur_hist, {up_hist? hist(up_hist)} AS up_hist, {done_hist? hist(done_hist)} AS done_hist
FROM (
  SELECT t, requests, {done? done} AS done, {s4xx? s4xx} AS s4xx, {s5xx? s5xx} AS s5xx, {bytes? bytes} AS bytes,
    {dur_n? dur_n} AS dur_n, {dur_sum? dur_sum} AS dur_sum, {dur_max? dur_max} AS dur_max,
    {dur_hist? dur_hist} AS dur_hist, {up_hist? up_hist} AS up_hist, {done_hist? done_hist} AS done_hist
  FROM parts CROSS JOIN rollup_traffic_minute WHERE grain = 'm' AND tier = {tier} AND t >= lo AND t < hi AND host IN hs AND ((t - {from}) / {bucket_ms}) = ((t + 59999 - {from}) / {bucket_ms})
  UNION ALL
  SELECT t, requests, {done? done}, {s4xx? s4xx}, {s5xx? s5xx}, {bytes? bytes}, {dur_n? dur_n}, {dur_sum? dur_sum}, {dur_max? dur_max},
    {dur_hist? dur_hist}, {up_hist? up_hist}, {done_hist? done_hist}
  FROM parts CROSS JOIN rollup_second WHERE grain = 's' AND tier = {tier} AND t >= lo AND t < hi AND host IN hs)
WHERE NOT (SELECT yes FROM one_second)
GROUP BY 1
UNION ALL
SELECT t, requests, {done? done}, {s4xx? s4xx}, {s5xx? s5xx}, {bytes? bytes}, {dur_n? dur_n}, {dur_sum? 1.0 * dur_sum}, {dur_max? dur_max},
  {dur_hist? CASE WHEN dur_hist LIKE '%|%|_%' THEN dur_hist END}, {up_hist? CASE WHEN up_hist LIKE '%|%|_%' THEN up_hist END},
  {done_hist? CASE WHEN done_hist LIKE '%|%|_%' THEN done_hist END}
FROM rollup_second WHERE (SELECT yes FROM one_second) AND tier = {tier} AND host IN hs AND t >= {from} AND t < {to}
