// Rollups built while ingesting (src/query/rollup-stream.ts) against a full rebuild from the
// table (buildRollups), cell for cell, after every `overload ingest` of scenarios a stream finds
// hard: rotated logs in order and reversed, two logs of one period interleaved, a file that grew,
// a re-ingest with --force, a request longer than any before it, a log that makes an earlier one
// the backend, whole-second logs shorter than the stamp sample, and every bundled incident.
import { mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildRollups, ROLLUP_TABLES } from '../../src/query/rollups.js';
import { registerFunctions } from '../../src/query/functions.js';
import type { DB } from '../../src/store/db.js';
import { cli, INCIDENTS, STORIES, storyRun, truthOf } from '../fixtures.js';

type Dump = Record<string, unknown[][]>;

function dump(db: Database.Database): Dump {
  const out: Dump = {};
  for (const t of ROLLUP_TABLES) {
    const n = db.prepare(`SELECT * FROM main.${t}`).columns().length;
    out[t] = db.prepare(`SELECT * FROM main.${t} ORDER BY ${Array.from({ length: n }, (_, i) => i + 1).join(', ')}`).raw().all() as unknown[][];
  }
  return out;
}

/** The database's rollups as the ingest left them, and as a rebuild from scratch makes them. */
function streamedAndRebuilt(path: string): { streamed: Dump; rebuilt: Dump } {
  const db = new Database(path);
  registerFunctions(db as DB);
  const streamed = dump(db);
  db.exec('DELETE FROM rollup_state');
  expect(buildRollups(db as DB).full).toBe(true);
  const rebuilt = dump(db);
  db.close();
  return { streamed, rebuilt };
}

interface RollupLine { streamed: boolean; declined: string | null; full: boolean }

/** `overload ingest` with OVERLOAD_STATS, returning how its rollups were made. */
function ingest(db: string, args: string[]): RollupLine {
  const r = cli(['ingest', '--quiet', '--db', db, '--tz', 'UTC', ...args], { env: { OVERLOAD_STATS: '1' } });
  if (r.code !== 0) throw new Error(`ingest failed (${r.code}): ${r.stderr}`);
  const m = /overload-rollups (\{.*\})/.exec(r.stderr);
  if (!m) throw new Error(`no rollup line in: ${r.stderr}`);
  return JSON.parse(m[1]) as RollupLine;
}

/** After each step, the rollups equal a rebuild (copy of the database, so later steps go on from the ingest's own). */
function expectRebuildEqual(db: string): void {
  const copy = db + '.copy';
  const src = new Database(db);
  src.pragma('wal_checkpoint(TRUNCATE)');
  src.close();
  writeFileSync(copy, readFileSync(db));
  const { streamed, rebuilt } = streamedAndRebuilt(copy);
  for (const t of ROLLUP_TABLES) {
    if (t === 'rollup_state') continue;
    expect(streamed[t], t).toEqual(rebuilt[t]);
  }
}

const dir = () => mkdtempSync(join(tmpdir(), 'overload-stream-'));
const S2 = join(INCIDENTS, '2-nginx-proxy-tempfile-timeout');
const S2_FORMAT = ['--nginx-conf', join(S2, 'config/nginx.conf'), '--log-format-name', 'upstream_timing'];
const s2Lines = (): string[] => readFileSync(join(S2, 'nginx-access.log'), 'utf8').split('\n').filter(Boolean);

function writeLines(path: string, lines: string[]): string {
  writeFileSync(path, lines.map((l) => l + '\n').join(''));
  return path;
}

describe.runIf(STORIES.includes('2-nginx-proxy-tempfile-timeout'))('streamed rollups equal a rebuild', () => {
  it('one log into a new database: streamed, nothing left to recompute', () => {
    const d = dir();
    const db = join(d, 'a.db');
    const r = ingest(db, [...S2_FORMAT, join(S2, 'nginx-access.log')]);
    expect(r.streamed).toBe(true);
    expectRebuildEqual(db);
  });

  it('rotated logs, in order and reversed, in one command and in two', () => {
    const lines = s2Lines();
    const half = Math.floor(lines.length / 2);
    const d = dir();
    const older = writeLines(join(d, 'access.log.1'), lines.slice(0, half));
    const newer = writeLines(join(d, 'access.log'), lines.slice(half));
    for (const [name, steps] of Object.entries({
      inOrderOneCommand: [[older, newer]], reversedOneCommand: [[newer, older]],
      inOrderTwoCommands: [[older], [newer]], reversedTwoCommands: [[newer], [older]],
    })) {
      const db = join(d, `${name}.db`);
      for (const files of steps) {
        const r = ingest(db, [...S2_FORMAT, ...files]);
        expect(r.streamed, name).toBe(true);
        expectRebuildEqual(db);
      }
    }
  });

  it('two logs of the same period on one host (odd and even lines), together and apart', () => {
    const lines = s2Lines();
    const d = dir();
    const a = writeLines(join(d, 'vhost-a.log'), lines.filter((_, i) => i % 2 === 0));
    const b = writeLines(join(d, 'vhost-b.log'), lines.filter((_, i) => i % 2 === 1));
    const one = join(d, 'one.db');
    ingest(one, [...S2_FORMAT, a, b]);
    expectRebuildEqual(one);
    const two = join(d, 'two.db');
    ingest(two, [...S2_FORMAT, a]);
    ingest(two, [...S2_FORMAT, b]);
    expectRebuildEqual(two);
  });

  it('a file that grew is ingested from where it ended, and its rollups continue', () => {
    const lines = s2Lines();
    const d = dir();
    const db = join(d, 'g.db');
    const log = writeLines(join(d, 'growing.log'), lines.slice(0, 3000));
    expect(ingest(db, [...S2_FORMAT, log]).streamed).toBe(true);
    appendFileSync(log, lines.slice(3000).map((l) => l + '\n').join(''));
    expect(ingest(db, [...S2_FORMAT, log]).streamed).toBe(true);
    expectRebuildEqual(db);
  });

  it('--force deletes rows: the stream declines and the rollups are rebuilt', () => {
    const d = dir();
    const db = join(d, 'f.db');
    ingest(db, [...S2_FORMAT, join(S2, 'nginx-access.log')]);
    const r = ingest(db, [...S2_FORMAT, '--force', join(S2, 'nginx-access.log')]);
    expect(r.streamed).toBe(false);
    expect(r.declined).toMatch(/force/);
    expectRebuildEqual(db);
  });

  it('whole-second logs shorter than the stamp sample, then another log in the same command', () => {
    const lines = s2Lines();
    const d = dir();
    const a = writeLines(join(d, 'short.log'), lines.slice(0, 400));
    const b = writeLines(join(d, 'rest.log'), lines.slice(400));
    const db = join(d, 's.db');
    expect(ingest(db, [...S2_FORMAT, a, b]).streamed).toBe(true);
    expectRebuildEqual(db);
  });
});

describe('streamed rollups on made-up logs', () => {
  const FORMAT = ['--log-format', '$remote_addr [$time_local] "$request" $status $body_bytes_sent $request_time "$upstream_addr" "$upstream_status" "$upstream_response_time"'];
  const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
  const clf = (ms: number) => {
    const d = new Date(ms);
    const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
    const p = (n: number) => String(n).padStart(2, '0');
    return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
  };
  const line = (ms: number, path: string, status: number, rt: number, up = '10.0.0.1:80', client = '192.0.2.1') =>
    `${client} [${clf(ms)}] "GET ${path} HTTP/1.1" ${status} 512 ${rt.toFixed(3)} "${up}" "${status}" "${Math.max(0, rt - 0.001).toFixed(3)}"`;

  it('a request longer than any before it, logged late, reaches back past the written minutes', () => {
    const d = dir();
    const lines: string[] = [];
    for (let i = 0; i < 6000; i++) lines.push(line(T0 + i * 100, `/item/${i % 50}`, i % 97 === 0 ? 502 : 200, 0.02 + (i % 7) / 100, i % 3 ? '10.0.0.1:80' : '10.0.0.2:80', `192.0.2.${i % 200}`));
    // ends at the very end, started 8 minutes earlier: every minute since was already written
    lines.push(line(T0 + 6000 * 100, '/export', 504, 480, '10.0.0.2:80'));
    for (let i = 6000; i < 6600; i++) lines.push(line(T0 + i * 100, `/item/${i % 50}`, 200, 0.03));
    const db = join(d, 'long.db');
    expect(ingest(db, [...FORMAT, writeLines(join(d, 'long.log'), lines)]).streamed).toBe(true);
    expectRebuildEqual(db);
  });

  it('a PHP-FPM log first, then the web server that makes it the backend: the stream declines', () => {
    const d = dir();
    const S3 = join(INCIDENTS, '3-nginx-phpfpm-max-children');
    if (!STORIES.includes('3-nginx-phpfpm-max-children')) return;
    const fpm = truthOf('3-nginx-phpfpm-max-children').ingest.find((s) => s.file === 'php-fpm-access.log')!;
    const db = join(d, 't.db');
    ingest(db, ['--log-format', fpm.log_format!, join(S3, 'php-fpm-access.log')]);
    const r = ingest(db, ['--nginx-conf', join(S3, 'config/nginx.conf'), '--log-format-name', 'upstream_timing', join(S3, 'nginx-access.log')]);
    expect(r.streamed).toBe(false);
    expectRebuildEqual(db);
  });
});

describe('every bundled incident, ingested file by file as its truth.json says', () => {
  // the run's own ingest of the stories (test/global-setup.ts), kept after each file
  for (const story of STORIES) {
    it(story, () => {
      const { steps } = storyRun(story);
      expect(steps.map((s) => s.file)).toEqual(truthOf(story).ingest.map((s) => s.file));
      for (const step of steps) {
        expect(step.rollups, `${step.file}: no rollup line`).not.toBeNull();
        expect(step.rollups!.streamed, `${step.file}: ${step.rollups!.declined}`).toBe(true);
        expectRebuildEqual(step.db);
      }
    });
  }

  it.runIf(STORIES.length > 0)('all of them in one command (overload demo)', { timeout: 300_000 }, () => {
    const d = dir();
    const db = join(d, 'demo.db');
    const r = cli(['demo', '--no-tui', '--db', db], { env: { OVERLOAD_STATS: '1' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/overload-rollups \{[^}]*"streamed":true/);
    expectRebuildEqual(db);
  });
});
