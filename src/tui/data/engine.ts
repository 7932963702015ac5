// Answers the TUI's queries against one read-only connection, with a cache per window: a panel
// computed once for a window is served again instantly (panel switches, zoom out, the Overview
// reusing the other panels). Runs inside the query worker; tests run it in-process.
import type { DB } from '../../store/db.js';
import { openReadOnly } from '../../store/db.js';
import { dirname, resolve } from 'node:path';
import { dataRange, ensureRollups, findReport, listReports } from '../../report/runner.js';
import { buildPostmortem } from '../../postmortem/index.js';
import { registerReportFunctions } from '../../query/sqlfns.js';
import { headerData } from './header.js';
import { timelineBuckets, cursorDetail, minuteSeries, regroup, MINUTE_SERIES_MAX_MS } from './timeline.js';
import { events, sources } from './log-panels.js';
import { drillData } from './drills.js';
import { runWindowReport, spikesFromReport, type DataRange } from './reports.js';
import { builtinQueriesDir, queriesDirs, type ReportDef } from '../../report/loader.js';
import { endpointsView, oversizedView, slowlogView, upstreamsView, statusView, overviewView, limitsView, PANEL_REPORTS } from './report-panels.js';
import { viewTable, type PanelView } from './panel-view.js';
import { fullSpan } from '../../report/extent.js';
import { screenRunner, type RunScreen } from './screen.js';
import { clock } from '../format.js';
import type { BuiltinPanel, Bucket, PanelId, PanelInfo, Query, QueryResult, SpikesData, Table, TimelineData, Window } from './types.js';

const CACHE_MAX = 400;

export class QueryEngine {
  private db: DB;
  /** runs a screen's query file (queries/tui-*.sql ...) on this connection */
  private screen: RunScreen;
  private cache = new Map<string, QueryResult>();
  private tiers = new Map<string, 'edge' | 'backend'>();
  /** reports that failed on a window (their panel says so): for debugging */
  readonly reportErrors = new Map<string, string>();

  /** the user's reports (every listed one outside the built-in folder), each a panel after the built-in ones */
  private userReports = new Map<string, ReportDef>();
  readonly userPanels: PanelInfo[];
  /** the report folders: the built-in one, then the user's, whose files replace built-in ones by name */
  private dirs: string[];

  /** `queries`: the user's report folders (--queries, ':'-separated; $OVERLOAD_QUERIES is read too) */
  constructor(private dbPath: string, private tz: string, private queries?: string) {
    const builtin = resolve(builtinQueriesDir());
    this.dirs = queriesDirs([queries]);
    // a file named as a built-in panel's report replaces that panel's query; it is not a panel twice
    const replaced = new Set<string>(Object.values(PANEL_REPORTS).map((p) => p.report));
    for (const def of listReports(this.dirs)) {
      if (resolve(dirname(def.path)) !== builtin && !replaced.has(def.name)) this.userReports.set(def.name, def);
    }
    this.userPanels = [...this.userReports.values()].map((d) => ({ id: `q:${d.name}` as const, title: d.title }));
    this.db = openReadOnly(dbPath);
    registerReportFunctions(this.db);
    this.screen = screenRunner(this.db, (host) => this.range(host), tz, this.dirs);
    this.refresh();
  }

  /** New rows were committed (live mode): bring rollups up to date and forget cached answers. */
  refresh(): void {
    // builds TEMP rollups on this connection only when the database's own are stale (an older
    // database, or rows a live writer committed before updating them)
    ensureRollups(this.db);
    this.cache.clear();
    this.tiers.clear();
    this.ranges.clear();
    this.minutes.clear();
  }

  close(): void {
    this.db.close();
  }

  run(q: Query): QueryResult {
    const key = JSON.stringify(q);
    const hit = this.cache.get(key);
    if (hit) {
      // refresh its place: the map's order is the eviction order
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const result = this.compute(q);
    this.cache.set(key, result);
    if (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    return result;
  }

  private ranges = new Map<string, DataRange>();

  /** the data's extent per host, kept until the next refresh (reports resolve defaults with it) */
  private range(host: string | null): DataRange {
    const k = host ?? '';
    let r = this.ranges.get(k);
    // index seeks, 0.1 ms at a day of data; beyond a day, a scan of the per-minute totals that
    // leaves stamps far from the rest out (report/extent.ts)
    if (!r) this.ranges.set(k, (r = dataRange(this.db, host)));
    return r;
  }

  private tier(host: string | null): string {
    const k = host ?? '';
    let t = this.tiers.get(k);
    // which view of a request the panels use: the edge server's when it has rows (as the reports
    // do); it needs no outlier scan, index seeks only
    if (!t) this.tiers.set(k, (t = fullSpan(this.db, host).tier));
    return t;
  }

  private compute(q: Query): QueryResult {
    switch (q.type) {
      case 'header': return headerData(this.screen, this.dbPath, q.host, this.range(q.host), this.userPanels);
      case 'timeline': return { window: q.window, buckets: this.buckets(q.window) };
      case 'spikes': return this.spikes(q.window);
      case 'cursor': return cursorDetail(this.screen, q.window, this.tier(q.window.host), q.t);
      case 'panel': return this.panel(q.panel, q.window);
      case 'drill': return drillData(this.screen, q.window, this.tier(q.window.host), q.drill);
      case 'postmortem': {
        const w = q.window;
        const pm = buildPostmortem(this.db, { from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString(), host: w.host ?? undefined,
          tz: this.tz, svgName: q.svgName, queries: this.queries });
        return { markdown: pm.markdown, svg: pm.svg };
      }
    }
  }

  private minutes = new Map<string, Bucket[]>();

  private buckets(w: Window): Bucket[] {
    const range = this.range(w.host);
    const onGrid = w.bucketMs % 60_000 === 0 && w.from % 60_000 === 0;
    if (!onGrid || range.to - range.from > MINUTE_SERIES_MAX_MS) return timelineBuckets(this.screen, w, this.tier(w.host));
    const k = w.host ?? '';
    let m = this.minutes.get(k);
    if (!m) this.minutes.set(k, (m = minuteSeries(this.screen, range, this.tier(w.host), w.host)));
    return regroup(m, w);
  }

  private spikes(w: Window): SpikesData {
    try {
      return { window: w, spikes: spikesFromReport(runWindowReport(this.db, 'spikes', w, this.tz, this.range(w.host), {}, false, this.dirs)), error: null };
    } catch (e) {
      // no shading rather than different shading: the timeline itself still draws
      this.reportErrors.set('spikes', (e as Error).message);
      return { window: w, spikes: [], error: (e as Error).message };
    }
  }

  /**
   * A panel is a report (queries/*.sql, the same files as `overload report`, a --queries file of
   * the same name first) drawn through its `-- columns:` header as the panel's view picks. A
   * report that fails shows its error in the panel instead of other numbers.
   */
  private viaReport(report: string | ReportDef, view: PanelView | undefined, w: Window, extra: Record<string, string | number | boolean> = {},
    whole = false): Table {
    const name = typeof report === 'string' ? report : report.name;
    try {
      const def = typeof report === 'string' ? findReport(report, this.dirs) : report;
      return viewTable(runWindowReport(this.db, def, w, this.tz, this.range(w.host), extra, whole, this.dirs), def, view);
    } catch (e) {
      this.reportErrors.set(name, (e as Error).message);
      return { columns: [], rows: [], sorts: [], note: `report ${name} failed: ${(e as Error).message}` };
    }
  }

  /** a built-in panel's report with its view */
  private builtin(panel: keyof typeof PANEL_REPORTS, view: PanelView, w: Window, extra: Record<string, string | number | boolean> = {}, whole = false): Table {
    const { report, params } = PANEL_REPORTS[panel];
    return this.viaReport(report, view, w, { ...params, ...extra }, whole);
  }

  /** a screen's own query file (tui-events, inputs), a --queries file of that name first */
  private screenTable(name: string, draw: () => Table): Table {
    try {
      return draw();
    } catch (e) {
      this.reportErrors.set(name, (e as Error).message);
      return { columns: [], rows: [], sorts: [], note: `report ${name} failed: ${(e as Error).message}` };
    }
  }

  private panel(panel: PanelId, w: Window): Table {
    if (panel.startsWith('q:')) {
      const def = this.userReports.get(panel.slice(2));
      if (!def) return { columns: [], rows: [], sorts: [], note: `no report ${panel.slice(2)} in the --queries folders` };
      return this.viaReport(def, undefined, w);
    }
    switch (panel as BuiltinPanel) {
      case 'overview': return this.overview(w);
      case 'endpoints': return this.builtin('endpoints', endpointsView, w);
      case 'oversized': return this.builtin('oversized', oversizedView, w);
      // the events report is per bucket; the panel wants the window's kinds: the rollup answers it directly
      case 'events': return this.screenTable('tui-events', () => events(this.screen, w));
      case 'slowlog': return this.builtin('slowlog', slowlogView, w);
      case 'upstreams': return this.builtin('upstreams', upstreamsView, w);
      // one bucket as wide as the window: the status report's per-bucket rows become totals
      case 'status': return this.builtin('status', statusView, w, { bucket: w.to - w.from });
      case 'sources': return this.screenTable('inputs', () => sources(this.screen, w.host, this.range(w.host)));
      // the diagnosis of the window (report incident's "what to change" section): the limits that broke
      case 'limits': return this.builtin('limits', limitsView, w, {}, this.isWhole(w));
    }
  }

  private overview(w: Window): Table {
    const fmt = (ms: number) => clock(ms, this.tz, w.to - w.from);
    // the whole data: let `incident` pick its own window (the most severe spike)
    return this.builtin('overview', overviewView(fmt), w, {}, this.isWhole(w));
  }

  private isWhole(w: Window): boolean {
    const range = this.range(w.host);
    return w.from <= range.from && w.to >= range.to;
  }
}
