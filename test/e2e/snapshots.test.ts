// System snapshots end to end with the built CLI: story 3's PHP-FPM status pages (one JSON page a
// file, placed by the stamp in its name) and ss snapshots (placed by their '# <time>' headings)
// into `samples`, read back as the status pages said; snapshots cut in the middle keep what is
// readable and say where the cut is.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadStories, ingestArgs } from '../../src/demo/incidents.js';
import { cli, query, reportJson, sql, storyDb, tempDir } from '../fixtures.js';

type Row = Record<string, unknown>;
const story = loadStories().find((s) => s.story === '3-nginx-phpfpm-max-children')!;

/** 20261122T095144 in a file name -> epoch ms (UTC: the capture script's stamps are) */
function stampOf(file: string): number {
  const m = /(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)/.exec(file)!;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

describe("story 3's snapshots", () => {
  // the run's database of story 3 with its snapshots (the global setup ingests them with the CLI,
  // all in one command, after the logs: test/fixtures.ts storyExtrasArgs)
  const db = storyDb(story.story, 'full');
  const pages = story.snapshots.filter((e) => e.file.endsWith('.json'));

  it('has the status page series, and each figure as its JSON file says at the time in its name', () => {
    expect(pages.length).toBeGreaterThan(20);
    const rows = sql<{ ts: number; metric: string; value: number; kind: string }>(db,
      "SELECT ts, metric, value, kind FROM samples WHERE snapshot = 'fpm-status' AND subject = 'www' AND metric IN ('max listen queue', 'max children reached', 'active processes', 'listen queue') ORDER BY ts, metric");
    const expected: typeof rows = [];
    for (const e of pages) {
      const page = JSON.parse(readFileSync(ingestArgs(story, e).path, 'utf8')) as Record<string, number>;
      for (const metric of ['active processes', 'listen queue', 'max children reached', 'max listen queue']) {
        expected.push({ ts: stampOf(e.file), metric, value: page[metric], kind: metric === 'max children reached' ? 'counter' : 'gauge' });
      }
    }
    expected.sort((a, b) => a.ts - b.ts || a.metric.localeCompare(b.metric));
    expect(rows).toEqual(expected);
    // the story's point: the pool reached pm.max_children (4) again during the incident
    const reached = rows.filter((r) => r.metric === 'max children reached').map((r) => r.value);
    expect(Math.max(...reached)).toBeGreaterThan(reached[0]);
    expect(Math.max(...rows.filter((r) => r.metric === 'active processes').map((r) => r.value))).toBe(4);
  });

  it('has each process of a page, its state and request duration', () => {
    const e = pages[0];
    const page = JSON.parse(readFileSync(ingestArgs(story, e).path, 'utf8')) as { processes: Array<Record<string, string | number>> };
    const rows = sql<{ subject: string; metric: string; value: number }>(db,
      `SELECT subject, metric, value FROM samples WHERE snapshot = 'fpm-status' AND ts = ${stampOf(e.file)} AND metric = 'request duration' ORDER BY subject`);
    expect(rows).toEqual(page.processes.map((p) => ({ subject: `www/${p.pid}`, metric: 'request duration', value: p['request duration'] }))
      .sort((a, b) => a.subject.localeCompare(b.subject)));
  });

  it("has the FPM socket's accept queue over its backlog in the burst, as ss -xl showed it", () => {
    const rows = sql<{ ts: number; metric: string; value: number }>(db,
      "SELECT ts, metric, value FROM samples WHERE snapshot = 'ss-listen' AND subject = 'unix:/tmp/lab-s3/run/php-fpm.sock' ORDER BY ts, metric");
    // the capture's lines, read here on their own: `u_str LISTEN <recv-q> <send-q> /tmp/lab-s3/run/php-fpm.sock`
    const text = readFileSync(join(story.dir, 'ss-snapshots.txt'), 'utf8');
    const expected: typeof rows = [];
    let ts = 0;
    for (const line of text.split('\n')) {
      const h = /^# (\d{4}-\d\d-\d\dT[\d:.]+)\+0000/.exec(line);
      if (h) ts = Date.parse(`${h[1]}Z`);
      const m = /^u_str LISTEN (\d+)\s+(\d+)\s+\/tmp\/lab-s3\/run\/php-fpm\.sock /.exec(line);
      if (m) expected.push({ ts, metric: 'recv_q', value: +m[1] }, { ts, metric: 'send_q', value: +m[2] });
    }
    expect(rows).toEqual(expected);
    const peak = Math.max(...rows.filter((r) => r.metric === 'recv_q').map((r) => r.value));
    expect(peak).toBeGreaterThan(8); // listen.backlog = 8: the queue overflowed
    expect(rows.find((r) => r.metric === 'send_q')?.value).toBe(8);
  });

  it('counts TCP states per listener port', () => {
    const rows = sql<{ n: number }>(db, "SELECT max(value) AS n FROM samples WHERE snapshot = 'ss-states' AND subject = 'local:18085' AND metric = 'ESTAB'");
    expect(rows[0].n).toBe(50);
  });

  it('answers report snapshots with the window\'s figures', () => {
    const rows = reportJson<Row>(db, 'snapshots', ['--from', '2026-11-22T09:52:40Z', '--to', '2026-11-22T09:52:50Z']);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((x) => (x.ts as number) >= Date.UTC(2026, 10, 22, 9, 52, 40) && (x.ts as number) < Date.UTC(2026, 10, 22, 9, 52, 50))).toBe(true);
    expect(rows).toContainEqual(expect.objectContaining({ snapshot: 'ss-listen', subject: 'unix:/tmp/lab-s3/run/php-fpm.sock', metric: 'recv_q', value: 9 }));
    expect(rows).toContainEqual(expect.objectContaining({ snapshot: 'fpm-status', subject: 'www', metric: 'max children reached', kind: 'counter' }));
  });
});

describe('a snapshot cut in the middle, or without a time', () => {
  const dir = tempDir('overload-snap-cut-');
  const pages = story.snapshots.filter((e) => e.file.endsWith('.json'));

  it('a status page cut short: a cut-snapshot reject with file and line, the pages before it kept', () => {
    const db = join(dir, 'cut.db');
    const page = readFileSync(ingestArgs(story, story.snapshots.find((e) => e.file.endsWith('.json'))!).path, 'utf8').trim();
    const file = join(dir, 'fpm-status-series.txt');
    writeFileSync(file, `2026-11-22T09:52:00Z\n${page}\n2026-11-22T09:52:05Z\n${page.slice(0, 250)}\n`);
    const r = cli(['ingest', '--db', db, '--tz', 'UTC', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('fpm-status-series.txt');
    expect(r.stderr).toMatch(/line 4 \[cut-snapshot\]/);
    expect(r.stderr).toContain('cut-snapshot: a snapshot that ends in the middle');
    expect(query(db, "SELECT DISTINCT ts FROM samples")).toEqual([{ ts: Date.UTC(2026, 10, 22, 9, 52, 0) }]);
    expect(query(db, 'SELECT line_no, reason FROM rejects')).toEqual([{ line_no: 4, reason: 'cut-snapshot' }]);
  });

  it('a file of one page cut short is still read as a status page, not as another format', () => {
    const db = join(dir, 'one.db');
    const page = readFileSync(ingestArgs(story, story.snapshots.find((e) => e.file.endsWith('.json'))!).path, 'utf8').trim();
    const file = join(dir, 'status-json-full-20261122T095200.json');
    writeFileSync(file, page.slice(0, 400));
    const r = cli(['ingest', '--db', db, '--tz', 'UTC', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('fpm-status');
    // (a last line without newline that does not parse may still be being written: held back, named)
    expect(r.stderr).toContain('line 1 has no newline and does not parse');
  });

  it('a plain page cut inside a process block: the fields read are kept, the cut line held back and named', () => {
    const db = join(dir, 'plain.db');
    const file = join(dir, 'status-text-full-20261122T095210.txt');
    const text = readFileSync(join(story.dir, 'fpm-status', 'status-text-full-during-B.txt'), 'utf8');
    const cut = text.indexOf('request duration', text.indexOf('pid:')) + 'request durat'.length;
    writeFileSync(file, text.slice(0, cut));
    const r = cli(['ingest', '--db', db, '--tz', 'UTC', file]);
    expect(r.status, r.stderr).toBe(0);
    const lineOfCut = text.slice(0, cut).split('\n').length;
    expect(r.stderr).toContain(`line ${lineOfCut}`);
    const rows = query<{ subject: string; metric: string; value: number }>(db, "SELECT subject, metric, value FROM samples WHERE metric IN ('max children reached', 'requests', 'state Running') ORDER BY subject, metric");
    expect(rows).toEqual([
      { subject: 'www', metric: 'max children reached', value: 1 },
      { subject: 'www/9057', metric: 'requests', value: 42 },
      { subject: 'www/9057', metric: 'state Running', value: 1 },
    ]);
    expect(query(db, 'SELECT DISTINCT ts FROM samples')).toEqual([{ ts: Date.UTC(2026, 10, 22, 9, 52, 10) }]);
  });

  it("a file name's stamp places its page, also when --at is given for the files without one", () => {
    const db = join(dir, 'named.db');
    // (two different pages: the same content twice is one source, ingested once)
    const [a, b] = pages.slice(0, 2).map((e) => readFileSync(ingestArgs(story, e).path, 'utf8'));
    const stamped = join(dir, 'fpm-20261122T095301.json');
    const plain = join(dir, 'fpm-during-C.json');
    writeFileSync(stamped, a);
    writeFileSync(plain, b);
    const r = cli(['ingest', '--db', db, '--tz', 'UTC', '--at', '2026-11-22T09:52:33Z', stamped, plain]);
    expect(r.status, r.stderr).toBe(0);
    expect(query(db, 'SELECT DISTINCT ts FROM samples ORDER BY ts')).toEqual([
      { ts: Date.UTC(2026, 10, 22, 9, 52, 33) }, { ts: Date.UTC(2026, 10, 22, 9, 53, 1) },
    ]);
  });

  it('ss snapshots without any time: kept as unplaced-time with what to pass, placed by --at', () => {
    const db = join(dir, 'ss.db');
    const file = join(dir, 'netstat-states.txt');
    writeFileSync(file, "$ netstat -an|awk '/tcp/ {print $6}'|sort|uniq -c\n\n    256 SYN_RECV\n   6124 TIME_WAIT\n");
    const r = cli(['ingest', '--db', db, '--tz', 'UTC', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('unplaced-time');
    expect(r.stderr).toContain('--at');
    expect(query(db, 'SELECT count(*) AS n FROM samples')).toEqual([{ n: 0 }]);
    expect(cli(['ingest', '--db', db, '--tz', 'UTC', '--force', '--at', '2026-11-22T09:52:00Z', file]).status).toBe(0);
    expect(query(db, 'SELECT ts, subject, metric, value FROM samples ORDER BY metric')).toEqual([
      { ts: Date.UTC(2026, 10, 22, 9, 52), subject: '', metric: 'SYN-RECV', value: 256 },
      { ts: Date.UTC(2026, 10, 22, 9, 52), subject: '', metric: 'TIME-WAIT', value: 6124 },
    ]);
  });
});
