// Running the built CLI as a user does, for the end-to-end tests.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ingestArgs, type Story } from '../../src/demo/incidents.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
export const INCIDENTS = join(ROOT, 'fixtures', 'incidents');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], opts: { input?: string | Buffer; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input: opts.input ?? '', encoding: 'utf8', maxBuffer: 1 << 28, cwd: ROOT,
    env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...opts.env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** JSON output of `overload query` */
export function query<T = Record<string, unknown>>(db: string, sql: string): T[] {
  const r = cli(['query', '--db', db, '--format', 'json', sql]);
  if (r.status !== 0) throw new Error(`query failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T[];
}

export function tempDir(prefix = 'overload-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Start the CLI without waiting (for kill tests). */
export function cliAsync(args: string[], opts: { env?: Record<string, string> } = {}) {
  return spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, TZ: 'UTC', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * A bundled story's logs into `db` through the built CLI, as its truth.json `ingest` list says,
 * tagged with the story's name as host (`host: null`: untagged). Throws unless each exits 0.
 */
export function ingestStoryLogs(story: Story, db: string, opts: { host?: string | null } = {}): void {
  const host = opts.host === undefined ? story.story : opts.host;
  for (const entry of story.ingest) {
    const { path, flags } = ingestArgs(story, entry);
    const args = ['ingest', '--db', db, ...(host === null ? [] : ['--host', host]), '--tz', 'UTC', '--quiet'];
    if (flags.format) args.push('--format', flags.format);
    if (flags.logFormat) args.push('--log-format', flags.logFormat);
    if (flags.nginxConf) args.push('--nginx-conf', flags.nginxConf);
    if (flags.logFormatName) args.push('--log-format-name', flags.logFormatName);
    const r = cli([...args, path]);
    if (r.status !== 0) throw new Error(`${story.story}: ingest of ${entry.file} exited ${r.status}: ${r.stderr}`);
  }
}
