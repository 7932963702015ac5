// The main thread's side of the parse worker: feed it chunks (bounded), receive batches in order.
import { Worker } from 'node:worker_threads';
import type { Batch } from '../store/batch.js';
import { threadTimes } from '../util/thread-stats.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

/** Bytes sent to the worker and not yet taken off its queue: bounds memory when parsing lags. */
const MAX_BYTES_IN_FLIGHT = 1 << 20;

// A roomy young generation: parsing allocates many short-lived strings, and the default
// semi-space makes the worker spend more time in scavenges than in parsing. 8 MB rather than the
// 16 it was: 1M lines of `short` (the shape the parse worker bounds), alternating, peaked at
// 148/145 MB against 153/154 for the same parse CPU (4.19/4.22 s against 4.46/4.24; at 200k,
// three pairs: 132-136 against 140-145 MB, parse CPU +3-8 %). A capped old generation: what the
// worker keeps (the bounded string dictionary, batches in flight) is small, and without a cap V8
// let the heap grow to ~100 MB before collecting it.
// (bench/worker-bench.ts measures the worker's stages under these same limits)
export const WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 };

/**
 * `spare`: called as each batch is done with, the buffers of batches written (nums, text, ...)
 * that the worker's encoder may fill again (RequestEncoder.giveBack).
 */
export async function* parseInWorker(chunks: AsyncIterable<Buffer>, init: WorkerInit, spare: () => ArrayBuffer[] = () => []): AsyncGenerator<Batch> {
  const worker = new Worker(new URL('./parse-worker.js', import.meta.url), { workerData: init, resourceLimits: WORKER_RESOURCE_LIMITS });
  const batches: Array<{ batch: Batch; final: boolean }> = [];
  let failure: Error | null = null;
  let inFlight = 0;
  // Resolvers of the two waits (TypeScript cannot see closures assign plain lets).
  const waits: { batch: (() => void) | null; feeder: (() => void) | null } = { batch: null, feeder: null };
  const notify = () => { waits.batch?.(); waits.batch = null; };
  const wakeFeeder = () => { waits.feeder?.(); waits.feeder = null; };

  worker.on('message', (msg: FromWorker) => {
    if (msg.type === 'batch') {
      batches.push(msg);
      if (msg.cpuMs !== undefined) threadTimes.parseCpuMs += msg.cpuMs;
    }
    else if (msg.type === 'consumed') { inFlight -= msg.bytes; wakeFeeder(); }
    else if (msg.type === 'error') failure = new Error(`parse worker: ${msg.message}`);
    notify();
  });
  worker.on('error', (e) => { failure = e; notify(); });
  worker.on('exit', (code) => { if (code !== 0 && !failure) failure = new Error(`parse worker exited with ${code}`); notify(); });
  const send = (msg: ToWorker, transfer?: ArrayBuffer[]) => worker.postMessage(msg, transfer);

  let feeding = true;
  const feeder = (async () => {
    for await (const chunk of chunks) {
      if (!feeding) return;
      if (chunk.length === 0) { send({ type: 'boundary' }); continue; } // (source.ts: a gzip member starts)
      // Transfer instead of copy when the Buffer owns its whole ArrayBuffer (fs and zlib chunks
      // usually do); pooled small Buffers are copied.
      const own = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
      const buf = own ? chunk : Uint8Array.prototype.slice.call(chunk);
      inFlight += buf.byteLength;
      send({ type: 'chunk', buf }, [buf.buffer as ArrayBuffer]);
      while (inFlight > MAX_BYTES_IN_FLIGHT && feeding) await new Promise<void>((r) => { waits.feeder = r; });
    }
    send({ type: 'end' });
  })().catch((e: Error) => { failure = e; notify(); });

  try {
    while (true) {
      if (failure) throw failure;
      const next = batches.shift();
      if (!next) {
        await new Promise<void>((r) => { waits.batch = r; });
        continue;
      }
      yield next.batch;
      const buffers = spare();
      send({ type: 'ack', spare: buffers }, buffers);
      if (next.final) break;
    }
  } finally {
    feeding = false;
    wakeFeeder();
    await worker.terminate();
    void feeder;
  }
}
