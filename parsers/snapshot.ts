// What every snapshot format shares (ss, status pages, ps, meminfo ...): placing a snapshot in
// time, and turning figures into `samples` outcomes. A snapshot's time is, in this order:
//   - a line that says when the snapshot after it was taken: a `date` line as capture scripts write
//     it (every form kernel-counters reads), or a heading `# 2026-11-22T09:51:44.959+0000 phase B`;
//   - a time in the output itself (a body reports it as `at`: Apache's CurrentTime, which wins
//     over a date line before the page: it is the page's own);
//   - the stamp in the file's name (status-json-full-20261122T095144.json), else `--at`: ingest
//     passes either as `at` (src/ingest/ingest-input.ts);
// never guessed: figures before any time are rejects `unplaced-time`.
// Figures summed over a snapshot's lines (ss -tan: one socket a line, a count per state) are
// emitted when the table ends: at the next heading, date line, `$ command` line or end of input.
import { monthIndex, parseIsoTime, parseTimeArg } from '../src/util/time.js';
import type { LineParser, ParseOutcome, ParserOptions, RejectReason, SampleRecord } from './types.js';

// The `date` line forms a capture script writes before a snapshot (kernel-counters reads them too)
const ISO_DATE_RE = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:Z|[+-]\d\d:?\d\d)?$/;
// `Mon Dec  7 08:35:55 UTC 2026` (date), `Mon, 07 Dec 2026 08:35:55 +0000` (date -R)
const CTIME_DATE_RE = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d\d:\d\d:\d\d) ([A-Z]{1,5}|[+-]\d{4}) (\d{4})$/;
const RFC2822_RE = /^[A-Z][a-z]{2}, (\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d\d:\d\d:\d\d) ([+-]\d{4})$/;
const EPOCH_RE = /^@?(\d{9,10})(?:\.\d+)?$/;

/** A `date` line -> epoch ms; NaN when the line is not one. */
export function readDateLine(line: string, tz: string): number {
  const s = line.trim();
  const epoch = EPOCH_RE.exec(s);
  if (epoch) return Number(epoch[1]) * 1000;
  if (ISO_DATE_RE.test(s)) return parseIsoTime(s, tz);
  const c = CTIME_DATE_RE.exec(s);
  if (c) {
    const zone = c[4];
    const utc = zone === 'UTC' || zone === 'GMT' || zone === 'Z';
    const offset = /^[+-]\d{4}$/.test(zone) ? zone : '';
    const t = parseTimeArg(`${c[5]}-${month2(c[1])}-${c[2].padStart(2, '0')}T${c[3]}${utc ? 'Z' : offset}`, tz);
    return t;
  }
  const r = RFC2822_RE.exec(s);
  if (r) return parseTimeArg(`${r[3]}-${month2(r[2])}-${r[1].padStart(2, '0')}T${r[4]}${r[5]}`, tz);
  return NaN;
}

/** `Dec` -> `12`; `xx` (an invalid time) for a name that is no month */
export function month2(name: string): string {
  const i = monthIndex(name);
  return i === undefined ? 'xx' : String(i + 1).padStart(2, '0');
}


/** A sample row without its time: the body of a snapshot names what, the base says when. */
export type Figures = Omit<SampleRecord, 'ts' | 'line_no'>;

export type BodyResult =
  /** the line is this format's and gives these figures now (and/or was added to the snapshot's sums) */
  | { figures?: Figures[]; summed?: boolean; at?: number }
  /** the format's, but unreadable: a snapshot cut short */
  | { reject: RejectReason }
  /** a table heading or a line understood with nothing to store; a heading ends the sums before it */
  | 'header'
  /** not a line of this format */
  | null;

export interface SnapshotBody {
  line(text: string): BodyResult;
  /** the figures summed since the last end, and start over (formats that sum over lines) */
  end?(): Figures[];
  /** forget a partial entry (a new snapshot starts) */
  reset?(): void;
  /** a capture script's command line, `$ free -m` without the `$ `: what the output after it is */
  command?(text: string): void;
}

// a capture script's heading: `# 2026-11-22T09:51:44.959+0000  idle, before load`
const HEADING_RE = /^#+\s*(\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)(?:\s|$)/;

/** A line that places the snapshot after it: epoch ms, NaN when it is not one. */
export function readStampLine(line: string, tz: string): number {
  const t = readDateLine(line, tz);
  if (!Number.isNaN(t)) return t;
  const m = HEADING_RE.exec(line);
  if (m) return readDateLine(m[1], tz);
  if (line.startsWith('# ')) return readDateLine(line.slice(2), tz);
  return NaN;
}

// `status-json-full-20261122T095144.json`, `ss-2026-11-22T09:51:44Z.txt`, `free.20261122-095144`
const NAME_STAMP_RE = /(?:^|[^\d])(\d{4})-?(\d\d)-?(\d\d)[T_-]?(\d\d)[:-]?(\d\d)[:-]?(\d\d)(Z)?(?:[^\d]|$)/;

/** The time stamp in a snapshot file's name (read in `tz` unless it says Z), NaN when none. */
export function stampOfFileName(path: string, tz: string): number {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const m = NAME_STAMP_RE.exec(base);
  if (!m) return NaN;
  const [, y, mo, d, h, mi, s, z] = m;
  if (+mo < 1 || +mo > 12 || +d < 1 || +d > 31 || +h > 23 || +mi > 59 || +s > 60) return NaN;
  return readDateLine(`${y}-${mo}-${d}T${h}:${mi}:${s}${z ?? ''}`, tz);
}

/** A capture script's command line (`$ ss -s`) and rulers (`=====`): structure, nothing to store. */
const COMMAND_RE = /^(?:\$ .*|[=-]{8,}\s*|#.*)$/;

export function snapshotParser(options: ParserOptions, body: SnapshotBody): LineParser {
  let ts: number | null = options.at ?? null;
  let openFrom: number | null = null;

  function flush(): ParseOutcome | null {
    const line = openFrom;
    openFrom = null;
    const rows = body.end?.() ?? [];
    // (sums of an unplaced snapshot: its lines were rejected one by one already)
    if (!rows.length || ts === null) return null;
    return { type: 'samples', records: rows.map((r) => ({ ...r, ts: ts!, line_no: line ?? undefined })) };
  }

  return {
    parse(line: string, lineNo: number): ParseOutcome {
      if (line.trim() === '') return { type: 'skip' };
      const stamp = readStampLine(line, options.tz);
      if (!Number.isNaN(stamp)) {
        const out = flush();
        body.reset?.();
        ts = stamp;
        return out ?? { type: 'continued' };
      }
      if (COMMAND_RE.test(line)) {
        const out = flush();
        if (line.startsWith('$ ')) body.command?.(line.slice(2).trim());
        return out ?? { type: 'skip' };
      }
      const r = body.line(line);
      if (r === null) return { type: 'reject', reason: 'no-match' };
      if (r === 'header') return flush() ?? { type: 'continued' };
      if ('reject' in r) return { type: 'reject', reason: r.reject };
      if (r.at !== undefined) ts = r.at;
      if (ts === null && (r.figures?.length || r.summed)) return { type: 'reject', reason: 'unplaced-time' };
      if (r.summed) openFrom ??= lineNo;
      if (r.figures?.length) return { type: 'samples', records: r.figures.map((f) => ({ ...f, ts: ts! })) };
      return { type: 'continued' };
    },
    openSince: () => openFrom,
    finish(): ParseOutcome[] {
      const out = flush();
      return out ? [out] : [];
    },
  };
}

/** Numbers as status pages print them: `9`, `0.00`, `1.5e3`; NaN otherwise. */
export function num(text: string): number {
  return /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i.test(text.trim()) ? Number(text.trim()) : NaN;
}
