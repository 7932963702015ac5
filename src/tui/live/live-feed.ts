// The UI's side of live ingest: starts the ingest worker, hands it stdin (the pipe), and turns
// its messages into the header's LIVE status and into refreshes of the query cache.
import { Worker } from 'node:worker_threads';
import type { LiveFeed } from '../app.js';
import type { LiveStatus } from '../views/header.js';
import type { LiveMessage, LiveWorkerData } from './ingest-worker.js';

export interface LiveOptions extends LiveWorkerData {
  /** rows were committed and rolled up: refresh what is on screen */
  onCommitted: () => void;
}

export class LiveIngest implements LiveFeed {
  private worker: Worker;
  private listeners = new Set<() => void>();
  private state: LiveStatus;
  /** resolves when the worker has opened (and if needed created) the database */
  readonly ready: Promise<void>;

  constructor(opts: LiveOptions) {
    const stdin = opts.inputs.length === 1 && opts.inputs[0] === '-';
    this.state = { label: stdin ? 'stdin' : `${opts.inputs.length} files`, lines: 0, rejected: 0, ended: false, error: null };
    const data: LiveWorkerData = { dbPath: opts.dbPath, tz: opts.tz, host: opts.host, inputs: opts.inputs };
    // stdin: true gives the worker a process.stdin fed from here: ingest reads '-' as usual
    this.worker = new Worker(new URL('./ingest-worker.js', import.meta.url), { workerData: data, stdin: stdin });
    if (stdin && this.worker.stdin) process.stdin.pipe(this.worker.stdin);
    let ready: () => void = () => undefined;
    let failed: (e: Error) => void = () => undefined;
    this.ready = new Promise((res, rej) => { ready = res; failed = rej; });
    this.worker.on('message', (m: LiveMessage) => {
      switch (m.type) {
        case 'ready': ready(); return;
        case 'progress': this.set({ lines: m.lines }); return;
        case 'committed': this.set({ lines: m.lines, rejected: m.rejected }); opts.onCommitted(); return;
        case 'note': this.set({ error: m.text }); return;
        case 'ended': this.set({ lines: m.lines, rejected: m.rejected, ended: true }); opts.onCommitted(); return;
        case 'error': this.set({ error: m.message, ended: true }); failed(new Error(m.message)); return;
      }
    });
    this.worker.on('error', (e) => { this.set({ error: e.message, ended: true }); failed(e); });
  }

  private set(patch: Partial<LiveStatus>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn();
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  };

  status = (): LiveStatus => this.state;

  async stop(): Promise<void> {
    process.stdin.unpipe();
    // the worker finishes the batch in flight and closes its connection; give it a moment
    this.worker.postMessage({ stop: true });
    const done = new Promise<void>((res) => this.worker.once('exit', () => res()));
    const timeout = new Promise<void>((res) => setTimeout(res, 500).unref());
    await Promise.race([done, timeout]);
    await this.worker.terminate();
  }
}
