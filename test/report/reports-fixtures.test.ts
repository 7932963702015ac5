// Every canned report through the built CLI on the real captures: JSON with stable keys, and the
// answers the captures' READMEs give (slow route, events, stacks, buffered responses ...).
import { describe, expect, it } from 'vitest';
import { cli, ingestStory, reportJson, truthOf } from './fixture-db.js';

type R = Record<string, unknown>;
const S1 = '1b-lighttpd-1.4.45-fastcgi-overload';
const S2 = '2-nginx-proxy-tempfile-timeout';
const S3 = '3-nginx-phpfpm-max-children';

const names = (JSON.parse(cli(['report', '--list', '--format', 'json']).stdout) as R[]).map((r) => String(r.name));

describe.each([S1, S2, S3])('every report on %s', (story) => {
  const db = ingestStory(story);
  it.each(names)('%s: JSON rows share one set of keys, and table/csv/md/ndjson render', (name) => {
    const rows = reportJson<R>(db, name);
    const keys = rows.length ? Object.keys(rows[0]) : [];
    for (const r of rows) expect(Object.keys(r)).toEqual(keys);
    for (const format of ['table', 'csv', 'md', 'ndjson']) {
      const r = cli(['report', name, '--db', db, '--format', format, '--tz', 'UTC']);
      expect(r.code, r.stderr).toBe(0);
    }
  });
});

const section = (rows: R[], s: string) => rows.filter((r) => r.section === s);
const windows = (db: string) => reportJson<R>(db, 'spikes');
const incidentIn = (db: string, w: R, extra: string[] = []) =>
  reportJson<R>(db, 'incident', ['--from', String(w.start), '--to', String(w.aftermath_end ?? w.end), ...extra]);

describe('story 1b: lighttpd backend overloaded', () => {
  const db = ingestStory(S1);
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
  const db = ingestStory(S2);
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
  const db = ingestStory(S3);
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
  const db = ingestStory(S1);
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
