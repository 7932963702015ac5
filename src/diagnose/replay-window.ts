// The what-if replay over a window of a database: read the window's edge requests
// (queries/replay-requests.sql), give each an arrival and the service time the backend needed,
// run them through the pool model (replay.ts), and set what the replay says beside what the logs
// show, so the diagnosis can print both and the tests can hold one against the other.
//
// Service times (docs/what-if.md, "Where the service time comes from"):
// 1. the backend's own log of the same request (PHP-FPM's %d, Apache's %D): the time a worker
//    spent, without the queueing in front of it;
// 2. else, for a request the front saw answered, the front's upstream time (nginx
//    $upstream_response_time) or its duration (lighttpd %D, which has no upstream field): these
//    include any queueing inside the backend's accept queue, so they overstate the service of the
//    requests that queued;
// 3. else (refused, timed out, killed, client gone: the log does not say how long it would have
//    run) an estimate from the same route's requests of kind 1 or 2 in the window: the route's
//    service times sorted, read at the quantiles of a golden-ratio sequence (a deterministic
//    stand-in for a resample: the k-th estimate of a route always gets the same value), raised to
//    what the log proves it ran (a request killed at request_terminate_timeout ran at least that;
//    one the front timed out spent at least the timeout queued and running, see calibrate()).
// Calibration (calibrate()) then makes the front-log service times and the bounds agree with the
// queueing the replay itself gives at the configured settings.
import type { DB } from '../store/db.js';
import { runReport } from '../report/runner.js';
import { StampSpreader } from '../query/stamp-spread.js';
import { nearestRank } from '../query/percentile.js';
import { isCounted, simulate, type PoolModel, type ReplayRequest, type ReplayResult } from './replay.js';

export interface ReplayWindowSpec {
  from: number;
  to: number;
  host: string | null;
}

export type ServiceSource = 'backend-log' | 'front-log' | 'estimated';

export interface WindowRequest extends ReplayRequest {
  route: string;
  /** the status the edge logged */
  status: number | null;
  durationMs: number | null;
  serviceSource: ServiceSource;
  /** for a front-log service: the time the front logged (queueing included), which calibration
   *  splits into the replay's queueing and the service */
  frontMs: number | null;
  /** what the log proves it ran at least (killed at the kill timeout), else 0 */
  minServiceMs: number;
  /** the front gave up on it at its read timeout (504; Varnish's 503 after first_byte_timeout):
   *  queueing + service reached at least that, which calibration turns into a service bound */
  frontTimedOut: boolean;
  /** queueing visible in the logs: the front's duration minus the backend's own logged duration
   *  of the same request, for answered requests; null when no backend line pairs with it */
  observedQueueMs: number | null;
}

/** What the logs show and what the replay says, over the requests that went to the pool. */
export interface Comparison {
  requests: number;
  observed: Tally;
  replayed: Tally;
}

export interface Tally {
  s5xx: number;
  s499: number;
  s504: number;
  /** 502s: a refusal, a reset, or nginx's "no live upstreams" */
  s502: number;
  /** queueing over the requests whose queueing the logs show (the same set on both sides) */
  queueN: number;
  queueP50: number | null;
  queueP95: number | null;
}

export interface WindowReplay {
  /** every request replayed, the warm-up before the window included (see `configured.countFromMs`) */
  requests: WindowRequest[];
  /** the replay at the configured values (calibrated), which `comparison` holds against the logs */
  configured: ReplayResult;
  /** requests the edge logged that never reached the pool (cache hits, static files) */
  notToPool: number;
  serviceSources: Record<ServiceSource, number>;
  /** the replay at the what-if values (the configured ones when no what-if was asked) */
  result: ReplayResult;
  comparison: Comparison;
  /** the what-if's 5xx/499/504 and queueing over the same requests as `comparison` */
  whatIf: Tally;
}

interface Row {
  id: number;
  source_id: number;
  ts: number;
  start_ts: number | null;
  end_ts: number | null;
  route: string | null;
  status: number | null;
  duration_ms: number | null;
  upstream_ms: number | null;
  to_backend: number;
  backend_ms: number | null;
}

const GOLDEN = 0.6180339887498949;

/**
 * How long before a window its requests are read to fill the pool first (they are replayed but
 * not counted): a window that starts inside an overload must not start with idle workers and an
 * empty backlog. A minute covers the timeouts of the bundled stories (30 s at most).
 */
export const WARMUP_MS = 60_000;

/** The rows of queries/replay-requests.sql for a window, from `warmupMs` before it. */
export function readReplayRows(db: DB, win: ReplayWindowSpec, warmupMs = 0): Row[] {
  const input: Record<string, string | number> = { from: new Date(win.from - warmupMs).toISOString(), to: new Date(win.to).toISOString() };
  if (win.host !== null) input.host = win.host;
  return runReport(db, 'replay-requests', input, { tz: 'UTC' }).rows as unknown as Row[];
}

/**
 * The backend's outages from the kernel log: each `oom_kill` event of the host in the window
 * (and its warm-up) starts one, which lasts `restartMs` (the supervisor's restart delay:
 * systemd's RestartSec, which no log states). `process` keeps only kills of that task name (the
 * kernel's `task=`/`Killed process N (name)`): on a shared host the OOM killer may pick another
 * process, which takes nothing down. PoolModel.outages takes the result.
 */
export function readOomOutages(db: DB, win: ReplayWindowSpec, restartMs: number, opts: { warmupMs?: number; process?: string } = {}): Array<{ fromMs: number; toMs: number }> {
  const rows = db.prepare(`SELECT ts FROM events WHERE kind = 'oom_kill' AND ts >= ? AND ts < ?
      AND (? IS NULL OR host = ?) AND (? IS NULL OR backend = ?) ORDER BY ts`)
    .all(win.from - (opts.warmupMs ?? 0), win.to, win.host, win.host, opts.process ?? null, opts.process ?? null) as Array<{ ts: number }>;
  return rows.map((r) => ({ fromMs: r.ts, toMs: r.ts + restartMs }));
}

const answered = (status: number | null) => status !== null && status < 500 && status !== 499;

/**
 * The window's requests as the replay takes them. `pool` is the model the requests will be
 * replayed at (its kill timeout sets the lower bound of a killed request's service time).
 */
export function windowRequests(rows: Row[], pool: Pick<PoolModel, 'killTimeoutMs' | 'name' | 'frontTimeoutMs' | 'frontTimeoutStatus'>): { requests: WindowRequest[]; notToPool: number } {
  // Whole-second end stamps (nginx, lighttpd) are spread over their second in log order, as
  // the in-flight reports do (correlate/stamp-spread.ts); start stamps are left as they are.
  const whole = new Set<number>();
  const fractional = new Set<number>();
  for (const r of rows) (r.ts % 1000 === 0 ? whole : fractional).add(r.source_id);
  for (const s of fractional) whole.delete(s);
  const starts = new Map<number, number>();
  const spreader = new StampSpreader(whole, (row: { id: number; source: number; ts: number; start: number | null; end: number | null }, start) => {
    starts.set(row.id, start ?? row.ts);
  });
  for (const r of rows) spreader.push({ id: r.id, source: r.source_id, ts: r.ts, start: r.start_ts, end: r.end_ts });
  spreader.flush();

  const out: WindowRequest[] = [];
  let notToPool = 0;
  for (const r of rows) {
    if (!r.to_backend) { notToPool++; continue; }
    let service: number | null = null;
    let source: ServiceSource = 'estimated';
    if (r.backend_ms !== null) { service = r.backend_ms; source = 'backend-log'; }
    else if (answered(r.status)) { service = r.upstream_ms ?? r.duration_ms; source = 'front-log'; }
    const timeAtFront = r.upstream_ms ?? r.duration_ms;
    const observedQueueMs = answered(r.status) && r.backend_ms !== null && r.duration_ms !== null
      ? Math.max(0, r.duration_ms - r.backend_ms) : null;
    const arrivalMs = starts.get(r.id) ?? r.ts;
    out.push({
      id: r.id, arrivalMs, serviceMs: service ?? 0, pool: pool.name, route: r.route ?? '',
      status: r.status, durationMs: r.duration_ms, serviceSource: source, observedQueueMs,
      frontMs: source === 'front-log' ? service : null,
      // a 499 is a fact of the client, not of the pool: it left when the line says it did
      clientLeavesAtMs: r.status === 499 && r.duration_ms !== null ? arrivalMs + r.duration_ms : undefined,
      frontTimedOut: pool.frontTimeoutMs !== undefined && r.status === (pool.frontTimeoutStatus ?? 504)
        && r.duration_ms !== null && r.duration_ms >= pool.frontTimeoutMs,
      // a request the backend cut at its kill timeout (nginx: 502 after that long) ran at least that
      minServiceMs: timeAtFront !== null && r.status === 502 && pool.killTimeoutMs !== undefined && timeAtFront >= pool.killTimeoutMs
        ? pool.killTimeoutMs + 1 : 0,
    });
  }
  fillEstimates(out, (q) => q.serviceSource !== 'estimated');
  return { requests: out, notToPool };
}

/**
 * Give every request `known` rejects a service time drawn from the known ones of its route (of
 * the window when the route has none): the route's sorted values read at the quantiles of a
 * golden-ratio sequence, the same values on every run; never below what the log proves it ran.
 */
export function fillEstimates(requests: WindowRequest[], known: (q: WindowRequest, i: number) => boolean): void {
  const byRoute = new Map<string, number[]>();
  const all: number[] = [];
  const isKnown = requests.map(known);
  requests.forEach((q, i) => {
    if (!isKnown[i]) return;
    const list = byRoute.get(q.route) ?? [];
    list.push(q.serviceMs);
    byRoute.set(q.route, list);
    all.push(q.serviceMs);
  });
  for (const list of byRoute.values()) list.sort((a, b) => a - b);
  all.sort((a, b) => a - b);
  const seq = new Map<string, number>();
  requests.forEach((q, i) => {
    if (isKnown[i]) return;
    const list = byRoute.get(q.route) ?? all;
    const k = (seq.get(q.route) ?? 0) + 1;
    seq.set(q.route, k);
    const pick = list.length ? list[Math.min(list.length - 1, Math.floor(((k * GOLDEN) % 1) * list.length))] : 0;
    q.serviceMs = Math.max(pick, q.minServiceMs);
  });
}

/** Observed vs replayed counts and queueing over the same requests (those arriving from `countFromMs`). */
export function compare(requests: WindowRequest[], result: ReplayResult, countFromMs = result.countFromMs ?? -Infinity): Comparison {
  const observedQ: number[] = [];
  const replayedQ: number[] = [];
  const obs = { s5xx: 0, s499: 0, s504: 0, s502: 0 };
  const rep = { s5xx: 0, s499: 0, s504: 0, s502: 0 };
  let n = 0;
  requests.forEach((q, i) => {
    if (!isCounted(q, countFromMs)) return;
    n++;
    const o = result.outcomes[i];
    if (q.status !== null && q.status >= 500) obs.s5xx++;
    if (q.status === 499) obs.s499++;
    if (q.status === 504) obs.s504++;
    if (q.status === 502) obs.s502++;
    if (o.status !== null && o.status >= 500) rep.s5xx++;
    if (o.status === 499) rep.s499++;
    if (o.status === 504) rep.s504++;
    if (o.status === 502) rep.s502++;
    if (q.observedQueueMs !== null) {
      observedQ.push(q.observedQueueMs);
      replayedQ.push(o.outcome === 'refused' || o.outcome === 'down' ? 0 : o.queuedMs);
    }
  });
  observedQ.sort((a, b) => a - b);
  replayedQ.sort((a, b) => a - b);
  const tally = (c: typeof obs, q: number[]): Tally => ({ ...c, queueN: q.length, queueP50: nearestRank(q, 50), queueP95: nearestRank(q, 95) });
  return { requests: n, observed: tally(obs, observedQ), replayed: tally(rep, replayedQ) };
}

/** Calibration rounds: with the half steps, the bundled stories settle within 1 % after 3-4. */
export const CALIBRATION_ROUNDS = 6;

/**
 * A front-log service time (lighttpd %D, nginx $upstream_response_time without a backend log)
 * includes the time the request waited in the backend's accept queue. Replaying those as service
 * times overstates the load the pool had. Calibration at the configured values: replay, take the
 * queueing the replay gives each such request off its logged time, replay again; the service
 * times then agree with the model on how the logged time divides.
 */
export function calibrate(requests: WindowRequest[], configured: PoolModel, rounds = CALIBRATION_ROUNDS, countFromMs?: number): ReplayResult {
  const opts = { countFromMs };
  let res = simulate(requests, [configured], opts);
  if (!requests.some((q) => q.frontMs !== null || q.frontTimedOut)) return res;
  for (let k = 0; k < rounds; k++) {
    // A front-log request the replay served: its logged time less the replay's queueing. One the
    // replay refused (it was served in truth, but another arrival got its slot): like the
    // estimated ones, drawn from the calibrated services, never above its logged time.
    const served = res.outcomes.map((o, i) => requests[i].frontMs !== null && o.outcome !== 'refused' && o.outcome !== 'down');
    requests.forEach((q, i) => {
      // half way from the last guess: the full step overshoots (less service, less queueing,
      // more service next round) and the counts swing from round to round
      if (served[i]) q.serviceMs = (q.serviceMs + Math.max(0, q.frontMs! - res.outcomes[i].queuedMs)) / 2;
    });
    // a request the front timed out waited and ran at least the timeout: what the replay did not
    // queue it, it ran
    requests.forEach((q, i) => {
      if (q.frontTimedOut && q.serviceSource === 'estimated' && res.outcomes[i].outcome !== 'refused' && res.outcomes[i].outcome !== 'down') {
        q.minServiceMs = Math.max(q.minServiceMs, configured.frontTimeoutMs! - res.outcomes[i].queuedMs + 1);
      }
    });
    fillEstimates(requests, (q, i) => q.serviceSource === 'backend-log' || served[i]);
    requests.forEach((q) => { if (q.frontMs !== null) q.serviceMs = Math.min(q.serviceMs, q.frontMs); });
    res = simulate(requests, [configured], opts);
  }
  return res;
}

/**
 * Replay one window of `db`: calibrated at the `configured` pool (the settings the logs were
 * written under), held against the logs there, then replayed at `whatIf`: the entry the
 * diagnosis calls for `--what-if`.
 */
export function replayWindow(db: DB, win: ReplayWindowSpec, configured: PoolModel, whatIf: PoolModel = configured, warmupMs = WARMUP_MS): WindowReplay {
  return replayRows(readReplayRows(db, win, warmupMs), configured, whatIf, win.from);
}

/**
 * The same from rows already read (the tests replay one window at several pool sizes). Rows
 * starting before `countFromMs` are the warm-up: replayed, not counted.
 */
export function replayRows(rows: Row[], configured: PoolModel, whatIf: PoolModel = configured, countFromMs?: number): WindowReplay {
  const { requests } = windowRequests(rows, configured);
  // The window's requests are those the SQL would select without the warm-up: by their logged
  // start, not by the arrival after stamp spreading, which can cross the window's edge.
  const from = countFromMs ?? -Infinity;
  const inWindow = (r: Row) => (r.start_ts ?? r.ts) >= from;
  const notToPool = rows.filter((r) => !r.to_backend && inWindow(r)).length;
  const byId = new Map(rows.map((r) => [r.id, r]));
  if (countFromMs !== undefined) for (const q of requests) q.counted = inWindow(byId.get(q.id)!);
  const base = calibrate(requests, configured, CALIBRATION_ROUNDS, countFromMs);
  // the what-if keeps the calibrated services and the requests' own pool name
  const result = whatIf === configured ? base : simulate(requests, [{ ...whatIf, name: configured.name }], { countFromMs });
  const serviceSources: Record<ServiceSource, number> = { 'backend-log': 0, 'front-log': 0, estimated: 0 };
  for (const q of requests) if (isCounted(q, from)) serviceSources[q.serviceSource]++;
  const comparison = compare(requests, base, countFromMs);
  const whatIfTally = result === base ? comparison.replayed : compare(requests, result, countFromMs).replayed;
  return { requests, notToPool, serviceSources, configured: base, result, comparison, whatIf: whatIfTally };
}

export type { Row as ReplayRow };
