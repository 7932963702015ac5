// `node dist/bench/worker-bench.js [--lines N] [--runs R]`: the parse worker's stages (split ->
// parse -> fold routes -> encode) over the benchmark log inside a Worker with the parse worker's
// own resource limits. stage-bench runs them on the main thread, whose roomy default heap hides
// what the worker's small one costs in garbage collection; this shows it. CPU is the process's
// (the worker plus V8's GC helper threads; the main thread only waits). Medians of R runs.
// For the collections themselves: `node --trace-gc dist/bench/worker-bench.js --runs 1` (count
// the Scavenge and Mark-Compact lines; perf_hooks' gc entries did not match V8's own trace).
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createReadStream, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, median } from './args.js';
import { splitLines } from '../src/ingest/line-splitter.js';
import { BatchBuilder } from '../src/ingest/batches.js';
import { StringDictionary } from '../src/ingest/request-encoding.js';
import { WORKER_RESOURCE_LIMITS } from '../src/ingest/parse-in-worker.js';
import { findFormat } from '../parsers/index.js';
import { createRouter } from '../src/util/route.js';
import { generateLog, BENCH_LOG_FORMAT } from './generate-log.js';

interface Result { cpuMs: number }

async function inWorker(log: string): Promise<Result> {
  const t = process.cpuUsage();
  const parser = findFormat('nginx')!.create({ tz: 'UTC', logFormat: BENCH_LOG_FORMAT });
  const builder = new BatchBuilder(parser, { batchSize: 2000, router: createRouter([]), dictionary: new StringDictionary(1) });
  for await (const g of splitLines(createReadStream(log, { highWaterMark: 1 << 20 }), { maxLine: 65536 })) builder.push(g);
  builder.finish();
  const c = process.cpuUsage(t);
  return { cpuMs: (c.user + c.system) / 1000 };
}

async function main(): Promise<void> {
  const lines = Number(arg('--lines', '1000000'));
  const runs = Number(arg('--runs', '3'));
  const dataDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench-data');
  if (!existsSync(dataDir)) mkdirSync(dataDir);
  const log = join(dataDir, `nginx-${lines}.log`);
  if (!existsSync(log)) await generateLog(log, lines);
  const results: Result[] = [];
  for (let r = 0; r < runs; r++) {
    results.push(await new Promise<Result>((resolve, reject) => {
      const w = new Worker(new URL(import.meta.url), { workerData: { log }, resourceLimits: WORKER_RESOURCE_LIMITS });
      w.once('message', resolve);
      w.once('error', reject);
    }));
  }
  const m = (f: (x: Result) => number) => median(results.map(f));
  console.log(`${lines.toLocaleString('en-US')} lines in a Worker with the parse worker's limits (median of ${runs} runs):`);
  console.log(`  CPU per line        ${((m((x) => x.cpuMs) * 1000) / lines).toFixed(2)} us  (runs: ${results.map((x) => ((x.cpuMs * 1000) / lines).toFixed(2)).join(', ')})`);
}

if (isMainThread) main().catch((e) => { console.error(e); process.exit(1); });
else inWorker((workerData as { log: string }).log).then((r) => parentPort!.postMessage(r));
