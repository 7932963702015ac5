// The streamed rollups' pass (src/query/rollup-stream-pass.ts) and its string cache. The pass gets
// each batch's new strings with the batch and reads older ones through `lookup`, which sees only
// batches committed before (the rollup worker's own read-only connection). So whatever the cache
// drops, a batch's own strings must still be there when its rows are rolled up: a cache that
// started over in the middle of a batch's strings made the worker fail ("no string N") whenever
// it ran ahead of the commit, and the ingest fell back to a full rebuild.
import { describe, expect, it } from 'vitest';
import { StreamPass, STRINGS_KEPT } from '../../src/query/rollup-stream-pass.js';
import { rowArrays } from '../../src/query/rollup-rows.js';
import { NUMERIC_COLUMNS, ROW_WIDTH, type EncodedRequests } from '../../src/store/row-layout.js';

const col = (name: (typeof NUMERIC_COLUMNS)[number]) => NUMERIC_COLUMNS.indexOf(name);

/** `clients.length` requests, one per client id, all to route `routeId`, one per millisecond from `t0`. */
function batch(t0: number, clients: number[], routeId: number): EncodedRequests {
  const nums = new Float64Array(clients.length * ROW_WIDTH).fill(NaN);
  clients.forEach((client, k) => {
    const row = k * ROW_WIDTH;
    nums[row + col('ts')] = t0 + k;
    nums[row + col('status')] = 200;
    nums[row + col('bytes')] = 512;
    nums[row + col('duration_ms')] = 20;
    nums[row + col('client_id')] = client;
    nums[row + col('route_id')] = routeId;
  });
  return { count: clients.length, nums, text: new Uint8Array(0), strings: [] };
}

describe('the streamed rollup pass', () => {
  it("finds every string of a batch while it is uncommitted, though the batch overflows the cache", () => {
    const committed = new Map<number, string>();
    const lookups: number[] = [];
    const rows: Array<[string, unknown[]]> = [];
    const pass = new StreamPass({
      oldHi: new Map(), clientsKept: 1000, out: rowArrays((table, row) => rows.push([table, row])),
      lookup: (id) => { lookups.push(id); return committed.get(id); },
    });
    pass.beginSource(1, 'web', 'edge', false);
    const ROUTE = 1;
    pass.learn([ROUTE, '/user/:id']);
    committed.set(ROUTE, '/user/:id');
    // batches of 7,000 new clients each: the cache (STRINGS_KEPT) fills in the middle of one
    const PER_BATCH = 7000;
    let nextId = 2, t = Date.UTC(2026, 10, 22, 9, 0, 0), requests = 0;
    for (let b = 0; b < Math.ceil((2 * STRINGS_KEPT) / PER_BATCH); b++) {
      const ids = Array.from({ length: PER_BATCH }, () => nextId++);
      const pairs = ids.flatMap((id) => [id, `2001:db8::${id.toString(16)}`]);
      pass.learn(pairs);
      // ...and the batch is not committed yet when the pass rolls its rows up
      pass.feed(1, batch(t, [...ids].reverse(), ROUTE), requests + 1);
      for (let i = 0; i < pairs.length; i += 2) committed.set(pairs[i] as number, pairs[i + 1] as string);
      t += PER_BATCH;
      requests += PER_BATCH;
    }
    const result = pass.finish();
    expect(result.counted).toBe(requests);
    // every client id of a batch resolved without the database, except the route after a restart
    expect(lookups.filter((id) => id !== ROUTE)).toEqual([]);
    const minutes = rows.filter(([table]) => table === 'rollup_minute').map(([, r]) => r);
    expect(minutes.reduce((n, r) => n + (r[4] as number), 0)).toBe(requests);
    expect(new Set(minutes.map((r) => r[3]))).toEqual(new Set(['/user/:id']));
  });

  it('keeps the strings rows keep asking for while the cache turns over', () => {
    // A route met in every batch, and a client back every few batches, among batches of new
    // clients that fill the cache several times: neither is read back from the table (a cache
    // that started over from nothing read the route after every restart, and on a log of many
    // clients the pass spent ~10 % of its CPU reading strings back).
    const committed = new Map<number, string>();
    const lookups: number[] = [];
    const pass = new StreamPass({
      oldHi: new Map(), clientsKept: 1000, out: rowArrays(() => {}),
      lookup: (id) => { lookups.push(id); return committed.get(id); },
    });
    pass.beginSource(1, 'web', 'edge', false);
    const ROUTE = 1, REGULAR = 2;
    pass.learn([ROUTE, '/user/:id', REGULAR, '192.0.2.1']);
    committed.set(ROUTE, '/user/:id').set(REGULAR, '192.0.2.1');
    const PER_BATCH = 3000;
    let nextId = 3, t = Date.UTC(2026, 10, 22, 9, 0, 0), requests = 0;
    for (let b = 0; b < Math.ceil((4 * STRINGS_KEPT) / PER_BATCH); b++) {
      const ids = Array.from({ length: PER_BATCH }, () => nextId++);
      const pairs = ids.flatMap((id) => [id, `2001:db8::${id.toString(16)}`]);
      pass.learn(pairs);
      for (let i = 0; i < pairs.length; i += 2) committed.set(pairs[i] as number, pairs[i + 1] as string);
      pass.feed(1, batch(t, b % 3 === 0 ? [REGULAR, ...ids] : ids, ROUTE), requests + 1);
      t += PER_BATCH + 1;
      requests += PER_BATCH + (b % 3 === 0 ? 1 : 0);
    }
    expect(pass.finish().counted).toBe(requests);
    expect(lookups).toEqual([]);
  });
});
