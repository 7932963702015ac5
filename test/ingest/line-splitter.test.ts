import { describe, expect, it } from 'vitest';
import { splitLines, MAX_LINE_CEILING, type Line } from '../../src/ingest/line-splitter.js';

async function* chunksOf(...parts: Array<string | Buffer>): AsyncGenerator<Buffer> {
  for (const p of parts) yield typeof p === 'string' ? Buffer.from(p) : p;
}

async function collect(src: AsyncIterable<Buffer>, maxLine = 1024): Promise<Line[]> {
  const out: Line[] = [];
  for await (const group of splitLines(src, { maxLine, keepBytes: 16 })) out.push(...group);
  return out;
}

describe('splitLines', () => {
  it('splits across chunk boundaries and tracks byte offsets', async () => {
    const lines = await collect(chunksOf('ab', 'c\nde', 'f\n', 'g\n'));
    expect(lines.map((l) => l.text)).toEqual(['abc', 'def', 'g']);
    expect(lines.map((l) => l.endOffset)).toEqual([4, 8, 10]);
    expect(lines.map((l) => l.lineNo)).toEqual([1, 2, 3]);
  });

  it('strips the CR of CRLF', async () => {
    const lines = await collect(chunksOf('a\r\nb\r\n'));
    expect(lines.map((l) => l.text)).toEqual(['a', 'b']);
    expect(lines[1].endOffset).toBe(6);
  });

  it('keeps a last line without newline and marks it', async () => {
    const lines = await collect(chunksOf('a\nlast'));
    expect(lines[1]).toMatchObject({ text: 'last', unterminated: true, endOffset: 6 });
  });

  it('rejects a line longer than the limit without buffering it, then continues', async () => {
    const big = 'x'.repeat(5000);
    const lines = await collect(chunksOf('ok\n', big.slice(0, 2000), big.slice(2000), '\nnext\n'), 1000);
    expect(lines.map((l) => l.tooLong)).toEqual([false, true, false]);
    expect(lines[1].text).toBe('x'.repeat(16));
    expect(lines[1].byteLength).toBe(5000);
    expect(lines[2]).toMatchObject({ text: 'next', lineNo: 3, endOffset: 3 + 5001 + 5 });
  });

  it('never buffers more than the ceiling, whatever maxLine says', async () => {
    const piece = Buffer.alloc(1 << 20, 'y');
    async function* src(): AsyncGenerator<Buffer> {
      yield Buffer.from('ok\n');
      for (let i = 0; i < 10; i++) yield piece;
      yield Buffer.from('\nnext\n');
    }
    const lines = await collect(src(), 300_000_000);
    expect(lines.map((l) => [l.tooLong, l.byteLength])).toEqual([[false, 2], [true, 10 << 20], [false, 4]]);
    expect(10 << 20).toBeGreaterThan(MAX_LINE_CEILING);
  });

  it('handles a too-long line inside one chunk and at end of input', async () => {
    const lines = await collect(chunksOf('y'.repeat(3000) + '\n' + 'z'.repeat(3000)), 1000);
    expect(lines.map((l) => [l.tooLong, l.unterminated])).toEqual([[true, false], [true, true]]);
  });

  it('reads invalid UTF-8 as Latin-1 so no byte is lost, and keeps NUL bytes', async () => {
    const lines = await collect(chunksOf(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]), Buffer.from('a\u0000b\n'), 'caf\u00e9\n'));
    expect(lines[0]).toMatchObject({ text: 'caf\u00e9', invalidUtf8: true });
    expect(lines[1].text).toBe('a\u0000b');
    expect(lines[2]).toMatchObject({ text: 'caf\u00e9', invalidUtf8: false });
  });

  it('does not split a multi-byte character cut by a chunk boundary', async () => {
    const bytes = Buffer.from('h\u00e9llo\n');
    const lines = await collect(chunksOf(bytes.subarray(0, 2), bytes.subarray(2)));
    expect(lines[0]).toMatchObject({ text: 'h\u00e9llo', invalidUtf8: false });
  });

  it('resumes with offsets and line numbers from a given point', async () => {
    const out: Line[] = [];
    for await (const g of splitLines(chunksOf('c\n'), { maxLine: 100, startOffset: 10, startLine: 4 })) out.push(...g);
    expect(out[0]).toMatchObject({ lineNo: 5, endOffset: 12 });
  });
});
