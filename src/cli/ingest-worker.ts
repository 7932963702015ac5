// `overload ingest` in a worker thread of its own (ingest-thread.ts starts it): the writer, the
// reading of inputs and the finishing pass run here, under this thread's heap limits.
import { parentPort, workerData } from 'node:worker_threads';
import { run, type IngestOptions, type Interrupts } from './ingest.js';
import { threadTimes, threadCpuMs } from '../util/thread-stats.js';
import { nativeUsed } from '../store/native.js';
import { releaseStdin } from '../ingest/source.js';

export interface IngestWorkerData {
  paths: string[];
  opts: IngestOptions;
  /** an Int32Array's buffer: the main thread sets [0] to 1 on Ctrl-C */
  stop: SharedArrayBuffer;
}

/** What the OVERLOAD_STATS line needs from this thread (cli/main.ts). */
export interface IngestThreadStats {
  times: typeof threadTimes;
  cpuMs: number;
  native: boolean;
}

export type FromIngestWorker =
  /** from now on (until unlisten) Ctrl-C is the ingest's to hear (ctrl-c.ts) */
  | { type: 'listen' }
  | { type: 'unlisten' }
  | { type: 'done'; code: number; stats: IngestThreadStats }
  /** what main.ts prints and exits with: the error's message and its exitCode (CliError) if it had one */
  | { type: 'failed'; message: string; exitCode?: number; stats: IngestThreadStats };

const data = workerData as IngestWorkerData;
const flag = new Int32Array(data.stop);
const post = (m: FromIngestWorker) => parentPort!.postMessage(m);
const interrupts: Interrupts = {
  listen: () => post({ type: 'listen' }),
  requested: () => Atomics.load(flag, 0) !== 0,
  unlisten: () => post({ type: 'unlisten' }),
};
const stats = (): IngestThreadStats => ({ times: { ...threadTimes }, cpuMs: threadCpuMs(), native: nativeUsed() });

let result: FromIngestWorker;
try {
  result = { type: 'done', code: await run(data.paths, data.opts, interrupts), stats: stats() };
} catch (e) {
  const exitCode = (e as { exitCode?: unknown }).exitCode;
  result = { type: 'failed', message: e instanceof Error ? e.message : String(e), exitCode: typeof exitCode === 'number' ? exitCode : undefined, stats: stats() };
}
// stdin read to its end or not (a Ctrl-C), it must not keep this thread alive
releaseStdin();
post(result);
