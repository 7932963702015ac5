// When the rows the streamed rollups send back cannot be written (a full disk; here a connection
// made query_only after the batches were committed), the ingest must end with that error from
// keepUp() / finish(), in the writer's flow: it used to escape from the worker's message handler
// as an uncaught exception, a stack trace and exit 1 (issue #16, item 10). The modules are the
// built ones: the pass and the parser run in worker threads loaded from dist/.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, tempDir } from '../e2e/cli.js';

const built = <T>(...path: string[]) => import(pathToFileURL(join(ROOT, 'dist', 'src', ...path)).href) as Promise<T>;

async function* chunksOf(text: string): AsyncGenerator<Buffer> {
  const all = Buffer.from(text);
  for (let at = 0; at < all.length; at += 32_768) yield all.subarray(at, at + 32_768);
}

/** A minute of requests per 1,000 lines, so the pass finishes seconds and minutes as it goes. */
function spreadLines(n: number): string {
  const pad = (v: number) => String(v).padStart(2, '0');
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = Date.UTC(2026, 10, 22, 9, 0, 0) + i * 60;
    const d = new Date(t);
    lines.push(`10.0.0.${i % 250} - - [22/Nov/2026:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000] "GET /item/${i % 50} HTTP/1.1" 200 ${i} "-" "curl/8"`);
  }
  return lines.join('\n') + '\n';
}

describe('streamed rollups whose rows cannot be written', () => {
  it('end the ingest with the write error, thrown by keepUp() or finish()', async () => {
    const { openWritable } = await built<typeof import('../../src/store/db.js')>('store', 'db.js');
    const { StoreWriter } = await built<typeof import('../../src/store/writer.js')>('store', 'writer.js');
    const { RollupStream } = await built<typeof import('../../src/query/rollup-stream.js')>('query', 'rollup-stream.js');
    const { parseInWorker } = await built<typeof import('../../src/ingest/parse-in-worker.js')>('ingest', 'parse-in-worker.js');
    const db = openWritable(join(tempDir('overload-rollfail-'), 't.db'));
    try {
      const writer = new StoreWriter(db);
      const stream = RollupStream.open(db)!;
      expect(stream).not.toBeNull();
      const sourceId = writer.createSource({ path: 'spread.log', format: 'nginx-combined', host: null, tz: 'UTC', identity: null, formatSpec: null });
      stream.beginSource(sourceId, null);
      const committed = [];
      for await (const batch of parseInWorker(chunksOf(spreadLines(20_000)), {
        format: 'nginx-combined', parserOptions: { tz: 'UTC' }, routeRules: [], batchSize: 2000, maxLine: 1 << 20,
        startOffset: 0, startLine: 0, liveFlushMs: null, firstStringId: writer.reserveStringIds(), reuseStringsFrom: null,
      })) {
        committed.push({ batch, firstId: writer.writeBatch(sourceId, null, batch) });
      }
      expect(committed.length).toBeGreaterThan(5);
      // every write from here fails, as on a full disk
      db.pragma('query_only = ON');
      let failure: unknown = null;
      try {
        for (const { batch, firstId } of committed) {
          stream.feed(sourceId, batch.requests, firstId);
          await stream.keepUp();
        }
        stream.endSource(sourceId);
        await stream.finish();
      } catch (e) {
        failure = e;
      }
      expect((failure as { code?: string } | null)?.code).toBe('SQLITE_READONLY');
      stream.close();
    } finally {
      db.close();
    }
  }, 60_000);
});
