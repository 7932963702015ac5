// Kernel counter snapshots in the TUI: the increases of the counters that prove a queue or memory
// gave out, beside the events (the timeline's buckets, the events panel, the drill of a counter).
// TcpExtTCPTimeouts, which queries/ count too, stays out: retransmission timeouts also rise on a
// healthy box, and the timeline marks only what says "overload".
import type { DB } from '../../store/db.js';
import { MARKERS } from '../markers.js';
import type { WindowBind } from './window-sql.js';

/** the counters the overload marker names (markers.ts): every name there that is a counter */
export const OVERLOAD_COUNTERS: string[] = MARKERS.overload.kinds.filter((k) => k.startsWith('Tcp'));

const HOSTS = "coalesce(host, '') IN (SELECT value FROM json_each(:hosts))";
const NAMES = `counter IN (SELECT value FROM json_each(:counters))`;

/** Per bucket index and counter, the increase counted at the snapshots inside the bucket. */
export function counterBuckets(db: DB, p: WindowBind): Array<[number, string, number]> {
  return db.prepare(`SELECT (to_ts - :from) / :b AS i, counter, total(increase) n FROM counter_increases
    WHERE to_ts >= :from AND to_ts < :to AND ${HOSTS} AND ${NAMES} GROUP BY i, counter HAVING n > 0`)
    .raw().all({ from: p.from, to: p.to, b: p.b, hosts: p.hosts, counters: JSON.stringify(OVERLOAD_COUNTERS) }) as Array<[number, string, number]>;
}

/** Per counter over the window: the increase and the first and last snapshot that saw one. */
export function counterTotals(db: DB, p: WindowBind): Array<{ counter: string; n: number; a: number; z: number }> {
  return db.prepare(`SELECT counter, total(increase) n, min(to_ts) a, max(to_ts) z FROM counter_increases
    WHERE to_ts >= :from AND to_ts < :to AND increase > 0 AND ${HOSTS} AND ${NAMES} GROUP BY counter ORDER BY n DESC`)
    .all({ from: p.from, to: p.to, hosts: p.hosts, counters: JSON.stringify(OVERLOAD_COUNTERS) }) as Array<{ counter: string; n: number; a: number; z: number }>;
}

/** One counter's snapshots in the window where it rose (or was reset), for its drill. */
export function counterSnapshots(db: DB, p: WindowBind, counter: string, limit: number): Array<Record<string, unknown>> {
  return db.prepare(`SELECT to_ts AS ts, host, value, increase, per_s FROM counter_increases
    WHERE counter = :counter AND to_ts >= :from AND to_ts < :to AND (increase > 0 OR reset = 1) AND ${HOSTS} ORDER BY to_ts LIMIT ${limit}`)
    .all({ from: p.from, to: p.to, hosts: p.hosts, counter }) as Array<Record<string, unknown>>;
}
