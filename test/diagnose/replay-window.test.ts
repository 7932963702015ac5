// How the replay turns a window's rows into arrivals and service times (replay-window.ts), on
// hand-made rows of queries/replay-requests.sql.
import { describe, expect, it } from 'vitest';
import { calibrate, compare, fillEstimates, windowRequests, type ReplayRow } from '../../src/diagnose/replay-window.js';
import { simulate, type PoolModel } from '../../src/diagnose/replay.js';

let nextId = 1;
function row(over: Partial<ReplayRow>): ReplayRow {
  return {
    id: nextId++, source_id: 1, ts: 1_000_000, start_ts: 999_900, end_ts: 1_000_000, route: '/a.php', status: 200,
    duration_ms: 100, upstream_ms: null, to_backend: 1, backend_ms: null, ...over,
  };
}
const pool: PoolModel = { name: 'www', sockets: 1, workersPerSocket: 1, backlog: 0, refusedStatus: 502, killTimeoutMs: 5000 };

describe('windowRequests', () => {
  it('takes the backend log first, then the front, and estimates the rest from the same route', () => {
    const rows = [
      row({ backend_ms: 40, upstream_ms: 90, duration_ms: 90 }),
      row({ upstream_ms: 70, duration_ms: 75 }),
      row({ route: '/b.php', duration_ms: 300 }),
      row({ status: 502, duration_ms: 1 }),
      row({ status: 502, duration_ms: 1, route: '/none.php' }),
      row({ to_backend: 0, status: 200 }),
    ];
    const { requests, notToPool } = windowRequests(rows, pool);
    expect(notToPool).toBe(1);
    expect(requests.map((q) => [q.serviceSource, q.serviceMs])).toEqual([
      ['backend-log', 40], ['front-log', 70], ['front-log', 300],
      // the first golden-ratio quantile (0.618) of /a.php's [40, 70] and of the window's [40, 70, 300]
      ['estimated', 70], ['estimated', 70],
    ]);
    // queueing is visible only where the backend's own time is known: duration minus it
    expect(requests.map((q) => q.observedQueueMs)).toEqual([50, null, null, null, null]);
  });

  it('a request nginx saw reset after the kill timeout ran at least that long; a 499 keeps its leaving time', () => {
    const { requests } = windowRequests([
      row({ backend_ms: 20 }),
      row({ status: 502, upstream_ms: 5003, duration_ms: 5003 }),
      row({ status: 499, duration_ms: 800, start_ts: 2_000_000, end_ts: 2_000_800, ts: 2_000_800 }),
    ], pool);
    expect(requests[1].serviceMs).toBe(5001);
    expect(requests[2].clientLeavesAtMs).toBe(2_000_000 + 800);
  });

  it('spreads whole-second end stamps over their second in log order', () => {
    const { requests } = windowRequests([
      row({ ts: 5000, end_ts: 5000, start_ts: 4990, duration_ms: 10 }),
      row({ ts: 5000, end_ts: 5000, start_ts: 4990, duration_ms: 10 }),
    ], pool);
    expect(requests.map((q) => q.arrivalMs)).toEqual([5000 + 250 - 10, 5000 + 750 - 10]);
  });

  it('estimates are the same on every run', () => {
    const rows = Array.from({ length: 50 }, (_, i) => row({ status: i % 3 ? 200 : 502, duration_ms: 10 + i }));
    const a = windowRequests(rows, pool).requests.map((q) => q.serviceMs);
    const b = windowRequests(rows, pool).requests.map((q) => q.serviceMs);
    expect(a).toEqual(b);
    expect(new Set(a.filter((_, i) => i % 3 === 0)).size).toBeGreaterThan(5); // spread, not one value
  });
});

describe('calibrate', () => {
  it('takes the replayed queueing off a front-logged time: two back-to-back requests of 100 ms', () => {
    // One worker; the second request arrived with the first and was logged at 200 ms (100 queued
    // + 100 served). Uncalibrated the replay would run it for 200 ms.
    const { requests } = windowRequests([
      row({ ts: 1100, start_ts: 1000, end_ts: 1100, duration_ms: 100 }),
      row({ ts: 1200, start_ts: 1000, end_ts: 1200, duration_ms: 200 }),
    ], pool);
    const res = calibrate(requests, { ...pool, backlog: 4 }, 8);
    expect(requests[1].serviceMs).toBeCloseTo(100, 0);
    expect(res.outcomes[1].queuedMs).toBeCloseTo(100, 0);
  });
});

describe('compare', () => {
  it('counts 5xx, 499 and 504 on both sides and queueing over the same requests', () => {
    const { requests } = windowRequests([
      row({ ts: 1000, start_ts: 1000, end_ts: 1040, backend_ms: 40, duration_ms: 40 }),
      row({ ts: 1000, start_ts: 1000, end_ts: 1001, status: 502, duration_ms: 1 }),
    ], pool);
    const c = compare(requests, simulate(requests, [pool]));
    expect(c.observed).toMatchObject({ s5xx: 1, queueN: 1, queueP50: 0 });
    expect(c.replayed).toMatchObject({ s5xx: 0, queueN: 1 }); // backlog 0 still holds one: both served
    fillEstimates(requests, () => true); // nothing to estimate: unchanged
    expect(requests[0].serviceMs).toBe(40);
  });
});
