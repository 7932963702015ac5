// The what-if replay: a window's requests, with their arrival times and the service times the
// backend needed, run through a model of a worker pool (N workers per socket, an accept backlog
// of B per socket, the timeouts of the layers in front and behind). Pure and synchronous: the
// numbers come in, outcomes and a summary go out; reading the database is replay-window.ts.
//
// The model (docs/what-if.md says why each choice is what the servers do):
// - one FIFO accept queue per socket; an idle worker takes the oldest connection at once;
// - Linux admits backlog + 1 connections into a listening socket's queue before connect()
//   fails with EAGAIN (unix sockets) or the SYN is dropped, so a queue holds B + 1;
// - a full queue answers at once: the front logs a refusal (nginx 502, lighttpd 503); over TCP
//   (PoolModel.connectTimeoutMs) the SYN is dropped and sent again 1 s, 3 s, 7 s ... later until
//   the front's connect timeout gives up (nginx 504);
// - several sockets (lighttpd max-procs: one socket per proc, each with its own children and
//   backlog) are balanced as lighttpd does in mod_fastcgi (1.4.45) and gw_backend (1.4.69):
//   the running proc with the least load (requests assigned to it, queued or served), the first
//   one on ties. 1.4.45 (PoolModel.disableS set): a proc whose connect() failed with EAGAIN is
//   disabled until the whole-second clock passes now + disable-time and the request is retried
//   on another proc (at most 5 reconnects); with no proc running the answer is 503. 1.4.46+
//   (disableS absent): no proc is disabled, a request the least-loaded proc cannot queue is
//   refused (500 after its retries);
// - a front that gives up (proxy/fastcgi read timeout -> 504, the client -> 499) does not free
//   the worker: the backend still runs the request for nobody (it is in the queue or running);
// - the backend's kill timeout (request_terminate_timeout) ends a request after that long in a
//   worker: the front sees the connection reset (502) and the worker is free again;
// - outages (PoolModel.outages: the backend killed, e.g. by the OOM killer, until restarted):
//   connections are refused at once (502), requests queued or running when it dies are reset;
// - nginx balancing several upstream servers (PoolModel.upstream; one socket per server):
//   ngx_http_upstream_round_robin.c's passive health check. A request that fails on a server
//   (the front's read timeout, a reset, a refused connect) adds one to its `fails` and sets its
//   `accessed` and `checked` to now (whole seconds, ngx_time()); a server with fails >= max_fails
//   is skipped while now - checked <= fail_timeout; picking a server more than fail_timeout after
//   its `checked` moves `checked` to now, and an answer after that (accessed < checked) sets
//   fails back to 0. The live servers take turns (smooth weighted round robin, weight 1; a
//   failure lowers effective_weight by weight / max_fails). With none live the request gets 502
//   at once ("no live upstreams"). max_fails=0 never marks; one server alone is never marked;
// - no CPU contention: a service time is what the request took as logged, whatever else ran.
import { nearestRank } from '../query/percentile.js';

export interface ReplayRequest {
  /** the caller's key for the request (a requests.id) */
  id: number;
  /** epoch ms at which the front handed it to the pool */
  arrivalMs: number;
  /** ms a worker needs for it (as logged, or estimated: see replay-window.ts) */
  serviceMs: number;
  /** which pool (PoolModel.name) serves it; the first pool when absent */
  pool?: string;
  /** epoch ms at which this client went away whatever the pool did (a logged 499: the load
   *  generator stopped, the user closed the tab); an answer later than this is a 499 */
  clientLeavesAtMs?: number;
  /** the nginx worker process that took it (PoolModel.upstream): each keeps its own state of the
   *  upstream servers, as nginx does without a `zone` in the upstream; absent: one state */
  frontWorker?: number;
  /** false: replayed to fill the pool, left out of the summary (a warm-up request); when absent,
   *  a request counts if it arrives from SimulateOptions.countFromMs on */
  counted?: boolean;
}

export interface PoolModel {
  name: string;
  /** listening sockets: 1 for a PHP-FPM pool; lighttpd max-procs (one socket per proc) */
  sockets: number;
  /** workers behind each socket: pm.max_children, PHP_FCGI_CHILDREN, MaxRequestWorkers */
  workersPerSocket: number;
  /** listen backlog of each socket as configured */
  backlog: number;
  /** net.core.somaxconn: the kernel silently caps every listen backlog at it */
  somaxconn?: number;
  /** status the front answers a refused request with: nginx 502 (EAGAIN), lighttpd 503 */
  refusedStatus: number;
  /** A TCP backend (connect() over TCP, not a unix socket): a full accept queue makes the
   *  kernel drop the SYN instead of refusing it, the client's kernel sends it again after 1 s,
   *  3 s, 7 s ... (SYN_RTO_MS, doubling), and the front gives up after this many ms
   *  (proxy_connect_timeout, Varnish connect_timeout) with `refusedStatus` (nginx 504). Absent:
   *  a full queue answers at once (a unix socket's EAGAIN: nginx 502). */
  connectTimeoutMs?: number;
  /** Times the backend was not running (killed by the OOM killer, until its supervisor started
   *  it again), epoch ms, [fromMs, toMs): a connection in it is refused at once (ECONNREFUSED:
   *  nginx 502, `outageStatus`), and a request queued or running when one starts is reset then
   *  (nginx "upstream prematurely closed" / "Connection reset by peer": 502, outcome killed). */
  outages?: Array<{ fromMs: number; toMs: number }>;
  outageStatus?: number;
  /** nginx in front of several upstream servers (the sockets): its round robin and its marking
   *  of failed servers (max_fails, fail_timeout; see the model above). Absent: lighttpd's
   *  least-load balancing (or a single socket). */
  upstream?: UpstreamModel;
  /** lighttpd disable-time in seconds: a proc whose queue was full rests this long; undefined =
   *  no disabling (a single socket refuses each request on its own) */
  disableS?: number;
  /** the front's read timeout from the hand-over (fastcgi_read_timeout, proxy_read_timeout,
   *  Varnish first_byte_timeout): the client gets 504 (Varnish 503) */
  frontTimeoutMs?: number;
  frontTimeoutStatus?: number;
  /** the client gives up after this long: 499 in nginx */
  clientTimeoutMs?: number;
  /** request_terminate_timeout: the backend kills a request after this long in a worker */
  killTimeoutMs?: number;
  killedStatus?: number;
  /** PHP-FPM `pm = dynamic` (single-socket pools): the pool starts with `start` children and the
   *  master adjusts them once a second as fpm_process_ctl.c does: fewer idle than `minSpare` forks
   *  min(spawn rate, minSpare - idle, max - total) and doubles the rate (up to `maxSpawnRate`,
   *  pm.max_spawn_rate, default 32); more idle than `maxSpare` kills one idle child. Absent: all
   *  workers are there from the start (pm = static, lighttpd's and Apache's fixed pools). */
  dynamic?: { start: number; minSpare: number; maxSpare: number; maxSpawnRate?: number };
  /** RSS of one busy worker and of each master process (one per socket for lighttpd procs) */
  workerRssBytes?: number;
  masterRssBytes?: number;
  masters?: number;
}

export interface UpstreamModel {
  /** failures that mark a server down (nginx `max_fails`, default 1); 0: never marked */
  maxFails: number;
  /** nginx `fail_timeout` (default 10 s): how long a marked server is skipped; whole seconds */
  failTimeoutMs: number;
  /** the status of "no live upstreams" (nginx 502) */
  noLiveStatus?: number;
  /** proxy_next_upstream `error` / `timeout`: a refused connect / a read timeout is tried again on
   *  the next live server not tried yet (nginx's default is `error timeout`). Whatever it says,
   *  nginx counts both as failures of the server (ngx_http_upstream_next: NGX_PEER_FAILED). */
  nextOnError?: boolean;
  nextOnTimeout?: boolean;
}

/** `down`: the backend was not running (PoolModel.outages), not a refusal by a full pool */
export type Outcome = 'served' | 'refused' | 'timed_out' | 'client_gone' | 'killed' | 'down';

export interface RequestOutcome {
  id: number;
  outcome: Outcome;
  /** the status the front would log */
  status: number | null;
  /** ms between arrival and a worker taking it (0 when refused) */
  queuedMs: number;
  /** socket (proc) index it was queued on, -1 when refused */
  socket: number;
  /** epoch ms at which the worker was freed again (null when refused) */
  workerFreeMs: number | null;
}

export interface ReplaySummary {
  requests: number;
  byOutcome: Record<Outcome, number>;
  /** queueing of the requests that got a worker (ms) */
  queuedP50: number;
  queuedP95: number;
  queuedMax: number;
  peakBusyWorkers: number;
  peakBacklog: number;
  /** peak of busy workers x worker RSS, plus the masters (bytes); null without an RSS */
  peakMemoryBytes: number | null;
}

export interface ReplayResult {
  outcomes: RequestOutcome[];
  summary: ReplaySummary;
  /** the summary's start (SimulateOptions.countFromMs), for whoever counts the outcomes again */
  countFromMs?: number;
}

/** Linux's initial SYN retransmission timeout (TCP_TIMEOUT_INIT, 1 s); each retry doubles it */
export const SYN_RTO_MS = 1000;

/** ms from the first SYN to the n-th retransmission (n >= 1): 1 s, 3 s, 7 s, 15 s ... */
export function synRetryOffsetMs(n: number): number {
  return SYN_RTO_MS * (2 ** n - 1);
}

/** Whether the backend is down at `t` (PoolModel.outages). */
function inOutage(pool: PoolModel, t: number): boolean {
  return pool.outages?.some((o) => t >= o.fromMs && t < o.toMs) ?? false;
}

/** The first outage start in [t, t + ranMs) (the backend dies under the request), else null. */
function outageStartIn(pool: PoolModel, t: number, ranMs: number): number | null {
  let first: number | null = null;
  for (const o of pool.outages ?? []) {
    if (o.fromMs >= t && o.fromMs < t + ranMs && (first === null || o.fromMs < first)) first = o.fromMs;
    // taken inside an outage (queued when it died): reset at once
    if (t >= o.fromMs && t < o.toMs) return t;
  }
  return first;
}

/**
 * nginx's ngx_http_upstream_get_peer over `socks` at whole second `nowS`: skip the servers marked
 * down (fails >= max_fails and now - checked <= fail_timeout), raise each other one's current
 * weight by its effective weight, take the highest (the first on ties), lower it by the total.
 * -1 when none is live. `tried`: a bit per server this request tried already (skipped). A server picked more than fail_timeout after its last check is checked now.
 */
export function nginxPick(socks: Array<{ fails: number; checkedS: number; currentWeight: number; effectiveWeight: number }>, up: UpstreamModel, nowS: number, tried = 0): number {
  const failTimeoutS = up.failTimeoutMs / 1000;
  let best = -1;
  let total = 0;
  socks.forEach((p, s) => {
    if (tried & (1 << s)) return;
    if (up.maxFails > 0 && p.fails >= up.maxFails && nowS - p.checkedS <= failTimeoutS) return;
    p.currentWeight += p.effectiveWeight;
    total += p.effectiveWeight;
    if (p.effectiveWeight < 1) p.effectiveWeight++;
    if (best === -1 || p.currentWeight > socks[best].currentWeight) best = s;
  });
  if (best === -1) return -1;
  socks[best].currentWeight -= total;
  if (nowS - socks[best].checkedS > failTimeoutS) socks[best].checkedS = nowS;
  return best;
}

/** lighttpd retries a request on another proc at most this often (gw_backend.c: reconnects++ < 5) */
export const MAX_RECONNECTS = 5;

interface Socket {
  busy: number;
  alive: number;   // workers that exist: workersPerSocket, or pm = dynamic's current children
  queue: number[]; // indices into the request array, FIFO
  load: number;    // assigned: queued + busy (lighttpd's proc->load)
  disabledUntilS: number; // whole-second clock; running when the second is past it
}

/** nginx's state of one upstream server (PoolModel.upstream): ngx_http_upstream_rr_peer_t's fields */
interface Peer {
  fails: number;
  accessedS: number;
  checkedS: number;
  currentWeight: number;
  effectiveWeight: number;
}

/** A min-heap of worker completions: [time, request index, socket]. */
class Completions {
  private h: Array<[number, number, number]> = [];
  get size(): number { return this.h.length; }
  peek(): [number, number, number] | undefined { return this.h[0]; }
  push(x: [number, number, number]): void {
    const h = this.h;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  pop(): [number, number, number] {
    const h = this.h;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && less(h[l], h[m])) m = l;
        if (r < h.length && less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
const less = (a: [number, number, number], b: [number, number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/** Whether a request is in the summary: its own flag, else its arrival against countFromMs. */
export function isCounted(r: ReplayRequest, countFromMs = -Infinity): boolean {
  return r.counted ?? r.arrivalMs >= countFromMs;
}

export interface SimulateOptions {
  /** epoch ms from which the summary counts: earlier requests only fill the pool (a warm-up, so
   *  a window that starts in the middle of an overload does not start with an empty pool) */
  countFromMs?: number;
}

/**
 * Replay `requests` (any order) through `pools`. Requests naming no pool, or a pool not given, go
 * to the first pool. Deterministic: ties in time are broken by arrival order, then input order.
 * Every request gets an outcome; the summary covers those arriving from `countFromMs` on.
 */
export function simulate(requests: ReplayRequest[], pools: PoolModel[], opts: SimulateOptions = {}): ReplayResult {
  const countFrom = opts.countFromMs ?? -Infinity;
  if (!pools.length) throw new Error('simulate: no pool model given');
  for (const p of pools) {
    if (!(p.sockets >= 1 && p.workersPerSocket >= 1 && p.backlog >= 0)) {
      throw new Error(`simulate: pool ${p.name} needs sockets >= 1, workers >= 1, backlog >= 0`);
    }
  }
  const order = requests.map((_, i) => i).sort((a, b) => requests[a].arrivalMs - requests[b].arrivalMs || a - b);
  const poolIdx = new Map(pools.map((p, i) => [p.name, i]));
  const state = pools.map((p) => Array.from({ length: p.sockets }, (): Socket => ({
    busy: 0, queue: [], load: 0, disabledUntilS: -Infinity,
    alive: p.dynamic ? Math.min(p.workersPerSocket, Math.max(1, p.dynamic.start)) : p.workersPerSocket,
  })));
  // pm = dynamic: the master's once-a-second maintenance, from the first arrival's second on
  const dynamicPools = pools.map((p, i) => [p, i] as const).filter(([p]) => p.dynamic && p.sockets === 1);
  const spawnRate = pools.map(() => 1);
  const firstArrival = order.length ? requests[order[0]].arrivalMs : 0;
  let nextTick = dynamicPools.length ? Math.floor(firstArrival / 1000) * 1000 + 1000 : Infinity;
  const outcomes: RequestOutcome[] = requests.map((r) => ({ id: r.id, outcome: 'served', status: null, queuedMs: 0, socket: -1, workerFreeMs: null }));
  const poolOf = requests.map((r) => poolIdx.get(r.pool ?? '') ?? 0);
  const done = new Completions();
  // nginx's marking: the moments a request may fail its upstream server ([time, request,
  // socket]), checked in time order with the completions; a request fails a server once at most
  const failChecks = new Completions();
  // per request: the servers it tried and failed (bit per socket), and when its current try began
  const triedMask = new Uint32Array(requests.length);
  const failedMask = new Uint32Array(requests.length);
  const tryFrom = requests.map((r) => r.arrivalMs);
  const marks = (p: number) => pools[p].upstream !== undefined && pools[p].sockets > 1;
  // the servers' state as the nginx worker process that took request i keeps it
  const peerSets = pools.map(() => new Map<number, Peer[]>());
  const peersOf = (i: number): Peer[] => {
    const p = poolOf[i];
    const f = requests[i].frontWorker ?? 0;
    let ps = peerSets[p].get(f);
    if (!ps) {
      ps = Array.from({ length: pools[p].sockets }, (): Peer => ({ fails: 0, accessedS: 0, checkedS: 0, currentWeight: 0, effectiveWeight: 1 }));
      peerSets[p].set(f, ps);
    }
    return ps;
  };
  let busyAll = 0, queuedAll = 0, peakBusy = 0, peakBacklog = 0;
  // Memory of the busy workers now and at its peak (pools may differ in worker RSS).
  const rss = pools.map((p) => p.workerRssBytes ?? 0);
  let memNow = 0, peakMem = 0;

  // A worker takes request i at time t: its outcome follows from how long it queued and ran.
  const start = (i: number, s: number, t: number) => {
    const pool = pools[poolOf[i]];
    const r = requests[i];
    const sock = state[poolOf[i]][s];
    sock.busy++;
    busyAll++;
    if (busyAll > peakBusy && t >= countFrom) peakBusy = busyAll;
    memNow += rss[poolOf[i]];
    if (memNow > peakMem && t >= countFrom) peakMem = memNow;
    let killed = pool.killTimeoutMs !== undefined && r.serviceMs > pool.killTimeoutMs;
    let ran = killed ? pool.killTimeoutMs! : r.serviceMs;
    let killedStatus = pool.killedStatus ?? 502;
    // the backend dies while this request waits or runs: reset when the outage starts (a request
    // taken at an outage's very start was queued when it died)
    const cut = outageStartIn(pool, t, ran);
    if (cut !== null) { killed = true; ran = cut - t; killedStatus = pool.outageStatus ?? 502; }
    // nginx tried request i again elsewhere: this worker runs the earlier try for nobody
    if (marks(poolOf[i]) && outcomes[i].socket !== s) { done.push([t + ran, i, s]); return; }
    // the current try's wait and answer (a retry's from its hand-over to this server)
    const queued = t - tryFrom[i];
    const answerAfter = queued + ran;
    const o = outcomes[i];
    o.queuedMs = queued;
    o.socket = s;
    o.workerFreeMs = t + ran;
    // Whichever layer gives up first decides what the client saw.
    const limits: Array<[number, Outcome, number | null]> = [];
    if (pool.clientTimeoutMs !== undefined) limits.push([pool.clientTimeoutMs, 'client_gone', 499]);
    if (r.clientLeavesAtMs !== undefined) limits.push([r.clientLeavesAtMs - tryFrom[i], 'client_gone', 499]);
    if (pool.frontTimeoutMs !== undefined) limits.push([pool.frontTimeoutMs, 'timed_out', pool.frontTimeoutStatus ?? 504]);
    limits.sort((a, b) => a[0] - b[0]);
    const first = limits.find(([ms]) => answerAfter > ms);
    if (first) { o.outcome = first[1]; o.status = first[2]; }
    else if (killed) { o.outcome = 'killed'; o.status = killedStatus; }
    else { o.outcome = 'served'; o.status = null; }
    // nginx sees the reset when the worker lets go (the read timeout is checked at placement)
    if (o.outcome === 'killed' && marks(poolOf[i])) failChecks.push([t + ran, i, s]);
    done.push([t + ran, i, s]);
  };

  const finish = () => {
    const [t, i, s] = done.pop();
    const sock = state[poolOf[i]][s];
    sock.busy--;
    sock.load--;
    busyAll--;
    memNow -= rss[poolOf[i]];
    // an answer to nginx: a server picked after its fail_timeout was over is live again
    if (marks(poolOf[i]) && outcomes[i].socket === s && outcomes[i].outcome === 'served') {
      const peer = peersOf(i)[s];
      if (peer.accessedS < peer.checkedS) peer.fails = 0;
    }
    if (sock.busy < sock.alive) {
      const next = sock.queue.shift();
      if (next !== undefined) {
        queuedAll--;
        start(next, s, t);
      }
    }
  };

  const tick = () => {
    const t = nextTick;
    nextTick += 1000;
    for (const [pool, p] of dynamicPools) {
      const d = pool.dynamic!;
      const sock = state[p][0];
      const idle = sock.alive - sock.busy;
      if (idle > d.maxSpare) { sock.alive--; spawnRate[p] = 1; continue; }
      if (idle < d.minSpare) {
        if (sock.alive >= pool.workersPerSocket) { spawnRate[p] = 1; continue; } // "server reached pm.max_children"
        const fork = Math.min(spawnRate[p], d.minSpare - idle, pool.workersPerSocket - sock.alive);
        sock.alive += fork;
        if (spawnRate[p] < (d.maxSpawnRate ?? 32)) spawnRate[p] *= 2;
        while (sock.busy < sock.alive && sock.queue.length) {
          queuedAll--;
          start(sock.queue.shift()!, 0, t);
        }
        continue;
      }
      spawnRate[p] = 1;
    }
  };

  // A request failed its server at `t` (free_peer with NGX_PEER_FAILED): one more fail, and
  // accessed = checked = now.
  const failPeer = (i: number, s: number, t: number) => {
    const up = pools[poolOf[i]].upstream!;
    const peer = peersOf(i)[s];
    const nowS = Math.floor(t / 1000);
    peer.fails++;
    peer.accessedS = nowS;
    peer.checkedS = nowS;
    if (up.maxFails > 0) peer.effectiveWeight = Math.max(0, peer.effectiveWeight - Math.floor(1 / up.maxFails));
  };

  // Did request i fail its server by `t`? Not yet taken by a worker at the read timeout (and the
  // client still there), timed out, or reset by the backend. A timeout is then tried on the next
  // live server (proxy_next_upstream timeout), or answered 502 when none is live.
  const failCheck = () => {
    const [t, i, s] = failChecks.pop();
    const o = outcomes[i];
    if (o.socket !== s || failedMask[i] & (1 << s)) return;
    const r = requests[i];
    const waiting = o.workerFreeMs === null && !(r.clientLeavesAtMs !== undefined && r.clientLeavesAtMs <= t);
    if (!(waiting || o.outcome === 'timed_out' || o.outcome === 'killed')) return;
    failedMask[i] |= 1 << s;
    failPeer(i, s, t);
    const pool = pools[poolOf[i]];
    if (o.outcome === 'killed' || !pool.upstream!.nextOnTimeout) {
      // a request timed out in the queue has no outcome yet
      if (waiting) { o.outcome = 'timed_out'; o.status = pool.frontTimeoutStatus ?? 504; }
      return;
    }
    place(i, t);
  };

  // nginx hands request i (again) to the next live server it has not tried, at `t`: a worker,
  // the accept queue, or a refused connect (an error, tried again when proxy_next_upstream says
  // `error`); 502 at once when no server is live. Returns nothing: the outcome is set.
  const place = (i: number, t: number): void => {
    const p = poolOf[i];
    const pool = pools[p];
    const socks = state[p];
    const o = outcomes[i];
    const capacity = Math.min(pool.backlog, pool.somaxconn ?? Infinity) + 1;
    for (;;) {
      const pick = nginxPick(peersOf(i), pool.upstream!, Math.floor(t / 1000), triedMask[i]);
      if (pick === -1) {
        // every server tried: the last try's own answer stands (nginx: tries exhausted)
        if (triedMask[i] && socks.every((_, k) => triedMask[i] & (1 << k))) {
          if (o.workerFreeMs === null && o.outcome === 'served') { o.outcome = 'timed_out'; o.status = pool.frontTimeoutStatus ?? 504; }
          return;
        }
        o.outcome = 'down';
        o.status = pool.upstream!.noLiveStatus ?? 502;
        return;
      }
      triedMask[i] |= 1 << pick;
      tryFrom[i] = t;
      o.socket = pick;
      o.workerFreeMs = null;
      o.outcome = 'served';
      o.status = null;
      const sock = socks[pick];
      if (pool.frontTimeoutMs !== undefined) failChecks.push([t + pool.frontTimeoutMs, i, pick]);
      if (sock.busy < sock.alive) { sock.load++; start(i, pick, t); return; }
      if (sock.queue.length < capacity) {
        sock.load++;
        sock.queue.push(i);
        queuedAll++;
        if (queuedAll > peakBacklog && t >= countFrom) peakBacklog = queuedAll;
        return;
      }
      // a full accept queue: connect() fails, an error nginx counts against the server
      failedMask[i] |= 1 << pick;
      failPeer(i, pick, t);
      o.outcome = 'refused';
      o.status = pool.refusedStatus;
      if (!pool.upstream!.nextOnError) return;
    }
  };

  // Completions, nginx's failure checks and maintenance ticks up to time `t`, in time order.
  const advance = (t: number) => {
    for (;;) {
      const c = done.size ? done.peek()![0] : Infinity;
      const f = failChecks.size ? failChecks.peek()![0] : Infinity;
      if (f <= t && f <= c && f <= nextTick) failCheck();
      else if (c <= t && c <= nextTick) finish();
      else if (nextTick <= t) tick();
      else return;
    }
  };

  // Connection attempts in time order: each arrival, and the SYNs a TCP client's kernel sends
  // again after a full accept queue dropped one (PoolModel.connectTimeoutMs). The heap orders
  // them by time, then request index, as the arrival order does ([time, request, attempt]).
  const attempts = new Completions();
  for (const i of order) attempts.push([requests[i].arrivalMs, i, 0]);
  while (attempts.size) {
    const [t, i, synAttempt] = attempts.pop();
    const r = requests[i];
    advance(t);
    const p = poolOf[i];
    const pool = pools[p];
    const socks = state[p];
    const nowS = Math.floor(t / 1000);
    const capacity = Math.min(pool.backlog, pool.somaxconn ?? Infinity) + 1;
    if (inOutage(pool, t)) {
      // nothing listens: connect() is refused at once, no retry
      outcomes[i].outcome = 'down';
      outcomes[i].status = pool.outageStatus ?? 502;
      continue;
    }
    if (marks(p)) { place(i, t); continue; }
    let placed = false;
    for (let attempt = 0; attempt <= MAX_RECONNECTS && !placed; attempt++) {
      // lighttpd: the first running proc, replaced by any later one with a strictly lower load.
      let pick = -1;
      for (let s = 0; s < socks.length; s++) {
        if (nowS <= socks[s].disabledUntilS) continue;
        if (pick === -1 || socks[s].load < socks[pick].load) pick = s;
      }
      if (pick === -1) break; // no proc running: "all handlers ... are down" -> 503
      const sock = socks[pick];
      if (sock.busy < sock.alive) {
        sock.load++;
        start(i, pick, t);
        placed = true;
      } else if (sock.queue.length < capacity) {
        sock.load++;
        sock.queue.push(i);
        queuedAll++;
        if (queuedAll > peakBacklog && t >= countFrom) peakBacklog = queuedAll;
        outcomes[i].socket = pick;
        placed = true;
      } else if (pool.disableS != null) {
        sock.disabledUntilS = nowS + pool.disableS;
      } else {
        break; // one socket, no balancer: refused
      }
    }
    if (placed) continue;
    if (pool.connectTimeoutMs !== undefined) {
      // The SYN was dropped: the client's kernel sends it again one RTO later (1 s, then doubling)
      // unless the front's connect timeout ends the attempt first; a client that left before the
      // front gave up is a 499.
      const retryAt = r.arrivalMs + synRetryOffsetMs(synAttempt + 1);
      const giveUpAt = r.arrivalMs + pool.connectTimeoutMs;
      if (retryAt < giveUpAt) { attempts.push([retryAt, i, synAttempt + 1]); continue; }
      if (r.clientLeavesAtMs !== undefined && r.clientLeavesAtMs < giveUpAt) {
        outcomes[i].outcome = 'client_gone';
        outcomes[i].status = 499;
        continue;
      }
    }
    outcomes[i].outcome = 'refused';
    outcomes[i].status = pool.refusedStatus;
  }
  // the rest of the completions, and the maintenance ticks among them (queued requests may wait
  // for pm = dynamic's next children)
  const anyQueued = () => state.some((socks) => socks.some((x) => x.queue.length > 0));
  while (done.size || (nextTick !== Infinity && anyQueued())) {
    advance(Math.min(done.size ? done.peek()![0] : Infinity, nextTick));
  }

  const byOutcome: Record<Outcome, number> = { served: 0, refused: 0, timed_out: 0, client_gone: 0, killed: 0, down: 0 };
  const queued: number[] = [];
  let counted = 0;
  outcomes.forEach((o, i) => {
    if (!isCounted(requests[i], countFrom)) return;
    counted++;
    byOutcome[o.outcome]++;
    if (o.outcome !== 'refused' && o.outcome !== 'down') queued.push(o.queuedMs);
  });
  queued.sort((a, b) => a - b);
  const anyRss = pools.some((p) => p.workerRssBytes !== undefined);
  const masters = pools.reduce((n, p) => n + (p.masters ?? 1) * (p.masterRssBytes ?? 0), 0);
  return {
    outcomes,
    ...(opts.countFromMs !== undefined ? { countFromMs: opts.countFromMs } : {}),
    summary: {
      requests: counted,
      byOutcome,
      queuedP50: nearestRank(queued, 50) ?? 0,
      queuedP95: nearestRank(queued, 95) ?? 0,
      queuedMax: queued.length ? queued[queued.length - 1] : 0,
      peakBusyWorkers: peakBusy,
      peakBacklog,
      peakMemoryBytes: anyRss ? peakMem + masters : null,
    },
  };
}
