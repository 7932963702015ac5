// `overload tui --follow FILE` ingests as the file grows, through the live ingest worker: it
// takes turns with `overload ingest` of the same database (src/store/ingest-claim.ts) instead of
// writing beside it, so a file both read is stored once. The worker is the built one.
import { afterEach, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, query, tempDir } from '../e2e/cli.js';
import { IngestClaim } from '../../src/store/ingest-claim.js';
import type { LiveMessage, LiveWorkerData } from '../../src/tui/live/ingest-worker.js';

const LINE = '203.0.113.9 - - [22/Nov/2026:09:52:00 +0000] "GET /user/42 HTTP/1.1" 200 512 "-" "curl/8"';

const cleanup: Array<() => unknown> = [];
afterEach(async () => { for (const c of cleanup.splice(0)) await c(); });

describe('live ingest of followed files', () => {
  it('waits while another ingest holds the database, then reads the file once', async () => {
    const dir = tempDir();
    const db = join(dir, 'd.db');
    const log = join(dir, 'access.log');
    writeFileSync(log, Array.from({ length: 50 }, (_, i) => LINE.replace('/user/42', `/user/${i}`)).join('\n') + '\n');
    const claim = IngestClaim.tryAcquire(db, 'the test');
    if (!(claim instanceof IngestClaim)) throw new Error('the test could not take the claim');
    cleanup.push(() => claim.release());
    const data: LiveWorkerData = { dbPath: db, tz: 'UTC', host: null, inputs: [log] };
    const worker = new Worker(pathToFileURL(join(ROOT, 'dist', 'src', 'tui', 'live', 'ingest-worker.js')), { workerData: data });
    cleanup.push(() => worker.terminate());
    const messages: LiveMessage[] = [];
    const waiters: Array<() => void> = [];
    worker.on('message', (m: LiveMessage) => { messages.push(m); for (const w of waiters) w(); });
    const until = (test: (m: LiveMessage) => boolean) => new Promise<LiveMessage>((resolve) => {
      const check = () => { const m = messages.find(test); if (m) resolve(m); };
      waiters.push(check);
      check();
    });
    const note = await until((m) => m.type === 'note');
    expect(note).toEqual({ type: 'note', text: `another ingest is writing the database (pid ${process.pid}): following again after it` });
    expect(messages.some((m) => m.type === 'committed')).toBe(false);
    claim.release();
    // (the last refresh after the file is read counts all of it)
    await until((m) => m.type === 'committed' && m.lines === 50);
    // (idle between polls, everything committed: as the UI does after its grace period)
    await worker.terminate();
    expect(query(db, 'SELECT count(*) n, count(DISTINCT path) d FROM requests')).toEqual([{ n: 50, d: 50 }]);
  }, 60_000);
});
