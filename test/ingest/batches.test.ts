// BatchBuilder: a parser that throws on a line (a bug) costs that line, as a reject, not the ingest.
import { describe, expect, it } from 'vitest';
import { splitLines } from '../../src/ingest/line-splitter.js';
import { BatchBuilder, type Batch } from '../../src/ingest/batches.js';
import { StringDictionary } from '../../src/ingest/request-encoding.js';
import type { LineParser, ParseOutcome } from '../../parsers/types.js';

const ok = (ts: number): ParseOutcome => ({ type: 'event', record: {
  ts, component: 'test', kind: 'other', severity: null, backend: null, pid: null, client: null, request: null, value: null,
  limit_value: null, message: 'm' } });

async function* chunks(text: string): AsyncGenerator<Buffer> { yield Buffer.from(text); }

describe('BatchBuilder', () => {
  it('keeps going past a line the parser throws on: that line is a parser-error reject', async () => {
    const parser: LineParser = {
      parse(line) {
        if (line.includes('boom')) throw new TypeError("Cannot read properties of undefined (reading 'indexOf')");
        return ok(1000);
      },
    };
    const builder = new BatchBuilder(parser, { batchSize: 100, router: () => null, dictionary: new StringDictionary(1) });
    const batches: Batch[] = [];
    for await (const group of splitLines(chunks('a\nboom here\nc\n'), { maxLine: 1024 })) {
      const b = builder.push(group);
      if (b) batches.push(b);
    }
    batches.push(builder.finish());
    const all = batches.reduce((acc, b) => ({ lines: acc.lines + b.lines, parsed: acc.parsed + b.parsed, rejects: [...acc.rejects, ...b.rejects] }),
      { lines: 0, parsed: 0, rejects: [] as Batch['rejects'] });
    expect(all).toEqual({ lines: 3, parsed: 2, rejects: [{ line_no: 2, reason: 'parser-error', line: 'boom here' }] });
  });
});
