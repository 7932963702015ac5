// splitLines hands out the lines of an all-ASCII chunk undecoded (decoded when read): every
// line, group and field must be what the plain splitter gave, whatever the bytes (non-ASCII,
// invalid UTF-8, CR, NUL, lines longer than the limit, a last line without newline) and
// wherever the chunks are cut.
import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { splitLines, type Line, type SplitOptions } from '../../src/ingest/line-splitter.js';
import { rng } from '../../bench/random.js';

// --- the splitter as it was (the reference) ---
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

async function* referenceSplit(chunks: AsyncIterable<Buffer>, opts: SplitOptions): AsyncGenerator<Line[]> {
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

function input(seed: number, lines: number, asciiOnly: boolean): Buffer {
  const rand = rng(seed);
  const parts: Buffer[] = [];
  const pieces = ['GET /x?y=1 HTTP/1.1', ' ', '"', '\\x22', '\r', '\u0000', 'abc', '0123456789', '\t'];
  const wide = [Buffer.from('é'), Buffer.from('日本'), Buffer.from('😀'), Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('\uFFFD')];
  for (let i = 0; i < lines; i++) {
    const n = rand() < 0.02 ? 400 + Math.floor(rand() * 600) : Math.floor(rand() * 40);
    for (let k = 0; k < n; k++) {
      parts.push(!asciiOnly && rand() < 0.01 ? wide[Math.floor(rand() * wide.length)] : Buffer.from(pieces[Math.floor(rand() * pieces.length)]));
    }
    parts.push(Buffer.from(rand() < 0.1 ? '\r\n' : '\n'));
  }
  if (rand() < 0.7) parts.push(Buffer.from('tail without newline'));
  return Buffer.concat(parts);
}

async function* ragged(buf: Buffer, seed: number): AsyncGenerator<Buffer> {
  const rand = rng(seed);
  for (let at = 0; at < buf.length;) {
    const n = rand() < 0.3 ? 1 + Math.floor(rand() * 10) : 1 + Math.floor(rand() * 5000);
    yield buf.subarray(at, at + n);
    at += n;
  }
}

const fields = (l: Line) => ({ text: l.text, lineNo: l.lineNo, endOffset: l.endOffset, tooLong: l.tooLong, byteLength: l.byteLength,
  unterminated: l.unterminated, invalidUtf8: l.invalidUtf8 });

async function groupsOf(split: AsyncIterable<Iterable<Line>>): Promise<Array<Array<ReturnType<typeof fields>>>> {
  const out: Array<Array<ReturnType<typeof fields>>> = [];
  for await (const g of split) out.push([...g].map(fields));
  return out;
}

describe('splitLines against the plain splitter', () => {
  it.each([
    ['ASCII, ragged chunks', 1, true],
    ['ASCII and the rest, ragged chunks', 2, false],
    ['ASCII, one chunk', 3, true],
    ['mostly ASCII, one chunk', 4, false],
  ])('%s: the same groups and lines', async (name, seed, asciiOnly) => {
    const buf = input(seed, 3000, asciiOnly);
    const chunks = () => (name.endsWith('one chunk') ? (async function* () { yield buf; })() : ragged(buf, seed));
    for (const opts of [{ maxLine: 512, keepBytes: 100 }, { maxLine: 300, startOffset: 7, startLine: 3 }, { maxLine: 1 << 20 }]) {
      const got = await groupsOf(splitLines(chunks(), opts));
      const want = await groupsOf(referenceSplit(chunks(), opts));
      expect(got.map((g) => g.length)).toEqual(want.map((g) => g.length));
      expect(got).toEqual(want);
    }
  });

  it('reads a text as often as asked, the same each time', async () => {
    const lines: Line[] = [];
    for await (const g of splitLines((async function* () { yield Buffer.from('a\r\nbc\n\nd'); })(), { maxLine: 100 })) lines.push(...g);
    expect(lines.map((l) => l.text)).toEqual(['a', 'bc', '', 'd']);
    expect(lines.map((l) => l.text)).toEqual(['a', 'bc', '', 'd']);
  });
});

describe('splitLines groups', () => {
  it('index like arrays (at, negative at, length, iteration)', async () => {
    const text = 'a\nbb\r\n' + 'x'.repeat(50) + '\nc\n';
    for await (const g of splitLines((async function* () { yield Buffer.from(text); })(), { maxLine: 20, keepBytes: 4 })) {
      const lines = [...g];
      expect(g.length).toBe(4);
      expect(lines.map((l) => l.text)).toEqual(['a', 'bb', 'xxxx', 'c']);
      expect(lines.map((l) => l.tooLong)).toEqual([false, false, true, false]);
      expect(g.at(-1)!.text).toBe('c');
      expect(g.at(4)).toBeUndefined();
      expect(g.at(1)!.endOffset).toBe(6);
    }
  });
});
