// `npm run bench [-- --lines 1000000,10000000 --runs 3]`: generates the benchmark log, ingests it
// with the built CLI as a user would (a fresh database each run), and prints lines/s and peak
// RSS (medians). When GoAccess is installed it parses the same file in the same run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { generateLog, BENCH_LOG_FORMAT } from './generate-log.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface RunResult { seconds: number; maxRssMb: number }

function ingestOnce(log: string, db: string): RunResult {
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, 'ingest', '--quiet', '--db', db, '--tz', 'UTC', '--log-format', BENCH_LOG_FORMAT, log], {
    env: { ...process.env, OVERLOAD_STATS: '1' }, encoding: 'utf8', maxBuffer: 1 << 26,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`ingest failed (${r.status}): ${r.stderr}`);
  const stats = /overload-stats (\{.*\})/.exec(r.stderr);
  const maxRssMb = stats ? JSON.parse(stats[1]).maxRssMb : NaN;
  return { seconds, maxRssMb };
}

function goaccessOnce(log: string): number | null {
  const which = spawnSync('sh', ['-c', 'command -v goaccess'], { encoding: 'utf8' });
  if (which.status !== 0) return null;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('goaccess', [log, '--log-format', '%h - %^ [%d:%t %^] "%r" %s %b %^ "%R" "%u" rt=%T %^',
    '--date-format', '%d/%b/%Y', '--time-format', '%T', '--no-global-config', '-o', '/dev/null.json'], { encoding: 'utf8' });
  const r2 = r.status === 0 ? r : spawnSync('goaccess', [log, '--log-format', '%h - %^ [%d:%t %^] "%r" %s %b %^ "%R" "%u" rt=%T %^',
    '--date-format', '%d/%b/%Y', '--time-format', '%T', '--no-global-config', '-o', join(root, 'bench-data', 'goaccess.json')], { encoding: 'utf8' });
  if (r2.status !== 0) {
    process.stderr.write(`goaccess failed: ${r2.stderr.slice(0, 300)}\n`);
    return null;
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
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
    const mb = statSync(log).size / 1e6;
    const results: RunResult[] = [];
    for (let i = 0; i < runs; i++) results.push(ingestOnce(log, join(dir, 'bench.db')));
    const secs = median(results.map((r) => r.seconds));
    const rss = median(results.map((r) => r.maxRssMb));
    console.log(`ingest ${lines.toLocaleString('en-US')} lines (${mb.toFixed(0)} MB): ${secs.toFixed(2)} s, ` +
      `${Math.round(lines / secs).toLocaleString('en-US')} lines/s, peak RSS ${rss.toFixed(0)} MB ` +
      `(runs: ${results.map((r) => r.seconds.toFixed(2)).join(', ')} s)`);
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
      console.log('goaccess: not installed (apt-get install goaccess) - no comparison');
    }
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
