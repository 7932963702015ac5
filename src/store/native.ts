// The native SQLite extension of native/bulk_insert.c: `overload_insert_rows()`, which inserts an
// encoded batch of requests in C (src/store/writer.ts). It is optional. `npm run build` compiles
// it with node-gyp (scripts/build-native.mjs) and, when it cannot, says so and leaves
// native/build/FAILED; the writer then binds rows from JS as before, with the same result.
// OVERLOAD_NATIVE=0 forces the JS path (tests compare the two).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DB } from './db.js';

/** native/ of the package: three levels up from dist/src/store/, two from src/store/ (tests). */
function findNativeDir(): string {
  let dir = import.meta.dirname;
  for (let up = 0; up < 4; up++, dir = dirname(dir)) {
    if (existsSync(join(dir, 'native', 'binding.gyp'))) return join(dir, 'native') + '/';
  }
  return join(import.meta.dirname, '..', '..', '..', 'native') + '/';
}

const nativeDir = findNativeDir();
export const NATIVE_EXTENSION = nativeDir + 'build/Release/bulk_insert.node';
/** Written by scripts/build-native.mjs when the compile failed: what went wrong. */
export const NATIVE_BUILD_FAILED = nativeDir + 'build/FAILED';

const loaded = new WeakSet<DB>();
let warned = false;
let used = false;

/** Whether this process loaded the extension into any connection (for the OVERLOAD_STATS line). */
export function nativeUsed(): boolean {
  return used;
}

/**
 * Loads the extension into `db` (once per connection) and says whether overload_insert_rows()
 * is there to use: false when OVERLOAD_NATIVE=0, when it was not built, or when it does not
 * load (said once on stderr: a build that does not load is a bug to look at).
 */
export function loadNative(db: DB): boolean {
  if (process.env.OVERLOAD_NATIVE === '0') return false;
  if (loaded.has(db)) return true;
  if (!existsSync(NATIVE_EXTENSION)) return false;
  try {
    db.loadExtension(NATIVE_EXTENSION); // (entry point from the file name: sqlite3_bulkinsert_init)
  } catch (e) {
    if (!warned) {
      warned = true;
      process.stderr.write(`overload: warning: cannot load ${NATIVE_EXTENSION} (${(e as Error).message}); writing rows the slower way\n`);
    }
    return false;
  }
  loaded.add(db);
  used = true;
  return true;
}

/** Allocations this size or larger get their own mmap (see overload_pin_mmap_threshold). */
const MMAP_THRESHOLD = 128 << 10;

/**
 * Makes the big buffers an ingest passes between threads (input chunks, encoded batches) go back
 * to the system when freed, instead of staying resident in malloc's arenas: ~15 MB less peak
 * RSS. Process-wide, and harmless to the rest (SQLite and V8 allocate in smaller pieces or
 * outside malloc). Whether it applied (false without the extension or off glibc).
 */
export function pinMallocMmapThreshold(db: DB): boolean {
  if (!loadNative(db)) return false;
  return db.prepare('SELECT overload_pin_mmap_threshold(?)').pluck().get(MMAP_THRESHOLD) === 1;
}
