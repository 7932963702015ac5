// Worker thread: bytes -> lines -> parser -> batches. The main thread only reads input and writes
// SQLite, so parsing and writing use both cores.
import { parentPort, workerData } from 'node:worker_threads';
import { findFormat } from '../../parsers/index.js';
import { splitLines } from './line-splitter.js';
import { BatchBuilder } from './batches.js';
import type { Batch } from '../store/batch.js';
import { StringDictionary } from './request-encoding.js';
import { StoredStringIds } from '../store/strings.js';
import { createRouter } from '../util/route.js';
import { threadCpuMs } from '../util/thread-stats.js';
import type { ToWorker, FromWorker, WorkerInit } from './worker-protocol.js';

const init = workerData as WorkerInit;
const port = parentPort!;

// Chunks arrive as messages; lines are split as they come. A `boundary` (a gzip member starts)
// is queued as an empty chunk: passing it notes the decompressed offset it is at.
const chunks: Buffer[] = [];
let consumed = init.startOffset;
const boundaries: number[] = [];
let ended = false;
let wakeReader: (() => void) | null = null;
// Batches posted but not yet written by the main thread: parsing waits when it runs ahead.
let unacked = 0;
let wakeWriter: (() => void) | null = null;
const MAX_UNACKED = 3;
/** the batches' builder, once main() made it: written batches' buffers go back to it */
let building: BatchBuilder | null = null;
/** the stored strings the dictionary reuses (main() opens it when there are any to reuse) */
let stored: StoredStringIds | null = null;

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'chunk') chunks.push(Buffer.from(msg.buf.buffer, msg.buf.byteOffset, msg.buf.byteLength));
  else if (msg.type === 'boundary') chunks.push(Buffer.alloc(0));
  else if (msg.type === 'end') ended = true;
  else if (msg.type === 'ack') {
    const spare = msg.spare ?? [];
    for (let i = 0; i + 1 < spare.length; i += 2) building?.giveBack(spare[i], spare[i + 1]);
    unacked--; wakeWriter?.(); wakeWriter = null; return;
  }
  wakeReader?.();
  wakeReader = null;
});

async function* incoming(): AsyncGenerator<Buffer> {
  while (true) {
    const c = chunks.shift();
    if (c) {
      if (c.length === 0) { boundaries.push(consumed); continue; }
      consumed += c.length;
      post({ type: 'consumed', bytes: c.length });
      yield c;
      continue;
    }
    if (ended) return;
    await new Promise<void>((r) => { wakeReader = r; });
  }
}

function post(msg: FromWorker, transfer?: ArrayBuffer[]): void {
  port.postMessage(msg, transfer);
}

async function send(batch: Batch, final: boolean): Promise<void> {
  // (the batch's strings are looked up: later ones may find what the writer commits meanwhile)
  stored?.release();
  unacked++;
  // the numbers move to the main thread without a copy
  post({ type: 'batch', batch, final, cpuMs: final ? threadCpuMs() : undefined }, [batch.requests.nums.buffer as ArrayBuffer, batch.requests.text.buffer as ArrayBuffer]);
  while (unacked >= MAX_UNACKED) await new Promise<void>((r) => { wakeWriter = r; });
}

async function main(): Promise<void> {
  const format = findFormat(init.format);
  if (!format) throw new Error(`unknown format ${init.format}`);
  const router = createRouter(init.routeRules.map((r) => ({ pattern: new RegExp(r.source, r.flags), template: r.template })));
  // (appending to a big database: the values it holds keep their ids, see StringDictionary)
  const lookup = init.reuseStringsFrom === null ? null : new StoredStringIds(init.reuseStringsFrom);
  stored = lookup;
  const dictionary = new StringDictionary(init.firstStringId, undefined, undefined, lookup && ((text: string) => lookup.idOf(text)));
  const builder = new BatchBuilder(format.create(init.parserOptions), {
    batchSize: init.batchSize, router, dictionary, startOffset: init.startOffset, startLine: init.startLine,
  });
  building = builder;
  let lastCut = Date.now();
  for await (const group of splitLines(incoming(), { maxLine: init.maxLine, startOffset: init.startOffset, startLine: init.startLine })) {
    // Every line of this group ends after the boundaries passed since the last group: the first
    // is where a new member's rows start (ingest-input.ts marks them if its trailer fails).
    while (boundaries.length) builder.memberStart(boundaries.shift()!);
    let batch = builder.push(group);
    // Live input: caught up with the pipe (few lines per read) or waited long enough.
    if (!batch && init.liveFlushMs !== null && (group.length < 200 || Date.now() - lastCut >= init.liveFlushMs)) {
      batch = builder.cutIfAny();
    }
    if (batch) {
      lastCut = Date.now();
      await send(batch, false);
    }
  }
  const last = builder.finish();
  stored?.close();
  stored = null;
  await send(last, true);
}

main().catch((e: Error) => post({ type: 'error', message: e.stack ?? e.message }));
