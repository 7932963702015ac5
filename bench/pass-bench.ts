// `node dist/bench/pass-bench.js --shape week [--lines 200000] [--runs 3]`: the streamed rollup
// pass alone, as its worker runs it: the shape's log is parsed into batches on the main thread
// first, then the batches go to a Worker with the rollup worker's own resource limits, which
// feeds them to a StreamPass and encodes its rows (kept nowhere). ingest's OVERLOAD_STATS shows
// the pass beside the parser and the writer, whose share of two cores moves it; this shows it
// alone: the worker's CPU, and the CPU of the threads that are neither it nor the main thread
// (V8's GC helpers), medians of R runs. Each run also prints a digest
// of every table's encoded rows, so a change to the pass can be checked for the same rows, in the
// same order, byte for byte.
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { createReadStream, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, median } from './args.js';
import { splitLines } from '../src/ingest/line-splitter.js';
import { BatchBuilder } from '../src/ingest/batches.js';
import { StringDictionary } from '../src/ingest/request-encoding.js';
import { findFormat } from '../parsers/index.js';
import { createRouter } from '../src/util/route.js';
import { StreamPass } from '../src/query/rollup-stream-pass.js';
import { RowEncoder, type EncodedRows } from '../src/query/rollup-rows.js';
import { CLIENTS_KEPT } from '../src/query/rollup-fine.js';
import { ROLLUP_WORKER_LIMITS } from '../src/query/rollup-stream.js';
import { threadCpuMs } from '../src/util/thread-stats.js';
import { SHAPES } from './shapes.js';

interface Feed { count: number; nums: Float64Array; text: Uint8Array; strings: Array<number | string> }
interface Result { workerMs: number; otherMs: number; digest: string; rows: number }

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const processMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/** The worker: feeds come one message at a time (as the rollup worker's do), then null. */
function inWorker(): void {
  const strings = new Map<number, string>();
  const encoder = new RowEncoder();
  const pass = new StreamPass({ oldHi: new Map(), clientsKept: CLIENTS_KEPT, out: encoder.add, lookup: (id) => strings.get(id) });
  const hashes = new Map<string, ReturnType<typeof createHash>>();
  let rows = 0;
  const digest = (r: EncodedRows | null) => {
    if (!r) return;
    for (const [table, x] of Object.entries(r)) {
      let h = hashes.get(table);
      if (!h) hashes.set(table, (h = createHash('sha256')));
      h.update(new Uint8Array(x.nums.buffer, x.nums.byteOffset, x.nums.byteLength));
      h.update(x.text);
      rows += x.count;
    }
  };
  const t0 = threadCpuMs();
  pass.beginSource(1, '', 'edge', null);
  let id = 1;
  parentPort!.on('message', (f: Feed | null) => {
    if (f) {
      // (the strings map stands for the worker's read-only connection: the pass asks it for
      // strings it dropped from its own cache)
      for (let i = 0; i < f.strings.length; i += 2) strings.set(f.strings[i] as number, f.strings[i + 1] as string);
      pass.learn(f.strings);
      pass.feed(1, f, id);
      id += f.count;
      digest(encoder.take());
      return;
    }
    pass.finish();
    digest(encoder.take());
    const workerMs = threadCpuMs() - t0;
    const out = [...hashes].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([t, h]) => `${t}:${h.digest('hex').slice(0, 12)}`).join(' ');
    parentPort!.postMessage({ workerMs, otherMs: 0, digest: out, rows } satisfies Result);
    parentPort!.close();
  });
}

async function main(): Promise<void> {
  const shapeName = arg('--shape', 'week');
  const lines = Number(arg('--lines', '200000'));
  const runs = Number(arg('--runs', '3'));
  const shape = SHAPES.find((s) => s.name === shapeName);
  if (!shape) throw new Error(`no shape ${shapeName}`);
  const log = join(root, 'bench-data', `${shapeName}-${lines}.log`);
  if (!existsSync(log)) await shape.write(join(root, 'bench-data', `${shapeName}-${lines}`), lines);
  const access = shapeName === 'mixed' ? join(root, 'bench-data', `mixed-${lines}-access.log`) : log;
  const parser = findFormat('nginx')!.create({ tz: 'UTC', logFormat: shape.logFormat });
  const builder = new BatchBuilder(parser, { batchSize: 2000, router: createRouter([]), dictionary: new StringDictionary(1) });
  const feeds: Feed[] = [];
  const keep = (b: ReturnType<BatchBuilder['finish']> | null) => {
    if (b && b.requests.count > 0) feeds.push({ count: b.requests.count, nums: b.requests.nums, text: b.requests.text, strings: b.requests.strings });
  };
  for await (const g of splitLines(createReadStream(access, { highWaterMark: 1 << 20 }), { maxLine: 65536 })) keep(builder.push(g));
  keep(builder.finish());
  const results: Result[] = [];
  for (let r = 0; r < runs; r++) {
    const before = processMs(), mainBefore = threadCpuMs();
    const res = await new Promise<Result>((resolve, reject) => {
      const w = new Worker(new URL(import.meta.url), { resourceLimits: ROLLUP_WORKER_LIMITS });
      w.once('message', resolve);
      w.once('error', reject);
      for (const f of feeds) w.postMessage(f);
      w.postMessage(null);
    });
    // what is neither this thread (it only posts and waits) nor the worker: V8's helper threads
    res.otherMs = processMs() - before - (threadCpuMs() - mainBefore) - res.workerMs;
    results.push(res);
    console.log(`  run ${r + 1}: worker ${res.workerMs.toFixed(0)} ms, other threads ${res.otherMs.toFixed(0)} ms, ${res.rows} rows  ${res.digest}`);
  }
  const us = (ms: number) => ((ms * 1000) / lines).toFixed(2) + ' us';
  console.log(`${shapeName}, ${lines.toLocaleString('en-US')} lines, the rollup pass in a Worker (median of ${runs} runs):`);
  console.log(`  rollup worker CPU per line           ${us(median(results.map((x) => x.workerMs)))}`);
  console.log(`  other threads (GC helpers)           ${us(median(results.map((x) => x.otherMs)))}`);
  console.log(`  both                                 ${us(median(results.map((x) => x.workerMs + x.otherMs)))}`);
}

if (isMainThread) main().catch((e) => { console.error(e); process.exit(1); });
else inWorker();
