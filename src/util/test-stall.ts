// TEST HOOK, for the end-to-end tests only: OVERLOAD_TEST_STALL=<point> makes the process say
// `overload-test: stalled at <point>` on stderr when it reaches that point and then block for
// good, so a test can kill -9 it (or start a second ingest beside it) at exactly that point
// instead of racing a timer. Points: `batch` (an ingest committed a batch), `index <name>`
// (the final step is about to build that index) and `rollups` (the indexes and statistics are
// built, the rollups are next). With OVERLOAD_TEST_STALL_UNTIL=stdin the block lasts until the
// test writes to (or closes) the process's stdin, so a signal sent while it is held is handled
// as the ingest goes on (the SIGINT test: interrupted after exactly that batch, no race).
// Unset, it costs one env lookup.
import { readSync, writeSync } from 'node:fs';

export function stallIfAsked(point: string): void {
  if (process.env.OVERLOAD_TEST_STALL !== point) return;
  writeSync(2, `overload-test: stalled at ${point}\n`);
  if (process.env.OVERLOAD_TEST_STALL_UNTIL === 'stdin') {
    // a blocking read of one byte; EOF (a closed stdin) releases every later stall at once
    for (;;) {
      try {
        readSync(0, Buffer.alloc(1), 0, 1, null);
        return;
      } catch (e) {
        // EINTR: the signal the test sent arrived while held, and is handled once this returns
        if ((e as NodeJS.ErrnoException).code === 'EINTR') return;
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      }
    }
  }
  // a synchronous block of this thread (a timer would let the rest of the ingest run on)
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}
