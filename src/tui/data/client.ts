// The UI's side of the data: a cache keyed by query, and two lanes, each running one query at
// a time on its own worker. The interactive lane answers what the user asks for (a window's
// bars, a panel, a drill-down) and, when idle, prefetches the panels not yet opened; the
// background lane takes the reports that can run for seconds on large data (spike detection,
// the incident findings, the postmortem). A keystroke never waits behind a multi-second report:
// at most behind one quick query (a prefetch of the same size as what it asked for).
import type { Query, QueryResult } from './types.js';
import { trace, tracing } from '../trace.js';

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

interface Lane {
  executor: Executor;
  queue: Job[];
  running: Job | null;
}

const CACHE_MAX = 300;

/**
 * Queries that take seconds on large data: they never hold the interactive lane. Limits runs
 * the incident report as the Overview does (16 s over a day of 10M requests on a loaded box):
 * prefetched on the interactive lane, it held the next key's bars for as long.
 */
export function isSlow(q: Query): boolean {
  return q.type === 'spikes' || q.type === 'postmortem' || (q.type === 'panel' && (q.panel === 'overview' || q.panel === 'limits'));
}

export class QueryClient {
  private cache = new Map<string, QueryResult>();
  private lanes: { fast: Lane; slow: Lane };
  private refreshing = false;
  private listeners = new Set<(v: number) => void>();
  /** bumped when the data changes; part of every key, so old answers are never shown as new */
  version = 0;

  /**
   * `slow`: the background lane's executor (default: the same one), or a function that makes it
   * when the lane first has work, so a second worker does not compete with the first paint.
   */
  constructor(fast: Executor, slow: Executor | (() => Executor) = fast) {
    const lazy = typeof slow === 'function' ? new LazyExecutor(slow) : slow;
    this.lanes = { fast: { executor: fast, queue: [], running: null }, slow: { executor: lazy, queue: [], running: null } };
  }

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

  /** Start the background lane's worker now (after the first paint), not at its first job. */
  warmUp(): void {
    const slow = this.lanes.slow.executor;
    if (slow instanceof LazyExecutor) slow.start();
  }

  /** Forget queued prefetches (the window they were for is gone). */
  dropPrefetches(): void {
    for (const lane of Object.values(this.lanes)) {
      const keep: Job[] = [];
      for (const j of lane.queue) {
        if (j.prefetch) for (const w of j.waiters) w.reject(new Error('dropped'));
        else keep.push(j);
      }
      lane.queue = keep;
    }
  }

  subscribe(fn: (version: number) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Live mode: rows arrived. Refresh the executors, then bump the version (hooks refetch). */
  async invalidate(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const { fast, slow } = this.lanes;
      await Promise.all(fast.executor === slow.executor ? [fast.executor.refresh()] : [fast.executor.refresh(), slow.executor.refresh()]);
      this.version++;
      this.cache.clear();
      this.dropPrefetches();
      for (const fn of this.listeners) fn(this.version);
    } finally {
      this.refreshing = false;
      this.pump(this.lanes.fast);
      this.pump(this.lanes.slow);
    }
  }

  async close(): Promise<void> {
    this.dropPrefetches();
    const { fast, slow } = this.lanes;
    await fast.executor.close();
    if (slow.executor !== fast.executor) await slow.executor.close();
  }

  private find(key: string): { lane: Lane; job: Job } | null {
    for (const lane of Object.values(this.lanes)) {
      if (lane.running?.key === key) return { lane, job: lane.running };
      const job = lane.queue.find((j) => j.key === key);
      if (job) return { lane, job };
    }
    return null;
  }

  private enqueue(q: Query, prefetch: boolean): Promise<QueryResult> {
    const key = this.key(q);
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const found = this.find(key);
      if (found) {
        found.job.waiters.push({ resolve, reject });
        // asked for now while still waiting as a prefetch: to the front, on the interactive lane
        // unless it is one of the slow reports
        if (!prefetch && found.job.prefetch) {
          found.job.prefetch = false;
          if (found.lane.running !== found.job) {
            found.lane.queue = found.lane.queue.filter((j) => j !== found.job);
            found.lane.queue.unshift(found.job);
            this.pump(found.lane);
          }
        }
        return;
      }
      const job: Job = { key, q, prefetch, waiters: [{ resolve, reject }] };
      const lane = isSlow(q) ? this.lanes.slow : this.lanes.fast;
      if (prefetch) lane.queue.push(job);
      else {
        const firstPrefetch = lane.queue.findIndex((j) => j.prefetch);
        lane.queue.splice(firstPrefetch < 0 ? lane.queue.length : firstPrefetch, 0, job);
      }
      this.pump(lane);
    });
  }

  private pump(lane: Lane): void {
    if (lane.running || this.refreshing) return;
    // background work starts only while the interactive lane has nothing the user asked for: on
    // a busy machine the two workers would otherwise share the CPU and a key wait for half of it
    const fast = this.lanes.fast;
    if (lane === this.lanes.slow && fast !== lane && ((fast.running && !fast.running.prefetch) || fast.queue.some((j) => !j.prefetch))) return;
    const job = lane.queue.shift();
    if (!job) return;
    lane.running = job;
    const t0 = tracing ? performance.now() : 0;
    const what = tracing ? `${lane === this.lanes.fast ? 'fast' : 'slow'} ${job.prefetch ? 'prefetch ' : ''}${job.key.slice(0, 90)}` : '';
    lane.executor.exec(job.q).then(
      (r) => {
        if (tracing) trace('query', `${(performance.now() - t0).toFixed(0)}ms ${what}`);
        // an answer computed before a refresh belongs to the old data: hand it out, do not keep it
        if (job.key.startsWith(this.version + '|')) {
          this.cache.set(job.key, r);
          if (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
        }
        for (const w of job.waiters) w.resolve(r);
      },
      (e: unknown) => {
        for (const w of job.waiters) w.reject(e instanceof Error ? e : new Error(String(e)));
      },
    ).finally(() => {
      lane.running = null;
      this.pump(lane);
      if (lane === this.lanes.fast) this.pump(this.lanes.slow);
    });
  }
}

/** An executor made on first use; refresh and close are no-ops until then. */
class LazyExecutor implements Executor {
  private inner: Executor | null = null;
  constructor(private make: () => Executor) {}
  private get(): Executor {
    return (this.inner ??= this.make());
  }
  start(): void {
    this.get();
  }
  exec(q: Query): Promise<QueryResult> {
    return this.get().exec(q);
  }
  async refresh(): Promise<void> {
    await this.inner?.refresh();
  }
  async close(): Promise<void> {
    await this.inner?.close();
  }
}
