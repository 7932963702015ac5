// TEST HOOK, for the end-to-end tests only: OVERLOAD_TEST_STALL=<point> makes the process say
// `overload-test: stalled at <point>` on stderr when it reaches that point and then block for
// good, so a test can kill -9 it (or start a second ingest beside it) at exactly that point
// instead of racing a timer. Points: `batch` (an ingest committed its first batch), `index <name>`
// (the final step is about to build that index) and `rollups` (the indexes and statistics are
// built, the rollups are next). Unset, it costs one env lookup.
import { writeSync } from 'node:fs';

export function stallIfAsked(point: string): void {
  if (process.env.OVERLOAD_TEST_STALL !== point) return;
  writeSync(2, `overload-test: stalled at ${point}\n`);
  // a synchronous block of this thread (a timer would let the rest of the ingest run on)
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}
