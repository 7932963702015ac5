// `overload diagnose` on every bundled story: its logs ingested as truth.json says, its server
// configs (config/*.conf, *.vcl) beside them, and the diagnosis read as JSON. Each story's
// truth.json `settings` say what broke; the findings must name that limit with its numbers, and
// no limit a finding quotes from a config may contradict them.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Story } from '../../src/demo/incidents.js';
import { cli, sql, storyDb, STORY_LIST, tempDir } from '../fixtures.js';
import { openReadOnly } from '../../src/store/db.js';
import { diagnose as runDiagnose } from '../../src/diagnose/index.js';
import { diagnosisJson } from '../../src/diagnose/render.js';
import { MODULES } from '../../src/correlate/modules.js';

interface Finding {
  rule: string;
  server: string;
  severity: string;
  title: string;
  limits: Array<{ server: string; setting: string; value: string | null; where: string; basis: string }>;
  evidence: string[];
  arithmetic: string[];
  recommendation: string;
  missing: string[];
  numbers: Record<string, number | null>;
}
interface Diagnosis { window: { from_ts: number; to_ts: number; basis: string }; findings: Finding[]; notes: string[] }

/** `overload diagnose --format json` run in-process (its CLI is held by the what-if tests below) */
function diagnose(db: string, host: string, range: string[] = []): Diagnosis {
  const [, from, , to] = range;
  const conn = openReadOnly(db);
  try {
    return JSON.parse(JSON.stringify(diagnosisJson(runDiagnose(conn, { from, to, host, tz: 'UTC', modules: MODULES })))) as Diagnosis;
  } finally {
    conn.close();
  }
}

// each story's logs, configs (config/*.conf, *.vcl) and listed snapshots: storyDb(name, 'full')
const stories = STORY_LIST;
const byName = (prefix: string) => stories.find((s) => s.story.startsWith(prefix))!;
const iso = (ms: number) => new Date(ms).toISOString();

/** The whole incident and 15 s after it (the aftermath: "down", "killed" lines), as --from/--to. */
function incidentRange(story: Story): string[] {
  const inc = (story.truth as { incident: { start: string; end: string } }).incident;
  return ['--from', iso(Date.parse(inc.start) - 5000), '--to', iso(Date.parse(inc.end) + 15_000)];
}

function find(d: Diagnosis, rule: string): Finding {
  const f = d.findings.find((x) => x.rule === rule);
  expect(f, `a finding ${rule}; got ${d.findings.map((x) => x.rule).join(', ') || 'none'}`).toBeDefined();
  return f!;
}

const eventCount = (story: Story, kind: string) => (story.truth as { signatures: { event_kinds: Record<string, number> } }).signatures.event_kinds[kind];

describe.each(stories.map((s) => [s.story, s] as const))('diagnose story %s', (name, story) => {
  const db = storyDb(name, 'full');
  let worst: Diagnosis;
  let whole: Diagnosis;
  const settings = (story.truth as { settings: Record<string, unknown> }).settings;

  beforeAll(() => {
    worst = diagnose(db, name);
    whole = diagnose(db, name, incidentRange(story));
  }, 300_000);

  it('diagnoses the worst spike by default, and finds a critical limit there', () => {
    expect(worst.window.basis).toBe('spike');
    expect(worst.findings.some((f) => f.severity === 'critical'), `${name}: ${worst.findings.map((f) => `${f.severity} ${f.rule}`).join(', ')}`).toBe(true);
  });

  it('quotes no config value that contradicts truth.json', () => {
    // truth.json's keys for the settings a finding may quote: the name, lighttpd's fastcgi. prefix,
    // Varnish's backend prefix, and durations in seconds (_s)
    const seconds = (v: string) => (/^\d+(\.\d+)?ms$/.test(v) ? Number(v.slice(0, -2)) / 1000 : /^\d+(\.\d+)?s?$/.test(v) ? parseFloat(v) : NaN);
    let compared = 0;
    for (const d of [worst, whole]) {
      for (const f of d.findings) {
        for (const l of f.limits.filter((x) => x.basis === 'config' && x.value !== null)) {
          const bare = l.setting.replace(/^\./, '');
          for (const key of [l.setting, `fastcgi.${l.setting}`]) {
            if (key in settings && typeof settings[key] === 'number') { expect(Number(l.value), `${name}: ${f.rule} quotes ${l.setting}`).toBe(settings[key]); compared++; }
          }
          for (const key of [`${l.setting}_s`, `varnish_backend.${bare}_s`, `apache_${l.setting}_s`]) {
            if (key in settings) { expect(seconds(l.value!), `${name}: ${f.rule} quotes ${l.setting}`).toBe(settings[key]); compared++; }
          }
        }
      }
    }
    // story 7's limit is a memory cgroup's, in no config the story ships: nothing to quote
    if (!name.startsWith('7-')) expect(compared, `${name}: some quoted limit is checked against truth.json`).toBeGreaterThan(0);
  });

  it("names only the servers of the story, each with its own settings", () => {
    const servers = new Set(Object.keys((story.truth as { software: Record<string, string> }).software).map((s) => s.toLowerCase()));
    // the kernel is every story's; php.ini (server 'php') belongs to PHP-FPM
    const present = (s: string) => servers.has(s) || s === 'kernel' || (s === 'php' && servers.has('php-fpm'));
    for (const f of whole.findings) {
      if (f.rule.startsWith('demand.')) continue;
      expect(present(f.server), `${name}: ${f.rule} is about ${f.server}`).toBe(true);
      for (const l of f.limits) expect(present(l.server), `${name}: ${f.rule} quotes ${l.server} ${l.setting}`).toBe(true);
    }
  });

  it.runIf(name.startsWith('1b-') || name.startsWith('5-'))('lighttpd: max-procs x PHP_FCGI_CHILDREN workers, the backlog per socket', () => {
    for (const d of [worst, whole]) {
      const f = find(d, 'lighttpd.fastcgi_procs');
      expect(f.severity).toBe('critical');
      expect(f.numbers).toMatchObject({
        'max-procs': settings['fastcgi.max-procs'], PHP_FCGI_CHILDREN: settings.PHP_FCGI_CHILDREN,
        php_workers: settings.php_workers_total, 'listen-backlog': settings['fastcgi.listen-backlog'],
      });
      expect(f.arithmetic).toContain('max-procs 4 x PHP_FCGI_CHILDREN 2 = 8 PHP workers, on 4 sockets of 2 each (+ 4 php-cgi masters = 12 processes)');
      expect(f.title).toMatch(/4 procs x 2 children = 8 PHP workers, backlog 8 per socket/);
      expect(f.recommendation).toMatch(/fewer procs with more children/);
    }
    const all = find(whole, 'lighttpd.fastcgi_procs');
    expect(all.numbers.overloaded_events).toBe(eventCount(story, 'backend_overloaded'));
  });

  it.runIf(name.startsWith('5-'))('lighttpd 1.4.69: listen-backlog 8 overflowed, the count of backlog_full events, and the uneven sockets', () => {
    const f = find(whole, 'lighttpd.listen_backlog');
    expect(f.numbers).toMatchObject({ 'listen-backlog': 8, effective_backlog: 8, backlog_full: eventCount(story, 'backlog_full') });
    expect(find(whole, 'lighttpd.fastcgi_procs').evidence.join('\n')).toMatch(/per socket: -0: \d+, -1: \d+, -2: \d+, -3: \d+ \(the busiest [\d.]+x the least busy/);
  });

  it.runIf(name.startsWith('3-'))('PHP-FPM: pm.max_children 4 reached, listen.backlog 8 overflowed by every backlog_full event, somaxconn capping', () => {
    const mc = find(worst, 'php-fpm.max_children');
    expect(mc.severity).toBe('critical');
    expect(mc.numbers['pm.max_children']).toBe(settings['pm.max_children']);
    expect(mc.limits[0]).toMatchObject({ server: 'php-fpm', setting: 'pm.max_children', value: '4', basis: 'config' });
    expect(mc.limits[0].where).toMatch(/config\/php-fpm\.conf:\d+$/);
    expect(mc.numbers.recommend_min).toBeGreaterThan(4);
    const all = find(whole, 'php-fpm.max_children');
    expect(all.numbers.max_children_reached).toBe(eventCount(story, 'worker_limit_reached'));
    const bl = find(whole, 'php-fpm.listen_backlog');
    expect(bl.numbers).toMatchObject({ 'listen.backlog': settings['listen.backlog'], somaxconn: 4096, effective_backlog: 8, backlog_full: eventCount(story, 'backlog_full') });
    expect(bl.arithmetic[0]).toMatch(/^effective backlog = min\(listen\.backlog 8, net\.core\.somaxconn 4096 .*\) = 8$/);
    const killed = find(whole, 'timeouts.php_fpm_terminate');
    expect(killed.numbers).toMatchObject({ request_terminate_timeout_s: settings.request_terminate_timeout_s, killed: eventCount(story, 'request_killed') });
    // fastcgi_read_timeout 30 s > request_terminate_timeout 5 s: the right order, no "front gives up first" finding
    expect(whole.findings.some((f) => f.rule === 'timeouts.nginx_fastcgi')).toBe(false);
  });

  it.runIf(name.startsWith('3-'))('report incident ends with "what to change"; the postmortem has the section and draws in-flight against pm.max_children', () => {
    const r = cli(['report', 'incident', '--db', db, '--host', name, '--tz', 'UTC', '--format', 'json']);
    expect(r.status).toBe(0);
    const rows = (JSON.parse(r.stdout) as Array<Record<string, string>>).filter((x) => x.section === 'what to change');
    expect(rows.map((x) => x.item)).toContain('PHP-FPM pool www: pm.max_children 4 reached');
    expect(rows.find((x) => x.item.startsWith('PHP-FPM pool www: listen.backlog 8 overflowed'))?.detail).toMatch(/^critical \(php-fpm\.listen_backlog\): Raise listen\.backlog/);
    const out = join(tempDir('overload-pm-'), 'pm.md');
    expect(cli(['postmortem', '--db', db, '--host', name, '--tz', 'UTC', '-o', out]).status).toBe(0);
    const md = readFileSync(out, 'utf8');
    expect(md).toMatch(/^## What to change$/m);
    expect(md).toMatch(/^### PHP-FPM pool www: pm\.max\\_children 4 reached$/m);
    const svg = readFileSync(out.replace(/\.md$/, '.svg'), 'utf8');
    expect(svg).toContain('php-fpm pm.max_children (pool www) = 4');
    expect(svg).toMatch(/requests in flight, peak per bucket \(purple\) against each configured worker limit/);
  });

  it.runIf(name.startsWith('3-'))('--what-if replays the window at the configured pool and at the asked one, side by side', () => {
    const r = cli(['diagnose', '--db', db, '--host', name, '--tz', 'UTC', '--format', 'json', '--worker-mb', '60', '--what-if', 'pm.max_children=16,listen.backlog=511']);
    expect(r.status, r.stderr).toBe(0);
    const w = (JSON.parse(r.stdout) as { what_if: { configured: Record<string, number>; asked: Record<string, number>; rows: Array<{ measure: string; logs: number | null; configured: number | null; what_if: number | null }> } }).what_if;
    expect(w.configured).toMatchObject({ sockets: 1, workersPerSocket: 4, backlog: 8, killTimeoutMs: 5000, frontTimeoutMs: 30_000, refusedStatus: 502 });
    expect(w.asked).toMatchObject({ workersPerSocket: 16, backlog: 511 });
    const row = (m: string) => w.rows.find((x) => x.measure === m)!;
    // the logs' column counts the window's 5xx as logged; more workers and a longer queue refuse fewer
    expect(row('5xx').logs).toBeGreaterThan(500);
    expect(row('5xx').what_if!).toBeLessThan(row('5xx').configured! / 2);
    expect(row('peak_busy_workers')).toMatchObject({ configured: 4, what_if: 16 });
    expect(row('peak_memory_mb').what_if).toBe(16 * 60);
    const text = cli(['diagnose', '--db', db, '--host', name, '--tz', 'UTC', '--what-if', 'pm.max_children=16']);
    expect(text.stdout).toMatch(/^pool www: sockets 1, workers per socket 4 -> 16, backlog 8,/m);
    expect(text.stdout).toMatch(/^measure +logs +configured +what-if$/m);
    const bad = cli(['diagnose', '--db', db, '--host', name, '--what-if', 'pm.max_kids=3']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--what-if pm\.max_kids: not a limit the replay models/);
  });

  it.runIf(name.startsWith('4-'))('Apache: MaxRequestWorkers 8 (ServerLimit 1 x ThreadsPerChild 8) reached, ListenBacklog 16, Varnish first_byte_timeout 4 s', () => {
    const f = find(worst, 'apache.max_request_workers');
    expect(f.numbers).toMatchObject({ MaxRequestWorkers: settings.MaxRequestWorkers, ServerLimit: settings.ServerLimit, ThreadsPerChild: settings.ThreadsPerChild, capacity: 8 });
    expect(f.arithmetic).toContain('8 requests at once (MPM event)');
    const bl = find(whole, 'apache.listen_backlog');
    expect(bl.numbers).toMatchObject({ ListenBacklog: settings.ListenBacklog, connect_failed: eventCount(story, 'connect_failed') });
    const fb = find(whole, 'timeouts.varnish_first_byte');
    expect(fb.numbers).toMatchObject({ first_byte_timeout_s: settings['varnish_backend.first_byte_timeout_s'], apache_timeout_s: settings.apache_Timeout_s, fetch_timeouts: eventCount(story, 'upstream_timeout') });
    expect(find(whole, 'varnish.max_connections').recommendation).toMatch(/\.max_connections to about 8/);
  });

  it.runIf(name.startsWith('2-'))('nginx: proxy_read_timeout 1 s timeouts took the upstreams down; big responses buffered to temp files', () => {
    const f = find(whole, 'timeouts.nginx_proxy_read');
    expect(f.numbers).toMatchObject({ proxy_read_timeout_s: settings.proxy_read_timeout_s, upstream_timeouts: eventCount(story, 'upstream_timeout'),
      backend_disabled: eventCount(story, 'backend_disabled'), no_live_upstreams: eventCount(story, 'no_live_upstreams') });
    expect(f.limits.filter((l) => l.setting === 'server').map((l) => l.value)).toEqual(settings.upstream);
    const b = find(whole, 'buffers.nginx_proxy_temp_file');
    expect(b.numbers).toMatchObject({ buffered_to_disk: eventCount(story, 'response_buffered_to_disk'), proxy_buffers_bytes: 4 * 4096, proxy_max_temp_file_size: 1024 ** 3 });
    expect(b.numbers.max_response_bytes).toBeGreaterThan(4_000_000);
  });

  it.runIf(name.startsWith('3-'))('PHP-FPM with its snapshots: the status page\'s "max children reached" and ss\'s full accept queue on the pool\'s socket', () => {
    const mc = find(whole, 'php-fpm.max_children');
    expect(mc.numbers.status_max_children_reached).toBeGreaterThan(0);
    const bl = find(whole, 'php-fpm.listen_backlog');
    expect(bl.numbers).toMatchObject({ accept_queue_peak: 9, listen_send_q: 8 });
    expect(bl.evidence.join('\n')).toMatch(/^ss: the accept queue of unix:\/tmp\/lab-s3\/run\/php-fpm\.sock held up to 9 with a backlog \(Send-Q\) of 8: full \(\d+ snapshot\(s\)\)$/m);
  });

  it.runIf(name.startsWith('6-'))('the backend\'s listen queue overflowed: the nstat counters\' increase, and the somaxconn it could not see said missing', () => {
    const counters = (story.truth as { signatures: { counters: { increase: Record<string, number> } } }).signatures.counters.increase;
    const f = find(whole, 'kernel.listen_overflows');
    expect(f.severity).toBe('critical');
    expect(f.numbers).toMatchObject({ TcpExtListenOverflows: counters.TcpExtListenOverflows, TcpExtListenDrops: counters.TcpExtListenDrops });
    expect(f.missing.join('\n')).toMatch(/no sysctl given: net\.core\.somaxconn is the kernel default here/);
    expect(find(whole, 'timeouts.nginx_proxy_read').numbers).toMatchObject({ proxy_read_timeout_s: settings.proxy_read_timeout_s, upstream_timeouts: eventCount(story, 'upstream_timeout') });
  });

  it.runIf(name.startsWith('7-'))('the OOM killer: its kills and the backend failures that followed', () => {
    const f = find(whole, 'kernel.oom_kill');
    expect(f.severity).toBe('critical');
    expect(f.numbers).toMatchObject({ oom_kills: eventCount(story, 'oom_kill'), oom_invoked: eventCount(story, 'oom_invoked') });
    expect(f.numbers.backend_failures).toBeGreaterThan(0);
    expect(f.missing.join('\n')).toMatch(/the memory limit in force/);
  });

  it('says what evidence is missing instead of guessing', () => {
    const text = JSON.stringify(whole);
    // no snapshot was given: RAM and the worker RSS are asked for, not assumed
    if (whole.findings.some((f) => f.rule === 'demand.workers')) expect(text).toMatch(/give --ram MB/);
    const rows = sql<{ n: number }>(db, `SELECT count(*) n FROM settings WHERE host = '${name}'`);
    expect(rows[0].n).toBeGreaterThan(0);
  });
});

describe('diagnose without configs', () => {
  it('story 3: infers pm.max_children from the message and says so', () => {
    const story = byName('3-');
    const db = storyDb(story.story); // (its logs only)
    const d = diagnose(db, story.story);
    const mc = find(d, 'php-fpm.max_children');
    expect(mc.limits[0]).toMatchObject({ setting: 'pm.max_children', value: '4', basis: 'inferred', where: 'inferred' });
    expect(mc.missing).toContain('no PHP-FPM pool config given: the worker limit is inferred from the max_children message (4)');
  }, 120_000);
});
