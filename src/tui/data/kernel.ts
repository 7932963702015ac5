// Kernel counter snapshots in the TUI: the increases of the counters that prove a queue or memory
// gave out, beside the events (the timeline's buckets, the events panel, the drill of a counter:
// queries/tui-timeline.sql, tui-minutes.sql, tui-events.sql, tui-counter.sql name the same list).
// TcpExtTCPTimeouts, which the canned reports count too, stays out: retransmission timeouts also
// rise on a healthy box, and the timeline marks only what says "overload".
import { MARKERS } from '../markers.js';

/** the counters the overload marker names (markers.ts): every name there that is a counter */
export const OVERLOAD_COUNTERS: string[] = MARKERS.overload.kinds.filter((k) => k.startsWith('Tcp'));
