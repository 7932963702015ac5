// The snapshot formats on whole real captures (fixtures/snapshots/README.md says where each came
// from): detected as their format, every line read, and the figures the capture shows.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FORMATS, findFormat } from '../../parsers/index.js';
import { detectFormat, sampleLines } from '../../src/ingest/detect.js';
import { stampOfFileName } from '../../parsers/snapshot.js';
import type { SampleRecord } from '../../parsers/types.js';

const ROOT = join(import.meta.dirname, '..', '..', 'fixtures');
const AT = Date.UTC(2026, 10, 22, 9, 50);

function read(path: string, at?: number): { format: string; rows: SampleRecord[]; rejects: number } {
  const text = readFileSync(join(ROOT, path), 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const format = detectFormat(FORMATS, sampleLines(Buffer.from(text), true), { tz: 'UTC' }).best!.format;
  const parser = format.create({ tz: 'UTC', at });
  const rows: SampleRecord[] = [];
  let rejects = 0;
  const take = (o: ReturnType<typeof parser.parse>) => {
    if (o.type === 'samples') rows.push(...o.records);
    if (o.type === 'reject') rejects++;
  };
  lines.forEach((l, i) => take(parser.parse(l, i + 1)));
  for (const o of parser.finish?.() ?? []) take(o);
  return { format: format.name, rows, rejects };
}

/** the value of one figure at its snapshot time (the last one when several) */
function figure(rows: SampleRecord[], snapshot: string, subject: string, metric: string, ts?: number): number | undefined {
  return rows.filter((r) => r.snapshot === snapshot && r.subject === subject && metric in r.values && (ts === undefined || r.ts === ts)).at(-1)?.values[metric];
}

describe('snapshot formats on real captures', () => {
  it("story 3's ss snapshots: states, the FPM socket's queue, placed by their headings", () => {
    const { format, rows, rejects } = read('incidents/3-nginx-phpfpm-max-children/ss-snapshots.txt');
    expect([format, rejects]).toEqual(['ss', 0]);
    const t = Date.parse('2026-11-22T09:52:47.097Z');
    expect(figure(rows, 'ss-listen', 'unix:/tmp/lab-s3/run/php-fpm.sock', 'recv_q', t)).toBe(9);
    expect(figure(rows, 'ss-listen', 'unix:/tmp/lab-s3/run/php-fpm.sock', 'send_q', t)).toBe(8);
    expect(figure(rows, 'ss-states', '', 'ESTAB', t)).toBe(100);
    expect(figure(rows, 'ss-states', '', 'tcp estab', t)).toBe(100);
    expect(new Set(rows.map((r) => r.ts)).size).toBe(5);
  });

  it("story 1b's ss -xl: the four lighttpd spawn sockets, backlog 8 each", () => {
    const { format, rows, rejects } = read('incidents/1b-lighttpd-1.4.45-fastcgi-overload/ss-snapshots.txt');
    expect([format, rejects]).toEqual(['ss', 0]);
    for (let i = 0; i < 4; i++) expect(figure(rows, 'ss-listen', `unix:/tmp/lab-s1b/run/php-fcgi.sock-${i}`, 'send_q')).toBe(8);
  });

  it("story 2's stub_status: the last page's counters", () => {
    const { format, rows, rejects } = read('incidents/2-nginx-proxy-tempfile-timeout/nginx-stub-status.txt');
    expect([format, rejects]).toEqual(['nginx-stub-status', 0]);
    const t = Date.parse('2026-11-22T09:51:31.271Z');
    expect(rows.filter((r) => r.ts === t).reduce((a, r) => ({ ...a, ...r.values }), {})).toEqual({ active: 1, accepts: 48, handled: 48, requests: 5266, reading: 0, writing: 1, waiting: 0 });
  });

  it("story 1b's server-statistics: load and overloaded per proc", () => {
    const { format, rows, rejects } = read('snapshots/server-statistics-during-spike.txt', AT);
    expect([format, rejects]).toEqual(['lighttpd-statistics', 0]);
    expect([0, 1, 2, 3].map((p) => figure(rows, 'lighttpd-statistics', `fastcgi.php-local/${p}`, 'load'))).toEqual([5, 5, 4, 5]);
    expect(figure(rows, 'lighttpd-statistics', 'fastcgi.php-local/0', 'overloaded')).toBe(4);
  });

  it("story 4's varnishstat: backend failures, per backend", () => {
    const { format, rows, rejects } = read('incidents/4-varnish-apache-maxrequestworkers/varnishstat-during-incident.txt', AT);
    expect([format, rejects]).toEqual(['varnishstat', 0]);
    expect(figure(rows, 'varnishstat', '', 'MAIN.backend_fail')).toBe(483);
    expect(rows.some((r) => r.subject === 'boot.apache')).toBe(true);
  });

  it('Apache server-status?auto: placed by its CurrentTime, the scoreboard adds up to its slots', () => {
    const { format, rows, rejects } = read('snapshots/apache-server-status-auto.txt');
    expect([format, rejects]).toEqual(['apache-server-status', 0]);
    expect(new Set(rows.map((r) => r.ts))).toEqual(new Set([Date.UTC(2026, 11, 7, 9, 42, 5)]));
    const board = rows.find((r) => 'scoreboard open' in r.values)!.values;
    const line = readFileSync(join(ROOT, 'snapshots/apache-server-status-auto.txt'), 'utf8').match(/^Scoreboard: (.*)$/m)![1];
    expect(Object.values(board).reduce((a, b) => a + b, 0)).toBe(line.length);
    expect(figure(rows, 'apache-server-status', '', 'IdleWorkers')).toBe(74);
  });

  it('free, /proc/meminfo and nproc of this machine: one MemTotal series in kB', () => {
    const { format, rows, rejects } = read('snapshots/memory-this-machine.txt');
    expect([format, rejects]).toEqual(['meminfo', 0]);
    const totals = rows.filter((r) => 'MemTotal_kb' in r.values).map((r) => r.values.MemTotal_kb);
    expect(totals.length).toBe(3);
    // free -m rounds to MiB: within one MiB of the kernel's own figure
    for (const t of totals) expect(Math.abs(t - totals[2])).toBeLessThan(1024);
    expect(figure(rows, 'nproc', '', 'cpus')).toBeGreaterThan(0);
  });

  it('top -b headers, old and new procps', () => {
    expect(read('snapshots/top-serverfault.txt', AT)).toMatchObject({ format: 'meminfo', rejects: 0 });
    const { rows } = read('snapshots/top-serverfault.txt', AT);
    expect(figure(rows, 'meminfo', '', 'MemTotal_kb')).toBe(4056176);
    expect(figure(rows, 'meminfo', '', 'Load1')).toBe(0.1);
    expect(read('snapshots/top-this-machine.txt', AT)).toMatchObject({ format: 'meminfo', rejects: 0 });
  });

  it('ps of an Apache: one name, its processes and RSS', () => {
    const { format, rows, rejects } = read('snapshots/ps-apache2.txt');
    expect([format, rejects]).toEqual(['ps', 0]);
    expect(rows.filter((r) => r.subject === 'apache2').map((r) => r.values)).toEqual([
      { processes: 4, rss_kb: 4428, rss_kb_avg: 4174, rss_kb_sum: 16696 },
      { processes: 4, rss_kb: 4428, rss_kb_avg: 4174, rss_kb_sum: 16696 },
    ]);
  });

  it("a Server Fault netstat summary: SYN_RECV as ss's SYN-RECV", () => {
    const { format, rows, rejects } = read('snapshots/netstat-states-varnish.txt', AT);
    expect([format, rejects]).toEqual(['ss', 0]);
    expect(figure(rows, 'ss-states', '', 'SYN-RECV')).toBe(256);
  });

  it('reads the stamp of a file name, and no stamp where there is none', () => {
    expect(stampOfFileName('/x/status-json-full-20261122T095144.json', 'UTC')).toBe(Date.UTC(2026, 10, 22, 9, 51, 44));
    expect(stampOfFileName('ss-2026-11-22T09:51:44Z.txt', 'Europe/Berlin')).toBe(Date.UTC(2026, 10, 22, 9, 51, 44));
    expect(stampOfFileName('free-20261122-095144.txt', 'Europe/Berlin')).toBe(Date.UTC(2026, 10, 22, 8, 51, 44));
    expect(stampOfFileName('status-text-full-during-B.txt', 'UTC')).toBeNaN();
    expect(stampOfFileName('access.log.20261399', 'UTC')).toBeNaN();
    expect(findFormat('fpm-status')?.produces).toBe('samples');
  });
});
