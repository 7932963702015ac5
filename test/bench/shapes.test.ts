// The benchmark shapes (bench/shapes.ts) have the properties their names and BENCHMARKS.md claim:
// the span, the diversity of clients and paths, the spike's 5xx, the huge bodies and the 60 s
// timeouts, read from the generated lines themselves; `short` is still the original benchmark log
// byte for byte; and the built CLI ingests every shape without a reject.
import { describe, expect, it, beforeAll } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_SHAPES, findShape, shapeFiles, type GeneratedShape } from '../../bench/shapes.js';
import { generateLog } from '../../bench/generate-log.js';
import { cli, query, tempDir } from '../e2e/cli.js';

const LINES = 4000;
/** SHA-256 of generateLog(path, 3000) as of commit 1304e08, before the shapes existed. */
const SHORT_3000_SHA256 = 'c7bea15d198b12c82e5608262d1e762885b67c888eee655c62b1f2867e08b4c8';

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const LINE = /^(\S+) - \S+ \[(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d) \+0000\] "(\S+) (\S+) [^"]*" (\d{3}) (\d+) .* rt=([\d.]+) /;

interface Access { client: string; ms: number; path: string; status: number; bytes: number; rt: number }

function readAccess(path: string): Access[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => {
    const m = LINE.exec(l);
    if (!m) throw new Error(`not an access line: ${l}`);
    return {
      client: m[1], ms: Date.UTC(+m[4], MONTHS[m[3]], +m[2], +m[5], +m[6], +m[7]), path: m[9].split('?')[0],
      status: +m[10], bytes: +m[11], rt: +m[12],
    };
  });
}

const HOUR = 3_600_000;
const distinct = (xs: string[]) => new Set(xs).size;
const spanH = (a: Access[]) => (a[a.length - 1].ms - a[0].ms) / HOUR;
const is5xx = (r: Access) => r.status === 502 || r.status === 503 || r.status === 504;
/** The busiest client's share of the lines. */
function topShare(a: Access[]): number {
  const n = new Map<string, number>();
  for (const r of a) n.set(r.client, (n.get(r.client) ?? 0) + 1);
  return Math.max(...n.values()) / a.length;
}
/** Requests between two UTC instants. */
const within = (a: Access[], from: number, to: number) => a.filter((r) => r.ms >= from && r.ms < to);

const dir = tempDir('overload-shapes-');
const generated = new Map<string, GeneratedShape>();
const access = new Map<string, Access[]>();

beforeAll(async () => {
  for (const name of ALL_SHAPES) {
    const g = await shapeFiles(dir, findShape(name), LINES);
    generated.set(name, g);
    access.set(name, readAccess(g.access));
  }
});

describe('benchmark shapes', () => {
  it('short is the original benchmark log, byte for byte', async () => {
    const g = await shapeFiles(dir, findShape('short'), 3000);
    expect(createHash('sha256').update(readFileSync(g.access)).digest('hex')).toBe(SHORT_3000_SHA256);
    const direct = join(dir, 'direct.log');
    await generateLog(direct, 3000);
    expect(readFileSync(direct).equals(readFileSync(g.access))).toBe(true);
  });

  it('every shape writes the lines it was asked for, in time order', () => {
    for (const name of ALL_SHAPES) {
      const a = access.get(name)!;
      expect(a.length, name).toBe(LINES);
      expect(a.every((r, i) => i === 0 || r.ms >= a[i - 1].ms), name).toBe(true);
    }
  });

  it('day: 24 hours with a quiet night and an evening peak, many clients and paths, the spike in 5xx, huge bodies and 60 s timeouts', () => {
    const a = access.get('day')!;
    expect(spanH(a)).toBeGreaterThan(23.5);
    expect(spanH(a)).toBeLessThanOrEqual(24);
    const day = Date.UTC(2026, 10, 24);
    expect(within(a, day + 19 * HOUR, day + 21 * HOUR).length).toBeGreaterThan(4 * within(a, day + 3 * HOUR, day + 5 * HOUR).length);
    // a Zipf-like population: a long tail of clients, and a gateway that carries a few percent alone
    expect(distinct(a.map((r) => r.client))).toBeGreaterThan(LINES / 4);
    expect(topShare(a)).toBeGreaterThan(0.02);
    expect(topShare(a)).toBeLessThan(0.2);
    expect(distinct(a.map((r) => r.path))).toBeGreaterThan(800);
    const spike = within(a, day + 14 * HOUR + 10 * 60_000, day + 14 * HOUR + 30 * 60_000);
    expect(spike.filter(is5xx).length / spike.length).toBeGreaterThan(0.15);
    expect(a.filter((r) => !spike.includes(r) && is5xx(r)).length / a.length).toBeLessThan(0.01);
    expect(a.some((r) => r.bytes >= 10_000_000 && r.path.startsWith('/download/'))).toBe(true);
    expect(a.some((r) => r.status === 504 && r.rt >= 60 && r.rt < 61)).toBe(true);
  });

  it('week: 7 days from a Monday, Monday busier than Saturday, the spike on Wednesday', () => {
    const a = access.get('week')!;
    expect(spanH(a)).toBeGreaterThan(7 * 24 - 1);
    expect(spanH(a)).toBeLessThanOrEqual(7 * 24);
    const monday = Date.UTC(2026, 10, 23);
    const perDay = (d: number) => within(a, monday + d * 24 * HOUR, monday + (d + 1) * 24 * HOUR).length;
    expect(perDay(0)).toBeGreaterThan(1.5 * perDay(5));
    const spike = within(a, monday + 2 * 24 * HOUR + 14 * HOUR + 10 * 60_000, monday + 2 * 24 * HOUR + 14 * HOUR + 30 * 60_000);
    expect(spike.filter(is5xx).length).toBeGreaterThan(5);
    expect(distinct(a.map((r) => r.client))).toBeGreaterThan(LINES / 4);
    expect(a.some((r) => r.bytes >= 10_000_000)).toBe(true);
    expect(a.some((r) => r.status === 504 && r.rt >= 60 && r.rt < 61)).toBe(true);
  });

  it('botnet: the short log with a different client on every line', () => {
    const a = access.get('botnet')!;
    const short = access.get('short')!;
    expect(distinct(a.map((r) => r.client))).toBe(LINES);
    expect(a.map((r) => r.path)).toEqual(short.map((r) => r.path));
  });

  it('scanner: nearly every line a distinct path, mostly 404, over 3 hours', () => {
    const a = access.get('scanner')!;
    expect(distinct(a.map((r) => r.path))).toBeGreaterThan(0.9 * LINES);
    expect(a.filter((r) => r.status === 404).length / a.length).toBeGreaterThan(0.8);
    expect(spanH(a)).toBeGreaterThan(2.9);
    expect(spanH(a)).toBeLessThanOrEqual(3);
  });

  it('mixed: nginx and PHP-FPM logs of the same hours, with the incident\'s messages', () => {
    const g = generated.get('mixed')!;
    const a = access.get('mixed')!;
    expect(a.filter(is5xx).length).toBeGreaterThan(20);
    const [nginxError, fpmError, fpmSlow] = g.others.map((f) => readFileSync(f, 'utf8'));
    expect(nginxError).toMatch(/connect\(\) to unix:\S+ failed \(11: Resource temporarily unavailable\) while connecting to upstream/);
    expect(nginxError).toMatch(/upstream timed out \(110: Connection timed out\) while reading response header from upstream/);
    expect(fpmError).toMatch(/WARNING: \[pool www\] server reached pm\.max_children setting \(\d+\), consider raising it/);
    expect(fpmError).toMatch(/executing too slow \([\d.]+ sec\), logging/);
    expect(fpmSlow).toMatch(/\n\[\d\d-\w{3}-\d{4} [\d:]{8}\]  \[pool www\] pid \d+\nscript_filename = \S+\n(\[0x[0-9a-f]{16}\] \S+\(\) \S+:\d+\n)+/);
    // every stamp of the other logs inside the access log's hours (PHP-FPM starts 5 minutes before)
    const first = a[0].ms - 10 * 60_000, last = a[a.length - 1].ms + 60_000;
    for (const m of nginxError.matchAll(/^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)/gm)) {
      const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
      expect(ms).toBeGreaterThanOrEqual(first);
      expect(ms).toBeLessThanOrEqual(last);
    }
    for (const m of (fpmError + fpmSlow).matchAll(/^\[(\d\d)-(\w{3})-(\d{4}) (\d\d):(\d\d):(\d\d)\]/gm)) {
      const ms = Date.UTC(+m[3], MONTHS[m[2]], +m[1], +m[4], +m[5], +m[6]);
      expect(ms).toBeGreaterThanOrEqual(first);
      expect(ms).toBeLessThanOrEqual(last);
    }
    expect(g.otherLines).toBe(g.others.reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').length - 1, 0));
  });

  it.each(ALL_SHAPES)('the built CLI ingests %s with no reject', (name) => {
    const shape = findShape(name);
    const g = generated.get(name)!;
    const db = join(dir, `${name}.db`);
    const access = cli(['ingest', '--quiet', '--db', db, '--tz', 'UTC', '--log-format', shape.logFormat, g.access]);
    expect(access.status, access.stderr).toBe(0);
    if (g.others.length) {
      const others = cli(['ingest', '--quiet', '--db', db, '--tz', 'UTC', ...g.others]);
      expect(others.status, others.stderr).toBe(0);
    }
    const sources = query<{ format: string; rejected: number }>(db, 'SELECT format, rejected FROM sources ORDER BY id');
    expect(sources.map((s) => s.format)).toEqual(['nginx', ...(g.others.length ? ['nginx-error', 'php-fpm-error', 'php-fpm-slowlog'] : [])]);
    expect(sources.every((s) => s.rejected === 0)).toBe(true);
    expect(query<{ n: number }>(db, 'SELECT count(*) AS n FROM rejects')[0].n).toBe(0);
    expect(query<{ n: number }>(db, 'SELECT count(*) AS n FROM requests')[0].n).toBe(LINES);
  });
});
