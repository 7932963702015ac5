// The one fixture helper of the tests: the built CLI run as a user runs it (test/e2e/cli.ts, its
// light half, re-exported here), the bundled stories
// (fixtures/incidents/<story>) ingested ONCE per test run by test/global-setup.ts and handed to
// the tests by path, and the canned reports run in-process on them where the CLI itself is not
// what a test is about (a report through the CLI costs a node start, ~0.4 s).
//
// A story's database is shared by every test file of the run: open it read-only, or take a copy
// (storyDbCopy) before changing it.
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import Database from 'better-sqlite3';
import { loadStories, ingestArgs, type Story } from '../src/demo/incidents.js';
import { openReadOnly } from '../src/store/db.js';
import { cli, tempDir, ROOT, type CliResult } from './e2e/cli.js';
import { runReport, type ReportResult } from '../src/report/runner.js';
import { MODULES } from '../src/correlate/modules.js';
import { resultText } from '../src/report/output.js';
import type { OutputFormat } from '../src/report/render.js';
import type { ParamInput } from '../src/report/params.js';

/** A report result as the text the CLI would print, in one string. */
export function renderResult(result: ReportResult, format: OutputFormat, width?: number): string {
  return [...resultText(result, format, width)].join('');
}

export { ROOT, CLI, INCIDENTS, cli, cliAsync, query, tempDir, type CliResult } from './e2e/cli.js';

export type Row = Record<string, unknown>;

/** Plain SQL on a database, read-only, in this process (no overload functions: query() has them). */
export function sql<T = Row>(db: string, text: string, ...params: unknown[]): T[] {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return conn.prepare(text).all(...params) as T[];
  } finally {
    conn.close();
  }
}

// --- the bundled stories -------------------------------------------------------------------

export const STORY_LIST: Story[] = loadStories(ROOT);
/** every bundled story's name, sorted */
export const STORIES: string[] = STORY_LIST.map((s) => s.story);
export const STORY3 = '3-nginx-phpfpm-max-children';

export function story(name: string): Story {
  const s = STORY_LIST.find((x) => x.story === name);
  if (!s) throw new Error(`no bundled incident ${name}`);
  return s;
}

export function truthOf(name: string) {
  return story(name).truth as Record<string, unknown> & {
    story: string; phases: Story['phases']; ingest: Story['ingest']; signatures: Record<string, unknown>; settings?: Record<string, unknown>;
  };
}

/** `overload ingest` arguments for each log of a story, as a user would type them. */
export function storyIngestArgs(s: Story, db: string, opts: { host?: string | null } = {}): string[][] {
  const host = opts.host === undefined ? s.story : opts.host;
  return s.ingest.map((entry) => {
    const { path, flags } = ingestArgs(s, entry);
    const args = ['ingest', '--db', db, ...(host === null ? [] : ['--host', host]), '--tz', 'UTC', '--quiet'];
    if (flags.format) args.push('--format', flags.format);
    if (flags.logFormat) args.push('--log-format', flags.logFormat);
    if (flags.nginxConf) args.push('--nginx-conf', flags.nginxConf);
    if (flags.logFormatName) args.push('--log-format-name', flags.logFormatName);
    args.push(path);
    return args;
  });
}

/**
 * The story's server configs (config/*.conf, *.vcl) and the snapshots its truth.json lists (ss
 * captures, status pages), as one `overload ingest` beside the logs.
 */
export function storyExtrasArgs(s: Story, db: string, host: string = s.story): string[] | null {
  const configDir = join(s.dir, 'config');
  const configs = existsSync(configDir) ? readdirSync(configDir).filter((f) => /\.(conf|vcl)$/.test(f)).sort().map((f) => join(configDir, f)) : [];
  const snapshots = s.snapshots.map((x) => join(s.dir, x.file));
  if (!configs.length && !snapshots.length) return null;
  return ['ingest', '--db', db, '--host', host, '--tz', 'UTC', '--quiet', ...configs, ...snapshots];
}

/**
 * A story's logs into `db` through the built CLI, as its truth.json `ingest` list says, tagged
 * with the story's name as host (`host: null`: untagged). Throws unless each exits 0. For tests
 * that need a database built their own way; the others take storyDb().
 */
export function ingestStoryLogs(s: Story, db: string, opts: { host?: string | null; env?: Record<string, string> } = {}): CliResult[] {
  return storyIngestArgs(s, db, opts).map((args) => {
    const r = cli(args, { env: opts.env });
    if (r.status !== 0) throw new Error(`${s.story}: ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return r;
  });
}

/** What test/global-setup.ts provides: per story, its databases. */
export interface StoryDbs {
  /** the logs as truth.json says, host = the story's name */
  logs: string;
  /** a copy of `logs` with the story's configs and snapshots ingested too (diagnose reads them) */
  full: string;
  /** per log ingested into `logs`, whether the native writer stored its rows (OVERLOAD_STATS) */
  native: boolean[];
  /** per log, a copy of the database as its ingest left it, and how that ingest made the rollups */
  steps: Array<{ file: string; db: string; rollups: { streamed: boolean; declined: string | null; full: boolean } | null }>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    storyDbs: Record<string, StoryDbs>;
  }
}

/**
 * The run's shared database of a story (built once by test/global-setup.ts). Read it only:
 * storyDbCopy() for a test that writes.
 */
export function storyDb(name: string, variant: 'logs' | 'full' = 'logs'): string {
  return storyRun(name)[variant];
}

/** Everything the global setup kept of a story's ingest (its databases, per-step copies, stats). */
export function storyRun(name: string): StoryDbs {
  const dbs = inject('storyDbs')?.[name];
  if (!dbs) throw new Error(`no database of ${name}: the tests run with vitest.config.ts (its globalSetup builds them)`);
  return dbs;
}

/** A private copy of a story's database, for a test that changes it. */
export function storyDbCopy(name: string, variant: 'logs' | 'full' = 'logs', dir = tempDir('overload-copy-')): string {
  const from = storyDb(name, variant);
  const to = join(dir, `${name}.db`);
  copyFileSync(from, to);
  for (const ext of ['-wal', '-shm']) if (existsSync(from + ext)) copyFileSync(from + ext, to + ext);
  return to;
}

// --- reports in-process --------------------------------------------------------------------

/** The CLI's report flags (--from, --to, --host, --bucket, --limit, --param k=v) as runner input. */
export function reportInput(args: string[]): Record<string, ParamInput> {
  const input: Record<string, ParamInput> = {};
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i], value = args[i + 1];
    if (value === undefined || !flag.startsWith('--')) throw new Error(`report flags come in pairs: ${args.join(' ')}`);
    if (flag === '--param') {
      const eq = value.indexOf('=');
      input[value.slice(0, eq)] = value.slice(eq + 1);
    } else if (['--from', '--to', '--host', '--bucket', '--limit'].includes(flag)) {
      input[flag.slice(2)] = value;
    } else throw new Error(`not a report flag here: ${flag}`);
  }
  return input;
}

/** `overload report NAME` as the CLI runs it (UTC), in this process: the result before rendering. */
export function runReportOn(db: string, name: string, extra: string[] = []): ReportResult {
  const conn = openReadOnly(db);
  try {
    return runReport(conn, name, reportInput(extra), { tz: 'UTC', optional: ['from', 'to', 'host', 'bucket', 'limit'], modules: MODULES });
  } finally {
    conn.close();
  }
}

/** A report's rows as `--format json` prints them (rendered and parsed back, as a user reads them). */
export function reportJson<T = Row>(db: string, name: string, extra: string[] = []): T[] {
  return JSON.parse(renderResult(runReportOn(db, name, extra), 'json')) as T[];
}

/** A report rendered in `format` as the CLI prints it (at the width of a pipe). */
export function reportText(db: string, name: string, format: OutputFormat, extra: string[] = []): string {
  return renderResult(runReportOn(db, name, extra), format);
}

/** Incident phases that touch or overlap are one incident: C and C+D of story 3 are one overload. */
export function incidentWindows(s: Pick<Story, 'phases'>): Array<{ name: string; start: number; end: number }> {
  const phases = s.phases.filter((p) => p.incident)
    .map((p) => ({ name: p.name, start: Date.parse(p.start), end: Date.parse(p.end) }))
    .sort((a, b) => a.start - b.start);
  const out: typeof phases = [];
  for (const p of phases) {
    const last = out[out.length - 1];
    if (last && p.start - last.end <= 1000) { last.end = Math.max(last.end, p.end); last.name += '+' + p.name; }
    else out.push({ ...p });
  }
  return out;
}

// --- the TUI's oracle ----------------------------------------------------------------------

export interface SpikeOracle {
  from: number;
  to: number;
  /** as the TUI prints it: 09:51:54-09:52:20 */
  label: string;
  seconds: number;
  requests: number;
  errors: number;
}

export const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/**
 * The spike windows the TUI must show for incident 3's whole range (2 s buckets from 09:51:42):
 * asked of the spikes report itself, so the tests follow the detector's tuning.
 */
export function spikeOracle(db: string): SpikeOracle[] {
  return reportJson<Record<string, number>>(db, 'spikes', ['--from', '2026-11-22T09:51:42Z', '--to', '2026-11-22T09:53:42Z', '--bucket', '2s']).map((x) => ({
    from: x.start_ts, to: x.end_ts, label: `${clock(x.start_ts)}-${clock(x.end_ts)}`, seconds: (x.end_ts - x.start_ts) / 1000,
    requests: x.requests, errors: x.errors,
  }));
}
