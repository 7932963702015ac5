// `overload ingest`: options -> settings, every input in turn, a summary per input on stderr.
import { readFileSync } from 'node:fs';
import { EXIT, CliError } from './exit-codes.js';
import { openWritable, createIndexes, checkpoint } from '../store/db.js';
import { StoreWriter } from '../store/writer.js';
import { afterStreamedIngest } from '../store/after-ingest.js';
import { RollupStream } from '../store/rollup-stream.js';
import { ingestInput, type IngestOutcome, type Progress } from '../ingest/ingest-input.js';
import { InputError } from '../ingest/source.js';
import { parseRouteRules, type RouteRule } from '../util/route.js';
import { assertZone, machineZone, isoUtc } from '../util/time.js';
import { termSafe } from '../util/sanitize.js';
import { resolveUserFormat, type UserFormat } from '../ingest/user-format.js';
import { threadTimes } from '../util/thread-stats.js';
import { findConfigFormat } from '../../parsers/config/index.js';
import type { ConfigFormat } from '../../parsers/config/types.js';
import { sniffConfig } from '../ingest/config-input.js';
import { ingestConfig } from './ingest-config.js';

export interface IngestOptions {
  db: string;
  format?: string;
  logFormat?: string;
  nginxConf?: string;
  logFormatName?: string;
  field?: string[];
  host?: string;
  tz?: string;
  routes?: string;
  maxLine: string;
  force?: boolean;
  quiet?: boolean;
  configRoot?: string;
}

function fieldMap(pairs: string[] = []): Record<string, string> {
  const map: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new CliError(`--field expects KEY=column, got "${p}"`);
    map[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return map;
}

function say(quiet: boolean | undefined, text: string): void {
  if (!quiet) process.stderr.write(text + '\n');
}

function describe(o: IngestOutcome): string {
  const label = termSafe(o.label === '-' ? '(stdin)' : o.label);
  switch (o.kind) {
    case 'empty': return `${label}: empty, nothing to ingest`;
    case 'unchanged': return `${label}: already ingested as ${o.format}, nothing new (--force re-ingests)`;
    case 'no-match': return '';
    case 'ingested': {
      const rate = o.seconds > 0 ? Math.round(o.lines / o.seconds).toLocaleString('en-US') : '-';
      const how = o.detection ? ` (${o.detection.parsed}/${o.detection.total} sample lines matched)` : '';
      const lines = [
        `${label}: ${o.format}${how}${o.resumedFrom ? `, resumed at byte ${o.resumedFrom}` : ''}`,
        `  ${o.lines.toLocaleString('en-US')} lines, ${o.parsed.toLocaleString('en-US')} parsed, ${o.rejected.toLocaleString('en-US')} rejected in ${o.seconds.toFixed(1)} s (${rate} lines/s)`,
      ];
      const variants = Object.entries(o.variants).sort((a, b) => b[1] - a[1]);
      if (variants.length) lines.push(`  read as variants of ${o.format}: ${variants.map(([v, n]) => `${v} ${n}`).join(', ')}`);
      if (o.rejected > 0) {
        lines.push(`  rejected by reason: ${Object.entries(o.rejectReasons).map(([r, n]) => `${r} ${n}`).join(', ')}` +
          ` (see: overload sources --rejects 5)`);
        for (const r of o.firstRejects.slice(0, 3)) lines.push(`    line ${r.line_no} [${r.reason}]: ${termSafe(r.line.slice(0, 160))}`);
      }
      if (o.note) lines.push(`  note: ${termSafe(o.note)}`);
      return lines.join('\n');
    }
  }
}

function explainNoMatch(o: Extract<IngestOutcome, { kind: 'no-match' }>): string {
  const label = termSafe(o.label === '-' ? '(stdin)' : o.label);
  const closest = o.ranking.slice(0, 3).map((s) => `${s.format.name} (${s.parsed}/${s.total})`).join(', ');
  return [
    o.forced ? `${label}: no line of the sample parses as ${o.forced}.` : `${label}: no known format matches this input.`,
    `  closest formats: ${closest || 'none'}`,
    `  first unmatched line: ${termSafe((o.firstUnmatched ?? '').slice(0, 300))}`,
    `  If the server writes a custom format, pass it as it stands in the server config:`,
    `    nginx:  overload ingest --nginx-conf /etc/nginx/nginx.conf [--log-format-name NAME] FILE`,
    `            overload ingest --log-format '$remote_addr - $remote_user [$time_local] "$request" ...' FILE`,
    `    Apache/lighttpd: overload ingest --log-format '%h %l %u %t "%r" %>s %b %D' FILE`,
    `  Known formats: overload formats`,
  ].join('\n');
}

function progressPrinter(): ((p: Progress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  const t0 = Date.now();
  return (p) => {
    const now = Date.now();
    if (now - last < 250) return;
    last = now;
    const secs = (now - t0) / 1000;
    const rate = Math.round(p.lines / Math.max(secs, 0.001));
    let eta = '';
    if (p.sizeOnDisk && p.diskBytes > 0) {
      const frac = Math.min(1, p.diskBytes / p.sizeOnDisk);
      eta = ` ${Math.round(frac * 100)}%, ETA ${Math.max(0, Math.round(secs / frac - secs))} s`;
    }
    process.stderr.write(`\r\x1b[2K${termSafe(p.label)}: ${(p.bytes / 1e6).toFixed(1)} MB, ${p.lines.toLocaleString('en-US')} lines, ${rate.toLocaleString('en-US')} lines/s${eta}`);
  };
}

/** One input and how to read it: several jobs share one database open and one finishing pass. */
export interface IngestJob {
  label: string;
  format: UserFormat;
  host: string | null;
  /** `--format` named a config format: read the input as that config */
  config?: ConfigFormat | null;
}

export interface IngestRunOptions {
  db: string;
  tz: string;
  maxLine: number;
  routeRules: RouteRule[];
  fieldMap: Record<string, string>;
  force: boolean;
  quiet: boolean;
  /** --config-root: where absolute include paths of configs are looked up */
  configRoot?: string | null;
}

function checkedOptions(opts: IngestOptions): IngestRunOptions {
  const tz = opts.tz ?? machineZone();
  try { assertZone(tz); } catch { throw new CliError(`unknown time zone "${opts.tz}" (use an IANA name such as Europe/Berlin or UTC)`); }
  const maxLine = Number(opts.maxLine);
  if (!Number.isInteger(maxLine) || maxLine < 256) throw new CliError(`--max-line must be a whole number of bytes >= 256`);
  let routeRules: RouteRule[] = [];
  if (opts.routes) {
    try { routeRules = parseRouteRules(readFileSync(opts.routes, 'utf8')); } catch (e) {
      throw new CliError(`--routes ${opts.routes}: ${(e as Error).message}`, (e as NodeJS.ErrnoException).code ? EXIT.unreadable : EXIT.usage);
    }
  }
  return { db: opts.db, tz, maxLine, routeRules, fieldMap: fieldMap(opts.field), force: !!opts.force, quiet: !!opts.quiet, configRoot: opts.configRoot ?? null };
}

export async function run(paths: string[], opts: IngestOptions): Promise<number> {
  const common = checkedOptions(opts);
  // --format naming a config format (nginx-conf, sysctl ...) reads every input as that config
  const config = opts.format ? findConfigFormat(opts.format) ?? null : null;
  const format = resolveUserFormat({ format: config ? undefined : opts.format, logFormat: opts.logFormat, nginxConf: opts.nginxConf, logFormatName: opts.logFormatName });
  const inputs = paths.length ? paths : ['-'];
  if (inputs.filter((p) => p === '-').length > 1) throw new CliError('stdin (-) can be named only once');
  if (inputs.includes('-') && process.stdin.isTTY) {
    throw new CliError('no input: name log files, or pipe a log into stdin (cat access.log | overload ingest)');
  }
  return ingestJobs(inputs.map((label) => ({ label, format, host: opts.host ?? null, config })), common);
}

/** Ingest every job in turn, then build indexes, joins and rollups once. Returns the exit code. */
export async function ingestJobs(jobs: IngestJob[], opts: IngestRunOptions): Promise<number> {
  const db = openWritable(opts.db);
  const writer = new StoreWriter(db);
  const rollups = RollupStream.open(db);
  let stop = false;
  const onSigint = () => {
    if (stop) process.exit(130);
    stop = true;
    process.stderr.write('\ninterrupted: finishing the batch in flight (Ctrl-C again to quit now)\n');
  };
  process.on('SIGINT', onSigint);
  const progress = opts.quiet ? undefined : progressPrinter();
  let code: number = EXIT.ok;
  let ingestedAny = false;
  try {
    for (const job of jobs) {
      if (stop) break;
      // A server config beside the logs: named by --format, or recognised by content and name
      const config = job.config ?? (job.format.format === null && job.format.logFormat === undefined ? sniffConfig(job.label) : null);
      if (config) {
        const r = ingestConfig(db, writer, { label: job.label, format: config, host: job.host, force: opts.force, root: opts.configRoot ?? null });
        if (r.code === EXIT.unreadable) process.stderr.write(r.summary + '\n');
        else say(opts.quiet, r.summary);
        if (r.code !== EXIT.ok) code = Math.max(code, r.code);
        continue;
      }
      let outcome: IngestOutcome;
      try {
        outcome = await ingestInput(job.label, writer, {
          format: job.format.format, formatSpec: job.format.formatSpec,
          parserOptions: { tz: opts.tz, logFormat: job.format.logFormat, fieldMap: opts.fieldMap },
          host: job.host, maxLine: opts.maxLine, force: opts.force, batchSize: 2000,
          routeRules: opts.routeRules, stopRequested: () => stop, onProgress: progress, rollups,
        });
      } catch (e) {
        if (e instanceof InputError) {
          process.stderr.write(`overload: ${termSafe(e.message)}\n`);
          code = Math.max(code, EXIT.unreadable);
          continue;
        }
        throw e;
      }
      if (progress) process.stderr.write('\r\x1b[2K');
      if (outcome.kind === 'no-match') {
        process.stderr.write(explainNoMatch(outcome) + '\n');
        code = code === EXIT.unreadable ? code : EXIT.noMatch;
        continue;
      }
      if (outcome.kind === 'ingested') ingestedAny = true;
      say(opts.quiet, describe(outcome));
    }
    if (ingestedAny) {
      const t0 = Date.now();
      createIndexes(db);
      const built = await afterStreamedIngest(db, rollups);
      if (process.env.OVERLOAD_STATS) {
        process.stderr.write(`overload-rollups ${JSON.stringify({ ...built, declined: rollups ? rollups.declined : 'not fresh before the ingest' })}\n`);
      }
      checkpoint(db);
      threadTimes.afterLoadMs += Date.now() - t0;
      say(opts.quiet, `indexes and correlations updated in ${((Date.now() - t0) / 1000).toFixed(1)} s; database: ${opts.db}`);
      const range = db.prepare('SELECT min(first_ts) a, max(last_ts) b FROM sources').get() as { a: number | null; b: number | null };
      if (range.a !== null) say(opts.quiet, `time range: ${isoUtc(range.a)} .. ${isoUtc(range.b)}   next: overload report spikes`);
    }
  } finally {
    process.off('SIGINT', onSigint);
    rollups?.close();
    db.close();
  }
  if (stop) return 130;
  return code;
}
