// `node dist/bench/stage-bench.js [--lines N] [--runs R]`: where an ingest's time goes, stage by
// stage, on one thread: split the file into lines, parse, fold routes and encode into batches
// (what the parse worker does), then write those batches into a fresh database (what the main
// thread does) and feed them to the rollup pass (what its worker does). Each stage runs over the
// whole benchmark log, the others excluded, so the figures are CPU cost per line (process CPU
// time, which other work on the machine barely moves, unlike wall time) and add up to what the
// three threads have to share on two cores. Medians of R runs.
import { arg, median } from './args.js';
import { createReadStream, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitLines } from '../src/ingest/line-splitter.js';
import { BatchBuilder } from '../src/ingest/batches.js';
import type { Batch } from '../src/store/batch.js';
import { StringDictionary } from '../src/ingest/request-encoding.js';
import { findFormat } from '../parsers/index.js';
import { createRouter } from '../src/util/route.js';
import { openWritable } from '../src/store/db.js';
import { StoreWriter } from '../src/store/writer.js';
import { StreamPass } from '../src/query/rollup-stream-pass.js';
import { rowArrays } from '../src/query/rollup-rows.js';
import { CLIENTS_KEPT } from '../src/query/rollup-fine.js';
import { generateLog, BENCH_LOG_FORMAT } from './generate-log.js';
import { existsSync, mkdirSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * CPU milliseconds (user + system) of this process: unlike wall time it does not grow when other
 * work shares the machine's cores, which is what makes stage figures comparable between runs.
 */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}


type Stage = 'split' | 'parse' | 'encode' | 'routes';

/**
 * Streams the log through the worker's stages up to `upTo`, keeping nothing (as the worker does),
 * or keeping the batches when `keep` (to replay them into the writer).
 */
async function runStages(path: string, upTo: Stage, keep = false): Promise<Batch[]> {
  const parser = findFormat('nginx')!.create({ tz: 'UTC', logFormat: BENCH_LOG_FORMAT });
  const builder = new BatchBuilder(parser, {
    batchSize: 2000, router: upTo === 'routes' ? createRouter([]) : () => null, dictionary: new StringDictionary(1),
  });
  const out: Batch[] = [];
  for await (const g of splitLines(createReadStream(path, { highWaterMark: 1 << 20 }), { maxLine: 65536 })) {
    if (upTo === 'split') continue;
    if (upTo === 'parse') {
      for (const l of g) parser.parse(l.text, l.lineNo);
      continue;
    }
    const b = builder.push(g);
    if (b && keep) out.push(b);
  }
  if (upTo !== 'split' && upTo !== 'parse') out.push(builder.finish());
  return out;
}

async function main(): Promise<void> {
  const lines = Number(arg('--lines', '1000000'));
  const runs = Number(arg('--runs', '3'));
  const dataDir = join(root, 'bench-data');
  if (!existsSync(dataDir)) mkdirSync(dataDir);
  const log = join(dataDir, `nginx-${lines}.log`);
  if (!existsSync(log)) await generateLog(log, lines);

  const cumulative: Record<Stage, number[]> = { split: [], parse: [], encode: [], routes: [] };
  const write: number[] = [];
  const rollup: number[] = [];
  let native = false;
  const dir = mkdtempSync(join(tmpdir(), 'overload-stage-'));
  for (let r = 0; r < runs; r++) {
    for (const stage of Object.keys(cumulative) as Stage[]) {
      const t = cpuMs();
      await runStages(log, stage);
      cumulative[stage].push(cpuMs() - t);
    }
    const batches = await runStages(log, 'routes', true);
    const dbPath = join(dir, 'stage.db');
    for (const s of ['', '-wal', '-shm']) rmSync(dbPath + s, { force: true });
    const db = openWritable(dbPath);
    const writer = new StoreWriter(db);
    native = writer.native;
    const sourceId = writer.createSource({ path: log, format: 'nginx', host: null, tz: 'UTC', identity: null, formatSpec: null });
    const t = cpuMs();
    for (const b of batches) writer.writeBatch(sourceId, null, b);
    write.push(cpuMs() - t);
    db.close();
    // the rollup pass, as its worker runs it: the same batches in, rows out (kept nowhere)
    const pass = new StreamPass({ oldHi: new Map(), clientsKept: CLIENTS_KEPT, out: rowArrays(() => {}), lookup: () => undefined });
    pass.beginSource(sourceId, '', 'edge', null);
    const t2 = cpuMs();
    let id = 1;
    for (const b of batches) {
      pass.learn(b.requests.strings);
      pass.feed(sourceId, b.requests, id);
      id += b.requests.count;
    }
    pass.finish();
    rollup.push(cpuMs() - t2);
  }
  rmSync(dir, { recursive: true, force: true });
  const us = (ms: number) => ((ms * 1000) / lines).toFixed(2).padStart(6) + ' us';
  console.log(`${lines.toLocaleString('en-US')} lines, one thread, CPU per line (median of ${runs} runs):`);
  let before = 0;
  const labels: Record<Stage, string> = { split: 'read + split into lines', parse: 'parse', encode: 'batch + encode (dictionary)', routes: 'fold routes' };
  for (const stage of Object.keys(cumulative) as Stage[]) {
    const m = median(cumulative[stage]);
    console.log(`  ${labels[stage].padEnd(28)} ${us(m - before)}   (cumulative ${(m / 1000).toFixed(2)} s)`);
    before = m;
  }
  console.log(`  ${'parse worker, total'.padEnd(28)} ${us(before)}   -> ${Math.round(lines / (before / 1000)).toLocaleString('en-US')} lines/s`);
  const w = median(write);
  console.log(`  ${'write (main thread)'.padEnd(28)} ${us(w)}   -> ${Math.round(lines / (w / 1000)).toLocaleString('en-US')} rows/s` +
    `   (${native ? 'native extension' : 'JS binding: OVERLOAD_NATIVE=0 or not built'})`);
  const p = median(rollup);
  console.log(`  ${'rollup pass (its worker)'.padEnd(28)} ${us(p)}   -> ${Math.round(lines / (p / 1000)).toLocaleString('en-US')} rows/s`);
}

main().catch((e) => { console.error(e); process.exit(1); });
