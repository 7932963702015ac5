// The edge of the diagnosis: every relation it reads, read here, for one window and host. The
// SQL is plain (no SQLite-only functions) except through the report runner, which owns the
// rollups. A relation the database lacks (no config or snapshot was ever ingested, or a database
// older than those migrations) is an empty list and a note, never an error.
import type { DB } from '../store/db.js';
import { runReport, type Row } from '../report/runner.js';
import type { Demand, DiagnoseOptions, EventGroup, Facts, SampleSeries, Setting, Window } from './types.js';

function hasRelation(db: DB, name: string): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE name = ? AND type IN ('table', 'view')").get(name);
}

function columns(db: DB, name: string): Set<string> {
  return new Set((db.prepare(`PRAGMA table_info(${name})`).all() as { name: string }[]).map((c) => c.name));
}

const hostClause = (col: string, host: string | null) => (host === null ? '1' : `(${col} = @host OR ${col} IS NULL)`);

function toSetting(r: Record<string, unknown>, isDefault: boolean): Setting {
  return {
    host: (r.host as string | null) ?? null,
    server: String(r.server),
    scope: String(r.scope ?? ''),
    name: String(r.name),
    value: r.value === null || r.value === undefined ? null : String(r.value),
    file: (r.file as string | null) ?? null,
    line: r.line === null || r.line === undefined ? null : Number(r.line),
    isDefault,
    doc: (r.doc as string | null) ?? null,
    active: r.active === undefined ? true : Number(r.active) !== 0,
    note: (r.note as string | null) ?? null,
  };
}

export function readSettings(db: DB, host: string | null, absent: string[]): Pick<Facts, 'settings' | 'effective' | 'defaults' | 'configured'> {
  const out = { settings: [] as Setting[], effective: [] as Setting[], defaults: [] as Setting[], configured: new Set<string>() };
  if (!hasRelation(db, 'settings')) {
    absent.push('settings (no server config was ingested into this database)');
    return out;
  }
  const p = host === null ? {} : { host };
  out.settings = (db.prepare(`SELECT host, server, scope, name, value, file, line, active, note FROM settings
    WHERE ${hostClause('host', host)} ORDER BY file, line`).all(p) as Record<string, unknown>[]).map((r) => toSetting(r, false));
  for (const s of out.settings) out.configured.add(s.server);
  if (hasRelation(db, 'effective_settings')) {
    const cols = columns(db, 'effective_settings');
    const doc = cols.has('doc') ? 'doc' : 'NULL AS doc';
    const applies = cols.has('applies') ? 'applies' : 'NULL AS applies';
    const rows = db.prepare(`SELECT host, server, scope, name, value, file, line, is_default, ${doc}, ${applies} FROM effective_settings
      WHERE ${hostClause('host', host)}`).all(p) as Record<string, unknown>[];
    // a default that depends on the version ('Linux >= 5.4') names its condition beside its doc
    out.effective = rows.map((r) => toSetting(r, Number(r.is_default) === 1))
      .map((s, i) => (s.isDefault ? { ...s, note: (rows[i].applies as string | null) ?? null } : s))
      .map((s) => (s.isDefault && s.note ? { ...s, doc: `${s.note}${s.doc ? `; ${s.doc}` : ''}` } : s));
  } else {
    out.effective = out.settings.filter((s) => s.active);
  }
  if (hasRelation(db, 'setting_defaults')) {
    out.defaults = (db.prepare('SELECT server, name, value, applies, doc FROM setting_defaults').all() as Record<string, unknown>[])
      .map((r) => ({ ...toSetting({ ...r, scope: '', file: null, line: null }, true), note: (r.applies as string | null) ?? null }));
  }
  return out;
}

export function readEvents(db: DB, w: Window): EventGroup[] {
  const p = { from: w.from, to: w.to, ...(w.host === null ? {} : { host: w.host }) };
  // one read of the window's events, grouped by their limit too (NULL for most): the groups of one
  // (component, kind, backend) come together and are folded here. A second read for the distinct
  // limits alone cost ~15 % of this one on mixed's 233k events of its 23-minute incident
  const rows = db.prepare(`SELECT component, kind, backend, limit_value, count(*) AS n, min(ts) AS first, max(ts) AS last, max(value) AS max_value
    FROM events WHERE ts >= @from AND ts < @to AND ${w.host === null ? '1' : 'host = @host'}
    GROUP BY component, kind, backend, limit_value ORDER BY component, kind, backend, limit_value`).all(p) as Record<string, unknown>[];
  const out: EventGroup[] = [];
  let prev: Record<string, unknown> | null = null;
  for (const r of rows) {
    const g = out[out.length - 1];
    if (g && prev && r.component === prev.component && r.kind === prev.kind && (r.backend ?? null) === (prev.backend ?? null)) {
      g.count += Number(r.n);
      g.first = Math.min(g.first, Number(r.first));
      g.last = Math.max(g.last, Number(r.last));
      if (r.max_value !== null && (g.maxValue === null || Number(r.max_value) > g.maxValue)) g.maxValue = Number(r.max_value);
    } else {
      out.push({
        component: String(r.component), kind: String(r.kind), backend: (r.backend as string | null) ?? null,
        count: Number(r.n), first: Number(r.first), last: Number(r.last),
        maxValue: r.max_value === null ? null : Number(r.max_value), limits: [],
      });
    }
    if (r.limit_value !== null) out[out.length - 1].limits.push(Number(r.limit_value));
    prev = r;
  }
  for (const g of out) g.limits.sort((a, b) => a - b);
  return out;
}

/**
 * Snapshot figures of the host. Snapshots are rarely taken at the worst second: those inside the
 * window are used when there are any, otherwise every snapshot of the host (the finding says so).
 */
export function readSamples(db: DB, w: Window, absent: string[]): { samples: SampleSeries[]; inWindow: boolean } {
  if (!hasRelation(db, 'samples')) {
    absent.push('samples (no system snapshot was ingested into this database)');
    return { samples: [], inWindow: false };
  }
  const p = w.host === null ? {} : { host: w.host };
  const read = (range: string, extra: Record<string, number>) => (db.prepare(`
    SELECT snapshot, subject, metric, kind, count(*) AS n, min(value) AS mn, max(value) AS mx, min(ts) AS first_ts, max(ts) AS last_ts,
      (SELECT value FROM samples z WHERE z.snapshot = s.snapshot AND z.subject = s.subject AND z.metric = s.metric
         AND ${hostClause('z.host', w.host)} ${range.replaceAll('ts', 'z.ts')} ORDER BY z.ts DESC, z.id DESC LIMIT 1) AS last_value,
      (SELECT value FROM samples z WHERE z.snapshot = s.snapshot AND z.subject = s.subject AND z.metric = s.metric
         AND ${hostClause('z.host', w.host)} ${range.replaceAll('ts', 'z.ts')} ORDER BY z.ts, z.id LIMIT 1) AS first_value
    FROM samples s WHERE ${hostClause('s.host', w.host)} ${range.replaceAll('ts', 's.ts')}
    GROUP BY snapshot, subject, metric, kind`).all({ ...p, ...extra }) as Record<string, unknown>[]).map((r) => ({
    snapshot: String(r.snapshot), subject: String(r.subject ?? ''), metric: String(r.metric), kind: String(r.kind),
    n: Number(r.n), min: Number(r.mn), max: Number(r.mx), last: Number(r.last_value), first: Number(r.first_value),
    firstTs: Number(r.first_ts), lastTs: Number(r.last_ts),
  }));
  const inside = read('AND ts >= @from AND ts < @to', { from: w.from, to: w.to });
  return inside.length ? { samples: inside, inWindow: true } : { samples: read('', {}), inWindow: false };
}

/**
 * Read the whole table in its own order, not the window's rows through request_rows_start, when
 * the window holds more than half of the table's rows: a row found through the index costs about
 * twice one read in place (its lookup into the table; `day`'s 13-hour incident is 800k of 1M
 * rows: 360 -> 250 ms CPU), and on a short window the index reads only its rows.
 * `windowRows`: the tier's requests started in the window (the caller has them from the in-flight
 * series): fewer than the index reads when other tiers have rows in the window too (it finds
 * every row by its start, then its source), so the choice leans to the index. The table's max(id)
 * stands for its row count (ids are dense but for deleted sources).
 */
export function demandScansTable(db: DB, windowRows: number): boolean {
  const tableRows = (db.prepare('SELECT coalesce(max(id), 0) AS n FROM request_rows').get() as { n: number }).n;
  return windowRows > tableRows / 2;
}

export interface WindowSums { e5: number | null; mx: number | null; big: number | null; dur: number; durN: number }

/**
 * One read of the window's rows, one aggregate row: no GROUP BY status (a 13-hour window of `day`
 * is ~800k rows, and sorting them by status cost as much as reading them); nothing reads a count
 * per status, only the 5xx and the time served below 500.
 */
export function windowSums(db: DB, w: Window, tier: 'edge' | 'backend', windowRows: number): WindowSums {
  return db.prepare(`SELECT sum(status >= 500) AS e5, max(bytes) AS mx, sum(bytes > 1048576) AS big,
      total(CASE WHEN status < 500 THEN duration_ms END) AS dur, count(CASE WHEN status < 500 THEN duration_ms END) AS durN
    FROM request_rows ${demandScansTable(db, windowRows) ? 'NOT INDEXED' : ''}
    WHERE coalesce(start_ts, ts) >= @from AND coalesce(start_ts, ts) < @to
      AND source_id IN (SELECT id FROM source_tiers WHERE tier = @tier)
      AND ${w.host === null ? '1' : 'source_id IN (SELECT id FROM sources WHERE host = @host)'}`)
    .get({ from: w.from, to: w.to, tier, ...(w.host === null ? {} : { host: w.host }) }) as WindowSums;
}

function demandOf(db: DB, w: Window, tier: 'edge' | 'backend', tz: string): Demand | null {
  // An access log's parsed lines are its request rows: `parsed > 0` says it has some without the
  // scan of every request that `SELECT DISTINCT source_id FROM request_rows` was (0.3 s at 1M).
  const formats = (db.prepare(`SELECT DISTINCT format FROM sources WHERE ${w.host === null ? '1' : 'host = @host'}
    AND id IN (SELECT id FROM source_tiers WHERE tier = @tier) AND parsed > 0`)
    .all({ tier, ...(w.host === null ? {} : { host: w.host }) }) as { format: string }[]).map((r) => r.format);
  if (!formats.length) return null;
  // 1 s buckets: the peak second is what a pool must hold; long windows fall back to the report's auto bucket
  const bucket = w.to - w.from <= 6 * 3_600_000 ? '1s' : 'auto';
  const input = { from: w.from, to: w.to, host: w.host ?? undefined, bucket, tier };
  const rows = runReport(db, 'concurrency', input, { tz }).rows as Row[];
  let requests = 0, durSum = 0, durN = 0, peak = 0, peakAt: number | null = null;
  const bucketMs = rows.length > 1 ? Number(rows[1].bucket_ts) - Number(rows[0].bucket_ts) : w.to - w.from;
  for (const r of rows) {
    const n = Number(r.arrival_rps ?? 0) * bucketMs / 1000;
    requests += n;
    if (r.mean_duration_ms !== null) { durSum += Number(r.mean_duration_ms) * n; durN += n; }
    if (Number(r.peak) > peak) { peak = Number(r.peak); peakAt = Number(r.bucket_ts); }
  }
  const sums = windowSums(db, w, tier, requests);
  // (served: below 500, as SQL's status < 500, where a NULL status is not)
  const e5 = sums.e5 ?? 0, maxBytes = sums.mx, over1MiB = sums.big ?? 0, servedSum = sums.dur, servedN = sums.durN;
  const seconds = (w.to - w.from) / 1000;
  return {
    tier, servers: formats, requests: Math.round(requests), arrivalRps: seconds > 0 ? requests / seconds : 0,
    meanServiceMs: durN > 0 ? durSum / durN : null, meanServedMs: servedN > 0 ? servedSum / servedN : null, peakInflight: peak, peakAt,
    errors5xx: e5, maxBytes, over1MiB,
    series: rows.map((r) => ({ t: Number(r.bucket_ts), peak: Number(r.peak), mean: Number(r.mean) })),
  };
}

export function readDemand(db: DB, w: Window, tz: string): Demand[] {
  const out: Demand[] = [];
  for (const tier of ['edge', 'backend'] as const) {
    const d = demandOf(db, w, tier, tz);
    if (d) out.push(d);
  }
  return out;
}

export function readLogFormats(db: DB, host: string | null): string[] {
  return (db.prepare(`SELECT DISTINCT format FROM sources WHERE ${host === null ? '1' : 'host = @host'}`)
    .all(host === null ? {} : { host }) as { format: string }[]).map((r) => r.format);
}

export function readFacts(db: DB, w: Window, options: DiagnoseOptions, tz: string): Facts {
  const absent: string[] = [];
  const settings = readSettings(db, w.host, absent);
  const { samples } = readSamples(db, w, absent);
  return {
    window: w, ...settings, events: readEvents(db, w), samples, demand: readDemand(db, w, tz),
    logFormats: readLogFormats(db, w.host), options, absent,
  };
}
