// The PHP-FPM status page (pm.status_path), plain (`?full` too) and `?json` (`?json&full`), one or
// many a file (parsers/snapshot.ts places them: a date line before each, or the file name's
// stamp for one page a file, status-json-full-20261122T095144.json). The page gives no time of
// its own (`start time` is the pool's). Into `samples`, snapshot 'fpm-status', subject the pool:
//   gauges:   listen queue, max listen queue, listen queue len, idle processes, active processes,
//             total processes, max active processes, start since
//   counters: accepted conn, max children reached, slow requests (since the pool started; a
//             restart reads as a reset in counter_increases)
// and with full, one subject a process, '<pool>/<pid>': requests (counter), request duration
// (microseconds), last request cpu (%), last request memory (bytes; 0 while a request runs), and
// 'state <State>' = 1 (Idle, Running, Reading headers, Finishing ...).
// A JSON page is one line, as PHP-FPM prints it (jq's pretty form is not read: its lines are
// rejects `no-match`). A JSON page cut short is a reject `cut-snapshot` (the file's other pages are kept).
import { num, snapshotParser, type BodyResult, type Figures, type SnapshotBody } from './snapshot.js';
import type { FormatDefinition, FormatSample, ParserOptions } from './types.js';

const POOL_GAUGES = ['listen queue', 'max listen queue', 'listen queue len', 'idle processes', 'active processes',
  'total processes', 'max active processes', 'start since'];
const POOL_COUNTERS = ['accepted conn', 'max children reached', 'slow requests'];
// fields of the page that are text or the pool's own times: read, not stored
const POOL_TEXT = ['process manager', 'start time'];
const PROC_TEXT = ['start time', 'start since', 'request method', 'request uri', 'content length', 'user', 'script'];

const FIELD_RE = /^([a-z][a-z ]*[a-z]):\s*(.*?)\s*$/i;
const SEPARATOR_RE = /^\*{8,}\s*$/;

function poolFigures(pool: string, key: string, value: number): Figures | null {
  if (Number.isNaN(value)) return null;
  if (POOL_GAUGES.includes(key)) return { snapshot: 'fpm-status', subject: pool, kind: 'gauge', values: { [key]: value } };
  if (POOL_COUNTERS.includes(key)) return { snapshot: 'fpm-status', subject: pool, kind: 'counter', values: { [key]: value } };
  return null;
}

function processFigures(pool: string, p: Record<string, string>): Figures[] {
  const subject = `${pool}/${p.pid}`;
  const gauges: Record<string, number> = {};
  for (const k of ['request duration', 'last request cpu', 'last request memory']) {
    const v = num(p[k] ?? '');
    if (!Number.isNaN(v)) gauges[k] = v;
  }
  if (p.state) gauges[`state ${p.state}`] = 1;
  const out: Figures[] = [{ snapshot: 'fpm-status', subject, kind: 'gauge', values: gauges }];
  const requests = num(p.requests ?? '');
  if (!Number.isNaN(requests)) out.push({ snapshot: 'fpm-status', subject, kind: 'counter', values: { requests } });
  return out;
}

/** One `?json` page, whole, -> its figures; null when the JSON is not a status page. */
function jsonPage(page: Record<string, unknown>): Figures[] | null {
  if (typeof page.pool !== 'string') return null;
  const pool = page.pool;
  const out: Figures[] = [];
  for (const [k, v] of Object.entries(page)) {
    const f = typeof v === 'number' ? poolFigures(pool, k, v) : null;
    if (f) out.push(f);
  }
  if (Array.isArray(page.processes)) {
    for (const p of page.processes as Array<Record<string, unknown>>) {
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(p ?? {})) if (typeof v === 'number' || typeof v === 'string') fields[k] = String(v);
      if (fields.pid) out.push(...processFigures(pool, fields));
    }
  }
  return out;
}

export function createFpmStatusBody(): SnapshotBody {
  let pool: string | null = null;
  // ?full: the process block being read (its fields come one a line after a `****` separator)
  let proc: Record<string, string> | null = null;
  // a separator was read: a new block opens once the one before it is out (end())
  let next = false;

  return {
    line(text: string): BodyResult {
      if (text.startsWith('{')) {
        let page: unknown;
        try { page = JSON.parse(text); } catch { page = undefined; }
        if (page === undefined) return /^\{\s*"pool"\s*:/.test(text) ? { reject: 'cut-snapshot' } : null;
        const figures = page && typeof page === 'object' ? jsonPage(page as Record<string, unknown>) : null;
        return figures ? { figures } : null;
      }
      if (SEPARATOR_RE.test(text)) { next = true; return 'header'; }
      const m = FIELD_RE.exec(text);
      if (!m) return null;
      const key = m[1].toLowerCase();
      if (proc !== null) {
        if (key === 'pid' && proc.pid !== undefined) return null; // (a second pid in one block: not a status page)
        if (key === 'pid' || key === 'state' || key === 'requests' || key === 'request duration' ||
          key === 'last request cpu' || key === 'last request memory' || PROC_TEXT.includes(key)) {
          proc[key] = m[2];
          return { summed: true };
        }
        return null;
      }
      if (key === 'pool') { pool = m[2]; return 'header'; }
      if (pool === null) return null;
      if (POOL_TEXT.includes(key)) return 'header';
      const f = poolFigures(pool, key, num(m[2]));
      return f ? { figures: [f] } : null;
    },
    end(): Figures[] {
      const p = proc;
      proc = next ? {} : null;
      next = false;
      return p && pool !== null && p.pid !== undefined ? processFigures(pool, p) : [];
    },
    reset(): void { pool = null; proc = null; next = false; },
  };
}

const STAMP = '2026-11-22T09:52:00+0000';
const T = Date.UTC(2026, 10, 22, 9, 52, 0);
// story 3's pages (PHP 8.2 FPM), whole or cut
const JSON_PAGE = '{"pool":"www","process manager":"dynamic","start time":1795341103,"start since":17,"accepted conn":76,"listen queue":0,"max listen queue":0,"listen queue len":0,"idle processes":0,"active processes":4,"total processes":4,"max active processes":4,"max children reached":1,"slow requests":8, "processes":[{"pid":9057,"state":"Running","start time":1795341103,"start since":17,"requests":33,"request duration":1017738,"request method":"GET","request uri":"\\/report.php?account=922950","content length":0,"user":"-","script":"\\/tmp\\/lab-s3\\/www\\/report.php","last request cpu":0.00,"last request memory":0}]}';

const SAMPLES: FormatSample[] = [
  { line: 'listen queue:         3', before: [STAMP, 'pool:                 www', 'process manager:      dynamic', 'start time:           22/Nov/2026:09:51:43 +0000'],
    expect: { ts: T, snapshot: 'fpm-status', subject: 'www', kind: 'gauge', values: { 'listen queue': 3 } }, note: 'plain' },
  { line: 'max children reached: 1', before: [STAMP, 'pool: www'], expect: { subject: 'www', kind: 'counter', values: { 'max children reached': 1 } } },
  { line: 'accepted conn:        95', before: [STAMP, 'pool: www'], expect: { kind: 'counter', values: { 'accepted conn': 95 } } },
  { line: 'request duration:     1960694', before: [STAMP, 'pool: www', '************************', 'pid:                  9057', 'state:                Running'],
    after: ['last request memory:  2097152', ''], expect: { ts: T, subject: 'www/9057', kind: 'gauge', values: { 'request duration': 1960694, 'state Running': 1, 'last request memory': 2097152 } }, note: '?full: a process block' },
  { line: 'requests:             42', before: [STAMP, 'pool: www', '************************', 'pid: 9057'], after: ['', '************************', 'pid: 9058'],
    expect: { subject: 'www/9057', kind: 'counter', values: { requests: 42 } }, note: 'a block ends at the next separator' },
  { line: JSON_PAGE, before: [STAMP], expect: { ts: T, subject: 'www', kind: 'counter', values: { 'slow requests': 8 } }, note: '?json&full' },
  { line: JSON_PAGE, options: { at: T }, expect: { ts: T, subject: 'www/9057', kind: 'counter', values: { requests: 33 } }, note: '?json&full: a process; the file name\'s stamp as at' },
  { line: JSON_PAGE.slice(0, 300), before: [STAMP], reject: 'cut-snapshot', note: 'a page cut short' },
  { line: 'listen queue: 3', before: ['pool: www'], reject: 'unplaced-time', note: 'no time: kept, not guessed' },
  { line: 'listen queue: 3', reject: 'no-match', note: 'not a status page without its pool line' },
  { line: '{"pid":1}', before: [STAMP], reject: 'no-match' },
];

export const fpmStatus: FormatDefinition = {
  name: 'fpm-status',
  role: 'app',
  title: 'PHP-FPM status page (plain, ?full, ?json, ?json&full), each after a date line or stamped in the file name',
  produces: 'samples',
  example: 'max children reached: 1',
  detectable: true,
  // (above meminfo, whose `Name: N` lines a page's numeric fields also are)
  specificity: 42,
  create: (options: ParserOptions) => snapshotParser(options, createFpmStatusBody()),
  samples: SAMPLES,
};
