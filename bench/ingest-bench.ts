// `npm run bench [-- --lines 1000000,10000000 --runs 3 --reports]`: generates the benchmark log,
// ingests it with the built CLI as a user would (a fresh database each run), and prints lines/s
// and peak RSS (medians). When GoAccess is installed it parses the same file in the same run.
// `--botnet` ingests the same log with every line's client a different address (a botnet), and
// `--botnet-minute` also with every stamp in one minute: what the bounded dictionary and client
// rollups are for.
// `--no-goaccess` skips the comparison (GoAccess takes ~3x as long as the ingest at 10M).
// `--reports` also times every canned report on the resulting database; `npm run bench --
// --errors` measures error-log ingest (the real nginx error logs of the incidents, repeated).
import { arg, median } from './args.js';
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { generateLog, BENCH_LOG_FORMAT } from './generate-log.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');

/** The ingest's own OVERLOAD_STATS line: where its time and CPU went (src/util/thread-stats.ts). */
interface IngestStats {
  maxRssMb: number;
  afterLoadS: number;
  cpuS?: { main: number; parse: number; rollup: number; other: number };
}
interface RunResult { seconds: number; maxRssMb: number; stats: IngestStats | null }

function ingestOnce(log: string, db: string, formatArgs = ['--log-format', BENCH_LOG_FORMAT]): RunResult {
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, 'ingest', '--quiet', '--db', db, '--tz', 'UTC', ...formatArgs, log], {
    env: { ...process.env, OVERLOAD_STATS: '1' }, encoding: 'utf8', maxBuffer: 1 << 26,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`ingest failed (${r.status}): ${r.stderr}`);
  const line = /overload-stats (\{.*\})/.exec(r.stderr);
  const stats = line ? (JSON.parse(line[1]) as IngestStats) : null;
  const maxRssMb = stats ? stats.maxRssMb : NaN;
  // A stream that declined means a full rollup rebuild on the main thread: slower and bigger,
  // and a bug when the input is one plain log. Say so beside the figures it distorts.
  const rollups = /overload-rollups (\{.*\})/.exec(r.stderr);
  const declined = rollups ? (JSON.parse(rollups[1]) as { streamed?: boolean; declined?: unknown }) : null;
  if (declined && declined.streamed === false) {
    process.stderr.write(`warning: the streamed rollups declined (${String(declined.declined).split('\n')[0]}); this run rebuilt them\n`);
  }
  return { seconds, maxRssMb, stats };
}

/** GoAccess 1.7 on the same file and format (parse + its JSON report), when it is installed. */
function goaccessOnce(log: string): number | null {
  if (process.argv.includes('--no-goaccess')) return null;
  const which = spawnSync('sh', ['-c', 'command -v goaccess'], { encoding: 'utf8' });
  if (which.status !== 0) return null;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('goaccess', [log, '--log-format', '%h - %^ [%d:%t %^] "%r" %s %b %^ "%R" "%u" rt=%T %^',
    '--date-format', '%d/%b/%Y', '--time-format', '%T', '--no-global-config', '-o', join(root, 'bench-data', 'goaccess.json')],
  { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    process.stderr.write(`goaccess failed: ${r.stderr.slice(0, 300)}\n`);
    return null;
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/**
 * The benchmark log with line n's client replaced by the n-th address of 10.0.0.0/8 (and, with
 * `oneMinute`, every stamp moved into its first minute, in order): a million distinct clients.
 */
async function botnetLog(log: string, lines: number, oneMinute: boolean): Promise<string> {
  const out = log.replace(/\.log$/, oneMinute ? '-botnet-minute.log' : '-botnet.log');
  if (existsSync(out)) return out;
  const w = createWriteStream(out + '.tmp');
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(log), crlfDelay: Infinity })) {
    n++;
    let rest = line.slice(line.indexOf(' '));
    if (oneMinute) {
      // "[22/Nov/2026:09:00:00 +0000]": the seconds field follows the hour and minute
      const at = rest.indexOf('[');
      const sec = String(Math.floor(((n - 1) * 60) / lines)).padStart(2, '0');
      rest = rest.slice(0, at + 13) + '09:00:' + sec + rest.slice(at + 21);
    }
    if (!w.write(`10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}${rest}\n`)) await once(w, 'drain');
  }
  w.end();
  await once(w, 'finish');
  renameSync(out + '.tmp', out);
  return out;
}

/** The real nginx and PHP-FPM error logs of the bundled incidents, repeated to `lines` lines. */
function errorLog(dir: string, lines: number): string {
  const out = join(dir, `errors-${lines}.log`);
  if (existsSync(out)) return out;
  const parts = ['2-nginx-proxy-tempfile-timeout/nginx-error.log', '3-nginx-phpfpm-max-children/nginx-error.log']
    .map((p) => readFileSync(join(root, 'fixtures', 'incidents', p), 'utf8'));
  const text = parts.join('');
  const per = text.split('\n').length - 1;
  writeFileSync(out, '');
  for (let n = 0; n < lines; n += per) appendFileSync(out, text);
  return out;
}

function timeReports(db: string, runs: number): void {
  const list = spawnSync(process.execPath, [cli, 'report', '--list', '--db', db, '--format', 'json'], { encoding: 'utf8' });
  let names: string[];
  try {
    names = (JSON.parse(list.stdout) as Array<{ name: string }>).map((r) => r.name);
  } catch {
    names = list.stdout.split('\n').map((l) => l.split(/\s+/)[0]).filter((n) => /^[a-z][a-z0-9-]+$/.test(n));
  }
  for (const name of names) {
    const secs: number[] = [];
    let failed = '';
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [cli, 'report', name, '--db', db, '--format', 'json', '--tz', 'UTC'], { encoding: 'utf8', maxBuffer: 1 << 28 });
      secs.push(Number(process.hrtime.bigint() - t0) / 1e9);
      if (r.status !== 0) failed = ` (exit ${r.status}: ${r.stderr.trim().split('\n')[0]})`;
    }
    console.log(`  report ${name.padEnd(18)} ${median(secs).toFixed(3)} s (whole command, median of ${runs})${failed}`);
  }
}

/** `runs` ingests of `lines` lines: median time and speed, median peak RSS, and each run's time. */
function summary(results: RunResult[], lines: number): string {
  const secs = median(results.map((r) => r.seconds));
  return `${secs.toFixed(2)} s, ${Math.round(lines / secs).toLocaleString('en-US')} lines/s, ` +
    `peak RSS ${median(results.map((r) => r.maxRssMb)).toFixed(0)} MB (runs: ${results.map((r) => r.seconds.toFixed(2)).join(', ')} s)`;
}

/**
 * CPU per line of each thread (medians over the runs): which one bounds the ingest, and how far
 * the whole is from what two cores give per line at a target speed.
 */
function printCpu(results: RunResult[], lines: number): void {
  const cpus = results.map((r) => r.stats?.cpuS).filter((c): c is NonNullable<IngestStats['cpuS']> => !!c);
  if (cpus.length === 0) return;
  const us = (pick: (c: NonNullable<IngestStats['cpuS']>) => number) => (median(cpus.map(pick)) * 1e6) / lines;
  const after = median(results.map((r) => r.stats?.afterLoadS ?? NaN));
  const total = us((c) => c.main + c.parse + c.rollup + c.other);
  console.log(`  CPU per line: parse worker ${us((c) => c.parse).toFixed(2)} us, main thread ${us((c) => c.main).toFixed(2)} us ` +
    `(after the load: ${after.toFixed(2)} s wall), rollup worker ${us((c) => c.rollup).toFixed(2)} us, ` +
    `other threads ${us((c) => c.other).toFixed(2)} us; total ${total.toFixed(2)} us`);
}

async function main(): Promise<void> {
  const sizes = arg('--lines', '1000000').split(',').map(Number);
  const runs = Number(arg('--runs', '3'));
  const dir = join(root, 'bench-data');
  mkdirSync(dir, { recursive: true });
  console.log(`node ${process.version}, ${runs} runs per size, medians`);
  for (const lines of sizes) {
    const log = join(dir, `nginx-${lines}.log`);
    if (!existsSync(log)) {
      process.stderr.write(`generating ${log} ...\n`);
      await generateLog(log, lines);
    }
    for (const [flag, oneMinute] of [['--botnet', false], ['--botnet-minute', true]] as const) {
      if (!process.argv.includes(flag)) continue;
      const bot = await botnetLog(log, lines, oneMinute);
      const rs: RunResult[] = [];
      for (let i = 0; i < runs; i++) rs.push(ingestOnce(bot, join(dir, 'bench.db')));
      console.log(`ingest ${lines.toLocaleString('en-US')} lines, a different client each${oneMinute ? ', all in one minute' : ''}: ${summary(rs, lines)}`);
      printCpu(rs, lines);
    }
    if (process.argv.includes('--botnet') || process.argv.includes('--botnet-minute')) continue;
    const mb = statSync(log).size / 1e6;
    const results: RunResult[] = [];
    for (let i = 0; i < runs; i++) results.push(ingestOnce(log, join(dir, 'bench.db')));
    const secs = median(results.map((r) => r.seconds));
    console.log(`ingest ${lines.toLocaleString('en-US')} lines (${mb.toFixed(0)} MB): ${summary(results, lines)}`);
    printCpu(results, lines);
    if (process.argv.includes('--reports')) {
      // the database of the last run is still there
      timeReports(join(dir, 'bench.db'), runs);
    }
    const ga: number[] = [];
    for (let i = 0; i < runs; i++) {
      const s = goaccessOnce(log);
      if (s === null) break;
      ga.push(s);
    }
    if (ga.length) {
      const g = median(ga);
      console.log(`goaccess same file: ${g.toFixed(2)} s, ${Math.round(lines / g).toLocaleString('en-US')} lines/s; overload is ${(g / secs).toFixed(1)}x`);
    } else {
      console.log(process.argv.includes('--no-goaccess') ? 'goaccess: skipped (--no-goaccess)' : 'goaccess: not installed (apt-get install goaccess) - no comparison');
    }
  }
}

async function errors(): Promise<void> {
  const runs = Number(arg('--runs', '3'));
  const lines = Number(arg('--error-lines', '1000000'));
  const dir = join(root, 'bench-data');
  mkdirSync(dir, { recursive: true });
  const log = errorLog(dir, lines);
  const n = readFileSync(log, 'utf8').split('\n').length - 1;
  const results: RunResult[] = [];
  for (let i = 0; i < runs; i++) results.push(ingestOnce(log, join(dir, 'bench-errors.db'), []));
  console.log(`ingest error logs ${n.toLocaleString('en-US')} lines: ${summary(results, n)}`);
}

(process.argv.includes('--errors') ? errors() : main()).catch((e) => { console.error(e); process.exit(1); });
