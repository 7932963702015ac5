// `overload ingest` as the command line runs it: in a worker thread with a young generation of
// its own size. V8 sizes the main thread's young generation only when node starts (no flag can
// cap it for a running isolate), and there it grew to 14-30 MB on the shapes with many new
// strings (BENCHMARKS.md "Issue #14: memory, second pass"); a worker's is set by resourceLimits.
// The main thread only starts it, hears Ctrl-C for it (signals reach only the main thread), and
// passes on its exit code, its error and its OVERLOAD_STATS figures. Its output on stderr is
// the worker's own, which node forwards here in order.
import { Worker } from 'node:worker_threads';
import { CliError } from './exit-codes.js';
import { onCtrlC } from './ctrl-c.js';
import { threadTimes, ingestThread } from '../util/thread-stats.js';
import type { IngestOptions } from './ingest.js';
import type { FromIngestWorker, IngestThreadStats, IngestWorkerData } from './ingest-worker.js';

/**
 * The ingest thread's heap limits: only the young generation is capped (see the top). The old
 * generation is left to V8's default: a rebuild of rollups over a long overlap (rollups.ts) can
 * need far more than the ingest usually holds, and a cap would make that an out-of-memory error.
 */
export const INGEST_WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 };

export async function run(paths: string[], opts: IngestOptions): Promise<number> {
  const stop = new SharedArrayBuffer(4);
  const flag = new Int32Array(stop);
  const data: IngestWorkerData = { paths, opts, stop };
  const worker = new Worker(new URL('./ingest-worker.js', import.meta.url), { workerData: data, resourceLimits: INGEST_WORKER_LIMITS });
  let off: (() => void) | null = null;
  const stopListening = () => { off?.(); off = null; };
  let result: Extract<FromIngestWorker, { type: 'done' | 'failed' }> | null = null;
  try {
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m: FromIngestWorker) => {
        if (m.type === 'listen') off ??= onCtrlC(() => Atomics.store(flag, 0, 1));
        else if (m.type === 'unlisten') stopListening();
        else result = m;
      });
      worker.on('error', reject);
      // (after 'exit' the worker's stderr has all been written here)
      worker.on('exit', (code) => (result ? resolve() : reject(new Error(`the ingest's thread ended (exit ${code}) before it finished`))));
    });
  } finally {
    stopListening();
  }
  const r = result as Extract<FromIngestWorker, { type: 'done' | 'failed' }> | null;
  if (!r) throw new Error('the ingest\'s thread ended without a result');
  addStats(r.stats);
  if (r.type === 'failed') throw r.exitCode === undefined ? new Error(r.message) : new CliError(r.message, r.exitCode);
  return r.code;
}

function addStats(s: IngestThreadStats): void {
  for (const k of Object.keys(s.times) as Array<keyof typeof threadTimes>) threadTimes[k] += s.times[k];
  ingestThread.cpuMs += s.cpuMs;
  ingestThread.native ||= s.native;
}
