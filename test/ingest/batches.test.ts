// BatchBuilder: a parser that throws on a line (a bug) costs that line, as a reject, not the ingest.
import { describe, expect, it } from 'vitest';
import { splitLines } from '../../src/ingest/line-splitter.js';
import { BatchBuilder } from '../../src/ingest/batches.js';
import type { Batch } from '../../src/store/batch.js';
import { StringDictionary } from '../../src/ingest/request-encoding.js';
import type { LineParser, ParseOutcome } from '../../parsers/types.js';
import { phpFpmSlowlog } from '../../parsers/php-fpm-slowlog.js';

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

  it('counts every line once when a multi-line entry is flushed at the end of the input', async () => {
    // a slowlog whose last entry ends without a blank line: finish() flushes it, and that entry's
    // lines were counted as they were read (lines = parsed + rejected, as the summary shows)
    const text = [
      '[22-Nov-2026 09:51:56]  [pool www] pid 101', 'script_filename = /srv/a.php', '[0x00007f] sleep() /srv/a.php:3', '',
      '[22-Nov-2026 09:51:57]  [pool www] pid 102', 'script_filename = /srv/b.php', '[0x00007f] usleep() /srv/b.php:9',
    ].join('\n') + '\n';
    const builder = new BatchBuilder(phpFpmSlowlog.create({ tz: 'UTC' }), { batchSize: 100, router: () => null, dictionary: new StringDictionary(1) });
    const batches: Batch[] = [];
    for await (const group of splitLines(chunks(text), { maxLine: 1024 })) {
      const b = builder.push(group);
      if (b) batches.push(b);
    }
    batches.push(builder.finish());
    const sum = (k: 'lines' | 'parsed' | 'rejected') => batches.reduce((n, b) => n + b[k], 0);
    expect({ lines: sum('lines'), parsed: sum('parsed'), rejected: sum('rejected'), traces: batches.flatMap((b) => b.traces).length })
      .toEqual({ lines: 7, parsed: 7, rejected: 0, traces: 2 });
  });
});
