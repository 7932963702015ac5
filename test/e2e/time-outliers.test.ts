// Issue #16 item 6: one line stamped 1970 and one 2099 among 1,000 real ones. They are stored
// and flagged; reports default to where the data is; and a range the user gives, however long,
// is walked in at most MAX_BUCKETS buckets.
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, query, tempDir } from './cli.js';

// a real capture (nginx 1.22 in front of PHP-FPM, the lab's steady load), 09:49:51-09:50:11
const REAL = readFileSync(join(ROOT, 'fixtures', 'access', 's2-nginx-access.log'), 'utf8').split('\n').slice(0, 1000);
const restamp = (line: string, stamp: string) => line.replace(/\[[^\]]+\]/, `[${stamp}]`);

/** The built CLI with a deadline: before the fix these took 10-34 s, or overflowed the stack. */
function run(args: string[], timeoutMs = 15_000) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 26, env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let db: string;
let ingest: ReturnType<typeof run>;
beforeAll(() => {
  const dir = tempDir();
  const log = join(dir, 'access.log');
  writeFileSync(log, [restamp(REAL[0], '01/Jan/1970:00:00:00 +0000'), ...REAL, restamp(REAL[1], '01/Jan/2099:00:00:00 +0000')].join('\n') + '\n');
  db = join(dir, 'a.db');
  ingest = run(['ingest', '--db', db, log]);
});

const sum = (rows: Array<Record<string, unknown>>, key: string) => rows.reduce((a, r) => a + Number(r[key] ?? 0), 0);

describe('time outliers', () => {
  it('are stored, and the ingest summary and sources say how many and where', () => {
    expect(ingest.status).toBe(0);
    expect(ingest.stderr).toContain('2 lines far from the rest of the data');
    expect(ingest.stderr).toMatch(/1970-01-01T00:00 \(1\), 2099-01-01T00:00 \(1\) UTC; reports default to 2026-11-22T09:49:5\d\.000Z \.\. 2026-11-22T09:50:1\d\.000Z/);
    expect(query(db, 'SELECT count(*) AS n FROM requests')).toEqual([{ n: 1002 }]);
    const src = JSON.parse(run(['sources', '--db', db, '--format', 'json']).stdout);
    expect(src[0]).toMatchObject({ lines: 1002, parsed: 1002, rejected: 0, outliers: 2 });
    const table = run(['sources', '--db', db]).stdout;
    expect(table).toContain('2 lines far from the rest of the data');
  });

  it('reports default to where the data is, quickly, and say what they left out', () => {
    for (const name of ['timeline', 'concurrency', 'spikes', 'incident']) {
      const r = run(['report', name, '--db', db, '--format', 'json']);
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stderr, name).toContain('note: 2 lines far from the rest of the data');
      const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
      if (name === 'timeline') {
        expect(rows.length).toBeLessThan(40);
        expect(sum(rows, 'requests')).toBe(1000);
        expect(String(rows[0].bucket)).toMatch(/^2026-11-22T09:49:5/);
      }
    }
    const pm = run(['postmortem', '--db', db]);
    expect(pm.status, pm.stderr).toBe(0);
    expect(pm.stdout).toMatch(/1s buckets from 09:49:5\d to 09:50:1\d UTC/);
    expect(pm.stdout).toContain('_Note: 2 lines far from the rest of the data');
  });

  it('a range the user gives reaches the outliers, in at most 10,000 buckets', () => {
    const all = run(['report', 'timeline', '--db', db, '--from', '1970-01-01', '--to', '2100-01-01', '--format', 'json']);
    expect(all.status, all.stderr).toBe(0);
    expect(all.stderr).toMatch(/note: 7d buckets instead of 1h: .* would be 1,139,568 buckets, and a report walks at most 10,000/);
    expect(all.stderr).not.toContain('far from the rest');
    const rows = JSON.parse(all.stdout) as Array<Record<string, unknown>>;
    expect(rows.length).toBeLessThanOrEqual(10_000);
    expect(sum(rows, 'requests')).toBe(1002);
    for (const name of ['concurrency', 'spikes', 'incident']) {
      const r = run(['report', name, '--db', db, '--from', '1970-01-01', '--to', '2100-01-01', '--format', 'json']);
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
    }
    // a year in 1 s buckets would be 31.5M of them
    const year = run(['report', 'timeline', '--db', db, '--from', '2026-01-01', '--to', '2026-12-31', '--bucket', '1s']);
    expect(year.status, year.stderr).toBe(0);
    expect(year.stdout).toContain('bucket=1h');
    expect(year.stdout).toMatch(/note: 1h buckets instead of 1s: .* would be 31,449,600 buckets/);
    expect(year.stdout.split('\n').length).toBeLessThan(10_010);
  });
});
