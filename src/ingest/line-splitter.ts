// Bytes -> lines, with the byte offset after each line so ingest can resume exactly there.
//
// Not split2: split2 decodes to strings before splitting (byte offsets are lost, and invalid
// UTF-8 is replaced before we can see it) and its overflow option drops long lines silently.
// Here a line longer than `maxLine` is never buffered past the limit: its first bytes are kept
// for the reject record and the rest is skipped up to the next newline.
import { isUtf8 } from 'node:buffer';

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

export interface SplitOptions {
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

export async function* splitLines(chunks: AsyncIterable<Buffer>, opts: SplitOptions): AsyncGenerator<Line[]> {
  const maxLine = opts.maxLine;
  const keep = Math.min(opts.keepBytes ?? 4096, maxLine);
  let offset = opts.startOffset ?? 0; // offset of the first byte of `pending`
  let lineNo = opts.startLine ?? 0;
  let pending: Buffer | null = null; // bytes of an unfinished line
  let skipping = false; // inside a too-long line: discard until newline
  let skipHead: Buffer | null = null;
  let skipped = 0;

  for await (const raw of chunks) {
    let chunk: Buffer = pending ? Buffer.concat([pending, raw]) : raw;
    pending = null;
    const out: Line[] = [];
    let pos = 0;
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
      } else {
        const d = decode(chunk, pos, nl);
        out.push({ text: d.text, lineNo, endOffset: offset, tooLong: false, byteLength: len,
          unterminated: false, invalidUtf8: d.invalid });
      }
      pos = nl + 1;
    }
    if (out.length) yield out;
  }
  if (skipping) {
    lineNo++;
    const head = decode(skipHead!, 0, skipHead!.length);
    yield [{ text: head.text, lineNo, endOffset: offset, tooLong: true, byteLength: skipped,
      unterminated: true, invalidUtf8: head.invalid }];
  } else if (pending && pending.length > 0) {
    lineNo++;
    offset += pending.length;
    const d = decode(pending, 0, pending.length);
    yield [{ text: d.text, lineNo, endOffset: offset, tooLong: false, byteLength: pending.length,
      unterminated: true, invalidUtf8: d.invalid }];
  }
}
