// The postmortem through the built CLI: a document a person can paste, with its chart beside it,
// findings that cite their evidence, and no control characters from the logs.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, storyDb } from '../fixtures.js';
import { openWritable } from '../../src/store/db.js';
import { buildPostmortem } from '../../src/postmortem/index.js';

function postmortem(story: string): { md: string; svg: string } {
  const db = storyDb(story);
  const out = join(mkdtempSync(join(tmpdir(), 'overload-pm-')), 'incident.md');
  const r = cli(['postmortem', '--db', db, '-o', out]);
  expect(r.code, r.stderr).toBe(0);
  expect(existsSync(out.replace(/\.md$/, '.svg'))).toBe(true);
  return { md: readFileSync(out, 'utf8'), svg: readFileSync(out.replace(/\.md$/, '.svg'), 'utf8') };
}

describe('postmortem', () => {
  it('story 3: max_children, in-flight, the EAGAIN connects and the stacks, with their evidence', () => {
    const { md, svg } = postmortem('3-nginx-phpfpm-max-children');
    expect(md).toMatch(/^# Postmortem: overload on 2026-11-22, 09:51:54–09:53:09 UTC/);
    expect(md).toContain('![Requests per second, 5xx and p95 latency; spike windows shaded](incident.svg)');
    expect(md).toMatch(/pm\.max_children \(4\) of pool `www` was reached 2 times \(09:51:57, 09:52:31\); peak in-flight requests to `unix:[^`]+php-fpm\.sock` was \d+/);
    expect(md).toMatch(/Connecting to `unix:[^`]+` failed 818 times/);
    expect(md).toContain('`sleep() < runQuery() < fetchRows() < build() < show() < dispatch()` 53×');
    expect(md).toContain('_Evidence:_ `overload report fpm-saturation`');
    expect(md).toMatch(/requests\/s [▁▂▃▄▅▆▇█]+/);
    expect(md).toMatch(/## Window 1: 09:51:54–09:52:22 UTC/);
    expect(md).toContain('```text\n');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });

  it('story 2: temp-file buffering with the client read time, timeouts and "no live upstreams"', () => {
    const { md } = postmortem('2-nginx-proxy-tempfile-timeout');
    expect(md).toMatch(/11 responses were buffered to temporary files[^\n]*?clients took up to 7\.\d s to read them/);
    expect(md).toMatch(/nginx answered "no live upstreams" 1,650 times/);
    expect(md).toContain('`/slow.php`');
    // the slow-upstream window (5xx, events) is the story; the large responses' latency-only
    // window falls under the cut-off: listed below it, still explained in its own section
    const summary = md.slice(md.indexOf('## Summary'), md.indexOf('## Timeline'));
    expect(summary).toMatch(/- \*\*When:\*\* 2026-11-22, 09:50:38–09:51:05 \(27 s\) UTC;/);
    expect(summary).toMatch(/- \*\*Lesser windows\*\* \(severity below 25 % of the worst's [\d.]+, or past the 3 worst\): 1 — 2026-11-22 09:50:03–09:50:34 \(latency, severity [\d.]+\)/);
    expect(md).toMatch(/## Window 1: 09:50:03–09:50:34 UTC \(31 s\) — latency, rank 2 \(a lesser window\)/);
    expect(md).toMatch(/^# Postmortem: overload on 2026-11-22, 09:50:38–09:51:05 UTC/);
  });

  it('story 1b: the backends taken out of service and the 503 storm', () => {
    const { md } = postmortem('1b-lighttpd-1.4.45-fastcgi-overload');
    // lighttpd by name, and its "load" said for what it is
    expect(md).toMatch(/lighttpd took its backends out of service [^"]+"backend is overloaded" 44 times \(load 45: lighttpd's backend load[^)]*\), "all handlers … are down" 11 times/);
  });

  it('refuses an output that is not .md, and a missing database', () => {
    expect(cli(['postmortem', '--db', '/nonexistent.db']).code).toBe(2);
    expect(cli(['postmortem', '--db', '/nonexistent.db', '-o', 'x.txt']).code).toBe(1);
  });

  it('strips control characters that came from the logs', () => {
    const db = openWritable(join(mkdtempSync(join(tmpdir(), 'overload-pm-')), 't.db'));
    db.prepare("INSERT INTO sources (id, path, format, ingested_at) VALUES (1, 'a', 'nginx', 'x'), (2, 'e', 'nginx-error', 'x')").run();
    const ins = db.prepare("INSERT INTO requests (source_id, ts, start_ts, end_ts, url, path, route, method, status, duration_ms) VALUES (1, ?, ?, ?, ?, ?, ?, 'GET', ?, ?)");
    const t0 = Date.UTC(2026, 10, 22, 9, 0, 0);
    for (let i = 0; i < 3000; i++) {
      const burst = i >= 1500 && i < 1800;
      const end = t0 + i * 100;
      const url = burst ? '/evil\u001b[2J\u0007' : '/ok';
      ins.run(end, end - (burst ? 3000 : 20), end, url, url, url, burst ? 502 : 200, burst ? 3000 : 20);
      if (burst && i % 10 === 0) {
        db.prepare("INSERT INTO events (source_id, ts, component, kind, message) VALUES (2, ?, 'nginx', 'upstream_timeout', ?)").run(end, 'timed out \u001b]0;pwned\u0007 here');
      }
    }
    const pm = buildPostmortem(db, { tz: 'UTC', svgName: 'x.svg' });
    expect(pm.data.windows.length).toBeGreaterThan(0);
    expect(pm.markdown).toContain('timed out');
    expect(pm.markdown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(pm.svg).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});
