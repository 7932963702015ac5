// Which minutes the sub-minute rollups skip. A rollup row that stands for one or two requests
// saves no reader anything (reading the requests of that bucket costs the same) and costs the
// pass, the writer, the disk and the after-load: on a sparse log (a week at 1.65 requests/s) the
// 10 s route and upstream rows and a minute's largest responses outnumbered the requests.
//
// So a (tier, host, minute) with fewer than SPARSE_BELOW requests (counted at their start as
// stored, coalesce(start_ts, ts), as rollup_minute counts them) is *sparse*: rollup_route_10s,
// rollup_upstream_10s and rollup_largest hold no rows for it, and rollup_sparse lists it. The
// relations (queries/relations/*.sql) read the requests of a listed minute instead. A minute not
// listed has every row (a database built before this rule lists none: all its minutes read as
// dense, from rows that are all there). Every writer (the streamed pass, the rebuild, the
// recompute of a minute: all through RollupPass) asks isSparseMinute(), and only it.

/**
 * Requests per (tier, host, minute) below which its sub-minute rollups are not written. A minute
 * of n requests writes up to min(n, 100) rollup_largest rows and, per 10 s, a row per route and
 * upstream seen: below 2 requests a second there are about twice as many of those rows as
 * requests (they stop outnumbering them near 240-480). The readers of a range's edges read at
 * most two minutes' rows; largest() over a long range reads every sparse minute's requests, a
 * table row each instead of a rollup_largest row (oversized on a 1M-line week: +10-15 % CPU), so
 * the line is drawn low. (BENCHMARKS.md "Issue #14: rollups only where they compress".)
 */
export const SPARSE_BELOW = 120;

/** Whether a minute of `requests` (started in it, as stored) is sparse. */
export function isSparseMinute(requests: number): boolean {
  return requests < SPARSE_BELOW;
}
