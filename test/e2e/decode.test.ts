// Damaged, huge and differently compressed input through the built CLI (issue #16, items 4, 5, 11).
import { describe, expect, it } from 'vitest';
import { openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { cli, query, tempDir } from './cli.js';

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

