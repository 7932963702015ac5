// The UI's side of the data: a cache keyed by query, and a queue that keeps at most one query
// running at a time, interactive ones first. Prefetches (the panels the user has not opened
// yet) wait behind anything the user asked for and are dropped when the window changes, so a
// keystroke never waits for more than the one query already running.
import type { Query, QueryResult } from './types.js';

/** Runs one query somewhere (a worker thread, or in-process for tests). */
export interface Executor {
  exec(q: Query): Promise<QueryResult>;
  /** new rows were committed: bring rollups up to date, forget cached answers */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

interface Job {
  key: string;
  q: Query;
  prefetch: boolean;
  waiters: Array<{ resolve: (r: QueryResult) => void; reject: (e: Error) => void }>;
}

const CACHE_MAX = 300;

export class QueryClient {
  private cache = new Map<string, QueryResult>();
  private queue: Job[] = [];
  private running: Job | null = null;
  private refreshing = false;
  private listeners = new Set<(v: number) => void>();
  /** bumped when the data changes; part of every key, so old answers are never shown as new */
  version = 0;

  constructor(private executor: Executor) {}

  key(q: Query): string {
    return this.version + '|' + JSON.stringify(q);
  }

  peek(q: Query): QueryResult | undefined {
    return this.cache.get(this.key(q));
  }

  fetch(q: Query): Promise<QueryResult> {
    return this.enqueue(q, false);
  }

  /** Warm the cache; never rejects (a failed prefetch is retried when the panel is opened). */
  prefetch(q: Query): void {
    this.enqueue(q, true).catch(() => undefined);
  }

  /** Forget queued prefetches (the window they were for is gone). */
  dropPrefetches(): void {
    const keep: Job[] = [];
    for (const j of this.queue) {
      if (j.prefetch) for (const w of j.waiters) w.reject(new Error('dropped'));
      else keep.push(j);
    }
    this.queue = keep;
  }

  subscribe(fn: (version: number) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Live mode: rows arrived. Refresh the executor, then bump the version (hooks refetch). */
  async invalidate(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      await this.executor.refresh();
      this.version++;
      this.cache.clear();
      this.dropPrefetches();
      for (const fn of this.listeners) fn(this.version);
    } finally {
      this.refreshing = false;
    }
  }

  close(): Promise<void> {
    this.dropPrefetches();
    return this.executor.close();
  }

  private enqueue(q: Query, prefetch: boolean): Promise<QueryResult> {
    const key = this.key(q);
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const same = this.running?.key === key ? this.running : this.queue.find((j) => j.key === key);
      if (same) {
        same.waiters.push({ resolve, reject });
        // asked for now: move it ahead of the prefetches
        if (!prefetch && same.prefetch && same !== this.running) {
          same.prefetch = false;
          this.queue = [same, ...this.queue.filter((j) => j !== same)];
        }
      } else {
        const job: Job = { key, q, prefetch, waiters: [{ resolve, reject }] };
        if (prefetch) this.queue.push(job);
        else {
          const firstPrefetch = this.queue.findIndex((j) => j.prefetch);
          this.queue.splice(firstPrefetch < 0 ? this.queue.length : firstPrefetch, 0, job);
        }
      }
      this.pump();
    });
  }

  private pump(): void {
    if (this.running || this.refreshing) return;
    const job = this.queue.shift();
    if (!job) return;
    this.running = job;
    this.executor.exec(job.q).then(
      (r) => {
        this.cache.set(job.key, r);
        if (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
        for (const w of job.waiters) w.resolve(r);
      },
      (e: unknown) => {
        for (const w of job.waiters) w.reject(e instanceof Error ? e : new Error(String(e)));
      },
    ).finally(() => {
      this.running = null;
      this.pump();
    });
  }
}
