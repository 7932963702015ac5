// What the CLI prints, as a user sees it: every format streams (a huge result neither overflows
// the stack nor fills memory), and log text arrives inert in every format (issue #16, items 7-9).
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { openSync, closeSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, CLI, ROOT, tempDir, INCIDENTS } from './cli.js';
import { OUTPUT_FORMATS } from '../../src/report/render.js';

const COMBINED = (path: string, ua = 'curl/8') => `203.0.113.9 - - [22/Nov/2026:09:52:00 +0000] "GET ${path} HTTP/1.1" 200 512 "-" "${ua}"`;

/** `n` rows of about 300 bytes each, made by SQLite itself (no ingest needed to get many rows). */
const manyRows = (n: number) =>
  `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${n}) SELECT x, printf('%.300c', 'u') || x AS url FROM c`;

let db: string;
beforeAll(() => {
  db = join(tempDir(), 'a.db');
  const r = cli(['ingest', '--db', db, '--quiet'], { input: COMBINED('/x') + '\n' });
  if (r.status !== 0) throw new Error(r.stderr);
});

describe('output streams', () => {
  it('the default table prints more than 125,000 rows (widths come from the first rows)', () => {
    const r = cli(['query', '--db', db, manyRows(130_000).replace(", printf('%.300c', 'u') || x", ", 'u' || x")]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(130_002);
    expect(lines[2]).toBe('   1  u1');
    expect(lines.at(-1)).toBe('130000  u130000');
  });

  it('every format prints 150,000 rows of 300 bytes in bounded memory', () => {
    const out = openSync('/dev/null', 'w');
    try {
      for (const format of OUTPUT_FORMATS) {
        // OVERLOAD_STATS prints the process's peak RSS as it exits; stdout goes to /dev/null
        const r = spawnSync(process.execPath, [CLI, 'query', '--db', db, '--format', format, manyRows(150_000)], {
          cwd: ROOT, encoding: 'utf8', stdio: ['ignore', out, 'pipe'], env: { ...process.env, TZ: 'UTC', OVERLOAD_STATS: '1' },
        });
        expect(r.status, r.stderr).toBe(0);
        const stats = JSON.parse(/overload-stats (\{.*\})/.exec(r.stderr)![1]) as { maxRssMb: number };
        // the text alone is 45 MB, and collected rows cost several times that: streamed, ~70-90 MB
        expect(stats.maxRssMb, format).toBeLessThan(140);
      }
    } finally {
      closeSync(out);
    }
  }, 60_000);

  it('stops quietly when the reader goes away', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" query --db "${db}" "${manyRows(500_000)}" | head -1`], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' },
    });
    expect(r.stdout.split('\n')[0]).toMatch(/^\s+x\s+url$/);
    expect(r.stderr).toBe('');
  });
});

describe('log text is inert in every format', () => {
  it('Markdown: a path cannot become a link or a remote image (query --format md and the postmortem)', () => {
    const dir = tempDir();
    // story 3's real access log, its 502s' paths swapped for links and images
    const story = join(INCIDENTS, '3-nginx-phpfpm-max-children');
    const log = readFileSync(join(story, 'nginx-access.log'), 'utf8')
      .replace(/GET \/poll\.php/g, 'GET /x/[click](javascript:alert(1))')
      .replace(/GET \/cpu\.php/g, 'GET /x/![x](http://evil/t.png)');
    writeFileSync(join(dir, 'access.log'), log);
    const evil = join(dir, 'e.db');
    expect(cli(['ingest', '--db', evil, '--quiet', '--nginx-conf', join(story, 'config', 'nginx.conf'), join(dir, 'access.log')]).status).toBe(0);
    const md = cli(['query', '--db', evil, '--format', 'md', "SELECT DISTINCT route FROM requests WHERE route LIKE '/x/%' ORDER BY route"]);
    expect(md.stdout).toBe('| route |\n|---|\n| /x/\\!\\[x\\]\\(http\\://evil/t.png\\) |\n| /x/\\[click\\]\\(javascript:alert\\(1\\)\\) |\n');
    const pm = cli(['postmortem', '--db', evil]);
    expect(pm.status).toBe(0);
    // the routes are in it (in the tables of the windows) ...
    expect(pm.stdout).toContain('/x/\\[click\\]\\(javascript:alert\\(1\\)\\)');
    // ... and outside code spans and fenced blocks, no link or image syntax survives
    const prose = pm.stdout.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
    expect(prose).not.toMatch(/\]\(javascript:|!\[x\]\(http/);
    expect(prose).not.toContain('http://evil');
  });

  it('JSON and NDJSON escape DEL, C1 and bidi controls; table and md show invisible characters as escapes', () => {
    const sql = "SELECT char(155) || 'c1' || char(8238) || 'rlo' || char(127) || 'del' || char(8232) || 'ls' AS a, " +
      "char(8203) || 'zw' || char(8207) || 'rlm' || char(1564) || 'alm' AS b";
    for (const format of ['json', 'ndjson']) {
      const r = cli(['query', '--db', db, '--format', format, sql]);
      expect(r.stdout).not.toMatch(/[\u007f-\u009f\u2028\u202e\u200b\u200f\u061c]/);
      const parsed = format === 'json' ? JSON.parse(r.stdout)[0] : JSON.parse(r.stdout);
      expect(parsed).toEqual({ a: '\u009bc1\u202erlo\u007fdel\u2028ls', b: '\u200bzw\u200frlm\u061calm' });
    }
    for (const format of ['table', 'md', 'csv']) {
      const r = cli(['query', '--db', db, '--format', format, sql]);
      expect(r.stdout, format).not.toMatch(/[\u007f-\u009f\u2028\u202e\u200b\u200f\u061c]/);
      expect(r.stdout, format).toMatch(/\\\\?x9bc1\\\\?u202erlo\\\\?x7fdel\\\\?u2028ls/);
      expect(r.stdout, format).toMatch(/\\\\?u200bzw\\\\?u200frlm\\\\?u061calm/);
    }
  });

  it('sources --rejects N --format csv prints the sampled rejects, not [object Object]', () => {
    const dir = tempDir();
    const d = join(dir, 'r.db');
    cli(['ingest', '--db', d, '--quiet'], { input: `${COMBINED('/a')}\nnot a log line\n${COMBINED('/b')}\n` });
    const r = cli(['sources', '--db', d, '--rejects', '5', '--format', 'csv']);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('[object Object]');
    expect(r.stdout).toContain('""line"":""not a log line""');
  });

  it('report NAME echoes an unknown name with its controls escaped', () => {
    const r = cli(['report', '--db', db, 'no\u001b[31mpe\u202e']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('no report named no\\x1b[31mpe\\u202e');
    expect(r.stderr).not.toMatch(/[\u001b\u202e]/);
  });
});
