// Test helper: a bundled incident ingested into a temporary database by the BUILT CLI, exactly as
// its truth.json `ingest` list says (the same reading `overload demo` uses).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadStories, ingestArgs } from '../../src/demo/incidents.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist/src/cli/main.js');
export const STORY3 = '3-nginx-phpfpm-max-children';

const FLAG: Record<string, string> = { format: '--format', logFormat: '--log-format', nginxConf: '--nginx-conf', logFormatName: '--log-format-name' };

export function cli(args: string[], opts: { input?: string; env?: Record<string, string> } = {}) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT, input: opts.input ?? '', encoding: 'utf8', maxBuffer: 1 << 26,
    env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...opts.env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'overload-tui-'));
}

/** Ingest every file of `story` into `<dir>/<story>.db`; returns the database path. */
export function ingestStory(story: string, dir = tempDir()): string {
  const s = loadStories(ROOT).find((x) => x.story === story);
  if (!s) throw new Error(`no bundled incident ${story}`);
  const db = join(dir, `${story}.db`);
  for (const entry of s.ingest) {
    const { path, flags } = ingestArgs(s, entry);
    const args = ['ingest', '--quiet', '--db', db, '--tz', 'UTC'];
    for (const [k, v] of Object.entries(flags)) args.push(FLAG[k] ?? `--${k}`, v);
    const r = cli([...args, path]);
    if (r.code !== 0) throw new Error(`ingest ${path} failed (${r.code}): ${r.stderr}`);
  }
  return db;
}

export interface SpikeOracle {
  from: number;
  to: number;
  /** as the TUI prints it: 09:51:54-09:52:20 */
  label: string;
  seconds: number;
  requests: number;
  errors: number;
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/**
 * The spike windows the TUI must show for incident 3's whole range (2 s buckets from 09:51:42):
 * asked of `overload report spikes` itself, so the tests follow the detector's tuning.
 */
export function spikeOracle(db: string): SpikeOracle[] {
  const r = cli(['report', 'spikes', '--db', db, '--from', '2026-11-22T09:51:42Z', '--to', '2026-11-22T09:53:42Z', '--bucket', '2s',
    '--format', 'json', '--tz', 'UTC']);
  if (r.code !== 0) throw new Error(`report spikes failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as Array<Record<string, number>>).map((x) => ({
    from: x.start_ts, to: x.end_ts, label: `${clock(x.start_ts)}-${clock(x.end_ts)}`, seconds: (x.end_ts - x.start_ts) / 1000,
    requests: x.requests, errors: x.errors,
  }));
}

export { clock };
