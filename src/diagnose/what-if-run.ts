// `overload diagnose --what-if k=v,...`: the window's requests replayed (h/replay's model) at the
// configured pool and at the asked values, and what the logs show, side by side.
import type { DB } from '../store/db.js';
import { termSafe } from '../util/sanitize.js';
import { configuredPool } from './pool-model.js';
import { compare, replayWindow, type Tally } from './replay-window.js';
import { applyWhatIf } from './what-if.js';
import { nginxUpstreamPool } from './upstream-pool.js';
import type { PoolModel, ReplaySummary } from './replay.js';
import type { Facts } from './types.js';

export interface WhatIfReport {
  spec: string;
  configured: PoolModel;
  asked: PoolModel;
  assumptions: string[];
  /** the logs, the replay at the configured values, the replay at the asked ones: one row per measure */
  rows: Array<{ measure: string; logs: number | null; configured: number | null; what_if: number | null }>;
  notToPool: number;
}

export class NoPool extends Error {}

const round = (v: number | null) => (v === null ? null : Math.round(v));
const mb = (b: number | null) => (b === null ? null : Math.round(b / 1048576));

function measures(s: ReplaySummary, upstream: boolean) {
  return {
    requests: s.requests, served: s.byOutcome.served ?? 0, refused: s.byOutcome.refused ?? 0, timed_out: s.byOutcome.timed_out ?? 0,
    killed: s.byOutcome.killed ?? 0, client_gone: s.byOutcome.client_gone ?? 0, queued_max_ms: Math.round(s.queuedMax),
    // nginx's "no live upstreams" (every server marked down): the replay's `down` where the pool is
    // nginx's upstream, which has no outages
    ...(upstream ? { no_live_upstreams: s.byOutcome.down ?? 0 } : {}),
    peak_busy_workers: s.peakBusyWorkers, peak_backlog: s.peakBacklog, peak_memory_mb: mb(s.peakMemoryBytes),
  } as Record<string, number | null>;
}

export interface WhatIfOptions {
  /** the workers behind each of nginx's upstream servers (--backend-workers): in no nginx config */
  backendWorkers?: number;
}

export function whatIf(db: DB, facts: Facts, spec: string, opts: WhatIfOptions = {}): WhatIfReport {
  const pool = configuredPool(facts) ?? nginxUpstreamPool(db, facts, opts.backendWorkers);
  if (!pool) throw new NoPool('--what-if: no worker pool is known for this host (give its config: pm.max_children, max-procs x PHP_FCGI_CHILDREN, MaxRequestWorkers, or an nginx upstream of several servers, with --backend-workers N where the access log shows no $upstream_addr of theirs)');
  const asked = applyWhatIf(pool.model, spec);
  const w = facts.window;
  const r = replayWindow(db, { from: w.from, to: w.to, host: w.host }, pool.model, asked);
  // 5xx and queueing are compared over the same requests on every side: those whose queueing the
  // logs show (replay-window.ts compare), so the logs' column and the replays' mean the same
  const tally = (t: Tally) => ({ '5xx': t.s5xx, '502': t.s502, '499': t.s499, '504': t.s504, queued_p50_ms: round(t.queueP50), queued_p95_ms: round(t.queueP95) });
  const conf: Record<string, number | null> = { ...measures(r.configured.summary, pool.model.upstream !== undefined), ...tally(r.comparison.replayed) };
  const what: Record<string, number | null> = { ...measures(r.result.summary, pool.model.upstream !== undefined), ...tally(compare(r.requests, r.result).replayed) };
  const logs: Record<string, number | null> = { requests: r.comparison.requests, ...tally(r.comparison.observed) };
  // the 502 row where nginx's marking makes them ("no live upstreams"); the other pools' 502s are the 5xx
  const order = ['requests', '5xx', ...(pool.model.upstream ? ['502'] : []), '504', '499', 'queued_p50_ms', 'queued_p95_ms', 'queued_max_ms', 'served', 'refused', 'timed_out', 'killed',
    'client_gone', ...(pool.model.upstream ? ['no_live_upstreams'] : []), 'peak_busy_workers', 'peak_backlog', 'peak_memory_mb'];
  const rows = order.map((measure) => ({ measure, logs: logs[measure] ?? null, configured: conf[measure] ?? null, what_if: what[measure] ?? null }));
  return { spec, configured: pool.model, asked, assumptions: pool.assumptions, rows, notToPool: r.notToPool };
}

const MODEL_KEYS: Array<[keyof PoolModel, string]> = [['sockets', 'sockets'], ['workersPerSocket', 'workers per socket'], ['backlog', 'backlog'],
  ['somaxconn', 'somaxconn'], ['killTimeoutMs', 'kill timeout ms'], ['frontTimeoutMs', 'front timeout ms'], ['disableS', 'disable s']];

export function whatIfText(w: WhatIfReport): string {
  const out = [`What if ${termSafe(w.spec)}: the window's requests replayed through the pool (src/diagnose/replay.ts; docs/what-if.md)`, ''];
  out.push(`pool ${termSafe(w.configured.name)}: ${MODEL_KEYS.filter(([k]) => w.configured[k] !== undefined || w.asked[k] !== undefined)
    .map(([k, label]) => `${label} ${w.configured[k] ?? '-'}${w.asked[k] !== w.configured[k] ? ` -> ${w.asked[k] ?? '-'}` : ''}`).join(', ')}`);
  const cu = w.configured.upstream, au = w.asked.upstream;
  if (cu && au) {
    const part = (label: string, a: number, b: number) => `${label} ${a}${a !== b ? ` -> ${b}` : ''}`;
    out.push(`nginx upstream: ${part('max_fails', cu.maxFails, au.maxFails)}, ${part('fail_timeout s', cu.failTimeoutMs / 1000, au.failTimeoutMs / 1000)}`);
  }
  const head = ['measure', 'logs', 'configured', 'what-if'];
  const cells = w.rows.map((r) => [r.measure, r.logs ?? '-', r.configured ?? '-', r.what_if ?? '-'].map(String));
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(width[i]) : x.padStart(width[i]))).join('  ');
  out.push('', line(head), width.map((n) => '-'.repeat(n)).join('  '), ...cells.map(line), '');
  if (w.notToPool) out.push(`${w.notToPool} requests of the window never reached the pool (cache hits, static files) and are not replayed`);
  for (const a of w.assumptions) out.push(`assumed: ${termSafe(a)}`);
  return out.join('\n').trimEnd() + '\n';
}
