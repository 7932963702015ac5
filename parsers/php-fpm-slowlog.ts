// PHP-FPM's slowlog (request_slowlog_timeout): one multi-line entry per slow request, each
// written in one go and *preceded* by a blank line:
//
//   [22-Nov-2026 09:51:56]  [pool www] pid 9057
//   script_filename = /tmp/lab-s3/www/report.php
//   [0x00007fe107213350] sleep() /tmp/lab-s3/www/report.php:9
//   [0x00007fe1072132e0] runQuery() /tmp/lab-s3/www/report.php:6
//
// An entry ends at the next blank line or the next header. The header, script and frame lines
// are `continued`; the trace comes out on the line that closes it (its line_no is the header's).
// A frame with no entry open is an orphan (the file was cut, or ingest resumed mid-entry).
//
// At end of input the open entry is the file's last one. Since the blank line comes *before*
// each entry, the last entry of every complete slowlog ends at EOF, so finish() marks it
// truncated only when it visibly is: no frame at all, "+++ dump failed", or over the caps.
// Memory is bounded: past MAX_FRAMES frames (or MAX_LINES lines) the entry is marked truncated
// and further lines are only counted.
import { readDmyHms } from './error-stamps.js';
import { appFrame, parseFrame, stackFingerprint } from './php-stack.js';
import type { FormatDefinition, LineParser, ParseOutcome, ParserOptions, SlowFrame, SlowTraceRecord } from './types.js';
import { SLOWLOG_SAMPLES } from './php-fpm-slowlog.samples.js';

export const MAX_FRAMES = 256;
export const MAX_LINES = 1024;

const HEADER_RE = /^\[(\d\d-[A-Za-z]{3}-\d{4} \d\d:\d\d:\d\d)(?:\.(\d+))?\] +\[pool ([^\]]*)\] pid (\d+)\s*$/;
const SCRIPT = 'script_filename = ';
const DUMP_FAILED = '+++ dump failed';

interface OpenEntry {
  ts: number;
  pool: string;
  pid: number;
  script: string | null;
  frames: SlowFrame[];
  /** frames seen, including those past the cap */
  depth: number;
  lines: number;
  truncated: boolean;
  startLine: number;
}

function toTrace(e: OpenEntry, atEof: boolean): SlowTraceRecord {
  return {
    ts: e.ts, pool: e.pool, pid: e.pid, script: e.script,
    fingerprint: stackFingerprint(e.frames),
    top_frame: e.frames[0]?.function ?? null,
    app_frame: appFrame(e.frames),
    depth: e.depth,
    request: null,
    truncated: e.truncated || (atEof && e.depth === 0),
    frames: e.frames,
    line_no: e.startLine,
  };
}

export function createSlowlogParser(options: ParserOptions): LineParser {
  let open: OpenEntry | null = null;

  function close(atEof: boolean): ParseOutcome {
    const e = open!;
    open = null;
    return { type: 'trace', record: toTrace(e, atEof) };
  }

  return {
    parse(line: string, lineNo: number): ParseOutcome {
      if (line.trim() === '') return open ? close(false) : { type: 'skip' };

      const h = line.charCodeAt(0) === 91 && line.charCodeAt(2) !== 120 ? HEADER_RE.exec(line) : null;
      if (h) {
        const ts = readDmyHms(h[1], options.tz, h[2] ?? '');
        if (Number.isNaN(ts)) return { type: 'reject', reason: 'bad-timestamp' };
        const previous = open ? close(false) : null;
        open = { ts, pool: h[3], pid: Number(h[4]), script: null, frames: [], depth: 0, lines: 1, truncated: false, startLine: lineNo };
        return previous ?? { type: 'continued' };
      }

      const e = open;
      if (!e) {
        const entryLine = line.startsWith(SCRIPT) || line.startsWith(DUMP_FAILED) || parseFrame(line, 0) !== null;
        return { type: 'reject', reason: entryLine ? 'orphan-line' : 'no-match' };
      }
      if (++e.lines > MAX_LINES) {
        e.truncated = true;
        return { type: 'continued' };
      }
      if (line.startsWith(SCRIPT)) {
        e.script = line.slice(SCRIPT.length);
        return { type: 'continued' };
      }
      if (line.startsWith(DUMP_FAILED)) {
        e.truncated = true;
        return { type: 'continued' };
      }
      const frame = parseFrame(line, e.depth);
      if (!frame) return { type: 'reject', reason: 'no-match' };
      e.depth++;
      if (e.frames.length < MAX_FRAMES) e.frames.push(frame);
      else e.truncated = true;
      return { type: 'continued' };
    },

    openSince(): number | null {
      return open ? open.startLine : null;
    },

    finish(): ParseOutcome[] {
      return open ? [close(true)] : [];
    },
  };
}

export const phpFpmSlowlog: FormatDefinition = {
  name: 'php-fpm-slowlog',
  role: 'app',
  title: 'PHP-FPM slowlog (request_slowlog_timeout stack traces)',
  produces: 'traces',
  example: '[22-Nov-2026 09:51:56]  [pool www] pid 9057',
  detectable: true,
  specificity: 60,
  create: createSlowlogParser,
  samples: SLOWLOG_SAMPLES,
};
