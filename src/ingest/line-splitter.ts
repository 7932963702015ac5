// Bytes -> lines, with the byte offset after each line so ingest can resume exactly there.
//
// Not split2: split2 decodes to strings before splitting (byte offsets are lost, and invalid
// UTF-8 is replaced before we can see it) and its overflow option drops long lines silently.
// Here a line longer than `maxLine` is never buffered past the limit: its first bytes are kept
// for the reject record and the rest is skipped up to the next newline.
import { isAscii, isUtf8 } from 'node:buffer';

export interface Line {
  text: string;
  /** 1-based */
  lineNo: number;
  /** byte offset just past this line's newline (or the end of input) */
  endOffset: number;
  /** the line was longer than the limit; `text` holds its first bytes only */
  tooLong: boolean;
  /** bytes the line really had (for too-long lines) */
  byteLength: number;
  /** the last line of the input had no newline */
  unterminated: boolean;
  /** bytes that were not valid UTF-8; decoded as Latin-1 so nothing is lost */
  invalidUtf8: boolean;
}

/**
 * The most of one line that is ever buffered, whatever `--max-line` says. A line is held whole
 * (as bytes here, then as a string in the parse worker, whose old generation is capped at 64 MB)
 * before it is parsed: a 200 MB line under `--max-line 300000000` took minutes of re-copying and
 * then killed the ingest with an out-of-memory abort, taking the valid lines around it along.
 * Longer lines are rejected as line-too-long like any line over `--max-line`.
 */
export const MAX_LINE_CEILING = 8 * 1024 * 1024;

export interface SplitOptions {
  /** lines longer than this are rejected (capped at MAX_LINE_CEILING) */
  maxLine: number;
  /** bytes already consumed before the first chunk (resume) */
  startOffset?: number;
  /** line number of the last line before startOffset */
  startLine?: number;
  /** how much of a too-long line to keep for the reject record */
  keepBytes?: number;
}

function decode(buf: Buffer, start: number, end: number): { text: string; invalid: boolean } {
  // Strip the CR of CRLF line ends.
  if (end > start && buf[end - 1] === 13) end--;
  const text = buf.toString('utf8', start, end);
  if (text.indexOf('\uFFFD') >= 0 && !isUtf8(buf.subarray(start, end))) {
    // Legacy logs are mostly Latin-1; this keeps every byte as one character.
    return { text: buf.toString('latin1', start, end), invalid: true };
  }
  return { text, invalid: false };
}

/** One chunk's lines in input order (what splitLines yields): an array, or an AsciiLines. */
export interface LineList extends Iterable<Line> {
  readonly length: number;
  at(i: number): Line | undefined;
}

/**
 * A line of a chunk that is all ASCII, decoded when its text is read. Not cached: the text is
 * read once per line (again only for a rejected line). For ASCII bytes UTF-8 decoding is the
 * identity, so the text is what decode() gives, and never invalid UTF-8.
 */
class AsciiLine implements Line {
  readonly tooLong = false;
  readonly unterminated = false;
  readonly invalidUtf8 = false;

  constructor(
    private readonly buf: Buffer, private readonly start: number, private readonly end: number,
    readonly lineNo: number, readonly endOffset: number, readonly byteLength: number,
  ) {}

  get text(): string {
    return this.buf.toString('latin1', this.start, this.end); // (= UTF-8 for ASCII bytes, without the validation)
  }
}

/**
 * The lines of an all-ASCII chunk, each made when it is reached: only the chunk and where its
 * newlines are. A chunk's ~3,500 lines (1 MiB read) wait in their group until the parser gets
 * to them; as decoded Line objects they survived young collections and were promoted, and in
 * the worker (16 MB young, 64 MB old generation) that made GC ~15% of its CPU, with a
 * mark-compact every few MB. Here a line and its text live only while the line is parsed.
 * Lines after one longer than the limit (rare) follow as ready-made Lines in `rest`; a line
 * that began in the chunk before comes first, as `lead`.
 */
class AsciiLines implements LineList {
  constructor(
    private readonly buf: Buffer,
    /** position of each line's newline in buf; the first line starts at 0 */
    private readonly newlines: Int32Array,
    /** line number and offset (of buf[0]) before the first line */
    private readonly lineNo: number, private readonly offset: number,
    private readonly rest: Line[],
    private readonly lead: Line | null,
  ) {}

  get length(): number {
    return (this.lead ? 1 : 0) + this.newlines.length + this.rest.length;
  }

  at(i: number): Line | undefined {
    const n = this.newlines.length;
    if (i < 0) i += this.length; // (as Array.prototype.at)
    if (i < 0) return undefined;
    if (this.lead && i-- === 0) return this.lead;
    if (i >= n) return this.rest[i - n];
    const nl = this.newlines[i];
    const start = i === 0 ? 0 : this.newlines[i - 1] + 1;
    // (the CR of CRLF stripped as decode() does)
    const end = nl > start && this.buf[nl - 1] === 13 ? nl - 1 : nl;
    return new AsciiLine(this.buf, start, end, this.lineNo + i + 1, this.offset + nl + 1, nl - start);
  }

  *[Symbol.iterator](): Iterator<Line> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }
}

export async function* splitLines(chunks: AsyncIterable<Buffer>, opts: SplitOptions): AsyncGenerator<LineList> {
  const maxLine = Math.min(opts.maxLine, MAX_LINE_CEILING);
  const keep = Math.min(opts.keepBytes ?? 4096, maxLine);
  let offset = opts.startOffset ?? 0; // offset of the first byte of `pending`
  let lineNo = opts.startLine ?? 0;
  let pending: Buffer | null = null; // bytes of an unfinished line
  let skipping = false; // inside a too-long line: discard until newline
  let skipHead: Buffer | null = null;
  let skipped = 0;
  let newlines = new Int32Array(4096); // (reused: each group gets a copy of its part)

  /**
   * The lines that end in `chunk`, after `lead` (the line that began in the chunk before), as one
   * group; null when there are none.
   */
  function linesOf(chunk: Buffer, lead: Line | null): LineList | null {
    const out: Line[] = [];
    let pos = 0;
    const ascii = isAscii(chunk);
    let lazy: { lineNo: number; offset: number; count: number } | null = null;
    if (ascii && !skipping) {
      // the chunk's lines up to the first one longer than the limit, as newline positions
      lazy = { lineNo, offset, count: 0 };
      for (let nl = chunk.indexOf(10); nl >= 0 && nl - pos <= maxLine; nl = chunk.indexOf(10, pos)) {
        if (lazy.count === newlines.length) {
          const bigger = new Int32Array(newlines.length * 2);
          bigger.set(newlines);
          newlines = bigger;
        }
        newlines[lazy.count++] = nl;
        lineNo++;
        offset += nl - pos + 1;
        pos = nl + 1;
      }
    }
    while (pos < chunk.length) {
      const nl = chunk.indexOf(10, pos);
      if (skipping) {
        if (nl < 0) {
          skipped += chunk.length - pos;
          offset += chunk.length - pos;
          pos = chunk.length;
          break;
        }
        skipped += nl - pos;
        offset += nl - pos + 1;
        lineNo++;
        const head = decode(skipHead!, 0, skipHead!.length);
        out.push({ text: head.text, lineNo, endOffset: offset, tooLong: true, byteLength: skipped,
          unterminated: false, invalidUtf8: head.invalid });
        skipping = false;
        skipHead = null;
        pos = nl + 1;
        continue;
      }
      if (nl < 0) {
        const rest = chunk.length - pos;
        if (rest > maxLine) {
          skipping = true;
          skipHead = Buffer.from(chunk.subarray(pos, pos + keep));
          skipped = rest;
          offset += rest;
        } else {
          pending = Buffer.from(chunk.subarray(pos));
        }
        break;
      }
      const len = nl - pos;
      lineNo++;
      offset += len + 1;
      if (len > maxLine) {
        const head = decode(chunk, pos, pos + keep);
        out.push({ text: head.text, lineNo, endOffset: offset, tooLong: true, byteLength: len,
          unterminated: false, invalidUtf8: head.invalid });
      } else if (ascii) {
        // (the CR of CRLF stripped as decode() does)
        out.push(new AsciiLine(chunk, pos, nl > pos && chunk[nl - 1] === 13 ? nl - 1 : nl, lineNo, offset, len));
      } else {
        const d = decode(chunk, pos, nl);
        out.push({ text: d.text, lineNo, endOffset: offset, tooLong: false, byteLength: len,
          unterminated: false, invalidUtf8: d.invalid });
      }
      pos = nl + 1;
    }
    if (lazy && lazy.count > 0) return new AsciiLines(chunk, newlines.slice(0, lazy.count), lazy.lineNo, lazy.offset, out, lead);
    if (lead) out.unshift(lead);
    return out.length ? out : null;
  }

  for await (const raw of chunks) {
    let lines: LineList | null;
    if (!pending) lines = linesOf(raw, null);
    else {
      // A line cut between two chunks: only that line is joined, in a buffer of its own, and
      // the chunk's other lines are read where they are. (Joining the whole chunk onto the
      // line's start copied every byte of the input once more, into a new 256 KB buffer per
      // chunk: ~0.2 s of CPU per 1M short lines, most of it the kernel's page faults.)
      const nl = raw.indexOf(10);
      const joined = Buffer.concat([pending, nl < 0 ? raw : raw.subarray(0, nl + 1)]);
      pending = null;
      if (nl < 0) lines = linesOf(joined, null);
      else {
        // (one line, ending at the end of `joined`: pending never holds a newline)
        const lead = linesOf(joined, null)!.at(0)!;
        lines = linesOf(raw.subarray(nl + 1), lead);
      }
    }
    if (lines) yield lines;
  }
  // (linesOf sets it: read through a cast, since TypeScript does not see closures assign a let)
  const last = pending as Buffer | null;
  if (skipping) {
    lineNo++;
    const head = decode(skipHead!, 0, skipHead!.length);
    yield [{ text: head.text, lineNo, endOffset: offset, tooLong: true, byteLength: skipped,
      unterminated: true, invalidUtf8: head.invalid }];
  } else if (last && last.length > 0) {
    lineNo++;
    offset += last.length;
    const d = decode(last, 0, last.length);
    yield [{ text: d.text, lineNo, endOffset: offset, tooLong: false, byteLength: last.length,
      unterminated: true, invalidUtf8: d.invalid }];
  }
}
