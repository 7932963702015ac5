// Every canned report on every bundled story, and every output format: the columns, the row count
// and one known value per (report, story), each format holding the same rows; then the answers the
// captures' READMEs give (slow route, events, stacks, buffered responses ...). Reports run
// in-process on the run's shared story databases (test/fixtures.ts); the CLI's own part (exit
// codes, its stdout being the same text) is held at the end.
import { describe, expect, it } from 'vitest';
import { cli, reportJson, runReportOn, storyDb, STORIES, truthOf } from '../fixtures.js';
import { renderResult } from '../fixtures.js';
import { listReports } from '../../src/report/runner.js';

type R = Record<string, unknown>;
const S1 = '1b-lighttpd-1.4.45-fastcgi-overload';
const S2 = '2-nginx-proxy-tempfile-timeout';
const S3 = '3-nginx-phpfpm-max-children';

const sum = (rows: R[], c: string) => rows.reduce((a, r) => a + Number(r[c] ?? 0), 0);

/** Each report's columns, in order (the JSON keys of every row). */
const COLUMNS: Record<string, string[]> = {
  'backend-overload': ['episode', 'backend', 'start_ts', 'end_ts', 'start', 'end', 'duration_s', 'overloaded', 'disabled', 'down', 'reenabled', 'connect_failed', 'backlog_full', 'max_load', 'backends', 'components', 'requests', 'rps', 's5xx', 'error_rate', 'rps_before', 'error_rate_before'],
  concurrency: ['bucket_ts', 'bucket', 'upstream', 'peak', 'p99', 'mean', 'arrival_rps', 'mean_duration_ms', 'littles_law', 'over_limit_s'],
  events: ['bucket_ts', 'bucket', 'component', 'kind', 'backend', 'events', 'first', 'last'],
  'fpm-saturation': ['section', 'time', 'pool', 'max_children', 'component', 'requests_before', 'requests_after', 's5xx_after', 'p95_before_ms', 'p95_after_ms', 'slow_around', 'killed_around', 'peak_inflight', 'script', 'slow', 'killed', 'max_seconds', 'first', 'last'],
  incident: ['section', 'item', 'detail', 'before', 'during', 'ratio', 'change', 'errors_before', 'errors_during', 'p95_before_ms', 'p95_during_ms', 'first', 'last'],
  'kernel-counters': ['bucket_ts', 'bucket', 'host', 'counter', 'increase', 'per_s', 'value', 'snapshots', 'resets', 'first', 'last'],
  oversized: ['section', 'start', 'time', 'route', 'url', 'status', 'bytes', 'duration_ms', 'upstream_ms', 'client_ms', 'client', 'upstream', 'requests', 'total_bytes', 'p50_bytes', 'p99_bytes', 'max_bytes', 'event_time', 'request', 'event_client'],
  'replay-requests': ['id', 'source_id', 'format', 'ts', 'start_ts', 'end_ts', 'route', 'status', 'duration_ms', 'upstream_ms', 'upstream_connect_ms', 'upstream_header_ms', 'upstream_addr', 'to_backend', 'backend_id', 'backend_ms', 'backend_status'],
  samples: ['section', 'time', 'component', 'kind', 'count', 'line'],
  'slow-endpoints': ['endpoint', 'requests', 's4xx', 's5xx', 'min_ms', 'p50_ms', 'p95_ms', 'p99_ms', 'max_ms', 'total_s', 'share_pct', 'upstream_min_ms', 'upstream_p50_ms', 'upstream_p95_ms', 'upstream_p99_ms', 'upstream_max_ms', 'upstream_total_s', 'first', 'last'],
  'slowlog-top': ['fingerprint', 'entries', 'share_pct', 'top_frame', 'app_frame', 'stack', 'scripts', 'routes', 'pools', 'first', 'last', 'truncated'],
  snapshots: ['time', 'ts', 'host', 'snapshot', 'subject', 'metric', 'value', 'kind', 'increase'],
  spikes: ['window', 'start_ts', 'end_ts', 'start', 'end', 'duration_s', 'peak_rps', 'baseline_rps', 'requests', 'errors', 'error_rate', 'p95_ms', 'baseline_p95_ms', 'peak_inflight', 'events', 'event_kinds', 'reasons', 'aftermath_end_ts', 'aftermath_end', 'severity', 'rank', 'resolution'],
  status: ['bucket_ts', 'bucket', 'status', 'requests', 'rps', 'share_pct'],
  timeline: ['bucket_ts', 'bucket', 'requests', 'rps', 's4xx', 's5xx', 'p50_ms', 'p95_ms', 'p99_ms', 'upstream_p95_ms', 'bytes', 'inflight_peak', 'events', 'kernel'],
  upstreams: ['upstream', 'attempts', 'failures', 'timeouts', 'retried', 'failure_rate', 'p50_ms', 'p95_ms', 'max_ms', 'first', 'last'],
};

/** One value per report that says its answer, read from its rows. */
const KNOWN: Record<string, { what: string; of: (rows: R[]) => unknown }> = {
  'backend-overload': { what: 'requests in the episodes', of: (r) => sum(r, 'requests') },
  concurrency: { what: 'peak in flight', of: (r) => Math.max(0, ...r.map((x) => Number(x.peak))) },
  events: { what: 'events', of: (r) => sum(r, 'events') },
  'fpm-saturation': { what: 'max_children warnings', of: (r) => r.filter((x) => x.section === 'saturation').length },
  incident: { what: 'top route', of: (r) => r.find((x) => x.section === 'routes')?.item ?? null },
  'kernel-counters': { what: 'sum of the increases', of: (r) => sum(r, 'increase') },
  oversized: { what: 'largest response', of: (r) => Math.max(0, ...r.filter((x) => x.section === 'largest').map((x) => Number(x.bytes))) },
  'replay-requests': { what: '5xx', of: (r) => r.filter((x) => Number(x.status) >= 500).length },
  samples: { what: 'lines counted', of: (r) => sum(r, 'count') },
  'slow-endpoints': { what: 'first endpoint', of: (r) => r[0]?.endpoint ?? null },
  'slowlog-top': { what: 'slowlog entries', of: (r) => sum(r, 'entries') },
  snapshots: { what: 'distinct metrics', of: (r) => new Set(r.map((x) => x.metric)).size },
  spikes: { what: 'first window\'s start', of: (r) => r[0]?.start ?? null },
  status: { what: 'requests', of: (r) => sum(r, 'requests') },
  timeline: { what: 'requests', of: (r) => sum(r, 'requests') },
  upstreams: { what: 'attempts', of: (r) => sum(r, 'attempts') },
};

/**
 * [rows, known value] per report and story (by its number), with default parameters: the answers
 * of main before issue #14 (/work/golden-before), which the query layer's redesign must keep.
 */
const EXPECT: Record<string, Record<string, [number, unknown]>> = {
  'backend-overload': { '1b': [1, 33981], '2': [3, 742], '3': [1, 912], '4': [1, 1442], '5': [1, 4712], '6': [0, 0], '7': [2, 252] },
  concurrency: { '1b': [73, 297], '2': [102, 24], '3': [118, 15], '4': [78, 100], '5': [73, 301], '6': [55, 65], '7': [41, 2] },
  events: { '1b': [33, 99], '2': [75, 1827], '3': [103, 953], '4': [62, 1070], '5': [411, 99220], '6': [21, 734], '7': [17, 228] },
  'fpm-saturation': { '1b': [0, 0], '2': [0, 0], '3': [6, 2], '4': [1, 1], '5': [0, 0], '6': [0, 0], '7': [0, 0] },
  incident: { '1b': [15, '/sleep.php'], '2': [18, '/slow.php'], '3': [30, '/poll.php'], '4': [20, '/account/report.cgi'], '5': [18, '/sleep.php'], '6': [22, '/api/report'], '7': [17, '/api/report'] },
  'kernel-counters': { '1b': [0, 0], '2': [0, 0], '3': [0, 0], '4': [0, 0], '5': [0, 0], '6': [49, 2060], '7': [0, 0] },
  oversized: { '1b': [12, 6031], '2': [23, 42017861], '3': [15, 2064], '4': [13, 8047], '5': [12, 6029], '6': [13, 167], '7': [11, 157] },
  'replay-requests': { '1b': [34559, 33790], '2': [5262, 1679], '3': [1294, 833], '4': [2558, 1068], '5': [5306, 4122], '6': [1553, 733], '7': [917, 222] },
  samples: { '1b': [7, 33892], '2': [9, 3509], '3': [9, 1789], '4': [8, 2141], '5': [9, 103345], '6': [6, 1470], '7': [9, 453] },
  'slow-endpoints': { '1b': [2, '/sleep.php'], '2': [3, '/small.php'], '3': [5, '/fast.php'], '4': [3, '/account/report.cgi'], '5': [2, '/sleep.php'], '6': [3, '/api/report'], '7': [1, '/api/report'] },
  'slowlog-top': { '1b': [0, 0], '2': [0, 0], '3': [6, 99], '4': [0, 0], '5': [0, 0], '6': [0, 0], '7': [0, 0] },
  snapshots: { '1b': [0, 0], '2': [0, 0], '3': [0, 0], '4': [0, 0], '5': [0, 0], '6': [216, 4], '7': [0, 0] },
  spikes: { '1b': [1, '2026-11-22T09:57:46.000Z'], '2': [2, '2026-11-22T09:50:03.000Z'], '3': [2, '2026-11-22T09:51:54.000Z'], '4': [1, '2026-11-22T11:08:19.000Z'], '5': [1, '2026-11-22T11:04:47.000Z'], '6': [1, '2026-12-07T08:37:52.000Z'], '7': [2, '2026-12-07T09:10:45.000Z'] },
  status: { '1b': [96, 34559], '2': [118, 5262], '3': [130, 1294], '4': [103, 2558], '5': [102, 5306], '6': [74, 1553], '7': [44, 919] },
  timeline: { '1b': [73, 34559], '2': [102, 5262], '3': [118, 1294], '4': [78, 2558], '5': [73, 5306], '6': [55, 1553], '7': [41, 919] },
  upstreams: { '1b': [0, 0], '2': [3, 5327], '3': [1, 1294], '4': [0, 0], '5': [0, 0], '6': [1, 1223], '7': [1, 917] },
};

/**
 * Not in `report --list` but run by name and held here like the others: the what-if replay's
 * input, every edge request at its default range (a million rows of JSON on a million-line log).
 */
const UNLISTED = ['replay-requests'];
const names = [...listReports().map((d) => d.name), ...UNLISTED];

it('the replay\'s input is runnable by name, not listed', () => {
  expect(listReports().map((d) => d.name)).not.toContain('replay-requests');
  expect(listReports(undefined, { all: true }).map((d) => d.name)).toContain('replay-requests');
});
const storyNo = (story: string) => story.split('-')[0];

it('every canned report has its columns, known value and expected rows here', () => {
  expect(names.filter((n) => !COLUMNS[n] || !KNOWN[n] || !EXPECT[n]), 'reports to add to this table').toEqual([]);
});

describe.each(STORIES)('every report on %s', (story) => {
  const db = storyDb(story);
  it.each(names.filter((n) => EXPECT[n]?.[storyNo(story)]))('%s: columns, rows and its known value, the same in every format', (name) => {
    const result = runReportOn(db, name);
    const [count, value] = EXPECT[name][storyNo(story)];
    expect(result.columns).toEqual(COLUMNS[name]);
    const rows = JSON.parse(renderResult(result, 'json')) as R[];
    expect(rows).toHaveLength(count);
    const keys = COLUMNS[name].join(',');
    expect(rows.filter((r) => Object.keys(r).join(',') !== keys), 'rows with other keys').toEqual([]);
    expect(KNOWN[name].of(rows), KNOWN[name].what).toEqual(value);
    // ndjson: the same rows, one per line
    const nd = renderResult(result, 'ndjson');
    // (compared as JSON text: a deep equal of 34,559 rows costs seconds)
    expect(JSON.stringify(nd === '' ? [] : nd.trimEnd().split('\n').map((l) => JSON.parse(l)))).toBe(JSON.stringify(rows));
    // csv: the columns as header, then one record per row
    const csv = renderResult(result, 'csv');
    expect(csv.split('\r\n')[0]).toBe(COLUMNS[name].join(','));
    expect(csv.split('\r\n').length - 2).toBe(count);
    // Markdown and the table: the title, then per section (or once) a header and one line per row
    const tables = result.sections ? result.sections.filter((s) => rows.some((r) => r.section === s)).length : 1;
    const md = renderResult(result, 'md');
    expect(md.startsWith(`## ${result.title}\n`)).toBe(true);
    expect(md.split('\n').filter((l) => l.startsWith('| ')).length).toBe(count + tables);
    const table = renderResult(result, 'table');
    expect(table.startsWith(`${result.title}  (`)).toBe(true);
    expect(table.split('\n').filter((l) => /^-+(  -+)*$/.test(l)).length).toBe(tables);
    for (const s of result.sections ?? []) expect(table).toContain(`\n${s}\n`);
  });
});

const section = (rows: R[], s: string) => rows.filter((r) => r.section === s);
const windows = (db: string) => reportJson<R>(db, 'spikes');
const incidentIn = (db: string, w: R, extra: string[] = []) =>
  reportJson<R>(db, 'incident', ['--from', String(w.start), '--to', String(w.aftermath_end ?? w.end), ...extra]);

describe('story 1b: lighttpd backend overloaded', () => {
  const db = storyDb(S1);
  const truth = truthOf(S1).signatures as { status: Record<string, number>; event_kinds: Record<string, number> };
  it('status totals and event kinds match truth.json', () => {
    const st = reportJson<R>(db, 'status');
    const by = (code: number) => st.filter((r) => r.status === code).reduce((a, r) => a + Number(r.requests), 0);
    expect(by(503)).toBe(truth.status['503']);
    expect(by(200)).toBe(truth.status['200']);
    const inc = incidentIn(db, windows(db)[0]);
    const kinds = Object.fromEntries(section(inc, 'events').map((r) => [r.item, r.during]));
    expect(kinds.backend_overloaded).toBe(44);
    expect(kinds.backend_down).toBe(11);
    expect(section(inc, 'routes')[0].item).toBe('/sleep.php');
  });
  it('backend-overload finds one episode spanning the spike, with the 503s in it', () => {
    const ep = reportJson<R>(db, 'backend-overload');
    expect(ep).toHaveLength(1);
    expect(ep[0].overloaded).toBe(44);
    expect(ep[0].max_load).toBe(45);
    expect(Number(ep[0].error_rate)).toBeGreaterThan(0.9);
  });
});

describe('story 2: nginx temp files and upstream timeouts', () => {
  const db = storyDb(S2);
  const [b, c] = windows(db);
  it('window B names /big.php and the temp-file buffering', () => {
    const inc = incidentIn(db, b);
    expect(section(inc, 'routes')[0].item).toBe('/big.php');
    expect(section(inc, 'events').map((r) => r.item)).toContain('response_buffered_to_disk');
  });
  it('window C names /slow.php, the timeouts and "no live upstreams"', () => {
    const inc = incidentIn(db, c);
    expect(section(inc, 'routes')[0].item).toBe('/slow.php');
    const kinds = section(inc, 'events').map((r) => r.item);
    expect(kinds).toEqual(expect.arrayContaining(['no_live_upstreams', 'upstream_timeout', 'backend_disabled']));
    const ups = section(inc, 'upstreams');
    expect(ups[0].item).toBe('app_backend');
  });
  it('upstreams counts every attempt: 94 timeouts like the error log', () => {
    const ups = reportJson<R>(db, 'upstreams');
    expect(ups.reduce((a, r) => a + Number(r.timeouts), 0)).toBe(94);
    expect(ups.find((r) => r.upstream === 'app_backend')?.failures).toBe(1650);
  });
  it('oversized ranks /big.php and joins the buffered events to slow clients', () => {
    const o = reportJson<R>(db, 'oversized', ['--limit', '20']);
    expect(section(o, 'largest')[0].route).toBe('/big.php');
    const buf = section(o, 'buffered');
    expect(buf).toHaveLength(11);
    const slow = buf.filter((r) => Number(r.client_ms) > 3000);
    expect(slow.length).toBeGreaterThanOrEqual(5);
    for (const r of slow) expect(Number(r.upstream_ms)).toBeLessThan(1000);
  });
});

describe('story 3: PHP-FPM max_children', () => {
  const db = storyDb(S3);
  const [b, c] = windows(db);
  it('window B names /report.php, max_children and the report stack', () => {
    const inc = incidentIn(db, b);
    expect(section(inc, 'routes')[0].item).toBe('/report.php');
    expect(section(inc, 'events').map((r) => r.item)).toContain('worker_limit_reached');
    expect(String(section(inc, 'stacks')[0].item)).toMatch(/^sleep\(\) < runQuery\(\)/);
  });
  it('window C names the heavy routes, the EAGAIN connects and their stacks', () => {
    const inc = incidentIn(db, c);
    const routes = section(inc, 'routes').map((r) => r.item);
    expect(routes).toEqual(expect.arrayContaining(['/cpu.php', '/poll.php', '/api.php']));
    expect(section(inc, 'events')[0].item).toBe('backlog_full');
    const stacks = section(inc, 'stacks').map((r) => String(r.item)).join('\n');
    for (const f of ['waitForJobLock', 'callPartnerApi', 'computeChecksum']) expect(stacks).toContain(f);
  });
  it('slowlog-top ranks the 53 report.php traces first, with the route recovered', () => {
    const top = reportJson<R>(db, 'slowlog-top');
    expect(top[0].entries).toBe(53);
    expect(top[0].routes).toBe('/report.php');
    expect(top.reduce((a, r) => a + Number(r.entries), 0)).toBe(99);
  });
  it('fpm-saturation: two max_children warnings at limit 4; concurrency shows demand above it', () => {
    const f = reportJson<R>(db, 'fpm-saturation');
    const sat = section(f, 'saturation');
    expect(sat).toHaveLength(2);
    expect(sat[0].max_children).toBe(4);
    const conc = reportJson<R>(db, 'concurrency', ['--param', 'limit=4']);
    expect(conc.reduce((a, r) => a + Number(r.over_limit_s), 0)).toBeGreaterThan(30);
    expect(Math.max(...conc.map((r) => Number(r.peak)))).toBeGreaterThan(4);
  });
  it('counts the edge once: PHP-FPM access lines are the backend tier', () => {
    const tl = reportJson<R>(db, 'timeline');
    expect(tl.reduce((a, r) => a + Number(r.requests), 0)).toBe(1294);
    const be = reportJson<R>(db, 'timeline', ['--param', 'tier=backend']);
    expect(be.reduce((a, r) => a + Number(r.requests), 0)).toBe(457);
  });
});

describe('the report command', () => {
  const db = storyDb(S1);
  it('prints what the in-process run renders, in every format', () => {
    // a report with sections in every format, and one without, its flags passed through
    for (const [name, extra, formats] of [['incident', [], ['table', 'json', 'csv', 'md', 'ndjson']], ['timeline', ['--bucket', '10s'], ['table']]] as const) {
      const result = runReportOn(db, name, [...extra]);
      for (const format of formats) {
        const r = cli(['report', name, '--db', db, '--format', format, '--tz', 'UTC', ...extra]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout, `${name} --format ${format}`).toBe(renderResult(result, format));
      }
    }
  });
  it('exits 1 on an unknown report or parameter, 2 on a missing database', () => {
    expect(cli(['report', 'nope', '--db', db]).code).toBe(1);
    expect(cli(['report', 'timeline', '--db', db, '--param', 'nope=1']).code).toBe(1);
    expect(cli(['report', 'timeline', '--db', db, '--from', 'yesterday-ish']).code).toBe(1);
    const r = cli(['report', 'timeline', '--db', '/nonexistent/x.db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no database/);
  });
  it('reads stamps as logs write them, and --bucket', () => {
    const rows = reportJson<R>(db, 'timeline', ['--from', '22/Nov/2026:09:57:40 +0000', '--to', '2026-11-22 09:58:00', '--bucket', '10s']);
    expect(rows.map((r) => r.bucket)).toEqual(['2026-11-22T09:57:40.000Z', '2026-11-22T09:57:50.000Z']);
  });
});
