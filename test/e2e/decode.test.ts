// Damaged, huge and differently compressed input through the built CLI (issue #16, items 4, 5, 11).
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { openSync, writeSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, query, tempDir, INCIDENTS, CLI } from './cli.js';

const ACCESS = join(INCIDENTS, '3-nginx-phpfpm-max-children', 'nginx-access.log');
const ACCESS_LINES = readFileSync(ACCESS, 'utf8').trimEnd().split('\n').length;

/** The access log gzipped, with 64 zero bytes written over the middle of its compressed data. */
function damagedGzip(): Buffer {
  const gz = gzipSync(readFileSync(ACCESS));
  const mid = gz.length >> 1;
  gz.fill(0, mid, mid + 64);
  return gz;
}

interface Marked { lines: number; suspect_from_line: number | null; complete: number; requests: number; suspect: number; note: string }
const MARKED_SQL = `SELECT s.lines, s.suspect_from_line, s.complete, s.note,
  (SELECT count(*) FROM requests r WHERE r.source_id = s.id) requests,
  (SELECT count(*) FROM requests r WHERE r.source_id = s.id AND r.id >= s.suspect_from_id) suspect
  FROM sources s`;

const COMBINED = '203.0.113.9 - - [22/Nov/2026:09:52:00 +0000] "GET /user/42?x=1 HTTP/1.1" 200 512 "-" "curl/8"';

describe('ingest: a line far longer than any --max-line may buffer', () => {
  it('rejects a 20 MB line as line-too-long under --max-line 300000000, says the cap, keeps the lines around it', () => {
    const dir = tempDir();
    const log = join(dir, 'long.log');
    // written in pieces: the test itself should not hold 20 MB strings
    const fd = openSync(log, 'w');
    writeSync(fd, COMBINED + '\n' + COMBINED.replace('/user/42', '/'));
    const run = Buffer.alloc(1 << 20, 'a');
    for (let i = 0; i < 20; i++) writeSync(fd, run);
    writeSync(fd, COMBINED.slice(COMBINED.indexOf('/user/42') + '/user/42'.length) + '\n' + COMBINED.replace('/user/42', '/user/43') + '\n');
    closeSync(fd);
    const db = join(dir, 'a.db');
    const r = cli(['ingest', '--db', db, '--max-line', '300000000', log]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/ceiling of 8388608 bytes/);
    expect(r.stderr).toMatch(/3 lines, 2 parsed, 1 rejected/);
    expect(query(db, 'SELECT path FROM requests ORDER BY id')).toEqual([{ path: '/user/42' }, { path: '/user/43' }]);
    expect(query(db, 'SELECT line_no, reason, length(line) AS kept FROM rejects')).toEqual([{ line_no: 2, reason: 'line-too-long', kept: 4096 }]);
  });
});


describe('ingest: a damaged gzip', () => {
  it('64 zero bytes in the middle: exit 2, says where, and marks every row of the damaged member suspect', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.log.gz');
    writeFileSync(file, damagedGzip());
    const db = join(dir, 'a.db');
    const r = cli(['ingest', '--db', db, file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/overload: \S*bad\.log\.gz: the gzip member that starts at byte 0 is corrupt \(found by byte \d+\)/);
    expect(r.stderr).toMatch(/from line 1 on \(\d+ requests\) were decoded from the damaged data and may be fabricated: marked suspect/);
    const [src] = query<Marked>(db, MARKED_SQL);
    expect(src).toMatchObject({ suspect_from_line: 1, complete: 0 });
    expect(src.requests).toBeGreaterThan(0);
    expect(src.suspect).toBe(src.requests);
    expect(src.note).toMatch(/corrupt/);
    const shown = cli(['sources', '--db', db]);
    expect(shown.stdout).toMatch(new RegExp(`suspect[\\s\\S]*lines 1\\.\\.${src.lines}`));
    // what is made from them says so
    const report = cli(['report', 'spikes', '--db', db]);
    expect(report.status).toBe(0);
    expect(report.stderr).toMatch(new RegExp(`bad\\.log\\.gz: lines 1\\.\\.${src.lines} \\(${src.requests} requests\\) were decoded from damaged compressed data`));
    const pm = cli(['postmortem', '--db', db]);
    expect(pm.stdout).toMatch(new RegExp(`\\*\\*Damaged input:\\*\\* lines 1–${src.lines} of \`[^\`]*bad\\.log\\.gz\``));
  });

  it('keeps the members before the damaged one unmarked, and the same when the gzip comes on stdin', () => {
    const dir = tempDir();
    const good = gzipSync(readFileSync(ACCESS));
    const both = Buffer.concat([good, damagedGzip()]);
    const file = join(dir, 'two.log.gz');
    writeFileSync(file, both);
    for (const [db, args, input] of [[join(dir, 'f.db'), [file], undefined], [join(dir, 's.db'), ['-'], both]] as const) {
      const r = cli(['ingest', '--db', db, ...args], { input });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`the gzip member that starts at byte ${good.length} is corrupt`);
      const [src] = query<Marked>(db, MARKED_SQL);
      expect(src.suspect_from_line).toBe(ACCESS_LINES + 1);
      expect(src.requests - src.suspect).toBe(ACCESS_LINES);
      expect(query(db, `SELECT count(*) n FROM rejects j JOIN sources s ON s.id = j.source_id WHERE j.line_no < s.suspect_from_line`)).toEqual([{ n: 0 }]);
    }
  });

  it('many small members (as the access_log gzip= of nginx writes them), cut mid-line: the mark starts at the first line of the damaged one', () => {
    const dir = tempDir();
    const text = readFileSync(ACCESS);
    // 9 members cut at arbitrary bytes, the 6th damaged: its first line is the one it starts inside.
    // (its CRC: zlib gives out nothing of a member this small that fails inside its data)
    const cuts = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => Math.floor((text.length * i) / 9) + 17 * i).concat(text.length);
    const members = cuts.slice(0, -1).map((at, i) => gzipSync(text.subarray(at, cuts[i + 1])));
    const bad = members[5];
    bad[bad.length - 8] ^= 0xff;
    const file = join(dir, 'access.log.gz');
    writeFileSync(file, Buffer.concat(members));
    const db = join(dir, 'a.db');
    const r = cli(['ingest', '--db', db, file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`the gzip member that starts at byte ${members.slice(0, 5).reduce((n, m) => n + m.length, 0)} is corrupt`);
    const firstLine = text.subarray(0, cuts[5]).toString('latin1').split('\n').length; // (the line member 6 starts inside)
    const [src] = query<Marked>(db, MARKED_SQL);
    expect(src.suspect_from_line).toBe(firstLine);
    expect(src.requests - src.suspect).toBe(firstLine - 1); // (every line of the access log is a request)
  });

  it('bytes after a whole member that are not gzip: exit 2, every line kept and none marked', () => {
    const dir = tempDir();
    const good = gzipSync(readFileSync(ACCESS));
    const file = join(dir, 'tail.log.gz');
    writeFileSync(file, Buffer.concat([good, Buffer.from('PK\u0003\u0004 something else')]));
    const db = join(dir, 'a.db');
    const r = cli(['ingest', '--db', db, file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`the gzip member that starts at byte ${good.length} is corrupt`);
    expect(r.stderr).toContain('No line was decoded from the damaged data');
    expect(query<Marked>(db, MARKED_SQL)).toMatchObject([{ lines: ACCESS_LINES, requests: ACCESS_LINES, suspect_from_line: null, complete: 0 }]);
  });

  it('a .gz that is whole still reads with exit 0 and nothing marked', () => {
    const dir = tempDir();
    const file = join(dir, 'ok.log.gz');
    writeFileSync(file, Buffer.concat([gzipSync(readFileSync(ACCESS)), gzipSync(readFileSync(ACCESS))]));
    const db = join(dir, 'a.db');
    expect(cli(['ingest', '--db', db, file]).status).toBe(0);
    expect(query<Marked>(db, MARKED_SQL)).toMatchObject([{ lines: 2 * ACCESS_LINES, requests: 2 * ACCESS_LINES, suspect_from_line: null, complete: 1 }]);
  });
});

/** `cmd -c` of `data`; .ci/run installs bzip2, xz-utils and zstd for these tests. */
function compress(cmd: string, data: Buffer): Buffer {
  const r = spawnSync(cmd, ['-c'], { input: data, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} -c failed (install bzip2 xz-utils zstd, as .ci/run does): ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

describe('ingest: bzip2, xz and zstd (as logrotate may write them)', () => {
  for (const [cmd, ext, pkg] of [['bzip2', 'bz2', 'bzip2'], ['xz', 'xz', 'xz-utils'], ['zstd', 'zst', 'zstd']] as const) {
    it(`${cmd}: reads a file and stdin through ${cmd}; damage exits 2 with every decoded row marked; without ${cmd} says how`, () => {
      const dir = tempDir();
      const packed = compress(cmd, readFileSync(ACCESS));
      const file = join(dir, `access.log.1.${ext}`);
      writeFileSync(file, packed);
      const fromFile = cli(['ingest', '--db', join(dir, 'f.db'), file]);
      expect(fromFile.status, fromFile.stderr).toBe(0);
      expect(query(join(dir, 'f.db'), 'SELECT count(*) n FROM requests')).toEqual([{ n: ACCESS_LINES }]);
      const fromStdin = cli(['ingest', '--db', join(dir, 's.db')], { input: packed });
      expect(fromStdin.status, fromStdin.stderr).toBe(0);
      expect(query(join(dir, 's.db'), 'SELECT count(*) n FROM requests')).toEqual([{ n: ACCESS_LINES }]);

      const bad = Buffer.from(packed);
      bad.fill(0, bad.length >> 1, (bad.length >> 1) + 64);
      const badFile = join(dir, `bad.log.${ext}`);
      writeFileSync(badFile, bad);
      const damaged = cli(['ingest', '--db', join(dir, 'd.db'), badFile]);
      expect(damaged.status).toBe(2);
      expect(damaged.stderr).toMatch(new RegExp(`bad\\.log\\.${ext}: (the )?${cmd} data is corrupt \\(found by byte \\d+\\)`));
      // whatever the tool gave out before it noticed is kept, and none of it unmarked
      expect(query(join(dir, 'd.db'), `SELECT count(*) n FROM requests r JOIN sources s ON s.id = r.source_id
        WHERE s.suspect_from_id IS NULL OR r.id < s.suspect_from_id`)).toEqual([{ n: 0 }]);

      const empty = tempDir();
      const missing = cli(['ingest', '--db', join(dir, 'm.db'), file], { env: { PATH: empty } });
      expect(missing.status).toBe(2);
      expect(missing.stderr).toContain(`${file} is ${cmd}-compressed; install ${pkg} or run \`${cmd} -dc ${file} | overload ingest\``);
      const missingStdin = cli(['ingest', '--db', join(dir, 'm.db')], { input: packed, env: { PATH: empty } });
      expect(missingStdin.status).toBe(2);
      expect(missingStdin.stderr).toContain(`stdin is ${cmd}-compressed; install ${pkg}`);
    });
  }
});

describe('ingest: an input given up on early', () => {
  it('an .xz that matches no format exits 3 at once instead of waiting on an xz blocked on its output', () => {
    const dir = tempDir();
    const file = join(dir, 'junk.xz');
    // far more than the pipe, the head and the detection sample hold: xz would block writing it
    const junk = Buffer.from(Array.from({ length: 200_000 }, (_, i) => `not a log line ${i}`).join('\n') + '\n');
    writeFileSync(file, compress('xz', junk));
    // (not cli(): a hang must fail the test, not stall the run)
    const r = spawnSync(process.execPath, [CLI, 'ingest', '--db', join(dir, 'a.db'), file], {
      encoding: 'utf8', timeout: 20_000, env: { ...process.env, TZ: 'UTC' },
    });
    expect(r.signal, 'still running after 20 s').toBeNull();
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/no known format matches/);
  }, 30_000);
});
