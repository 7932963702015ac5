// `overload ingest` when two run at once, and when one is killed in its final step (issue #16,
// items 1, 2 and 3). No timing luck: a running ingest is held at a known point by the test hook
// OVERLOAD_TEST_STALL (src/util/test-stall.ts) or by a claim the test holds itself, and the test
// moves on when the CLI says on stderr that it got there.
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, cliAsync, query, tempDir } from './cli.js';
import { IngestClaim } from '../../src/store/ingest-claim.js';

const COMBINED = '203.0.113.9 - - [22/Nov/2026:09:52:00 +0000] "GET /user/42?x=1 HTTP/1.1" 200 512 "-" "curl/8"';

/** `n` lines, every path distinct (a duplicate row shows as a repeated path). */
function bigLog(dir: string, n: number, name = 'big.log'): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(COMBINED.replace('/user/42', `/user/${i}`));
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function count(db: string, sql = 'SELECT count(*) AS n FROM requests'): number {
  return Number(query<{ n: number }>(db, sql)[0].n);
}

interface Running {
  child: ChildProcess;
  stderr: () => string;
  /** resolves once stderr matches `re`; rejects if the process ends first */
  said: (re: RegExp) => Promise<void>;
  exit: Promise<number | null>;
}

function start(args: string[], env: Record<string, string> = {}): Running {
  const child = cliAsync(args, { env });
  let stderr = '';
  const listeners: Array<() => void> = [];
  child.stderr!.on('data', (b: Buffer) => { stderr += b.toString(); for (const l of listeners) l(); });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => { for (const l of listeners) l(); resolve(code); }));
  const said = (re: RegExp) => new Promise<void>((resolve, reject) => {
    const check = () => {
      if (re.test(stderr)) resolve();
      else if (child.exitCode !== null || child.signalCode !== null) reject(new Error(`exited without saying ${re}: ${stderr}`));
    };
    listeners.push(check);
    check();
  });
  return { child, stderr: () => stderr, said, exit };
}

const running: Running[] = [];
const claims: IngestClaim[] = [];
afterEach(() => {
  for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  for (const c of claims.splice(0)) c.release();
});

function run(args: string[], env: Record<string, string> = {}): Running {
  const r = start(args, env);
  running.push(r);
  return r;
}

function holdClaim(db: string): IngestClaim {
  const claim = IngestClaim.tryAcquire(db, 'the test');
  if (!(claim instanceof IngestClaim)) throw new Error('the test could not take the claim');
  claims.push(claim);
  return claim;
}

describe('concurrent ingests into one database', () => {
  it('the same file twice at once is stored once: the second waits for the first, then resumes after it (even after its kill -9)', async () => {
    const dir = tempDir();
    const db = join(dir, 'd.db');
    const small = join(dir, 'small.log');
    writeFileSync(small, COMBINED + '\n');
    expect(cli(['ingest', '--db', db, small]).status).toBe(0);
    const big = bigLog(dir, 20_000);
    // the first commits one batch and stops there, holding the claim
    const first = run(['ingest', '--db', db, big], { OVERLOAD_TEST_STALL: 'batch' });
    await first.said(/stalled at batch/);
    const second = run(['ingest', '--db', db, big]);
    await second.said(new RegExp(`being written by another ingest \\(pid ${first.child.pid}, since \\d\\d:\\d\\d:\\d\\d UTC: .*big\\.log\\); waiting for it`));
    // the claim is a lock the kernel drops with its process: no stale claim
    first.child.kill('SIGKILL');
    expect(await second.exit).toBe(0);
    expect(second.stderr()).toMatch(/waited \d+\.\d s for another ingest into .*d\.db \(pid \d+.*\); continuing after it/);
    expect(second.stderr()).toMatch(/big\.log: nginx-combined.*, resumed at byte [1-9]/);
    expect(count(db)).toBe(20_001);
    const ofBig = "FROM requests WHERE source_id = (SELECT id FROM sources WHERE path LIKE '%big.log')";
    expect(count(db, `SELECT count(*) n ${ofBig}`)).toBe(20_000);
    expect(count(db, `SELECT count(DISTINCT path) n ${ofBig}`)).toBe(20_000);
    expect(query(db, "SELECT lines, parsed, complete FROM sources WHERE path LIKE '%big.log'")).toEqual([{ lines: 20_000, parsed: 20_000, complete: 1 }]);
    const again = cli(['ingest', '--db', db, big]);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/nothing new/);
    expect(again.stderr).not.toMatch(/waiting|finishing/);
  }, 120_000);

  it('two ingests into a new database wait while it is claimed, then run one after the other (no schema race, no duplicate)', async () => {
    const dir = tempDir();
    const db = join(dir, 'new.db');
    const big = bigLog(dir, 10_000);
    const other = bigLog(dir, 3, 'other.log');
    const claim = holdClaim(db);
    const a = run(['ingest', '--db', db, big]);
    const b = run(['ingest', '--db', db, big, other]);
    const waiting = new RegExp(`being written by another ingest \\(pid ${process.pid}, since .*: the test\\); waiting for it, up to 600 s`);
    await a.said(waiting);
    await b.said(waiting);
    expect(existsSync(db)).toBe(false); // nothing touched while waiting
    claim.release();
    expect([await a.exit, await b.exit]).toEqual([0, 0]);
    const outcomes = [a.stderr(), b.stderr()];
    // exactly one of them read big.log; the other found it done
    expect(outcomes.filter((s) => /big\.log: nginx-combined/.test(s))).toHaveLength(1);
    expect(outcomes.filter((s) => /big\.log: already ingested .* nothing new/.test(s))).toHaveLength(1);
    expect(outcomes.join('')).not.toMatch(/already exists|database is locked/);
    expect(count(db)).toBe(10_003);
    expect(query(db, 'SELECT lines, parsed FROM sources ORDER BY path')).toEqual([{ lines: 10_000, parsed: 10_000 }, { lines: 3, parsed: 3 }]);
  }, 120_000);

  it('the wait is bounded: --wait 0 gives up at once with exit 2 and writes nothing', () => {
    const dir = tempDir();
    const db = join(dir, 'd.db');
    const log = bigLog(dir, 10);
    const claim = holdClaim(db);
    const r = cli(['ingest', '--db', db, '--wait', '0', log]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`gave up after 0\\.0 s waiting for another ingest into .*d\\.db \\(pid ${process.pid}.*\\); nothing was written`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(db)).toBe(false);
    claim.release();
    expect(cli(['ingest', '--db', db, '--wait', '0', log]).status).toBe(0);
    expect(count(db)).toBe(10);
    expect(cli(['ingest', '--db', db, '--wait', 'soon', log]).status).toBe(1);
  });
});

describe('an ingest killed in its final step', () => {
  it('leaves its indexes, statistics and rollups to the next run, which finishes them', async () => {
    const dir = tempDir();
    const db = join(dir, 'd.db');
    const log = bigLog(dir, 5_000);
    const first = run(['ingest', '--db', db, log], { OVERLOAD_TEST_STALL: 'index request_rows_start' });
    await first.said(/stalled at index request_rows_start/);
    first.child.kill('SIGKILL');
    await first.exit;
    const indexed = () => count(db, "SELECT count(*) n FROM sqlite_master WHERE type = 'index' AND name = 'request_rows_start'");
    expect(indexed()).toBe(0);
    const again = cli(['ingest', '--db', db, log]);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/nothing new/);
    expect(again.stderr).toMatch(/finishing what an earlier ingest into .*d\.db left undone .*request_rows_start/);
    expect(indexed()).toBe(1);
    expect(count(db, "SELECT count(*) n FROM sqlite_stat1 WHERE idx = 'request_rows_start'")).toBe(1);
    // the rollups cover every row (what a rebuild or the stream would have recorded)
    expect(query(db, "SELECT value FROM rollup_state WHERE name IN ('req_max_id', 'req_count')")).toEqual([{ value: 5_000 }, { value: 5_000 }]);
    expect(count(db, 'SELECT sum(requests) n FROM rollup_second')).toBe(5_000);
    const third = cli(['ingest', '--db', db, log]);
    expect(third.status).toBe(0);
    expect(third.stderr).not.toMatch(/finishing/);
  }, 120_000);
});
