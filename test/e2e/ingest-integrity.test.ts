// `overload ingest` when two run at once, when one is killed in its final step, and when the
// database cannot be written (issue #16, items 1, 2, 3, 10). No timing luck: a running ingest is
// held at a known point by the test hook OVERLOAD_TEST_STALL (src/util/test-stall.ts) or by a
// claim the test holds itself, and the test moves on when the CLI says on stderr that it got
// there.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cli, cliAsync, query, tempDir } from './cli.js';
import { IngestClaim } from '../../src/store/ingest-claim.js';

const COMBINED = '203.0.113.9 - - [22/Nov/2026:09:52:00 +0000] "GET /user/42?x=1 HTTP/1.1" 200 512 "-" "curl/8"';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `n` lines, every path distinct (a duplicate row shows as a repeated path). */
function bigLog(dir: string, n: number, name = 'big.log'): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(COMBINED.replace('/user/42', `/user/${i}`));
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** `n` lines 37 ms apart (about an hour per 100k): rollups get rows for every second as it loads. */
function spreadLog(dir: string, n: number): string {
  const pad = (v: number) => String(v).padStart(2, '0');
  const lines: string[] = [];
  let t = Date.UTC(2026, 10, 22, 9, 0, 0);
  for (let i = 0; i < n; i++) {
    t += 37;
    const d = new Date(t);
    const stamp = `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
    lines.push(`10.0.${i % 7}.${i % 250} - - [${stamp}] "GET /item/${i % 500}?q=${i} HTTP/1.1" ${i % 53 ? 200 : 502} ${i % 9000} "-" "curl/8"`);
  }
  const path = join(dir, 'spread.log');
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
const mounts: string[] = [];
afterEach(() => {
  for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  for (const c of claims.splice(0)) c.release();
  for (const m of mounts.splice(0)) spawnSync('umount', [m]);
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

/** A tmpfs of `size` at a new directory, or null where this user may not mount one. */
function tmpfs(size: string): string | null {
  const dir = join(tempDir(), 'mnt');
  mkdirSync(dir);
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).status !== 0) return null;
  mounts.push(dir);
  return dir;
}
const canMount = (() => {
  const dir = join(tempDir(), 'probe');
  mkdirSync(dir);
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).status === 0;
  if (ok) spawnSync('umount', [dir]);
  return ok;
})();

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
    expect(r.stderr).toMatch(new RegExp(`gave up after \\d+\\.\\d s waiting for another ingest into .*d\\.db \\(pid ${process.pid}.*\\); nothing was written`));
    expect(r.stderr).not.toMatch(/\n\s+at |waiting for it/);
    expect(existsSync(db)).toBe(false);
    // another spelling of the same database meets the same claim
    const link = join(tempDir(), 'link');
    symlinkSync(dir, link);
    expect(cli(['ingest', '--db', join(link, 'd.db'), '--wait', '0', log]).status).toBe(2);
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
    expect(again.stderr).toMatch(/finishing what an earlier ingest into .*d\.db left undone: indexes \(request_rows_start\), statistics and rollups/);
    expect(indexed()).toBe(1);
    expect(count(db, "SELECT count(*) n FROM sqlite_stat1 WHERE idx = 'request_rows_start'")).toBe(1);
    // the rollups cover every row (what a rebuild or the stream would have recorded)
    expect(query(db, "SELECT value FROM rollup_state WHERE name IN ('req_max_id', 'req_count')")).toEqual([{ value: 5_000 }, { value: 5_000 }]);
    expect(count(db, 'SELECT sum(requests) n FROM rollup_second')).toBe(5_000);
    const third = cli(['ingest', '--db', db, log]);
    expect(third.status).toBe(0);
    expect(third.stderr).not.toMatch(/finishing/);
  }, 120_000);

  it('killed while it loads into a new database: the next run builds the strings index it had dropped', async () => {
    const dir = tempDir();
    const db = join(dir, 'd.db');
    const log = bigLog(dir, 5_000);
    const first = run(['ingest', '--db', db, log], { OVERLOAD_TEST_STALL: 'batch' });
    await first.said(/stalled at batch/);
    first.child.kill('SIGKILL');
    await first.exit;
    const indexed = () => count(db, "SELECT count(*) n FROM sqlite_master WHERE type = 'index' AND name = 'strings_text'");
    expect(indexed()).toBe(0);
    const again = cli(['ingest', '--db', db, log]);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/resumed at byte/);
    expect(indexed()).toBe(1);
    expect(count(db)).toBe(5_000);
    expect(count(db, "SELECT count(*) n FROM requests WHERE path = '/user/4999'")).toBe(1);
    // an ingest that finds nothing new leaves the index in place too
    expect(cli(['ingest', '--db', db, log]).stderr).toMatch(/nothing new/);
    expect(indexed()).toBe(1);
  }, 120_000);

  it('killed after its indexes, before its rollups: the next run finishes the rollups', async () => {
    const dir = tempDir();
    const db = join(dir, 'd.db');
    const log = bigLog(dir, 5_000);
    const first = run(['ingest', '--db', db, log], { OVERLOAD_TEST_STALL: 'rollups' });
    await first.said(/stalled at rollups/);
    first.child.kill('SIGKILL');
    await first.exit;
    const again = cli(['ingest', '--db', db, log]);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/finishing what an earlier ingest into .*d\.db left undone: statistics and rollups/);
    expect(query(db, "SELECT value FROM rollup_state WHERE name IN ('req_max_id', 'req_count')")).toEqual([{ value: 5_000 }, { value: 5_000 }]);
    expect(count(db, 'SELECT sum(requests) n FROM rollup_second')).toBe(5_000);
    expect(cli(['ingest', '--db', db, log]).stderr).not.toMatch(/finishing/);
  }, 120_000);
});

describe('a database that cannot be written: one line and exit 2', () => {
  const oneLine = (stderr: string) => {
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/SqliteError|\n\s+at /);
  };

  it('a file that is not SQLite, a directory that does not exist, a damaged lock file', () => {
    const dir = tempDir();
    const db = join(dir, 'notes.txt');
    writeFileSync(db, 'these are my notes, not a database, and they are long enough to fill a header\n');
    const r = cli(['ingest', '--db', db, '--quiet', bigLog(dir, 3)]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/notes\.txt is not an SQLite database/);
    oneLine(r.stderr);
    const nowhere = cli(['ingest', '--db', join(dir, 'no', 'such', 'd.db'), '--quiet', bigLog(dir, 3)]);
    expect(nowhere.status).toBe(2);
    expect(nowhere.stderr).toMatch(/cannot write .*d\.db: its directory does not exist/);
    oneLine(nowhere.stderr);
    // the lock file beside a database, damaged: said as such, and deleting it is the way out
    const db2 = join(dir, 'd.db');
    writeFileSync(`${db2}-ingest-lock`, 'these are not the pages of a database, and they are long enough to fill a header\n');
    const damaged = cli(['ingest', '--db', db2, '--quiet', bigLog(dir, 3)]);
    expect(damaged.status).toBe(2);
    expect(damaged.stderr).toMatch(/the lock file .*d\.db-ingest-lock is damaged .*: delete it while no ingest into .*d\.db runs/);
    oneLine(damaged.stderr);
    rmSync(`${db2}-ingest-lock`);
    expect(cli(['ingest', '--db', db2, '--quiet', bigLog(dir, 3)]).status).toBe(0);
  });

  // root writes files whatever their mode: only a read-only mount stops it
  const isRoot = process.getuid?.() === 0;
  it.skipIf(isRoot && !canMount)('a read-only database', () => {
    const dir = tempDir();
    const log = bigLog(dir, 3);
    let db = join(dir, 'd.db');
    expect(cli(['ingest', '--db', db, log]).status).toBe(0);
    if (isRoot) {
      const mnt = tmpfs('4m')!;
      writeFileSync(join(mnt, 'd.db'), spawnSync('cat', [db], { encoding: 'buffer' }).stdout);
      db = join(mnt, 'd.db');
      expect(spawnSync('mount', ['-o', 'remount,ro', mnt]).status).toBe(0);
    } else {
      spawnSync('chmod', ['0444', db]);
    }
    const r = cli(['ingest', '--db', db, '--quiet', bigLog(dir, 5, 'more.log')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot write .*d\.db: it is (read-only|on a read-only file system)/);
    oneLine(r.stderr);
    // (a WAL database cannot be read on a read-only mount either: made writable again to count)
    if (isRoot) expect(spawnSync('mount', ['-o', 'remount,rw', dirname(db)]).status).toBe(0);
    expect(count(db)).toBe(3);
  });

  it.skipIf(!canMount)('a full disk, then the same command resumes once there is room', () => {
    const mnt = tmpfs('1m')!;
    const dir = tempDir();
    const log = spreadLog(dir, 40_000);
    const db = join(mnt, 'd.db');
    const r = cli(['ingest', '--db', db, '--quiet', log]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot write .*d\.db: the disk is full .*the same command resumes/);
    oneLine(r.stderr);
    expect(spawnSync('mount', ['-o', 'remount,size=64m', mnt]).status).toBe(0);
    expect(query(db, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    const again = cli(['ingest', '--db', db, '--quiet', log]);
    expect(again.status).toBe(0);
    expect(count(db)).toBe(40_000);
    expect(count(db, 'SELECT count(DISTINCT query) n FROM requests')).toBe(40_000);
    expect(count(db, 'SELECT sum(requests) n FROM rollup_second')).toBe(40_000);
  }, 120_000);
});
