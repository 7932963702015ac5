// Where queries run in the program: a worker thread with its own read-only connection, so a slow
// query never blocks a keystroke or a frame. This module stays light (no SQLite, no engine):
// the main thread loads it before ink, to start the workers first.
import { Worker } from 'node:worker_threads';
import type { Executor } from './client.js';
import type { Query, QueryResult } from './types.js';

type Reply = { id: number; ok: true; result: QueryResult } | { id: number; ok: false; error: string };

/** Runs the engine in src/tui/data/query-worker.ts (built to .js next to this file). */
export class WorkerExecutor implements Executor {
  private worker: Worker;
  private next = 1;
  private pending = new Map<number, { resolve: (r: QueryResult) => void; reject: (e: Error) => void }>();
  private ready: Promise<void>;

  /** `queries`: the user's report folders, each report a panel (engine.ts) */
  constructor(dbPath: string, tz: string, queries?: string) {
    this.worker = new Worker(new URL('./query-worker.js', import.meta.url), { workerData: { dbPath, tz, queries } });
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('message', (m: { ready?: boolean; error?: string }) => (m.ready ? resolve() : reject(new Error(m.error))));
      this.worker.once('error', reject);
    });
    this.ready.then(() => {
      this.worker.on('message', (m: Reply) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.result); else p.reject(new Error(m.error));
      });
    }, () => undefined);
    this.worker.on('error', (e) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    });
  }

  /** Resolves once the worker has opened the database (and built rollups if it had to). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  private call(msg: Record<string, unknown>): Promise<QueryResult> {
    return this.ready.then(() => new Promise((resolve, reject) => {
      const id = this.next++;
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...msg });
    }));
  }

  exec(q: Query): Promise<QueryResult> {
    return this.call({ query: q });
  }

  async refresh(): Promise<void> {
    await this.call({ refresh: true });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
