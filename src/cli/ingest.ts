// `overload ingest`: options -> settings, every input in turn, a summary per input on stderr.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { hostname } from 'node:os';
import { EXIT, CliError } from './exit-codes.js';
import { openWritable, createIndexes, checkpoint, deferStringsIndex } from '../store/db.js';
import { STRINGS_TEXT_INDEX } from '../store/schema.js';
import { StoreWriter } from '../store/writer.js';
import { afterStreamedIngest, unfinishedAfterIngest } from '../query/after-ingest.js';
import { claimIngest, claimPath, ClaimTimeout, type ClaimHolder, type IngestClaim } from '../store/ingest-claim.js';
import { storeFailure } from './store-failure.js';
import { RollupStream } from '../query/rollup-stream.js';
import { ingestInput, type IngestOutcome, type Progress } from '../ingest/ingest-input.js';
import { InputError } from '../ingest/source.js';
import { parseRouteRules, type RouteRule } from '../util/route.js';
import { assertZone, machineZone, isoUtc, parseTimeArg } from '../util/time.js';
import { termSafe } from '../util/sanitize.js';
import { dataRange, describeOutliers } from '../report/extent.js';
import { resolveUserFormat, type UserFormat } from './user-format.js';
import { threadTimes } from '../util/thread-stats.js';
import { stallIfAsked } from '../util/test-stall.js';
import { MAX_LINE_CEILING } from '../ingest/line-splitter.js';
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
  bootTime?: string;
  year?: string;
  at?: string;
  force?: boolean;
  quiet?: boolean;
  wait?: string;
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
      if (o.rejectReasons['unplaced-time']) lines.push(`  ${UNPLACED_HINT}`);
      if (o.rejectReasons['cut-snapshot']) lines.push(`  ${CUT_HINT}`);
      if (o.note) lines.push(`  note: ${termSafe(o.note)}`);
      return lines.join('\n');
    }
  }
}

/** What the user can pass so that lines kept as `unplaced-time` get their time. */
export const UNPLACED_HINT = 'unplaced-time: lines whose time the input does not give: raw dmesg needs --boot-time (or a `btime` line of /proc/stat ahead of it), ' +
  'syslog and journalctl stamps need --year, a snapshot needs a date line ahead of it (or --at, or a time stamp in its file name); ingest again with --force once given';

/** What a `cut-snapshot` reject means to the user. */
export const CUT_HINT = 'cut-snapshot: a snapshot that ends in the middle (a status page cut short): the lines named are not stored, the snapshots around them are';

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
  /** what places kernel lines and counter snapshots in time (parsers/types.ts ParserOptions) */
  placing?: { bootTime?: number; year?: number; at?: number };
  maxLine: number;
  routeRules: RouteRule[];
  fieldMap: Record<string, string>;
  force: boolean;
  quiet: boolean;
  /** how long to wait while another ingest writes the database (default DEFAULT_WAIT_S) */
  waitSeconds?: number;
  /** --config-root: where absolute include paths of configs are looked up */
  configRoot?: string | null;
}

/** Long enough for another ingest of a 10M-line log (about two minutes) to finish, with room. */
export const DEFAULT_WAIT_S = 600;
function placing(opts: IngestOptions, tz: string): IngestRunOptions['placing'] {
  const out: NonNullable<IngestRunOptions['placing']> = {};
  for (const [flag, value, key] of [['--boot-time', opts.bootTime, 'bootTime'], ['--at', opts.at, 'at']] as const) {
    if (value === undefined) continue;
    const t = parseTimeArg(value, tz);
    if (Number.isNaN(t)) throw new CliError(`${flag} ${value}: not a time (ISO 8601 such as 2026-12-07T08:28:43Z, or epoch seconds)`);
    out[key] = t;
  }
  if (opts.year !== undefined) {
    const y = Number(opts.year);
    if (!Number.isInteger(y) || y < 1970 || y > 9999) throw new CliError(`--year ${opts.year}: expected a year such as 2026`);
    out.year = y;
  }
  return out;
}

function checkedOptions(opts: IngestOptions): IngestRunOptions {
  const tz = opts.tz ?? machineZone();
  try { assertZone(tz); } catch { throw new CliError(`unknown time zone "${opts.tz}" (use an IANA name such as Europe/Berlin or UTC)`); }
  const maxLine = Number(opts.maxLine);
  if (!Number.isInteger(maxLine) || maxLine < 256) throw new CliError(`--max-line must be a whole number of bytes >= 256`);
  if (maxLine > MAX_LINE_CEILING && !opts.quiet) {
    process.stderr.write(`overload: --max-line ${maxLine} is above the ceiling of ${MAX_LINE_CEILING} bytes (8 MiB): longer lines are rejected as line-too-long (a line is held whole in memory to be parsed)\n`);
  }
  let routeRules: RouteRule[] = [];
  if (opts.routes) {
    try { routeRules = parseRouteRules(readFileSync(opts.routes, 'utf8')); } catch (e) {
      throw new CliError(`--routes ${opts.routes}: ${(e as Error).message}`, (e as NodeJS.ErrnoException).code ? EXIT.unreadable : EXIT.usage);
    }
  }
  const waitSeconds = opts.wait === undefined ? DEFAULT_WAIT_S : Number(opts.wait);
  if (opts.wait?.trim() === '' || !Number.isFinite(waitSeconds) || waitSeconds < 0) throw new CliError(`--wait must be a number of seconds >= 0`);
  return { db: opts.db, tz, maxLine, routeRules, fieldMap: fieldMap(opts.field), force: !!opts.force, quiet: !!opts.quiet, waitSeconds,
    configRoot: opts.configRoot ?? null, placing: placing(opts, tz) };
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

function describeHolder(h: ClaimHolder): string {
  let who = h.pid !== null ? `pid ${h.pid}` : 'another process';
  if (h.host && h.host !== hostname()) who += ` on ${h.host}`;
  if (h.since !== null) who += `, since ${(isoUtc(h.since) ?? '').slice(11, 19)} UTC`;
  return termSafe(h.what ? `${who}: ${h.what}` : who);
}

/**
 * The database's ingest claim (store/ingest-claim.ts), waiting for it while another ingest
 * holds it, for at most opts.waitSeconds. null for a database in memory (no one else can see it).
 */
async function claimDatabase(jobs: IngestJob[], opts: IngestRunOptions): Promise<IngestClaim | null> {
  if (opts.db === ':memory:' || opts.db === '') return null;
  const db = termSafe(opts.db);
  if (!existsSync(dirname(resolve(opts.db)))) throw new CliError(`cannot write ${db}: its directory does not exist`, EXIT.unreadable);
  const waitSeconds = opts.waitSeconds ?? DEFAULT_WAIT_S;
  try {
    const { claim, waited } = await claimIngest(opts.db, jobs.map((j) => j.label === '-' ? '(stdin)' : j.label).join(' '), {
      waitMs: waitSeconds * 1000,
      // said even with --quiet: it explains a pause that may be long
      onWait: (h) => process.stderr.write(`overload: ${db} is being written by another ingest (${describeHolder(h)}); waiting for it, up to ${waitSeconds} s (--wait)\n`),
    });
    if (waited) say(opts.quiet, `waited ${(waited.ms / 1000).toFixed(1)} s for another ingest into ${db} (${describeHolder(waited.holder)}); continuing after it`);
    return claim;
  } catch (e) {
    if (e instanceof ClaimTimeout) {
      throw new CliError(`gave up after ${(e.waitedMs / 1000).toFixed(1)} s waiting for another ingest into ${db} (${describeHolder(e.holder)}); ` +
        'nothing was written: run it again later, or wait longer with --wait SECONDS', EXIT.unreadable);
    }
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'))) {
      // the lock file only says who holds the claim: nothing is lost with it
      throw new CliError(`the lock file ${termSafe(claimPath(opts.db))} is damaged (${termSafe((e as Error).message)}): ` +
        `delete it while no ingest into ${db} runs`, EXIT.unreadable);
    }
    throw storeFailure(e, opts.db);
  }
}

/**
 * Ingest every job in turn, then build indexes, joins and rollups once. Returns the exit code.
 * Holds the database's ingest claim throughout: a second ingest waits, then resumes after it.
 */
export async function ingestJobs(jobs: IngestJob[], opts: IngestRunOptions): Promise<number> {
  const claim = await claimDatabase(jobs, opts);
  try {
    return await ingestClaimed(jobs, opts);
  } catch (e) {
    throw storeFailure(e, opts.db);
  } finally {
    claim?.release();
  }
}

async function ingestClaimed(jobs: IngestJob[], opts: IngestRunOptions): Promise<number> {
  const db = openWritable(opts.db);
  const writer = new StoreWriter(db);
  const rollups = RollupStream.open(db);
  // dropped as the first new lines are written (not before: a run that finds nothing new must
  // not touch it), built again by createIndexes below, or in `finally` when that does not run
  let stringsIndexDeferred = false;
  const onLoadStart = () => { stringsIndexDeferred ||= deferStringsIndex(db); };
  let indexed = false;
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
          parserOptions: { tz: opts.tz, logFormat: job.format.logFormat, fieldMap: opts.fieldMap, ...opts.placing },
          host: job.host, maxLine: opts.maxLine, force: opts.force, batchSize: 2000,
          routeRules: opts.routeRules, stopRequested: () => stop, onProgress: progress, rollups, onLoadStart,
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
      if (outcome.kind === 'ingested' && outcome.damaged) {
        // An input that could not be read whole, and whose last rows may be made up: exit 2.
        process.stderr.write(`overload: ${termSafe(job.label === '-' ? '(stdin)' : job.label)}: ${termSafe(outcome.damaged.message)}\n`);
        code = Math.max(code, EXIT.unreadable);
      }
    }
    // an earlier ingest killed in its final step: its rows are in, the rest is done now
    const unfinished = ingestedAny || stop ? null : unfinishedAfterIngest(db);
    if (unfinished) say(opts.quiet, `finishing what an earlier ingest into ${termSafe(opts.db)} left undone: ${unfinished}`);
    if (ingestedAny || unfinished) {
      const t0 = Date.now();
      createIndexes(db);
      indexed = true;
      stallIfAsked('rollups');
      const built = await afterStreamedIngest(db, rollups);
      if (process.env.OVERLOAD_STATS) {
        process.stderr.write(`overload-rollups ${JSON.stringify({ ...built, declined: rollups ? rollups.declined : 'not fresh before the ingest' })}\n`);
      }
      checkpoint(db);
      threadTimes.afterLoadMs += Date.now() - t0;
      say(opts.quiet, `indexes and correlations updated in ${((Date.now() - t0) / 1000).toFixed(1)} s; database: ${opts.db}`);
      const range = db.prepare('SELECT min(first_ts) a, max(last_ts) b FROM sources').get() as { a: number | null; b: number | null };
      if (range.a !== null) say(opts.quiet, `time range: ${isoUtc(range.a)} .. ${isoUtc(range.b)}   next: overload report spikes`);
      // stamps far from the rest (a clock reset to 1970, a typo'd year) are stored, and said so
      const dense = dataRange(db);
      const outliers = describeOutliers(dense.outliers);
      if (outliers) say(opts.quiet, `${outliers}; reports default to ${isoUtc(dense.from)} .. ${isoUtc(dense.to)}`);
    }
  } finally {
    process.off('SIGINT', onSigint);
    rollups?.close();
    if (stringsIndexDeferred && !indexed) {
      // few strings (deferStringsIndex): quick to build. If this fails too (the error that got
      // us here), the next ingest finds the index missing and builds it (unfinishedAfterIngest).
      try { db.exec(STRINGS_TEXT_INDEX); } catch { /* see above */ }
    }
    db.close();
  }
  if (stop) return 130;
  return code;
}
