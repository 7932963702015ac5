// `npm run bench [-- --shape short,day,week,botnet,scanner,mixed|all --lines 1000000,10000000 --runs 3
// --no-goaccess --reports]`: per shape (bench/shapes.ts) generates the logs, ingests them with the
// built CLI as a user would (a fresh database each run), and prints lines/s and peak RSS
// (medians) with where the time went (the ingest's OVERLOAD_STATS line). GoAccess, when
// installed, parses the same access log with the same format in the same run (for `mixed`, only
// the access log: GoAccess reads no error logs). The default shape is `short`, the original log.
// Ends with Markdown tables ready for BENCHMARKS.md.
// `--botnet` and `--botnet-minute` are the `botnet` and `botnet-minute` shapes.
// `--no-goaccess` skips the comparison (GoAccess takes ~3x as long as the ingest at 10M).
// `--reports` also times every canned report on the resulting database; `npm run bench --
// --errors` measures error-log ingest (the real nginx error logs of the incidents, repeated).
import { arg, median } from './args.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { ALL_SHAPES, findShape, shapeFiles, type GeneratedShape, type Shape } from './shapes.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');

/** The ingest's own OVERLOAD_STATS line: where its time and CPU went (src/util/thread-stats.ts). */
interface IngestStats {
  maxRssMb: number;
  afterLoadS: number;
  cpuS?: { main: number; parse: number; rollup: number; other: number };
}
interface RunResult { seconds: number; maxRssMb: number; stats: IngestStats | null }

function ingestOnce(logs: string[], db: string, formatArgs: string[], fresh = true): RunResult {
  if (fresh) for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, 'ingest', '--quiet', '--db', db, '--tz', 'UTC', ...formatArgs, ...logs], {
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
function goaccessOnce(log: string, format: string): number | null {
  if (process.argv.includes('--no-goaccess')) return null;
  const which = spawnSync('sh', ['-c', 'command -v goaccess'], { encoding: 'utf8' });
  if (which.status !== 0) return null;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('goaccess', [log, '--log-format', format,
    '--date-format', '%d/%b/%Y', '--time-format', '%T', '--no-global-config', '-o', join(root, 'bench-data', 'goaccess.json')],
  { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) {
    process.stderr.write(`goaccess failed: ${r.stderr.slice(0, 300)}\n`);
    return null;
  }
  // A format GoAccess misreads would make it fast for the wrong reason: say so beside its time.
  const general = (JSON.parse(readFileSync(join(root, 'bench-data', 'goaccess.json'), 'utf8')) as { general?: { failed_requests?: number } }).general;
  if (general?.failed_requests) process.stderr.write(`warning: goaccess could not parse ${general.failed_requests} lines of ${log}\n`);
  return seconds;
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

/** Times every canned report (whole command, median of `runs`); returns the slowest. */
function timeReports(db: string, runs: number): { name: string; seconds: number } | null {
  let slowest: { name: string; seconds: number } | null = null;
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
    if (!slowest || median(secs) > slowest.seconds) slowest = { name, seconds: median(secs) };
  }
  return slowest;
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

/**
 * One run of a shape: the access log with its --log-format, then (`mixed`) the other logs by
 * detection into the same database, as a user ingesting an incident's logs would. The times add
 * up, the peak RSS is the larger, the CPU seconds add up.
 */
function ingestShape(shape: Shape, g: GeneratedShape, db: string): RunResult {
  const access = ingestOnce([g.access], db, ['--log-format', shape.logFormat]);
  if (g.others.length === 0) return access;
  const rest = ingestOnce(g.others, db, [], false);
  const a = access.stats, b = rest.stats;
  const stats: IngestStats | null = a && b ? {
    maxRssMb: Math.max(a.maxRssMb, b.maxRssMb),
    afterLoadS: a.afterLoadS + b.afterLoadS,
    cpuS: a.cpuS && b.cpuS ? { main: a.cpuS.main + b.cpuS.main, parse: a.cpuS.parse + b.cpuS.parse, rollup: a.cpuS.rollup + b.cpuS.rollup, other: a.cpuS.other + b.cpuS.other } : undefined,
  } : null;
  return { seconds: access.seconds + rest.seconds, maxRssMb: Math.max(access.maxRssMb, rest.maxRssMb), stats };
}

/** What the ingested database holds: the span and the distinct counts the table reports. */
interface Facts { requests: number; spanS: number; paths: number; routes: number; clients: number; rejects: number }
function facts(db: string): Facts {
  const q = (sql: string) => {
    const r = spawnSync(process.execPath, [cli, 'query', '--db', db, '--format', 'json', sql], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`query failed: ${r.stderr}`);
    return (JSON.parse(r.stdout) as Array<Record<string, number>>)[0];
  };
  const f = q('SELECT count(*) AS requests, (max(ts) - min(ts)) / 1000.0 AS spanS, count(DISTINCT path) AS paths, ' +
    'count(DISTINCT route) AS routes, count(DISTINCT client) AS clients FROM requests');
  return { ...(f as unknown as Facts), rejects: q('SELECT count(*) AS n FROM rejects').n };
}

function span(s: number): string {
  if (s < 90) return `${s.toFixed(0)} s`;
  if (s >= 86_400 * 1.5) return `${(s / 86_400).toFixed(1)} d`;
  if (s >= 5400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 60).toFixed(0)} min`;
}

interface Row {
  shape: Shape; lines: number; facts: Facts; results: RunResult[];
  goaccessS: number | null; accessLines: number; slowest: { name: string; seconds: number } | null;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** The Markdown tables for BENCHMARKS.md: figures per shape, then where the time went. */
function printTables(rows: Row[], runs: number, reports: boolean): void {
  console.log(`\n| shape | lines | span | paths | routes | clients | overload | lines/s | peak RSS | GoAccess (same run) | GoAccess lines/s | overload / GoAccess lines/s |${reports ? ' slowest report |' : ''}`);
  console.log(`|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|${reports ? '---:|' : ''}`);
  for (const r of rows) {
    const secs = median(r.results.map((x) => x.seconds));
    const rate = r.lines / secs;
    const ga = r.goaccessS === null ? null : r.accessLines / r.goaccessS;
    console.log(`| ${r.shape.name} | ${fmt(r.lines)}${r.lines !== r.accessLines ? ` (${fmt(r.accessLines)} access)` : ''} | ${span(r.facts.spanS)} | ` +
      `${fmt(r.facts.paths)} | ${fmt(r.facts.routes)} | ${fmt(r.facts.clients)} | ${secs.toFixed(2)} s | ${fmt(rate)} | ` +
      `${median(r.results.map((x) => x.maxRssMb)).toFixed(0)} MB | ${r.goaccessS === null ? '-' : `${r.goaccessS.toFixed(2)} s`} | ` +
      `${ga === null ? '-' : fmt(ga)} | ${ga === null ? '-' : `${(rate / ga).toFixed(2)}x`} |` +
      `${reports ? ` ${r.slowest ? `${r.slowest.name} ${r.slowest.seconds.toFixed(2)} s` : '-'} |` : ''}`);
  }
  console.log('\nThe shapes (bench/shapes.ts) and the format GoAccess was given for each access log:\n');
  console.log('| shape | what it is | GoAccess --log-format |');
  console.log('|---|---|---|');
  for (const shape of new Set(rows.map((r) => r.shape))) console.log(`| ${shape.name} | ${shape.summary} | \`${shape.goaccessFormat}\` |`);
  console.log(`\nWhere the time went (OVERLOAD_STATS, medians of ${runs}): CPU per line by thread, and the wall time after the last line was loaded (indexes, rollups, correlations).\n`);
  console.log('| shape | parse worker | main thread | rollup worker | other threads | after the load | rejects |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const cpus = r.results.map((x) => x.stats?.cpuS).filter((c): c is NonNullable<IngestStats['cpuS']> => !!c);
    const us = (pick: (c: NonNullable<IngestStats['cpuS']>) => number) =>
      cpus.length ? `${((median(cpus.map(pick)) * 1e6) / r.lines).toFixed(2)} us` : '-';
    const after = median(r.results.map((x) => x.stats?.afterLoadS ?? NaN));
    console.log(`| ${r.shape.name} | ${us((c) => c.parse)} | ${us((c) => c.main)} | ${us((c) => c.rollup)} | ${us((c) => c.other)} | ${after.toFixed(2)} s | ${fmt(r.facts.rejects)} |`);
  }
}

/** `--shape a,b` (or `all`), plus the older `--botnet` / `--botnet-minute` flags. */
function shapeNames(): string[] {
  const legacy = ['--botnet', '--botnet-minute'].filter((f) => process.argv.includes(f)).map((f) => f.slice(2));
  const given = arg('--shape', legacy.length ? '' : 'short').split(',').filter(Boolean);
  const names = given.flatMap((n) => (n === 'all' ? ALL_SHAPES : [n]));
  return [...new Set([...names, ...legacy])];
}

async function main(): Promise<void> {
  const sizes = arg('--lines', '1000000').split(',').map(Number);
  const runs = Number(arg('--runs', '3'));
  const reports = process.argv.includes('--reports');
  const shapes = shapeNames().map(findShape);
  const dir = join(root, 'bench-data');
  mkdirSync(dir, { recursive: true });
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim() || 'unknown';
  console.log(`commit ${commit}, node ${process.version}, ${runs} runs per shape and size, medians; ${process.argv.slice(2).join(' ')}`);
  const rows: Row[] = [];
  for (const lines of sizes) {
    for (const shape of shapes) {
      process.stderr.write(`${shape.name}: ${fmt(lines)} lines ...\n`);
      const g = await shapeFiles(dir, shape, lines);
      const total = g.accessLines + g.otherLines;
      const mb = [g.access, ...g.others].reduce((a, f) => a + statSync(f).size, 0) / 1e6;
      const db = join(dir, 'bench.db');
      const results: RunResult[] = [];
      for (let i = 0; i < runs; i++) results.push(ingestShape(shape, g, db));
      console.log(`${shape.name}: ingest ${fmt(total)} lines (${mb.toFixed(0)} MB${g.others.length ? `, ${g.others.length + 1} files in 2 commands` : ''}): ${summary(results, total)}`);
      printCpu(results, total);
      // the database of the last run is still there
      const f = facts(db);
      if (f.rejects > 0) process.stderr.write(`warning: ${shape.name}: ${f.rejects} rejected lines\n`);
      const slowest = reports ? timeReports(db, runs) : null;
      const ga: number[] = [];
      for (let i = 0; i < runs; i++) {
        const s = goaccessOnce(g.access, shape.goaccessFormat);
        if (s === null) break;
        ga.push(s);
      }
      const goaccessS = ga.length ? median(ga) : null;
      if (goaccessS !== null) {
        console.log(`  goaccess same access log: ${goaccessS.toFixed(2)} s, ${fmt(g.accessLines / goaccessS)} lines/s`);
      } else {
        console.log(process.argv.includes('--no-goaccess') ? '  goaccess: skipped (--no-goaccess)' : '  goaccess: not installed (apt-get install goaccess) - no comparison');
      }
      rows.push({ shape, lines: total, facts: f, results, goaccessS, accessLines: g.accessLines, slowest });
    }
  }
  printTables(rows, runs, reports);
  if (rows.some((r) => r.shape.name === 'mixed')) {
    console.log('\n`mixed`: overload ingests the four logs in two commands (the access log with --log-format, the error and slow logs by detection) and its lines/s counts all their lines; GoAccess reads only the access log, and its lines/s counts those.');
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
  for (let i = 0; i < runs; i++) results.push(ingestOnce([log], join(dir, 'bench-errors.db'), []));
  console.log(`ingest error logs ${n.toLocaleString('en-US')} lines: ${summary(results, n)}`);
}

(process.argv.includes('--errors') ? errors() : main()).catch((e) => { console.error(e); process.exit(1); });
