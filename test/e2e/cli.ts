// Running the built CLI as a user does: the light half of the tests' one fixture helper
// (test/fixtures.ts re-exports it, with the bundled stories ingested once per run). Tests that
// only run the CLI import this file, so they do not load the report runner.
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
export const INCIDENTS = join(ROOT, 'fixtures', 'incidents');

export interface CliResult {
  status: number | null;
  /** the same as status, never null (-1 when a signal ended it) */
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], opts: { input?: string | Buffer; env?: Record<string, string> } = {}): CliResult {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input: opts.input ?? '', encoding: 'utf8', maxBuffer: 1 << 28, cwd: ROOT,
    env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...opts.env },
  });
  return { status: r.status, code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** JSON output of `overload query` (the CLI: it registers overload's SQL functions) */
export function query<T = Record<string, unknown>>(db: string, sql: string): T[] {
  const r = cli(['query', '--db', db, '--format', 'json', sql]);
  if (r.status !== 0) throw new Error(`query failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T[];
}

export function tempDir(prefix = 'overload-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Start the CLI without waiting (for kill tests); `stdin: 'pipe'` to release an OVERLOAD_TEST_STALL_UNTIL=stdin stall. */
export function cliAsync(args: string[], opts: { env?: Record<string, string>; stdin?: 'ignore' | 'pipe' } = {}): ChildProcessByStdio<Writable | null, Readable, Readable> {
  return spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, TZ: 'UTC', ...opts.env }, stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'] }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
}

/** Resolves once the child has written a line matching `re` to stderr; rejects if it exits first. */
export function saidOnStderr(child: ReturnType<typeof cliAsync>, re: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (b: Buffer) => {
      text += b.toString();
      if (re.test(text)) { child.stderr.off('data', onData); child.off('exit', onExit); resolve(text); }
    };
    const onExit = () => reject(new Error(`exited without saying ${re}: ${text}`));
    child.stderr.on('data', onData);
    child.once('exit', onExit);
  });
}
