// The what-if replay held against the bundled stories: each story is ingested with the built CLI,
// its requests are replayed at the settings truth.json says the servers ran with, and the replay
// must reproduce the errors and the queueing the logs show within the error docs/what-if.md
// states for that story. A larger pool must then refuse fewer (monotone).
// Story 6's backend is reached over TCP: a full queue drops the SYN and the 504 comes at
// proxy_connect_timeout (PoolModel.connectTimeoutMs).
// Story 7's backend is killed by the OOM killer and restarted: its outages are the kernel log's
// oom_kill events, each lasting the supervisor's restart delay (PoolModel.outages).
// Story 2's 502s are nginx's "no live upstreams": both servers marked down after max_fails
// timeouts each, for fail_timeout (PoolModel.upstream; docs/what-if.md, "Story 2").
import { describe, expect, it, beforeAll } from 'vitest';
import { openReadOnly } from '../../src/store/db.js';
import { WARMUP_MS, readOomOutages, readReplayRows, replayRows, replayWindow, type ReplayRow } from '../../src/diagnose/replay-window.js';
import { applyWhatIf } from '../../src/diagnose/what-if.js';
import type { PoolModel } from '../../src/diagnose/replay.js';
import { upstreamFromServers } from '../../src/diagnose/nginx-upstream.js';
import { storyDb, STORY_LIST } from '../fixtures.js';

type Settings = Record<string, number | string | number[] | string[]>;
/** the backend's outages: each OOM kill in the story's kernel log, lasting `restartMs` */
type Outages = (restartMs: number) => NonNullable<PoolModel['outages']>;

/** The pool each story ran, from its truth.json settings (the numbers are read, not copied). */
const MODELS: Record<string, (s: Settings, oomOutages: Outages) => PoolModel> = {
  // lighttpd 1.4.45: EAGAIN on a proc's socket disables it for disable-time, 503 when all are down
  '1b-lighttpd-1.4.45-fastcgi-overload': (s) => ({
    name: 'php', sockets: Number(s['fastcgi.max-procs']), workersPerSocket: Number(s.PHP_FCGI_CHILDREN),
    backlog: Number(s['fastcgi.listen-backlog']), disableS: Number(s['fastcgi.disable-time_s']), refusedStatus: 503,
  }),
  // nginx -> one PHP-FPM pool on a unix socket: EAGAIN -> 502, request_terminate_timeout -> 502
  '3-nginx-phpfpm-max-children': (s) => ({
    name: 'www', sockets: 1, workersPerSocket: Number(s['pm.max_children']), backlog: Number(s['listen.backlog']),
    refusedStatus: 502, killTimeoutMs: Number(s.request_terminate_timeout_s) * 1000,
    frontTimeoutMs: Number(s.fastcgi_read_timeout_s) * 1000,
    ...(s.pm === 'dynamic' ? { dynamic: { start: Number(s['pm.start_servers']), minSpare: Number(s['pm.min_spare_servers']), maxSpare: Number(s['pm.max_spare_servers']) } } : {}),
  }),
  // Varnish -> Apache event MPM: a full TCP backlog drops the SYN, Varnish's connect_timeout ends
  // in 503; first_byte_timeout too
  '4-varnish-apache-maxrequestworkers': (s) => ({
    name: 'apache', sockets: 1, workersPerSocket: Number(s.MaxRequestWorkers), backlog: Number(s.ListenBacklog),
    refusedStatus: 503, frontTimeoutMs: Number(s['varnish_backend.first_byte_timeout_s']) * 1000, frontTimeoutStatus: 503,
  }),
  // nginx proxy -> two PHP built-in servers of 4 workers each; proxy_read_timeout -> 504; the
  // upstream's max_fails/fail_timeout mark a server down, none live -> 502. Their listen backlog
  // is in no config: 511 assumed (docs/what-if.md)
  '2-nginx-proxy-tempfile-timeout': (s) => ({
    name: 'app', sockets: (s.upstream as string[]).length, workersPerSocket: Number(s.backend_workers_each), backlog: 511,
    refusedStatus: 502, frontTimeoutMs: Number(s.proxy_read_timeout_s) * 1000,
    upstream: upstreamFromServers(s.upstream as string[], String(s.proxy_next_upstream)),
  }),
  // nginx proxy -> a 2-thread backend over TCP whose accept queue somaxconn caps at 8: a full
  // queue drops the SYN, it is sent again after 1 s, proxy_connect_timeout 1 s ends it in 504
  '6-nginx-proxy-backend-accept-queue': (s) => ({
    name: 'backend', sockets: 1, workersPerSocket: Number(s.backend_workers), backlog: Number(s.backend_listen_backlog),
    somaxconn: Number(s['net.core.somaxconn']), refusedStatus: 504, connectTimeoutMs: Number(s.proxy_connect_timeout_s) * 1000,
    frontTimeoutMs: Number(s.proxy_read_timeout_s) * 1000,
  }),
  // nginx proxy -> a one-thread backend the OOM killer ends twice (96 MB cgroup), restarted by
  // its supervisor after restart_after_s: down from each kill in the kernel log for that long.
  // One thread and listen(64) are in config/backend.py, not in truth.json's settings
  '7-nginx-backend-oom-kill': (s, oomOutages) => ({
    name: 'backend', sockets: 1, workersPerSocket: 1, backlog: 64, refusedStatus: 504,
    connectTimeoutMs: Number(s.proxy_connect_timeout_s) * 1000, outages: oomOutages(Number(s.restart_after_s) * 1000), outageStatus: 502,
  }),
  // lighttpd 1.4.69 (gw_backend): the same procs, but a full socket is retried, never disabled: 500
  '5-lighttpd-current-gw-backend': (s) => ({
    name: 'php', sockets: Number(s['fastcgi.max-procs']), workersPerSocket: Number(s.PHP_FCGI_CHILDREN),
    backlog: Number(s['fastcgi.listen-backlog']), refusedStatus: 500,
  }),
};

/** The error docs/what-if.md states per story: relative on the 5xx count, and on queueing p95. */
const STATED: Record<string, { s5xx?: number; s502?: number; s504?: number; queueP95?: { rel?: number; absMs?: number } }> = {
  // the 502s and all 5xx within 25 %; the split into 502 and 504 is loose (docs/what-if.md)
  '2-nginx-proxy-tempfile-timeout': { s5xx: 0.25, s502: 0.25, s504: 2.5 },
  '1b-lighttpd-1.4.45-fastcgi-overload': { s5xx: 0.02 },
  '3-nginx-phpfpm-max-children': { s5xx: 0.10, queueP95: { rel: 0.30 } },
  '4-varnish-apache-maxrequestworkers': { s5xx: 0.05, queueP95: { absMs: 100 } },
  '5-lighttpd-current-gw-backend': { s5xx: 0.05 },
  '6-nginx-proxy-backend-accept-queue': { s5xx: 0.05, s504: 0.05 },
  '7-nginx-backend-oom-kill': { s5xx: 0.10 },
};

const stories = STORY_LIST.filter((s) => MODELS[s.story]);

it('has a replay model for every bundled story', () => {
  expect(STORY_LIST.filter((s) => !MODELS[s.story]).map((s) => s.story)).toEqual([]);
});

describe.each(stories.map((s) => [s.story, s] as const))('replay of story %s', (name, story) => {
  const settings = (story.truth as { settings: Settings }).settings;
  // the model as far as the settings say; a model with outages gets them from the database
  let usesOutages = false;
  let model = MODELS[name](settings, () => { usesOutages = true; return []; });
  const stated = STATED[name];
  let rows: ReplayRow[] = [];
  const db = storyDb(name);
  const all = { from: 0, to: Date.parse('2100-01-01T00:00:00Z'), host: name };

  beforeAll(() => {
    const conn = openReadOnly(db);
    try {
      rows = readReplayRows(conn, all);
      model = MODELS[name](settings, (restartMs) => readOomOutages(conn, all, restartMs));
    } finally {
      conn.close();
    }
  }, 300_000);

  it.runIf(stated.s5xx !== undefined)('reproduces the 5xx count at the configured values within the stated error', () => {
    const { comparison: c } = replayRows(rows, model);
    expect(c.observed.s5xx, `${name}: the logs show errors`).toBeGreaterThan(0);
    const err = Math.abs(c.replayed.s5xx - c.observed.s5xx) / c.observed.s5xx;
    expect(err, `${name}: replayed ${c.replayed.s5xx} 5xx against ${c.observed.s5xx} logged`).toBeLessThanOrEqual(stated.s5xx!);
  });

  it.runIf(stated.s502 !== undefined)('reproduces the 502s at the configured values within the stated error', () => {
    const { comparison: c } = replayRows(rows, model);
    expect(c.observed.s502, `${name}: the logs show 502s`).toBeGreaterThan(0);
    const err = Math.abs(c.replayed.s502 - c.observed.s502) / c.observed.s502;
    expect(err, `${name}: replayed ${c.replayed.s502} 502 against ${c.observed.s502} logged`).toBeLessThanOrEqual(stated.s502!);
  });

  // nginx balancing several servers (story 2): the 502s are "no live upstreams", from the
  // marking; without it none, and max_fails=0 (never mark) has none either
  it.runIf(model.upstream !== undefined)('nginx: the marking of failed servers gives the 502s; max_fails=0 and fail_timeout work as what-ifs', () => {
    const base = replayRows(rows, model);
    expect(base.result.summary.byOutcome.down, `${name}: no live upstreams`).toBeGreaterThan(0);
    const unmarked = replayRows(rows, { ...model, upstream: undefined });
    expect(unmarked.comparison.replayed.s502, `${name}: 502s without the marking`).toBe(0);
    const never = replayRows(rows, model, applyWhatIf(model, 'max_fails=0'));
    expect(never.result.summary.byOutcome.down, `${name}: max_fails=0 marks nothing`).toBe(0);
    // a shorter fail_timeout keeps the servers down for less: fewer "no live upstreams"
    const short = replayRows(rows, model, applyWhatIf(model, 'fail_timeout=1s'));
    expect(short.result.summary.byOutcome.down).toBeLessThan(base.result.summary.byOutcome.down);
  });

  it.runIf(stated.s504 !== undefined)('reproduces the front\'s timeouts (504) at the configured values within the stated error', () => {
    const { comparison: c } = replayRows(rows, model);
    expect(c.observed.s504, `${name}: the logs show 504s`).toBeGreaterThan(0);
    const err = Math.abs(c.replayed.s504 - c.observed.s504) / c.observed.s504;
    expect(err, `${name}: replayed ${c.replayed.s504} 504 against ${c.observed.s504} logged`).toBeLessThanOrEqual(stated.s504!);
  });

  it.runIf(stated.queueP95)('reproduces the queueing the logs show (duration minus backend time), p95', () => {
    const { comparison: c } = replayRows(rows, model);
    const o = c.observed.queueP95!;
    const r = c.replayed.queueP95!;
    expect(c.observed.queueN, `${name}: requests whose queueing is visible`).toBeGreaterThan(100);
    const q = stated.queueP95!;
    if (q.rel !== undefined) expect(Math.abs(r - o) / o, `${name}: queue p95 replayed ${r} ms, logged ${o} ms`).toBeLessThanOrEqual(q.rel);
    if (q.absMs !== undefined) expect(Math.abs(r - o), `${name}: queue p95 replayed ${r} ms, logged ${o} ms`).toBeLessThanOrEqual(q.absMs);
  });

  it('replays the incident window after a warm-up, counting only the window\'s requests', () => {
    const incident = (story.truth as { incident: { start: string; end: string } }).incident;
    const win = { from: Date.parse(incident.start), to: Date.parse(incident.end), host: name };
    const conn = openReadOnly(db);
    try {
      const inWindow = readReplayRows(conn, win).length;
      const withWarmup = readReplayRows(conn, win, WARMUP_MS).filter((row) => row.to_backend).length;
      const r = replayWindow(conn, win, model);
      expect(r.comparison.requests + r.notToPool, `${name}: requests of the window`).toBe(inWindow);
      expect(r.requests.length, `${name}: the warm-up is replayed too`).toBe(withWarmup);
      expect(r.result.summary.requests).toBe(r.comparison.requests);
      expect(r.comparison.observed.s5xx + r.comparison.observed.s499, `${name}: the window holds the errors`).toBeGreaterThan(0);
    } finally {
      conn.close();
    }
  });

  // A TCP backend (stories 6, 7): a longer accept queue and a longer connect timeout each let more
  // dropped SYNs in on a later try; neither may refuse more
  it.runIf(model.connectTimeoutMs !== undefined)('TCP: a larger somaxconn/backlog or a longer connect timeout refuses no more', () => {
    const refused = (spec: string) => replayRows(rows, model, applyWhatIf(model, spec)).result.summary.byOutcome.refused;
    const base = replayRows(rows, model).result.summary.byOutcome.refused;
    let last = base;
    for (const spec of ['somaxconn=16', 'somaxconn=64', 'somaxconn=511,backlog=511']) {
      const n = refused(spec);
      expect(n, `${name}: refused at ${spec}`).toBeLessThanOrEqual(last);
      last = n;
    }
    last = base;
    for (const spec of ['proxy_connect_timeout=2s', 'proxy_connect_timeout=4s', 'proxy_connect_timeout=10s']) {
      const n = refused(spec);
      expect(n, `${name}: refused at ${spec}`).toBeLessThanOrEqual(last);
      last = n;
    }
    // (story 7's queue never fills: nothing to let in)
    if (base > 0) expect(last, `${name}: a 10 s connect timeout lets retried SYNs in`).toBeLessThan(base);
  });

  // A backend killed and restarted (story 7): its 502s come from the outages the kernel log
  // dates, not from the pool: without them the replay has none, and no pool size removes them
  it.runIf(usesOutages)('the outages from the kernel\'s OOM kills give the 502s; no pool size removes them', () => {
    const base = replayRows(rows, model);
    expect(model.outages!.length, `${name}: OOM kills in the kernel log`).toBeGreaterThan(0);
    // the kills name their task: another process's kill takes the backend nothing down
    const conn = openReadOnly(db);
    try {
      expect(readOomOutages(conn, all, 1000, { process: 'python3' })).toHaveLength(model.outages!.length);
      expect(readOomOutages(conn, all, 1000, { process: 'nginx' })).toEqual([]);
    } finally {
      conn.close();
    }
    expect(base.result.summary.byOutcome.down, `${name}: connections refused while the backend was down`).toBeGreaterThan(0);
    expect(base.result.summary.byOutcome.refused, `${name}: the pool itself refuses nothing`).toBe(0);
    const noOutage = replayRows(rows, { ...model, outages: [] });
    expect(noOutage.comparison.replayed.s5xx, `${name}: 5xx without the outages`).toBe(0);
    const huge = replayRows(rows, model, applyWhatIf(model, 'workers=4096,backlog=4096'));
    expect(huge.result.summary.byOutcome.down).toBe(base.result.summary.byOutcome.down);
  });

  // Not "halves the errors": the logged arrivals include the retries a closed-loop load generator
  // made after each fast refusal, which a bigger pool would not have seen (docs/what-if.md).
  it('a larger pool refuses fewer, monotonically, and 4x the workers answers more', () => {
    const base = replayRows(rows, model);
    let last = base.result.summary.byOutcome.refused;
    for (const k of [2, 4]) {
      const whatIf = applyWhatIf(model, `workers=${model.workersPerSocket * k}`);
      const r = replayRows(rows, model, whatIf);
      expect(r.result.summary.byOutcome.refused, `${name}: refused at ${k}x the workers`).toBeLessThanOrEqual(last);
      expect(r.result.summary.peakBusyWorkers).toBeGreaterThanOrEqual(base.result.summary.peakBusyWorkers);
      last = r.result.summary.byOutcome.refused;
      // (a request slower than the front's timeout times out in any pool: story 2 refuses nothing)
      if (k === 4 && base.result.summary.byOutcome.refused > 0) expect(r.whatIf.s5xx, `${name}: 5xx at 4x the workers`).toBeLessThan(base.comparison.replayed.s5xx);
      if (k === 4) expect(r.whatIf.s5xx, `${name}: 5xx at 4x the workers`).toBeLessThanOrEqual(base.comparison.replayed.s5xx);
    }
    // and a pool far beyond the demand refuses nothing
    const huge = replayRows(rows, model, applyWhatIf(model, 'workers=4096,backlog=4096'));
    expect(huge.result.summary.byOutcome.refused, `${name}: refused by 4096 workers`).toBe(0);
  });
});
