// Where an ingest's time went, thread by thread, for the benchmark's OVERLOAD_STATS line.
// process.cpuUsage() sums every thread of the process; which of the ingest's threads is busy,
// and how much CPU the ones it does not start (V8's collector helpers, libuv) take besides,
// is what says whether a change to one stage can speed up the whole.
import { readFileSync } from 'node:fs';

/** Milliseconds, summed over an ingest's inputs. */
export const threadTimes = {
  /** main thread: writing batches */
  writeMs: 0,
  /** main thread: waiting for the parse worker's next batch */
  waitMs: 0,
  /** main thread: waiting for the rollup worker to catch up */
  rollupWaitMs: 0,
  /** main thread: index builds, joins and the rollups' finish after the last row */
  afterLoadMs: 0,
  /** CPU of the parse workers and of the rollup worker, as each reported it when it finished */
  parseCpuMs: 0,
  rollupCpuMs: 0,
};

/**
 * User + system CPU milliseconds of the calling thread so far, or NaN where the kernel does not
 * say (/proc/thread-self is Linux's).
 */
export function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1');
    // fields after the command name (which may hold spaces): utime and stime are the 12th and
    // 13th, in clock ticks, which Linux counts 100 to the second for user space
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}
