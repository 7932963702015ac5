// Rollups: per-second and per-minute summaries the reports read instead of scanning every
// request. At 10M requests an exact scan with a JS percentile takes seconds; the rollups hold
// one row per second (and per minute and route, per minute and upstream), so a report touches
// thousands of rows. Rollups v2 (migration 4) add per 10 s routes and upstreams, so short windows
// read rollups too, and bounded per-client counts (report/rollup-fine.ts).
//
// rollup_state 'version' says which of these a database's rollups hold: one built before v2
// (an older overload) is rebuilt in full by the next ingest, and a read-only connection builds
// its own in TEMP tables meanwhile (rollupsFresh() says they are not fresh).
//
// buildRollups(db) runs after each ingest (called by after-ingest.ts) and is
// incremental: only the seconds/minutes that new rows fall into are recomputed, from all the
// rows in them. If rows were deleted (--force re-ingest) it rebuilds everything. The report
// runner calls it with schema 'temp' on a read-only connection when the database has no fresh
// rollups (older database, or rows added since), so reports are always exact to the rollups.
//
// Attribution: a request counts in the second it STARTED (coalesce(start_ts, ts)). nginx and
// lighttpd stamp the end; by the stamp a 20 s download begun at 09:50:10 would count at
// 09:50:30, after the trouble it caused. Events have one time and count at it.
import type { DB } from '../store/db.js';
import { MIGRATIONS } from '../store/schema.js';
import { Histogram } from './histogram.js';
import { registerReportFunctions } from './sqlfns.js';
import { sourceTiers, tierSignature, type Tier } from './tiers.js';

/** Which tier a source's requests belong to, as SQL over `sources s` (see tiers.ts). */
export { TIER_SQL } from './tiers.js';
import { RollupPass, type RollupSink } from './rollup-aggregate.js';
import { CLIENTS_KEPT } from './rollup-fine.js';
import { wholeSecondSources } from './stamp-spread.js';
import { StringLookup } from '../store/strings.js';
import { rowInserter, rowSink } from './rollup-rows.js';

/** the request rollups v2 added (migration 4), all keyed (tier, t, ...) */
const FINE_TABLES = ['rollup_route_10s', 'rollup_upstream_10s', 'rollup_clients', 'rollup_minute_totals', 'rollup_largest', 'rollup_sparse',
  // (the minutes of the seconds: rollup-span.ts)
  'rollup_traffic_minute', 'rollup_inflight_minute', 'rollup_status_minute'];
export const ROLLUP_TABLES = ['rollup_second', 'rollup_status', 'rollup_minute', 'rollup_upstream', 'rollup_inflight', 'rollup_events',
  ...FINE_TABLES, 'rollup_state'];
/** what rollup_state 'version' says once every table above is built (rollups of v1 say nothing) */
export const ROLLUPS_VERSION = 5;
// (4: the minutes of the seconds, rollup-span.ts: a database without them is built again)
// (5: the minutes of rollup_status, rollup_status_minute: the same)
// (sparse minutes: the directory of the minutes whose sub-minute rows are not written, sparse.ts;
// no new version: a database whose rollups predate it lists none, and every minute of it has its rows)
const MARKS = ['-- rollups v1', '-- rollups v2', '-- rollups v3', '-- rollups: sparse minutes', '-- rollups: minutes of the seconds',
  '-- rollups: minutes of the statuses'];

type Schema = 'main' | 'temp';

function ddl(schema: Schema): string {
  const sql = MARKS.map((mark) => {
    const m = MIGRATIONS.find((x) => x.includes(mark));
    if (!m) throw new Error(`schema.ts has no migration marked ${mark}`);
    return m;
  }).join('\n');
  return schema === 'main' ? sql.replace(/CREATE TABLE /g, 'CREATE TABLE IF NOT EXISTS ')
    : sql.replace(/CREATE TABLE /g, 'CREATE TABLE IF NOT EXISTS temp.');
}

export interface RollupState {
  req_max_id: number; req_count: number; ev_max_id: number; ev_count: number; max_duration_ms: number; tiers: number; sources: number;
  version: number; clients_kept: number;
}

export function readRollupState(db: DB, s: Schema): RollupState {
  const st: RollupState = { req_max_id: 0, req_count: 0, ev_max_id: 0, ev_count: 0, max_duration_ms: 0, tiers: -1, sources: -1, version: 1, clients_kept: -1 };
  for (const r of db.prepare(`SELECT name, value FROM ${s}.rollup_state`).all() as { name: keyof RollupState; value: number }[]) st[r.name] = r.value;
  return st;
}

/**
 * A cheap fingerprint of what was ingested: every source's id and row counts. Rows are only
 * added through a source and removed with it (--force), so an unchanged fingerprint and
 * unchanged max ids mean unchanged tables, without count(*) over 10M rows on every report.
 */
export function sourcesSignature(db: DB): number {
  let h = 7;
  for (const r of db.prepare('SELECT id, lines, parsed, rejected FROM sources ORDER BY id').raw().all() as number[][]) {
    for (const v of r) h = (h * 31 + (Number(v) % 1_000_003)) % 2_147_483_647;
  }
  return h;
}

/** True when `schema` holds rollups that include every request and event now in the database. */
export function rollupsFresh(db: DB, schema: Schema = 'main'): boolean {
  const has = db.prepare(`SELECT 1 FROM ${schema}.sqlite_master WHERE name = 'rollup_state'`).get();
  if (!has) return false;
  const st = readRollupState(db, schema);
  // built by an older overload: the tables of rollups v2 are missing or empty
  if (st.version !== ROLLUPS_VERSION) return false;
  const r = db.prepare('SELECT coalesce(max(id), 0) m FROM request_rows').get() as { m: number };
  const e = db.prepare('SELECT coalesce(max(id), 0) m FROM events').get() as { m: number };
  return r.m === st.req_max_id && e.m === st.ev_max_id && st.sources === sourcesSignature(db)
    && st.tiers === tierSignature(sourceTiers(db));
}

export interface RollupStats { requests: number; events: number; full: boolean; ms: number }

/**
 * `chunk`: rows per scan of the pass (tests make it small to cross many chunk boundaries).
 * `clientsKept`: clients kept per 10 s / minute bucket (tests lower it to exercise the rest rows);
 * `clientsCounted`: distinct clients counted exactly per bucket (tests lower it to exercise the
 * bounded counts).
 */
export function buildRollups(db: DB, opts: { schema?: Schema; chunk?: number; clientsKept?: number; clientsCounted?: number } = {}): RollupStats {
  const t0 = performance.now();
  const s = opts.schema ?? 'main';
  registerReportFunctions(db);
  db.exec(ddl(s));
  const st = readRollupState(db, s);
  const r = db.prepare('SELECT coalesce(max(id), 0) m, count(*) n FROM request_rows').get() as { m: number; n: number };
  const e = db.prepare('SELECT coalesce(max(id), 0) m, count(*) n FROM events').get() as { m: number; n: number };
  // rows vanished (a --force re-ingest deleted a source), or a new kind of log changed which one
  // is the edge: the old sums are wrong, start over
  const tiers = sourceTiers(db);
  const sig = tierSignature(tiers);
  const count = (sql: string, since: number) => (db.prepare(sql).get(since) as { n: number }).n;
  // (a fresh database has no tiers yet: a full build, no need to count the new rows; nor when
  // the rollups predate the tables of this version, or kept another number of clients)
  const kept = opts.clientsKept ?? CLIENTS_KEPT;
  const rebuild = sig !== st.tiers || st.version !== ROLLUPS_VERSION || st.clients_kept !== kept;
  const newReq = rebuild ? 0 : count('SELECT count(*) n FROM request_rows WHERE id > ?', st.req_max_id);
  const newEv = rebuild ? 0 : count('SELECT count(*) n FROM events WHERE id > ?', st.ev_max_id);
  const full = rebuild || r.n !== st.req_count + newReq || e.n !== st.ev_count + newEv;
  const stats: RollupStats = { requests: 0, events: 0, full, ms: 0 };
  db.transaction(() => {
    if (full) for (const t of ROLLUP_TABLES) db.exec(`DELETE FROM ${s}.${t}`);
    let maxDur = full ? 0 : st.max_duration_ms;
    if (full) {
      // every row: the pass itself finds the longest duration (no extra scan for the span)
      const done = rebuildRequests(db, s, -Infinity, Infinity, 0, true, tiers, opts.chunk ?? CHUNK, kept, opts.clientsCounted);
      stats.requests = done.counted;
      maxDur = Math.max(maxDur, Math.ceil(done.maxDuration));
    } else if (newReq > 0) {
      const span = db.prepare(`SELECT min(coalesce(start_ts, ts)) lo, max(coalesce(start_ts, ts)) hi,
        max(coalesce(end_ts, ts)) ehi, max(duration_ms) dmax FROM request_rows WHERE id > ?`)
        .get(st.req_max_id) as { lo: number | null; hi: number | null; ehi: number | null; dmax: number | null };
      if (span.lo !== null && span.hi !== null) {
        maxDur = Math.max(maxDur, Math.ceil(span.dmax ?? 0));
        // whole minutes, so the per-minute rows are rebuilt from every row in them; the end
        // reaches past the last request's end (in-flight) and past a spread stamp (+1 s)
        const lo = Math.floor(span.lo / 60_000) * 60_000;
        const hi = Math.ceil((Math.max(span.hi, span.ehi ?? span.hi) + 1001) / 60_000) * 60_000;
        stats.requests = rebuildRequests(db, s, lo, hi, maxDur, false, tiers, opts.chunk ?? CHUNK, kept, opts.clientsCounted).counted;
      }
    }
    if (full || newEv > 0) stats.events = rebuildEvents(db, s, full ? 0 : st.ev_max_id, full);
    const put = db.prepare(`INSERT OR REPLACE INTO ${s}.rollup_state (name, value) VALUES (?, ?)`);
    put.run('req_max_id', r.m); put.run('req_count', r.n); put.run('ev_max_id', e.m); put.run('ev_count', e.n);
    put.run('max_duration_ms', maxDur); put.run('tiers', sig); put.run('sources', sourcesSignature(db));
    put.run('version', ROLLUPS_VERSION); put.run('clients_kept', kept);
  })();
  stats.ms = performance.now() - t0;
  return stats;
}

/**
 * Recompute the request rollups of the whole minutes [lo, hi) in the main schema from the rows
 * (rollup-stream.ts: the minutes a stream could not settle). `maxDur`: the longest request.
 * Returns how many rows it read (tests: a recompute costs the rows near its range).
 */
export function rebuildRequestRange(db: DB, lo: number, hi: number, maxDur: number, tiers: Map<number, Tier>, slice = SLICE): number {
  return rebuildRequests(db, 'main', lo, hi, maxDur, false, tiers, CHUNK, CLIENTS_KEPT, undefined, slice).fed;
}

/**
 * A recompute longer than this goes slice by slice. The pass can write out a minute only once no
 * row still to come can start before it, and it reads rows in log (id) order: when two logs cover
 * the same hours (two servers' logs ingested without --host, or a log ingested after a later one of the same host), the rows of the first are
 * all read before the second's begin again at the start, so the whole overlap stayed in memory
 * (1M lines of a day over 200k of the same day: 1.9 GB). One pass per slice holds one slice,
 * and ignores the rows of the others that it reads (every row of its id range is still fed: the
 * rows between decide where whole-second groups are spread, to the last bit; feeding only the
 * rows that start near the slice was tried and changed sums when two logs interleave).
 */
const SLICE_MS = 3_600_000;
/** (tests cut finer) */
export interface Slicing { ms: number; rows: number }
interface PassCounts { counted: number; fed: number; maxDuration: number }

/**
 * The slices: whole hours, as many together as hold at most 250k rows (by start) unless one hour
 * alone holds more: each slice reads its whole id range again (most of both logs when two
 * overlap), so slices as long as memory allows.
 */
const SLICE: Slicing = { ms: SLICE_MS, rows: 250_000 };

/** [lo, hi) cut at multiples of slice.ms into runs of at most slice.rows rows that start in them. */
function slices(db: DB, lo: number, hi: number, slice: Slicing): Array<[number, number]> {
  const sliceMs = slice.ms;
  const counts = db.prepare(`SELECT CAST((coalesce(start_ts, ts) - ?) / ? AS INTEGER) AS k, count(*) AS n FROM request_rows
    WHERE coalesce(start_ts, ts) >= ? AND coalesce(start_ts, ts) < ? GROUP BY 1`).all(lo, sliceMs, lo, hi) as Array<{ k: number; n: number }>;
  const perSlice = new Map(counts.map((c) => [Math.floor(c.k), c.n]));
  const out: Array<[number, number]> = [];
  let a = lo, rows = 0;
  for (let k = 0; lo + k * sliceMs < hi; k++) {
    const n = perSlice.get(k) ?? 0;
    if (rows > 0 && rows + n > slice.rows) { out.push([a, lo + k * sliceMs]); a = lo + k * sliceMs; rows = 0; }
    rows += n;
  }
  out.push([a, hi]);
  return out;
}


/** Rows per query of the pass: between two, the in-flight sweep drops what is final. */
const CHUNK = 131_072;
const FEED = 'overload_rollup_feed';
const withFeed = new WeakSet<DB>();
let feeding: { pass: RollupPass; lastId: number; strings: StringLookup } | null = null;

/**
 * Recompute the request rollups of [lo, hi) in one pass over the rows that can touch it: rows
 * starting in it feed the sums and histograms, and rows starting up to the longest duration
 * earlier feed the in-flight sweep (clipped to the range). Rows are read in log order (by id) so
 * whole-second stamps can be spread (correlate/stamp-spread.ts).
 *
 * The rows reach JavaScript as the arguments of a function SQLite calls once per row during a
 * rowid range scan: no row objects, no iterator step per row (about 3x cheaper than .iterate()
 * at 1M rows). The scan runs in chunks of ids; before it, one cheap scan takes each chunk's
 * earliest start, so after each chunk the sweep can finish every instant no later row reaches.
 */
function rebuildRequests(db: DB, s: Schema, lo: number, hi: number, maxDur: number, full: boolean, tiers: Map<number, Tier>,
  chunk: number, clientsKept: number, clientsCounted?: number, slice = SLICE): PassCounts {
  if (!full && hi - lo > slice.ms) {
    const sum: PassCounts = { counted: 0, fed: 0, maxDuration: 0 };
    for (const [a, b] of slices(db, lo, hi, slice)) {
      const one = rebuildSlice(db, s, a, b, maxDur, tiers, chunk, clientsKept, clientsCounted);
      sum.counted += one.counted; sum.fed += one.fed; sum.maxDuration = Math.max(sum.maxDuration, one.maxDuration);
    }
    return sum;
  }
  return rebuildSlice(db, s, lo, hi, maxDur, tiers, chunk, clientsKept, clientsCounted, full);
}

/** One pass over [lo, hi) (see rebuildRequests). */
function rebuildSlice(db: DB, s: Schema, lo: number, hi: number, maxDur: number, tiers: Map<number, Tier>,
  chunk: number, clientsKept: number, clientsCounted: number | undefined, full = false): RollupPass {
  if (!full) {
    for (const t of ['rollup_second', 'rollup_status', 'rollup_minute', 'rollup_upstream', 'rollup_inflight', ...FINE_TABLES]) {
      db.prepare(`DELETE FROM ${s}.${t} WHERE t >= ? AND t < ?`).run(lo, hi);
    }
  }
  const sample = db.prepare('SELECT max(ts % 1000) AS frac FROM (SELECT ts FROM request_rows WHERE source_id = ? LIMIT 1000)');
  const whole = wholeSecondSources((db.prepare('SELECT id FROM sources').all() as { id: number }[])
    .map(({ id }) => ({ source_id: id, frac: (sample.get(id) as { frac: number | null }).frac })));
  const pass = new RollupPass({ lo, hi, whole, tierOf: (source) => tiers.get(source) ?? 'edge', sink: tableSink(db, s), clientsKept, clientsCounted });
  // which rows: all, or the id range of those that start in the range or up to the longest
  // request before it. Every row of that id range is fed, not only those: the pass ignores what
  // falls outside [lo, hi), but the rows between decide when a whole-second group is spread, so
  // values are summed in the same order as by a full pass, to the last bit.
  const span = full ? '' : 'WHERE coalesce(start_ts, ts) >= ? AND coalesce(start_ts, ts) < ?';
  const ids = db.prepare(`SELECT min(id) a, max(id) b FROM request_rows ${span}`)
    .get(...(full ? [] : [lo - maxDur - 1000, hi])) as { a: number | null; b: number | null };
  if (ids.a !== null && ids.b !== null) {
    if (!withFeed.has(db)) {
      db.function(FEED, { directOnly: true }, (id: number, source: number, ts: number, start: number | null, end: number | null,
        host: number | null, status: number | null, bytes: number | null, dur: number | null, upMs: number | null, route: number | null,
        upAddr: number | null, upStatus: number | null, upRaw: string | null, client: number | null) => {
        const f = feeding!;
        if (!(id > f.lastId)) throw new Error('rollups: rows reached the rollup pass out of log order');
        f.lastId = id;
        const str = f.strings;
        f.pass.feed(id, source, ts, start, end, str.text(host) ?? '', status, bytes, dur, upMs, str.text(route) ?? '',
          str.text(upAddr), upStatus, upRaw, str.text(client) ?? '');
        return null;
      });
      withFeed.add(db);
    }
    // NOT INDEXED: a rowid range scan, so rows come in id order whatever indexes exist. The
    // stored ids of the dictionary columns are turned into text in JavaScript (a cached lookup),
    // not by joins in SQL: three B-tree lookups per row cost more than the rest of the scan.
    const range = 'FROM request_rows NOT INDEXED WHERE id > ? AND id <= ?';
    const first = db.prepare(`SELECT min(coalesce(start_ts, ts)) ${range}`).pluck();
    const feed = db.prepare(`SELECT count(${FEED}(id, source_id, ts, start_ts, end_ts, host_id, status, bytes,
      duration_ms, upstream_ms, route_id, upstream_addr_id, upstream_status, upstream_raw, client_id)) ${range}`);
    const from = ids.a - 1, to = ids.b;
    const chunks = Math.ceil((to - from) / chunk);
    // (the last chunk ends at the range's last row: the rows after it start outside the range,
    // and a full chunk more of them cost a one-minute recompute 131,072 rows of string lookups)
    const upTo = (c: number) => Math.min(to, from + (c + 1) * chunk);
    // notBefore[c]: the earliest start of any row in chunk c or later
    const notBefore = new Float64Array(chunks + 1).fill(Infinity);
    for (let c = chunks - 1; c >= 0; c--) {
      const m = first.get(from + c * chunk, upTo(c)) as number | null;
      notBefore[c] = Math.min(notBefore[c + 1], m ?? Infinity);
    }
    feeding = { pass, lastId: -Infinity, strings: new StringLookup(db) };
    try {
      for (let c = 0; c < chunks; c++) {
        feed.get(from + c * chunk, upTo(c));
        if (c < chunks - 1 || full) pass.advance(notBefore[c + 1]);
      }
      if (!full) {
        // a whole-second group still open at the end of the range is spread when a full pass
        // would spread it: at the next row of its source with another stamp (fed up to there),
        // or at the end when its source has none. The rows fed meanwhile start outside the range.
        // (Feeding on until no group was open read every later row when a source had ended in
        // the range, as the last minute of yesterday's log does when today's is appended.)
        const next = db.prepare('SELECT min(id) FROM request_rows NOT INDEXED WHERE id > ? AND source_id = ? AND ts <> ?').pluck();
        let stop = to;
        for (const g of pass.groupsBefore(hi)) stop = Math.max(stop, (next.get(to, g.source, g.ts) as number | null) ?? to);
        for (let at = to; at < stop; at += 1024) feed.get(at, Math.min(stop, at + 1024));
      }
    } finally {
      feeding?.strings.close();
      feeding = null;
    }
  }
  pass.finish();
  minuteTotals(db, s, lo, hi);
  return pass;
}

/**
 * rollup_minute_totals of [lo, hi) (whole minutes, or everything) from the seconds and the
 * in-flight rows just written: the per-minute bars the TUI draws on the minute grid.
 */
export function minuteTotals(db: DB, s: Schema, lo: number, hi: number): void {
  const range = Number.isFinite(lo) ? 'AND t >= :lo AND t < :hi' : '';
  const args = Number.isFinite(lo) ? { lo, hi } : {};
  // (rebuildRequests deleted the range's old rows with the other tables of rollups v2)
  db.prepare(`INSERT INTO ${s}.rollup_minute_totals (tier, host, t, requests, s4xx, s5xx, inflight_peak)
    SELECT tier, host, t / 60000 * 60000, sum(requests), sum(s4xx), sum(s5xx), 0 FROM ${s}.rollup_second
    WHERE 1 ${range} GROUP BY 1, 2, 3`).run(args);
  db.prepare(`INSERT INTO ${s}.rollup_minute_totals (tier, host, t, requests, s4xx, s5xx, inflight_peak)
    SELECT tier, host, t / 60000 * 60000, 0, 0, 0, max(peak) FROM ${s}.rollup_inflight
    WHERE upstream = '' ${range} GROUP BY 1, 2, 3
    ON CONFLICT (tier, host, t) DO UPDATE SET inflight_peak = excluded.inflight_peak`).run(args);
}

/** INSERTs of the rollup rows into `s`'s tables, as the pass finishes their seconds and minutes. */
export function tableSink(db: DB, s: string): RollupSink {
  return rowSink(rowInserter(db, s));
}

export function rebuildEvents(db: DB, s: Schema, sinceId: number, full: boolean): number {
  let lo = -1, hi = -1;
  if (!full) {
    const span = db.prepare('SELECT min(ts) lo, max(ts) hi FROM events WHERE id > ?').get(sinceId) as { lo: number | null; hi: number | null };
    if (span.lo === null || span.hi === null) return 0;
    lo = Math.floor(span.lo / 1000) * 1000;
    hi = Math.floor(span.hi / 1000) * 1000 + 1000;
    db.prepare(`DELETE FROM ${s}.rollup_events WHERE t >= ? AND t < ?`).run(lo, hi);
  }
  const info = db.prepare(`INSERT INTO ${s}.rollup_events (host, t, component, kind, backend, events, first_ts, last_ts)
    SELECT coalesce(host, ''), (ts / 1000) * 1000, component, kind, coalesce(backend, ''), count(*), min(ts), max(ts)
    FROM events ${full ? '' : 'WHERE ts >= ? AND ts < ?'} GROUP BY 1, 2, 3, 4, 5`).run(...(full ? [] : [lo, hi]));
  return info.changes;
}

/** Re-exported for tests and the TUI: the histogram class the rollup columns decode into. */
export { Histogram };

