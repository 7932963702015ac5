// Event kinds grouped into the four markers the timeline draws on their buckets. One letter
// per class so the strip stays readable without colour (NO_COLOR) and in a pasted capture.
export type MarkerClass = 'overload' | 'pool' | 'timeout' | 'disk';

export const MARKERS: Record<MarkerClass, { letter: string; title: string; kinds: string[] }> = {
  overload: {
    letter: 'O', title: 'overload',
    kinds: ['backend_overloaded', 'backend_disabled', 'backend_down', 'backlog_full', 'connect_failed', 'no_live_upstreams', 'fd_limit',
      // the kernel's: a listen or conntrack queue, TCP or process memory gave out
      'syn_flood', 'conntrack_full', 'tcp_memory', 'tcp_orphans', 'tcp_tw_overflow', 'oom_kill', 'alloc_failure',
      // kernel counters that rose (src/tui/data/kernel.ts puts them among a bucket's events)
      'TcpExtListenOverflows', 'TcpExtListenDrops', 'TcpExtTCPBacklogDrop', 'TcpExtTCPReqQFullDrop', 'TcpExtTCPReqQFullDoCookies',
      'TcpExtSyncookiesSent', 'TcpExtTCPAbortOnMemory'],
  },
  pool: { letter: 'P', title: 'pool limit', kinds: ['worker_limit_reached', 'pool_busy'] },
  timeout: { letter: 'T', title: 'timeouts', kinds: ['upstream_timeout', 'request_killed', 'php_timeout', 'client_timeout'] },
  disk: { letter: 'D', title: 'disk buffering', kinds: ['response_buffered_to_disk', 'request_body_buffered'] },
};

/** drawing priority when one bucket holds several classes: the most severe wins the column */
export const MARKER_ORDER: MarkerClass[] = ['overload', 'pool', 'timeout', 'disk'];

const byKind = new Map<string, MarkerClass>();
for (const c of MARKER_ORDER) for (const k of MARKERS[c].kinds) byKind.set(k, c);

export function markerOf(kind: string): MarkerClass | null {
  return byKind.get(kind) ?? null;
}

/** The marker letter for a bucket's events, or ' '. */
export function markerLetter(events: Record<string, number>): string {
  let best: number = MARKER_ORDER.length;
  for (const kind of Object.keys(events)) {
    const c = markerOf(kind);
    if (c && events[kind] > 0) best = Math.min(best, MARKER_ORDER.indexOf(c));
  }
  return best < MARKER_ORDER.length ? MARKERS[MARKER_ORDER[best]].letter : ' ';
}
