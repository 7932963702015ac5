// `node dist/bench/pass-bench.js --shape week [--lines 200000] [--runs 3]`: the streamed rollup
// pass alone, as its worker runs it: the shape's log is parsed into batches on the main thread
// first, then the batches go to a Worker with the rollup worker's own resource limits, which
// feeds them to a StreamPass and sends its encoded rows back (as the rollup worker does).
// ingest's OVERLOAD_STATS shows the pass beside the parser and the writer, whose share of two
// cores moves it; this shows it alone: the worker's CPU, and the CPU of the threads that are
// neither it nor the main thread (V8's GC helpers), medians of R runs. Each run also prints a
// digest of every table's rows (the main thread makes it, outside the figures), so a change to
// the pass can be checked for the same rows, byte for byte, in whatever order they come.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
import { RowEncoder, rowBuffers, ROW_COLUMNS, TEXT_COLUMNS, type EncodedRows, type EncodedTableRows, type RowTable } from '../src/query/rollup-rows.js';
import { CLIENTS_KEPT } from '../src/query/rollup-fine.js';
import { ROLLUP_WORKER_LIMITS } from '../src/query/rollup-stream.js';
import { threadCpuMs } from '../src/util/thread-stats.js';
import { SHAPES } from './shapes.js';

interface Feed { count: number; nums: Float64Array; text: Uint8Array; strings: Array<number | string> }
interface Result { workerMs: number; otherMs: number; digest: string; rows: number }

/**
 * Every table's rows, whatever order they came in (the tables are WITHOUT ROWID: the order rows
 * are inserted in changes nothing stored): per table, the sum of each row's hash, mod 2^64.
 */
class RowsDigest {
  private sums = new Map<string, bigint>();
  private rows = 0;

  add(rows: EncodedRows): void {
    for (const [table, r] of Object.entries(rows) as Array<[RowTable, EncodedTableRows]>) {
      const width = ROW_COLUMNS[table].length;
      const texts = ROW_COLUMNS[table].filter((c) => TEXT_COLUMNS.has(c)).length;
      const bytes = new Uint8Array(r.nums.buffer, r.nums.byteOffset, r.nums.byteLength);
      let sum = this.sums.get(table) ?? 0n;
      for (let k = 0, t = 0; k < r.count; k++) {
        let len = 0;
        for (let i = width - texts; i < width; i++) { const l = r.nums[k * width + i]; if (l === l) len += l; }
        const h = createHash('sha1').update(bytes.subarray(8 * k * width, 8 * (k + 1) * width)).update(r.text.subarray(t, t + len)).digest();
        sum = (sum + h.readBigUInt64LE(0)) & 0xffffffffffffffffn;
        t += len;
      }
      this.sums.set(table, sum);
      this.rows += r.count;
    }
  }

  result(): { digest: string; rows: number } {
    const digest = [...this.sums].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([t, s]) => `${t.replace('rollup_', '')}:${s.toString(16).slice(0, 8)}`).join(' ');
    return { digest, rows: this.rows };
  }
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const processMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/** The worker: feeds come one message at a time (as the rollup worker's do), then null. */
function inWorker(): void {
  // strings the pass dropped from its cache are read from a database, as the rollup worker reads
  // them (a map of every string would hold ~200k of them in the worker's small heap)
  const byId = new Database(workerData as string, { readonly: true }).prepare('SELECT text FROM strings WHERE id = ?').pluck();
  const encoder = new RowEncoder();
  const pass = new StreamPass({ oldHi: new Map(), clientsKept: CLIENTS_KEPT, out: encoder, lookup: (id) => byId.get(id) as string | undefined });
  // (rows go back to the main thread, transferred, as the rollup worker's do)
  const send = (r: EncodedRows | null) => { if (r) parentPort!.postMessage(r, rowBuffers(r)); };
  const t0 = threadCpuMs();
  pass.beginSource(1, '', 'edge', null);
  let id = 1;
  parentPort!.on('message', (f: Feed | null) => {
    if (f) {
      pass.learn(f.strings);
      pass.feed(1, f, id);
      id += f.count;
      send(encoder.take());
      return;
    }
    pass.finish();
    send(encoder.take());
    parentPort!.postMessage({ workerMs: threadCpuMs() - t0 });
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
  const dir = mkdtempSync(join(tmpdir(), 'overload-pass-'));
  const dbPath = join(dir, 'strings.db');
  const db = new Database(dbPath);
  db.exec('CREATE TABLE strings (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO strings VALUES (?, ?)');
  db.transaction(() => { for (const f of feeds) for (let i = 0; i < f.strings.length; i += 2) insert.run(f.strings[i], f.strings[i + 1]); })();
  db.close();
  const results: Result[] = [];
  for (let r = 0; r < runs; r++) {
    const before = processMs(), mainBefore = threadCpuMs();
    const digest = new RowsDigest();
    const res = await new Promise<Result>((resolve, reject) => {
      const w = new Worker(new URL(import.meta.url), { workerData: dbPath, resourceLimits: ROLLUP_WORKER_LIMITS });
      w.on('message', (m: EncodedRows | { workerMs: number }) => {
        if ('workerMs' in m) resolve({ workerMs: m.workerMs as number, otherMs: 0, ...digest.result() });
        else digest.add(m);
      });
      w.once('error', reject);
      for (const f of feeds) w.postMessage(f);
      w.postMessage(null);
    });
    // what is neither this thread (it only posts and waits) nor the worker: V8's helper threads
    res.otherMs = processMs() - before - (threadCpuMs() - mainBefore) - res.workerMs;
    results.push(res);
    console.log(`  run ${r + 1}: worker ${res.workerMs.toFixed(0)} ms, other threads ${res.otherMs.toFixed(0)} ms, ${res.rows} rows  ${res.digest}`);
  }
  rmSync(dir, { recursive: true, force: true });
  const us = (ms: number) => ((ms * 1000) / lines).toFixed(2) + ' us';
  console.log(`${shapeName}, ${lines.toLocaleString('en-US')} lines, the rollup pass in a Worker (median of ${runs} runs):`);
  console.log(`  rollup worker CPU per line           ${us(median(results.map((x) => x.workerMs)))}`);
  console.log(`  other threads (GC helpers)           ${us(median(results.map((x) => x.otherMs)))}`);
  console.log(`  both                                 ${us(median(results.map((x) => x.workerMs + x.otherMs)))}`);
}

if (isMainThread) main().catch((e) => { console.error(e); process.exit(1); });
else inWorker();
