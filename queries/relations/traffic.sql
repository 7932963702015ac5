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
SELECT {from} + ((t - {from}) / {bucket_ms}) * {bucket_ms} AS bucket_ts,
  sum(requests) AS requests, {done? sum(done)} AS done, {s4xx? sum(s4xx)} AS s4xx, {s5xx? sum(s5xx)} AS s5xx, {bytes? sum(bytes)} AS bytes,
  {dur_n? sum(dur_n)} AS dur_n, {dur_sum? total(dur_sum)} AS dur_sum, {dur_max? max(dur_max)} AS dur_max,
  {dur_hist? hist(dur_hist)} AS dur_hist, {up_hist? hist(up_hist)} AS up_hist, {done_hist? hist(done_hist)} AS done_hist
FROM rollup_second
WHERE tier = {tier} AND t >= {from} AND t < {to} AND host IN (SELECT host FROM hosts({tier}, {host}))
GROUP BY 1
