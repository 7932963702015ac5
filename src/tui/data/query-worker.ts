// The query worker: owns a read-only connection and answers one message at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { QueryEngine } from './engine.js';
import type { Query } from './types.js';

const port = parentPort!;
const { dbPath, tz, queries } = workerData as { dbPath: string; tz: string; queries?: string };
let engine: QueryEngine;
try {
  engine = new QueryEngine(dbPath, tz, queries);
  port.postMessage({ ready: true });
} catch (e) {
  port.postMessage({ ready: false, error: (e as Error).message });
  process.exit(1);
}

port.on('message', (m: { id: number; query?: Query; refresh?: boolean }) => {
  try {
    if (m.refresh) {
      engine.refresh();
      port.postMessage({ id: m.id, ok: true, result: null });
    } else {
      port.postMessage({ id: m.id, ok: true, result: engine.run(m.query!) });
    }
  } catch (e) {
    port.postMessage({ id: m.id, ok: false, error: (e as Error).message });
  }
});
