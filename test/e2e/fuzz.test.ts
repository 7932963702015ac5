// Fuzz (issue #16, "Done when"): logs made of real lines from fixtures/, random mutations of
// them, random bytes and random time stamps, ingested by the built CLI, then every report run
// over what was stored. A fixed seed and a fixed number of lines: the same cases on every run,
// a few seconds, and a failure names its seed to replay. Asserts: no crash; every line
// accounted for (lines = parsed + rejected, one reject row per rejected line, one request or
// event per parsed line of the one-line formats); every report answers within its bound (at most
// MAX_BUCKETS buckets), and the timeline over everything counts every request.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { rng } from '../../bench/random.js';
import { cli, ROOT, tempDir } from './cli.js';
import { openReadOnly } from '../../src/store/db.js';
import { listReports, runReport } from '../../src/report/runner.js';
import { MAX_BUCKETS } from '../../src/report/params.js';
import { MODULES } from '../../src/correlate/modules.js';

const SEEDS = [16, 1_600_016];
const LINES_PER_FILE = 300;

const INC = join(ROOT, 'fixtures', 'incidents');
/** Real captures, one per stamp style and format family; all parse one line to one row. */
const BASES = [
  join(ROOT, 'fixtures', 'access', 's2-nginx-access.log'),
  join(INC, '3-nginx-phpfpm-max-children', 'nginx-error.log'),
  join(INC, '3-nginx-phpfpm-max-children', 'php-fpm-access.log'),
  join(INC, '3-nginx-phpfpm-max-children', 'php-fpm-error.log'),
  join(INC, '4-varnish-apache-maxrequestworkers', 'apache-access.log'),
  join(INC, '1b-lighttpd-1.4.45-fastcgi-overload', 'lighttpd-error.log'),
];
/** Formats whose every parsed line is one stored row (error logs may continue a message instead). */
const ONE_ROW_PER_LINE = new Set(['nginx-combined-kv', 'nginx-error', 'php-fpm-access']);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** Each stamp style of the bases, and how to write a given instant in it. */
const STAMPS: Array<[RegExp, (d: Date) => string]> = [
  [/\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}/,
    (d) => `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`],
  [/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d/,
    (d) => `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`],
  [/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/,
    (d) => `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`],
  [/\d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d/,
    (d) => `${p2(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`],
];

/** What a log line can carry that a parser or a renderer may choke on. */
const NASTY = [
  '\u0000', '\u001b[31m', '\u001b]0;t\u0007', '\u009b', '\u202e', '\u2028', '\u200b', '\u061c', '"', '\\', '\\"', ' ', '-', '[', ']',
  '9999999999999999999999', '-1', 'NaN', '1e309', '%', '%00', '\t', '\r', 'é', '😀', '[click](javascript:alert(1))', '![x](http://evil/t.png)',
  '=HYPERLINK("x")', ' HTTP/1.1" ', '" 200 ', ' rt=', ' us="', 'A'.repeat(3000),
];

function lineFactory(rand: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

  /** An instant: mostly near the captures, sometimes decades away, sometimes at the epoch. */
  function instant(): Date {
    const r = rand();
    const base = Date.UTC(2026, 10, 22, 10, 0, 0);
    if (r < 0.5) return new Date(base + int(-4 * 3600, 4 * 3600) * 1000);
    if (r < 0.6) return new Date(0);
    return new Date(Date.UTC(int(1950, 2150), int(0, 11), int(1, 28), int(0, 23), int(0, 59), int(0, 59)));
  }

  function restamp(line: string): string {
    for (const [re, fmt] of STAMPS) if (re.test(line)) return line.replace(re, fmt(instant()));
    return line;
  }

  function mutate(bytes: Buffer): Buffer {
    let b = bytes;
    for (let k = int(1, 4); k > 0; k--) {
      const at = int(0, b.length);
      switch (int(0, 5)) {
        case 0: if (b.length) { b = Buffer.from(b); b[Math.min(at, b.length - 1)] = int(0, 255); } break;
        case 1: b = Buffer.concat([b.subarray(0, at), Buffer.from(pick(NASTY)), b.subarray(at)]); break;
        case 2: b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + int(1, 20)))]); break;
        case 3: b = Buffer.concat([b.subarray(0, at), b.subarray(Math.max(0, at - int(1, 30)), at), b.subarray(at)]); break;
        case 4: b = b.subarray(0, at); break;
        default: b = Buffer.concat([b.subarray(0, at), Buffer.from([int(0x80, 0xff), int(0, 0xff)]), b.subarray(at)]); break;
      }
    }
    return b;
  }

  const randomBytes = () => Buffer.from(Array.from({ length: int(0, 120) }, () => int(0, 255)));

  /** One line of the file: real, restamped, mutated, restamped and mutated, or noise. */
  return (real: string): Buffer => {
    const r = rand();
    let out: Buffer;
    if (r < 0.35) out = Buffer.from(real);
    else if (r < 0.55) out = Buffer.from(restamp(real));
    else if (r < 0.8) out = mutate(Buffer.from(real));
    else if (r < 0.9) out = mutate(Buffer.from(restamp(real)));
    else out = randomBytes();
    // a newline inside would make two lines of one; everything else goes through
    for (let i = 0; i < out.length; i++) if (out[i] === 0x0a) out[i] = 0x20;
    return out;
  };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A line a parser may read as a blank separator (parsed, nothing stored): as the ingest decodes it. */
function blank(line: Buffer): boolean {
  let text: string;
  try {
    text = UTF8.decode(line);
  } catch {
    text = line.toString('latin1'); // what the ingest does with bytes that are not UTF-8
  }
  return text.replace(/\r$/, '').trim() === '';
}

function readBase(path: string): string[] {
  const buf = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8').split('\n').filter((l) => l !== '');
}

describe('fuzz: ingest and reports over real, mutated, random and restamped lines', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}`, () => {
      const rand = rng(seed);
      const line = lineFactory(rand);
      const dir = tempDir('overload-fuzz-');
      const files: string[] = [];
      const blanks: number[] = [];
      for (const [i, base] of BASES.entries()) {
        const real = readBase(base);
        // the first lines real and in order, so detection has something to recognise
        const lines: Buffer[] = real.slice(0, 20).map((l) => Buffer.from(l));
        while (lines.length < LINES_PER_FILE) lines.push(line(real[Math.floor(rand() * real.length)]));
        const path = join(dir, `f${i}.log`);
        writeFileSync(path, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
        files.push(path);
        blanks.push(lines.filter(blank).length);
      }
      const db = join(dir, 'fuzz.db');
      const ing = cli(['ingest', '--db', db, '--quiet', ...files]);
      expect(ing.status, `seed ${seed}: ingest: ${ing.stderr}`).toBe(0);

      const d = openReadOnly(db);
      try {
        // every line accounted for, source by source
        const sources = d.prepare(`SELECT s.id, s.path, s.format, s.lines, s.parsed, s.rejected,
            (SELECT count(*) FROM request_rows r WHERE r.source_id = s.id) AS requests,
            (SELECT count(*) FROM events e WHERE e.source_id = s.id) AS events,
            (SELECT count(*) FROM rejects j WHERE j.source_id = s.id) AS reject_rows
          FROM sources s ORDER BY s.id`).all() as Array<Record<string, number | string>>;
        expect(sources.length, `seed ${seed}: one source per file`).toBe(files.length);
        let requests = 0;
        for (const [i, s] of sources.entries()) {
          const what = `seed ${seed}: ${s.path} (${s.format})`;
          expect(s.lines, what).toBe(LINES_PER_FILE);
          expect(Number(s.parsed) + Number(s.rejected), what).toBe(s.lines);
          expect(s.reject_rows, what).toBe(s.rejected);
          const rows = Number(s.requests) + Number(s.events);
          expect(rows, what).toBeLessThanOrEqual(Number(s.parsed));
          // a blank line is parsed as nothing by some formats, rejected by others: no more rows missing than that
          if (ONE_ROW_PER_LINE.has(String(s.format))) expect(rows, what).toBeGreaterThanOrEqual(Number(s.parsed) - blanks[i]);
          requests += Number(s.requests);
        }

        // every report answers, within its bound, over the default range and over everything
        const all = d.prepare('SELECT min(coalesce(start_ts, ts)) AS lo, max(coalesce(start_ts, ts)) AS hi FROM request_rows').get() as { lo: number; hi: number };
        const everything = { from: all.lo, to: all.hi + 1000 };
        for (const def of listReports()) {
          for (const input of [{}, everything]) {
            const r = runReport(d, def.name, input, { modules: MODULES });
            expect(Array.isArray(r.rows), `seed ${seed}: ${def.name}`).toBe(true);
            if (def.params.some((p) => p.type === 'bucket')) {
              const buckets = new Set(r.rows.map((x) => x.bucket_ts));
              expect(buckets.size, `seed ${seed}: ${def.name} ${JSON.stringify(input)}`).toBeLessThanOrEqual(MAX_BUCKETS);
            }
          }
        }
        // the timeline over everything, both tiers, counts every request exactly once
        let counted = 0;
        for (const tier of ['edge', 'backend']) {
          for (const row of runReport(d, 'timeline', { ...everything, tier }).rows) counted += Number(row.requests);
        }
        expect(counted, `seed ${seed}: requests in the timeline`).toBe(requests);
      } finally {
        d.close();
      }
    }, 120_000);
  }
});
