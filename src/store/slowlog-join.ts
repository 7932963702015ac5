// A slowlog entry names pool, pid and script but not the request; the FPM error log's
// "executing too slow" line, written by the same master at the same moment, names the request.
// Joining them (same pool, same pid, stamps within 2 s, the closest wins) gives each trace its
// request and route, so slow stacks rank by endpoint next to the access log.
import { defaultRoute, splitUrl } from '../util/route.js';
import type { DB } from './db.js';

export const JOIN_WINDOW_MS = 2000;

/** `GET /report.php?a=1` (or a bare target) -> route of its path; null when there is none. */
function routeOf(request: string): string | null {
  const parts = request.split(' ');
  const target = parts.length >= 2 ? parts[1] : parts[0];
  return target.startsWith('/') ? defaultRoute(splitUrl(target).path) : null;
}

/**
 * Fill slow_traces.request and .route from the matching slow_request event. Only traces still
 * without a request are touched, so running it again after another ingest is cheap and safe.
 * The route is the event's (ingest routed it, honouring a routes file) or else the default
 * route of the request path. Returns the number of traces that got a request.
 */
export function joinSlowTracesToRequests(db: DB): number {
  const joinedCount = db.prepare('SELECT count(*) AS n FROM slow_traces WHERE request IS NOT NULL');
  return db.transaction(() => {
    const before = (joinedCount.get() as { n: number }).n;
    // The events indexes are built after ingest; a small indexed copy of the candidates keeps
    // the correlated lookup fast either way.
    db.exec(`
      DROP TABLE IF EXISTS temp.slow_request_events;
      CREATE TEMP TABLE slow_request_events AS
        SELECT id, ts, backend, pid, host, request, route FROM events
        WHERE kind = 'slow_request' AND request IS NOT NULL AND backend IS NOT NULL AND pid IS NOT NULL;
      CREATE INDEX temp.slow_request_events_key ON slow_request_events(backend, pid, ts);
    `);
    db.prepare(`
      UPDATE slow_traces SET (request, route) = (
        SELECT e.request, e.route FROM temp.slow_request_events e
        WHERE e.backend = slow_traces.pool AND e.pid = slow_traces.pid
          AND e.ts BETWEEN slow_traces.ts - :win AND slow_traces.ts + :win
          AND (e.host IS slow_traces.host OR e.host IS NULL OR slow_traces.host IS NULL)
        ORDER BY abs(e.ts - slow_traces.ts), e.id
        LIMIT 1)
      WHERE request IS NULL AND pool IS NOT NULL AND pid IS NOT NULL
    `).run({ win: JOIN_WINDOW_MS });
    db.exec('DROP TABLE temp.slow_request_events');

    const unrouted = db.prepare('SELECT id, request FROM slow_traces WHERE request IS NOT NULL AND route IS NULL').all() as Array<{ id: number; request: string }>;
    const setRoute = db.prepare('UPDATE slow_traces SET route = ? WHERE id = ?');
    for (const t of unrouted) {
      const route = routeOf(t.request);
      if (route !== null) setRoute.run(route, t.id);
    }
    // (rows with no match were rewritten to NULL, so `changes` would overcount)
    return (joinedCount.get() as { n: number }).n - before;
  })();
}

