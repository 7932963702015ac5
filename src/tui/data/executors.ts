// Queries in-process (tests, tiny databases): the same engine the worker runs (worker-executor.ts).
import { QueryEngine } from './engine.js';
import type { Executor } from './client.js';
import type { Query, QueryResult } from './types.js';

/** Runs the engine on the main thread, one query per macrotask (tests, tiny databases). */
export class InProcessExecutor implements Executor {
  private engine: QueryEngine;
  /** `queries`: the user's report folders, each report a panel (engine.ts) */
  constructor(dbPath: string, tz: string, queries?: string) {
    this.engine = new QueryEngine(dbPath, tz, queries);
  }
  exec(q: Query): Promise<QueryResult> {
    return new Promise((resolve, reject) => setImmediate(() => {
      try { resolve(this.engine.run(q)); } catch (e) { reject(e); }
    }));
  }
  async refresh(): Promise<void> {
    this.engine.refresh();
  }
  async close(): Promise<void> {
    this.engine.close();
  }
}
