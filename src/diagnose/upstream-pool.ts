// The pool of an nginx proxy in front of several upstream servers (`upstream { server ...; }`), as
// the what-if replay models it: one socket per server, nginx's round robin and its marking of
// failed servers (nginx-upstream.ts). nginx's config names the servers, not the workers behind
// each: those come from the user (--backend-workers), else from the most requests the access log
// shows in flight to one server at a time in the window, which is an estimate (requests waiting in
// a server's accept queue count as in flight too) and is said so in the output.
import type { DB } from '../store/db.js';
import { durationMs } from '../config/values.js';
import { StampSpreader } from '../query/stamp-spread.js';
import { InflightSweeps } from '../query/inflight.js';
import { upstreamFromServers } from './nginx-upstream.js';
import type { ConfiguredPool } from './pool-model.js';
import type { PoolModel } from './replay.js';
import type { Facts, Setting } from './types.js';
import { setting } from './rules/common.js';
import { somaxconn } from './rules/backlog.js';

/** The listen backlog of a server nginx proxies to is in no nginx config: 511 assumed, as
 *  docs/what-if.md does for story 2 (the replay is insensitive to it there: nothing is refused). */
const ASSUMED_BACKLOG = 511;

/** The upstream block the proxy passes to: the one `proxy_pass http://NAME` names, else the only one. */
function upstreamServers(f: Facts): { name: string; servers: Setting[] } | null {
  const byScope = new Map<string, Setting[]>();
  for (const s of f.settings) {
    if (s.server !== 'nginx' || s.name !== 'server' || !s.scope.startsWith('upstream:') || !s.active || s.value === null) continue;
    byScope.set(s.scope, [...(byScope.get(s.scope) ?? []), s]);
  }
  const pass = setting(f, 'nginx', 'proxy_pass')?.value ?? '';
  const named = /^https?:\/\/([^/:$\s]+)/.exec(pass)?.[1];
  const scope = named !== undefined && byScope.has(`upstream:${named}`) ? `upstream:${named}` : byScope.size === 1 ? [...byScope.keys()][0] : null;
  if (scope === null) return null;
  return { name: scope.slice('upstream:'.length), servers: byScope.get(scope)! };
}

/**
 * The most requests in flight to one upstream address at a time in the window, from the access
 * log's $upstream_addr and $upstream_response_time: each request from its start for its upstream
 * time, swept by query/inflight.ts. Requests nginx answered itself ("no live upstreams": the
 * upstream's name, not an address) are left out; a request that tried several servers counts at
 * the last one (the row's upstream_addr) for the sum of its tries. Each try at its own server
 * (inflight.ts attemptSpans, as the rollups' per-upstream series do) would be closer, but gives
 * other estimates (story 2: 15 and 16 instead of 14 and 10), so it is left for a change of its own.
 */
export function peakInFlightPerServer(db: DB, f: Facts, addresses: string[]): Map<string, number> {
  // every request of the window in log order: the whole-second end stamps of a second are spread
  // over it by their place among all the lines of that second (query/stamp-spread.ts), else
  // the requests of a second all seem to overlap
  const rows = db.prepare(`SELECT id, source_id AS source, ts, start_ts AS start, end_ts AS "end", upstream_addr AS addr, upstream_ms AS ms
      FROM requests WHERE coalesce(start_ts, ts) >= ? AND coalesce(start_ts, ts) < ? AND (? IS NULL OR host = ?) ORDER BY id`)
    .all(f.window.from, f.window.to, f.window.host, f.window.host) as Array<{ id: number; source: number; ts: number; start: number | null; end: number | null; addr: string | null; ms: number | null }>;
  const fractional = new Set(rows.filter((r) => r.ts % 1000 !== 0).map((r) => r.source));
  const whole = new Set(rows.map((r) => r.source).filter((s) => !fractional.has(s)));
  const wanted = new Set(addresses);
  const sweeps = new InflightSweeps();
  const spreader = new StampSpreader(whole, (r: (typeof rows)[number], start) => {
    // in flight from when the request was handed to the server until the server had answered
    if (r.addr !== null && wanted.has(r.addr) && r.ms !== null && start !== null) sweeps.add(r.addr, start, start + r.ms);
  });
  for (const r of rows) spreader.push(r);
  spreader.flush();
  const peaks = sweeps.peaks();
  return new Map(addresses.map((a) => [a, peaks.get(a) ?? 0]));
}

/**
 * nginx balancing several upstream servers, or null when the config names fewer than two (one
 * server is never marked down: nginx's single-server rule). `backendWorkers`: the workers behind
 * each server, when the user knows them.
 */
export function nginxUpstreamPool(db: DB, f: Facts, backendWorkers?: number): ConfiguredPool | null {
  const up = upstreamServers(f);
  if (!up || up.servers.length < 2) return null;
  const lines = up.servers.map((s) => s.value!);
  const next = setting(f, 'nginx', 'proxy_next_upstream')?.value ?? 'error timeout';
  const upstream = upstreamFromServers(lines, next);
  const assumptions: string[] = [];
  let workers = backendWorkers;
  if (workers === undefined) {
    const addresses = lines.map((l) => l.trim().split(/\s+/)[0]);
    const peaks = peakInFlightPerServer(db, f, addresses);
    const most = Math.max(0, ...peaks.values());
    // a server named by host name is logged by its resolved address: nothing to estimate from
    if (most < 1) return null;
    workers = most;
    assumptions.push(`workers per server: ${workers}, from the peak in flight to each (${[...peaks].map(([a, n]) => `${a} ${n}`).join(', ')}); give --backend-workers to set it`);
  } else assumptions.push(`workers per server: ${workers} (--backend-workers)`);
  assumptions.push(`the servers' listen backlog is in no nginx config: ${ASSUMED_BACKLOG} assumed`);
  const read = setting(f, 'nginx', 'proxy_read_timeout');
  const model: PoolModel = {
    name: up.name, sockets: lines.length, workersPerSocket: workers, backlog: ASSUMED_BACKLOG, somaxconn: somaxconn(f).value,
    // nginx answers a refused connect with 502, its own read timeout with 504, no live server with 502
    refusedStatus: 502, frontTimeoutMs: durationMs(read?.value ?? null, 'nginx') ?? 60_000, frontTimeoutStatus: 504, upstream,
  };
  return { model, assumptions };
}
