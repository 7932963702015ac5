// `overload ingest` as a user runs it: files, pipes, gzip, exit codes, resume and bad input.
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, cliAsync, query, saidOnStderr, tempDir, INCIDENTS } from './cli.js';

const FPM = join(INCIDENTS, '3-nginx-phpfpm-max-children');
const NGINX_CONF = join(FPM, 'config', 'nginx.conf');
const ACCESS = join(FPM, 'nginx-access.log');
const ACCESS_LINES = readFileSync(ACCESS, 'utf8').trimEnd().split('\n').length;
const COMBINED = '203.0.113.9 - - [22/Nov/2026:09:52:00 +0000] "GET /user/42?x=1 HTTP/1.1" 200 512 "-" "curl/8"';

function count(db: string, sql = 'SELECT count(*) AS n FROM requests'): number {
  return Number(query<{ n: number }>(db, sql)[0].n);
}

describe('ingest', () => {
  it('reads a file and reports what it chose', () => {
    const db = join(tempDir(), 'a.db');
    const r = cli(['ingest', '--db', db, '--nginx-conf', NGINX_CONF, ACCESS]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/nginx-access\.log: nginx/);
    expect(count(db)).toBe(ACCESS_LINES);
    const src = query(db, 'SELECT format, lines, parsed, rejected, complete FROM sources');
    expect(src).toEqual([{ format: 'nginx', lines: ACCESS_LINES, parsed: ACCESS_LINES, rejected: 0, complete: 1 }]);
  });

  it('reads stdin, plain and gzip (sniffed by magic bytes)', () => {
    const dir = tempDir();
    const plain = cli(['ingest', '--db', join(dir, 'p.db')], { input: COMBINED + '\n' });
    expect(plain.status).toBe(0);
    expect(query(join(dir, 'p.db'), 'SELECT url, path, query, route, status FROM requests')).toEqual([
      { url: '/user/42?x=1', path: '/user/42', query: 'x=1', route: '/user/:id', status: 200 },
    ]);
    const gz = cli(['ingest', '--db', join(dir, 'g.db'), '-'], { input: gzipSync(readFileSync(ACCESS)) , env: {} });
    // no --nginx-conf: the key=value tail is recognised on its own
    expect(gz.status).toBe(0);
    expect(count(join(dir, 'g.db'))).toBe(ACCESS_LINES);
  });

  it('reads .gz files and keeps what a truncated gzip held', () => {
    const dir = tempDir();
    const whole = gzipSync(readFileSync(ACCESS));
    writeFileSync(join(dir, 'ok.log.gz'), whole);
    writeFileSync(join(dir, 'cut.log.gz'), whole.subarray(0, Math.floor(whole.length / 2)));
    const r1 = cli(['ingest', '--db', join(dir, 'a.db'), join(dir, 'ok.log.gz')]);
    expect(r1.status).toBe(0);
    expect(count(join(dir, 'a.db'))).toBe(ACCESS_LINES);
    const r2 = cli(['ingest', '--db', join(dir, 'b.db'), join(dir, 'cut.log.gz')]);
    expect(r2.status).toBe(0);
    expect(r2.stderr).toMatch(/gzip stream ended early/);
    const n = count(join(dir, 'b.db'));
    expect(n).toBeGreaterThan(100);
    expect(n).toBeLessThan(ACCESS_LINES);
    expect(query(join(dir, 'b.db'), 'SELECT complete FROM sources')).toEqual([{ complete: 0 }]);
  });

  it('ingesting the same file twice adds nothing; a grown file continues; --force replaces', () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const log = join(dir, 'access.log');
    writeFileSync(log, COMBINED + '\n');
    expect(cli(['ingest', '--db', db, log]).status).toBe(0);
    const again = cli(['ingest', '--db', db, log]);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/already ingested/);
    expect(count(db)).toBe(1);
    appendFileSync(log, COMBINED.replace('/user/42', '/user/43') + '\n');
    expect(cli(['ingest', '--db', db, log]).stderr).toMatch(/resumed at byte/);
    expect(query(db, 'SELECT path FROM requests ORDER BY id')).toEqual([{ path: '/user/42' }, { path: '/user/43' }]);
    expect(cli(['ingest', '--db', db, '--force', log]).status).toBe(0);
    expect(count(db)).toBe(2);
    expect(count(db, 'SELECT count(*) n FROM sources')).toBe(1);
  });

  // Both held at a known point by the test hook OVERLOAD_TEST_STALL (src/util/test-stall.ts):
  // the ingest says it committed its first batch and waits there, no race with a timer.
  const LINES = 20_000; // about 10 batches

  it('resumes after SIGKILL without duplicates or corruption', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const log = join(dir, 'big.log');
    const lines: string[] = [];
    for (let i = 0; i < LINES; i++) lines.push(COMBINED.replace('/user/42', `/user/${i}`));
    writeFileSync(log, lines.join('\n') + '\n');
    const child = cliAsync(['ingest', '--db', db, log], { env: { OVERLOAD_TEST_STALL: 'batch' } });
    const exited = new Promise((r) => child.once('exit', r));
    await saidOnStderr(child, /stalled at batch/);
    child.kill('SIGKILL');
    await exited;
    // the committed batch is kept (a batch ends at a chunk's last line: about 2,000), the rest is not
    const partial = count(db);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(LINES);
    const again = cli(['ingest', '--db', db, log]);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/resumed at byte [1-9]/);
    expect(count(db)).toBe(LINES);
    expect(count(db, 'SELECT count(DISTINCT path) n FROM requests')).toBe(LINES);
    expect(query(db, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  });

  it('stops cleanly on SIGINT (exit 130) and the same command resumes', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const log = join(dir, 'big.log');
    const lines: string[] = [];
    for (let i = 0; i < LINES; i++) lines.push(COMBINED.replace('/user/42', `/user/${i}`));
    writeFileSync(log, lines.join('\n') + '\n');
    // held after its first batch until stdin closes; the SIGINT comes while it is held
    const child = cliAsync(['ingest', '--db', db, log], { env: { OVERLOAD_TEST_STALL: 'batch', OVERLOAD_TEST_STALL_UNTIL: 'stdin' }, stdin: 'pipe' });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const exited = new Promise((r) => child.once('exit', (c) => r(c)));
    await saidOnStderr(child, /stalled at batch/);
    child.kill('SIGINT');
    child.stdin!.end();
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    expect(query(db, 'SELECT complete FROM sources')).toEqual([{ complete: 0 }]);
    const partial = count(db);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(LINES);
    expect(cli(['ingest', '--db', db, log]).status).toBe(0);
    expect(count(db)).toBe(LINES);
  });

  it('keeps ugly lines: CRLF, non-UTF-8, NUL, too long, truncated last line', () => {
    const dir = tempDir();
    const log = join(dir, 'ugly.log');
    const latin1 = Buffer.from(COMBINED.replace('curl/8', 'caf\u00e9').replace('/user/42', '/user/44'), 'latin1');
    writeFileSync(log, Buffer.concat([
      Buffer.from(COMBINED + '\r\n'),
      latin1, Buffer.from('\n'),
      Buffer.from('garbage\u0000with NUL\n'),
      Buffer.from(COMBINED.replace('/user/42', '/' + 'a'.repeat(5000)) + '\n'),
      Buffer.from(COMBINED.replace('/user/42', '/user/45') + '\n'),
      Buffer.from('203.0.113.9 - - [22/Nov/2026:09:52:00 +0000] "GET /trunc'),
    ]));
    const db = join(dir, 'a.db');
    const r = cli(['ingest', '--db', db, '--max-line', '1024', log]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/2 rejected/);
    expect(r.stderr).toMatch(/not valid UTF-8/);
    expect(r.stderr).toMatch(/line 6 has no newline/);
    expect(query(db, 'SELECT path, user_agent FROM requests ORDER BY id')).toEqual([
      { path: '/user/42', user_agent: 'curl/8' },
      { path: '/user/44', user_agent: 'caf\u00e9' },
      { path: '/user/45', user_agent: 'curl/8' },
    ]);
    expect(query(db, 'SELECT line_no, reason FROM rejects ORDER BY line_no')).toEqual([
      { line_no: 3, reason: 'no-match' },
      { line_no: 4, reason: 'line-too-long' },
    ]);
  });

  it('exit codes: 2 unreadable, 3 no format matches (and nothing stored), 1 usage', () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const missing = cli(['ingest', '--db', db, join(dir, 'nope.log')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
    const junk = join(dir, 'junk.log');
    writeFileSync(junk, 'hello \u001b[31mworld\nnot a log\n');
    const nomatch = cli(['ingest', '--db', db, junk]);
    expect(nomatch.status).toBe(3);
    expect(nomatch.stderr).toMatch(/no known format matches/);
    expect(nomatch.stderr).toMatch(/closest formats/);
    expect(nomatch.stderr).toMatch(/--log-format/);
    expect(nomatch.stderr).not.toMatch(/\u001b/); // the line is shown sanitized
    expect(nomatch.stderr).toContain('\\x1b[31mworld');
    expect(cli(['ingest', '--db', db, '--format', 'no-such-format', junk]).status).toBe(1);
    expect(cli(['ingest', '--db', db, '--tz', 'Mars/Olympus', junk]).status).toBe(1);
    expect(cli(['ingest', '--db', db, '--bogus']).status).toBe(1);
  });

  it('stamps without an offset follow --tz', () => {
    const dir = tempDir();
    const log = join(dir, 'fpm.log');
    writeFileSync(log, '[22-Nov-2026 10:51:57] WARNING: [pool www] server reached pm.max_children setting (4), consider raising it\n');
    expect(cli(['ingest', '--db', join(dir, 'a.db'), '--tz', 'Europe/Berlin', log]).status).toBe(0);
    expect(query(join(dir, 'a.db'), 'SELECT iso(ts) t, kind, limit_value FROM events')).toEqual([
      { t: '2026-11-22T09:51:57.000Z', kind: 'worker_limit_reached', limit_value: 4 },
    ]);
  });

  it('the query command is read-only', () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    cli(['ingest', '--db', db], { input: COMBINED + '\n' });
    const r = cli(['query', '--db', db, 'DELETE FROM requests']);
    expect(r.status).toBe(1);
    expect(count(db)).toBe(1);
    expect(cli(['query', '--db', join(dir, 'none.db'), 'SELECT 1']).status).toBe(2);
  });

  it('the query command has the percentile functions the README shows', () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    cli(['ingest', '--db', db, '--log-format', '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time'],
      { input: [0.001, 0.002, 0.003, 0.004, 0.005].map((s) => COMBINED + ' ' + s).join('\n') + '\n' });
    const r = cli(['query', '--db', db, '--format', 'json',
      'SELECT p50(duration_ms) p50, p95(duration_ms) p95, p99(duration_ms) p99, percentile(duration_ms, 25) p25 FROM requests']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ p50: 3, p95: 4.8, p99: 4.96, p25: 2 }]);
  });
});
