// Rollups: per-second and per-minute summaries the reports read instead of scanning every
// request. At 10M requests an exact scan with a JS percentile takes seconds; the rollups hold
// one row per second (and per minute and route, per minute and upstream), so a report touches
// thousands of rows.
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
import type { DB } from './db.js';
import { MIGRATIONS } from './schema.js';
import { Histogram } from '../report/histogram.js';
import { registerReportFunctions } from '../report/sqlfns.js';
import { sourceTiers, tierSignature, type Tier } from '../report/tiers.js';

/** Which tier a source's requests belong to, as SQL over `sources s` (see report/tiers.ts). */
export { TIER_SQL } from '../report/tiers.js';
import { InflightSweep } from '../correlate/inflight.js';
import { RequestAggregator } from '../report/rollup-aggregate.js';
import { StampSpreader, wholeSecondSources } from '../correlate/stamp-spread.js';
import { attemptsOf } from '../correlate/upstream-attempts.js';

export const ROLLUP_TABLES = ['rollup_second', 'rollup_status', 'rollup_minute', 'rollup_upstream', 'rollup_inflight', 'rollup_events', 'rollup_state'];
const MARK = '-- rollups v1';

type Schema = 'main' | 'temp';

function ddl(schema: Schema): string {
  const sql = MIGRATIONS.find((m) => m.includes(MARK));
  if (!sql) throw new Error('schema.ts has no rollup migration');
  return schema === 'main' ? sql.replace(/CREATE TABLE /g, 'CREATE TABLE IF NOT EXISTS ')
    : sql.replace(/CREATE TABLE /g, 'CREATE TABLE IF NOT EXISTS temp.');
}

interface State { req_max_id: number; req_count: number; ev_max_id: number; ev_count: number; max_duration_ms: number; tiers: number; sources: number }

function readState(db: DB, s: Schema): State {
  const st: State = { req_max_id: 0, req_count: 0, ev_max_id: 0, ev_count: 0, max_duration_ms: 0, tiers: -1, sources: -1 };
  for (const r of db.prepare(`SELECT name, value FROM ${s}.rollup_state`).all() as { name: keyof State; value: number }[]) st[r.name] = r.value;
  return st;
}

/**
 * A cheap fingerprint of what was ingested: every source's id and row counts. Rows are only
 * added through a source and removed with it (--force), so an unchanged fingerprint and
 * unchanged max ids mean unchanged tables, without count(*) over 10M rows on every report.
 */
function sourcesSignature(db: DB): number {
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
  const st = readState(db, schema);
  const r = db.prepare('SELECT coalesce(max(id), 0) m FROM requests').get() as { m: number };
  const e = db.prepare('SELECT coalesce(max(id), 0) m FROM events').get() as { m: number };
  return r.m === st.req_max_id && e.m === st.ev_max_id && st.sources === sourcesSignature(db)
    && st.tiers === tierSignature(sourceTiers(db));
}

export interface RollupStats { requests: number; events: number; full: boolean; ms: number }

export function buildRollups(db: DB, opts: { schema?: Schema } = {}): RollupStats {
  const t0 = performance.now();
  const s = opts.schema ?? 'main';
  registerReportFunctions(db);
  db.exec(ddl(s));
  const st = readState(db, s);
  const r = db.prepare('SELECT coalesce(max(id), 0) m, count(*) n FROM requests').get() as { m: number; n: number };
  const e = db.prepare('SELECT coalesce(max(id), 0) m, count(*) n FROM events').get() as { m: number; n: number };
  const newReq = (db.prepare('SELECT count(*) n FROM requests WHERE id > ?').get(st.req_max_id) as { n: number }).n;
  const newEv = (db.prepare('SELECT count(*) n FROM events WHERE id > ?').get(st.ev_max_id) as { n: number }).n;
  // rows vanished (a --force re-ingest deleted a source), or a new kind of log changed which one
  // is the edge: the old sums are wrong, start over
  const tiers = sourceTiers(db);
  const sig = tierSignature(tiers);
  const full = r.n !== st.req_count + newReq || e.n !== st.ev_count + newEv || sig !== st.tiers;
  const stats: RollupStats = { requests: 0, events: 0, full, ms: 0 };
  db.transaction(() => {
    if (full) for (const t of ROLLUP_TABLES) db.exec(`DELETE FROM ${s}.${t}`);
    const since = full ? 0 : st.req_max_id;
    let maxDur = full ? 0 : st.max_duration_ms;
    if (full || newReq > 0) {
      const span = db.prepare(`SELECT min(coalesce(start_ts, ts)) lo, max(coalesce(start_ts, ts)) hi,
        max(coalesce(end_ts, ts)) ehi, max(duration_ms) dmax FROM requests WHERE id > ?`)
        .get(since) as { lo: number | null; hi: number | null; ehi: number | null; dmax: number | null };
      if (span.lo !== null && span.hi !== null) {
        maxDur = Math.max(maxDur, Math.ceil(span.dmax ?? 0));
        // whole minutes, so the per-minute rows are rebuilt from every row in them; the end
        // reaches past the last request's end (in-flight) and past a spread stamp (+1 s)
        const lo = full ? -Infinity : Math.floor(span.lo / 60_000) * 60_000;
        const hi = full ? Infinity : Math.ceil((Math.max(span.hi, span.ehi ?? span.hi) + 1001) / 60_000) * 60_000;
        stats.requests = rebuildRequests(db, s, lo, hi, maxDur, full, tiers);
      }
    }
    if (full || newEv > 0) stats.events = rebuildEvents(db, s, full ? 0 : st.ev_max_id, full);
    const put = db.prepare(`INSERT OR REPLACE INTO ${s}.rollup_state (name, value) VALUES (?, ?)`);
    put.run('req_max_id', r.m); put.run('req_count', r.n); put.run('ev_max_id', e.m); put.run('ev_count', e.n);
    put.run('max_duration_ms', maxDur); put.run('tiers', sig); put.run('sources', sourcesSignature(db));
  })();
  stats.ms = performance.now() - t0;
  return stats;
}

/**
 * Recompute the request rollups of [lo, hi) in one pass over the rows that can touch it: rows
 * starting in it feed the sums and histograms, and rows starting up to the longest duration
 * earlier feed the in-flight sweep (clipped to the range). Rows are read in log order so
 * whole-second stamps can be spread (correlate/stamp-spread.ts).
 */
function rebuildRequests(db: DB, s: Schema, lo: number, hi: number, maxDur: number, full: boolean, tiers: Map<number, Tier>): number {
  if (!full) {
    for (const t of ['rollup_second', 'rollup_status', 'rollup_minute', 'rollup_upstream', 'rollup_inflight']) {
      db.prepare(`DELETE FROM ${s}.${t} WHERE t >= ? AND t < ?`).run(lo, hi);
    }
  }
  const sample = db.prepare('SELECT max(ts % 1000) AS frac FROM (SELECT ts FROM requests WHERE source_id = ? LIMIT 1000)');
  const whole = wholeSecondSources((db.prepare('SELECT id FROM sources').all() as { id: number }[])
    .map(({ id }) => ({ source_id: id, frac: (sample.get(id) as { frac: number | null }).frac })));
  const where = full ? '' : 'WHERE coalesce(r.start_ts, r.ts) >= ? AND coalesce(r.start_ts, r.ts) < ?';
  const stmt = db.prepare(`SELECT r.source_id AS source, r.ts, r.start_ts AS start, r.end_ts AS "end",
      coalesce(r.host, '') AS host, r.status, r.bytes, r.duration_ms, r.upstream_ms, coalesce(r.route, '') AS route,
      r.upstream_addr AS upstream, r.upstream_status, r.upstream_raw
    FROM requests r ${where} ORDER BY r.id`);
  const agg = new RequestAggregator();
  const sweep = new InflightSweep(1000);
  let n = 0;
  const spreader = new StampSpreader<RequestRow>(whole, (r, start, end) => {
    r.tier = tiers.get(r.source) ?? 'edge';
    const t = start ?? r.ts;
    const e = end ?? r.ts;
    if (e >= lo && e < hi) agg.addEnd(r.tier, r.host, e, r.duration_ms);
    const attempts = attemptsOf(r.upstream_raw, r.upstream, r.upstream_status, r.upstream_ms);
    const rawT = r.start ?? r.ts;
    const inSecond = t >= lo && t < hi;
    const inMinute = rawT >= lo && rawT < hi;
    if (inSecond || inMinute) {
      agg.add([r.tier, r.host, inSecond ? t : null, inMinute ? rawT : null, r.ts, r.status, r.bytes, r.duration_ms, r.upstream_ms, r.route, attempts]);
      if (inSecond) n++;
    }
    const key = `${r.tier}\u001f${r.host}\u001f`;
    sweep.add(key, start, end);
    if (start === null) return;
    // per upstream: each attempt in turn, from the request's start (the attempts ran one after
    // the other); an attempt without a time holds its upstream for the rest of the request
    let at = start;
    for (const a of attempts) {
      const until = a.ms !== null ? Math.min(at + a.ms, end ?? at + a.ms) : end;
      sweep.add(key + a.addr, at, until);
      if (a.ms !== null) at += a.ms;
    }
  });
  const rows = (full ? stmt.iterate() : stmt.iterate(lo - maxDur - 1000, hi)) as Iterable<RequestRow>;
  for (const row of rows) spreader.push(row);
  spreader.flush();
  agg.write(db, s);
  const ins = db.prepare(`INSERT INTO ${s}.rollup_inflight (tier, host, upstream, t, peak, occ) VALUES (?, ?, ?, ?, ?, ?)`);
  for (const key of sweep.keys()) {
    const [tier, host, up] = key.split('\u001f');
    for (const [t, o] of sweep.occupancy(key, lo, hi)) ins.run(tier, host, up, t, o.peak(), o.toText());
  }
  return n;
}

interface RequestRow {
  source: number; ts: number; start: number | null; end: number | null; tier: string; host: string;
  status: number | null; bytes: number | null; duration_ms: number | null; upstream_ms: number | null;
  route: string; upstream: string | null; upstream_status: number | null; upstream_raw: string | null;
}

function rebuildEvents(db: DB, s: Schema, sinceId: number, full: boolean): number {
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

