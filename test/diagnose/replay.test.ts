// The pool model on hand-made arrivals, where the right answer can be worked out on paper.
import { describe, expect, it } from 'vitest';
import { simulate, type PoolModel, type ReplayRequest } from '../../src/diagnose/replay.js';
import { applyWhatIf, WhatIfError } from '../../src/diagnose/what-if.js';
import { upstreamFromServers } from '../../src/diagnose/nginx-upstream.js';

const fpm = (over: Partial<PoolModel> = {}): PoolModel => ({ name: 'www', sockets: 1, workersPerSocket: 2, backlog: 1, refusedStatus: 502, ...over });
const reqs = (arrivals: number[], service: number): ReplayRequest[] => arrivals.map((a, i) => ({ id: i + 1, arrivalMs: a, serviceMs: service }));

describe('simulate', () => {
  it('queues FIFO behind busy workers, holds backlog + 1, refuses the rest at once', () => {
    // 2 workers, backlog 1 (the kernel holds 2): 6 requests at t=0 of 100 ms each.
    const r = simulate(reqs([0, 0, 0, 0, 0, 0], 100), [fpm()]);
    expect(r.outcomes.map((o) => o.outcome)).toEqual(['served', 'served', 'served', 'served', 'refused', 'refused']);
    expect(r.outcomes.map((o) => o.queuedMs)).toEqual([0, 0, 100, 100, 0, 0]);
    expect(r.outcomes[4].status).toBe(502);
    expect(r.summary).toMatchObject({ peakBusyWorkers: 2, peakBacklog: 2, queuedMax: 100, byOutcome: { served: 4, refused: 2 } });
  });

  it('frees a worker at its completion before an arrival at the same instant', () => {
    const r = simulate(reqs([0, 100], 100), [fpm({ workersPerSocket: 1, backlog: 0 })]);
    expect(r.outcomes.map((o) => [o.outcome, o.queuedMs])).toEqual([['served', 0], ['served', 0]]);
  });

  it('a front timeout answers 504 but the worker still runs the request for nobody', () => {
    // one worker: the first request runs 3 s, the front gives up after 1 s; the second waits the full 3 s
    const r = simulate(reqs([0, 10], 3000), [fpm({ workersPerSocket: 1, backlog: 4, frontTimeoutMs: 1000 })]);
    expect(r.outcomes.map((o) => [o.outcome, o.status, o.queuedMs])).toEqual([['timed_out', 504, 0], ['timed_out', 504, 2990]]);
    expect(r.outcomes[1].workerFreeMs).toBe(6000);
  });

  it('the client leaving first is a 499; the kill timeout frees the worker early (502)', () => {
    const killed = simulate(reqs([0, 0], 8000), [fpm({ workersPerSocket: 1, backlog: 4, killTimeoutMs: 5000 })]);
    expect(killed.outcomes.map((o) => [o.outcome, o.status, o.queuedMs])).toEqual([['killed', 502, 0], ['killed', 502, 5000]]);
    const gone = simulate(reqs([0], 8000), [fpm({ clientTimeoutMs: 2000, frontTimeoutMs: 30000 })]);
    expect(gone.outcomes[0]).toMatchObject({ outcome: 'client_gone', status: 499 });
  });

  it('lighttpd procs: least load first, a full proc disabled for the whole-second window, 503 when none runs', () => {
    // 2 procs x 1 child, backlog 0 (holds 1): 4 requests fit, the 5th finds both full, disables
    // both (reconnects), is refused; the 6th at t=500 finds no proc running; at t=2000 (second 2 >
    // 0 + disable 1) the procs run again.
    const pool: PoolModel = { name: 'php', sockets: 2, workersPerSocket: 1, backlog: 0, refusedStatus: 503, disableS: 1 };
    const r = simulate(reqs([0, 0, 0, 0, 0, 500, 2000], 1500), [pool]);
    expect(r.outcomes.map((o) => o.socket)).toEqual([0, 1, 0, 1, -1, -1, 0]);
    expect(r.outcomes.map((o) => o.outcome)).toEqual(['served', 'served', 'served', 'served', 'refused', 'refused', 'served']);
    expect(r.outcomes[6].queuedMs).toBe(1000); // behind the queued request on proc 0 (ends at 3000)
  });

  it('peak memory is the peak of busy workers x RSS plus the masters', () => {
    const r = simulate(reqs([0, 0, 0], 100), [fpm({ workersPerSocket: 4, workerRssBytes: 30e6, masterRssBytes: 10e6 })]);
    expect(r.summary.peakMemoryBytes).toBe(3 * 30e6 + 10e6);
  });

  it('a warm-up fills the pool before the counted window and is left out of the summary', () => {
    const pool = fpm({ workersPerSocket: 1, backlog: 0 });
    const both = simulate([{ id: 1, arrivalMs: 0, serviceMs: 1000 }, { id: 2, arrivalMs: 500, serviceMs: 100 }], [pool], { countFromMs: 500 });
    expect(both.outcomes[1].queuedMs).toBe(500);
    expect(both.summary).toMatchObject({ requests: 1, queuedMax: 500, byOutcome: { served: 1 } });
    expect(both.countFromMs).toBe(500);
    const cold = simulate([{ id: 2, arrivalMs: 500, serviceMs: 100 }], [pool]);
    expect(cold.summary.queuedMax).toBe(0);
  });

  it('pm = dynamic starts with start_servers and forks one child a second while none is idle', () => {
    const pool = fpm({ workersPerSocket: 4, backlog: 8, dynamic: { start: 2, minSpare: 1, maxSpare: 3 } });
    const r = simulate(reqs([100, 100, 100, 100], 5000), [pool]);
    expect(r.outcomes.map((o) => o.queuedMs)).toEqual([0, 0, 900, 1900]);
    // idle children above max_spare are killed one a second: after a quiet spell 3 remain, and a
    // burst of 4 finds 3 at once
    const later = simulate(reqs([100, 100, 100, 100, 20_000, 20_000, 20_000, 20_000], 5000), [pool]);
    expect(later.outcomes.slice(4).map((o) => o.queuedMs)).toEqual([0, 0, 0, 1000]);
  });

  it('TCP: a full accept queue drops the SYN, sent again 1 s, 3 s ... later until the connect timeout (504)', () => {
    // 1 worker, backlog 0 (the kernel holds 1), 1.5 s each: the first runs, the second queues,
    // the third's SYN is dropped at t=0 and sent again at 1 s (queue still full) and 3 s
    const tcp = (connectTimeoutMs?: number) => simulate(reqs([0, 0, 0], 1500), [fpm({
      workersPerSocket: 1, backlog: 0, refusedStatus: connectTimeoutMs === undefined ? 502 : 504, ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}),
    })]).outcomes[2];
    // a unix socket: refused at once
    expect(tcp()).toMatchObject({ outcome: 'refused', status: 502 });
    // nginx's proxy_connect_timeout 1s ends it before the first retransmission (as story 6)
    expect(tcp(1000)).toMatchObject({ outcome: 'refused', status: 504 });
    // 2 s: the retry at 1 s finds the queue still full (the second starts at 1.5 s), no retry at 3 s
    expect(tcp(2000)).toMatchObject({ outcome: 'refused', status: 504 });
    // 5 s: the retry at 3 s finds the worker free (the second ends at 3 s): it waited the 3 s
    expect(tcp(5000)).toMatchObject({ outcome: 'served', queuedMs: 3000, workerFreeMs: 4500 });
    // a client that leaves before the front gives up is a 499, not the front's 504
    const gone = simulate([...reqs([0, 0], 1500), { id: 3, arrivalMs: 0, serviceMs: 1500, clientLeavesAtMs: 600 }],
      [fpm({ workersPerSocket: 1, backlog: 0, refusedStatus: 504, connectTimeoutMs: 1000 })]);
    expect(gone.outcomes[2]).toMatchObject({ outcome: 'client_gone', status: 499 });
  });

  it('TCP drops: a larger backlog or a longer connect timeout never refuses more (monotone)', () => {
    const arrivals = Array.from({ length: 600 }, (_, i) => (i * 37) % 20000);
    const refused = (over: Partial<PoolModel>) => simulate(reqs(arrivals, 220), [fpm({ workersPerSocket: 2, backlog: 8, refusedStatus: 504, connectTimeoutMs: 1000, ...over })]).summary.byOutcome.refused;
    let last = Infinity;
    for (const backlog of [0, 2, 8, 32, 128, 511]) {
      const n = refused({ backlog });
      expect(n, `backlog ${backlog}`).toBeLessThanOrEqual(last);
      last = n;
    }
    expect(refused({ backlog: 511 })).toBeLessThan(refused({ backlog: 8 }));
    last = Infinity;
    for (const connectTimeoutMs of [1000, 2000, 4000, 8000, 16000]) {
      const n = refused({ connectTimeoutMs });
      expect(n, `connect timeout ${connectTimeoutMs}`).toBeLessThanOrEqual(last);
      last = n;
    }
    expect(refused({ connectTimeoutMs: 16000 })).toBeLessThan(refused({ connectTimeoutMs: 1000 }));
  });

  it('an outage (the backend killed until restarted) resets what it holds and refuses connections (502) until it ends', () => {
    // 1 worker, 100 ms each: the first runs, two queue behind it; the backend dies at 50 ms for 1 s
    const pool = fpm({ workersPerSocket: 1, backlog: 4, outages: [{ fromMs: 50, toMs: 1050 }] });
    const r = simulate(reqs([0, 10, 20, 500, 1049, 1050], 100), [pool]);
    expect(r.outcomes.map((o) => [o.outcome, o.status])).toEqual([
      ['killed', 502], ['killed', 502], ['killed', 502], ['down', 502], ['down', 502], ['served', null]]);
    // the running one is reset when the backend dies, not after its service time
    expect(r.outcomes[0].workerFreeMs).toBe(50);
    expect(r.summary.byOutcome).toMatchObject({ down: 2, killed: 3, served: 1, refused: 0 });
    // more workers do not help a backend that is down
    const big = simulate(reqs([0, 10, 20, 500, 1049, 1050], 100), [{ ...pool, workersPerSocket: 64 }]);
    expect(big.summary.byOutcome).toMatchObject({ down: 2, killed: 3, served: 1 });
  });

  it('more workers never refuse more (monotone)', () => {
    const arrivals = Array.from({ length: 400 }, (_, i) => i * 13 % 5000);
    let last = Infinity;
    for (const n of [1, 2, 4, 8, 16, 32]) {
      const refused = simulate(reqs(arrivals, 250), [fpm({ workersPerSocket: n, backlog: 8 })]).summary.byOutcome.refused;
      expect(refused).toBeLessThanOrEqual(last);
      last = refused;
    }
    expect(last).toBe(0);
  });
});

describe('applyWhatIf', () => {
  const base = fpm({ killTimeoutMs: 5000 });
  it('maps each server\'s spelling of a limit onto the model, with units for times', () => {
    expect(applyWhatIf(base, 'pm.max_children=12,listen.backlog=511')).toMatchObject({ workersPerSocket: 12, backlog: 511 });
    expect(applyWhatIf(base, 'MaxRequestWorkers=32, ListenBacklog=64')).toMatchObject({ workersPerSocket: 32, backlog: 64 });
    expect(applyWhatIf(base, 'max-procs=1,PHP_FCGI_CHILDREN=8')).toMatchObject({ sockets: 1, workersPerSocket: 8 });
    expect(applyWhatIf(base, 'request_terminate_timeout=30s,fastcgi_read_timeout=2m')).toMatchObject({ killTimeoutMs: 30000, frontTimeoutMs: 120000 });
    expect(applyWhatIf(base, 'request_terminate_timeout=0').killTimeoutMs).toBeUndefined();
    expect(base.workersPerSocket).toBe(2); // a copy
  });
  it('refuses what it cannot model, or a malformed value, naming it', () => {
    expect(() => applyWhatIf(base, 'pm.start_servers=4')).toThrow(WhatIfError);
    expect(() => applyWhatIf(base, 'pm.max_children=lots')).toThrow(/pm.max_children=lots/);
    expect(() => applyWhatIf(base, 'pm.max_children=0')).toThrow(/at least 1/);
    expect(() => applyWhatIf(base, 'listen.backlog')).toThrow(/name=value/);
  });
  it('pm = dynamic settings change the spare children; pm=static drops the spawning', () => {
    const dyn = fpm({ dynamic: { start: 2, minSpare: 1, maxSpare: 3 } });
    const asked = applyWhatIf(dyn, 'pm.max_children=12,pm.min_spare_servers=4,pm.start_servers=6');
    expect(asked).toMatchObject({ workersPerSocket: 12, dynamic: { start: 6, minSpare: 4, maxSpare: 3 } });
    expect(dyn.dynamic).toEqual({ start: 2, minSpare: 1, maxSpare: 3 }); // a copy
    expect(applyWhatIf(dyn, 'pm=static').dynamic).toBeUndefined();
    expect(() => applyWhatIf(base, 'pm.min_spare_servers=2')).toThrow(/not pm = dynamic/);
  });

  it('proxy_connect_timeout applies to a TCP pool only', () => {
    const tcp = fpm({ refusedStatus: 504, connectTimeoutMs: 1000 });
    expect(applyWhatIf(tcp, 'proxy_connect_timeout=5s').connectTimeoutMs).toBe(5000);
    expect(applyWhatIf(tcp, 'connect_timeout=3.5').connectTimeoutMs).toBe(3500);
    expect(() => applyWhatIf(fpm(), 'proxy_connect_timeout=5s')).toThrow(WhatIfError);
    expect(() => applyWhatIf(tcp, 'proxy_connect_timeout=0')).toThrow(/above 0/);
  });

  it('somaxconn caps the backlog as the kernel does', () => {
    const r = simulate(reqs([0, 0, 0, 0, 0, 0], 100), [applyWhatIf(base, 'listen.backlog=511,net.core.somaxconn=1')]);
    expect(r.summary.byOutcome.refused).toBe(2);
  });
});

// nginx in front of two upstream servers of one worker each, read timeout 1 s
// (ngx_http_upstream_round_robin.c: fails, checked, accessed in whole seconds).
describe('nginx upstream marking (max_fails, fail_timeout)', () => {
  const nginx = (up: Partial<NonNullable<PoolModel['upstream']>> = {}, over: Partial<PoolModel> = {}): PoolModel => ({
    name: 'app', sockets: 2, workersPerSocket: 1, backlog: 8, refusedStatus: 502, frontTimeoutMs: 1000,
    upstream: { maxFails: 1, failTimeoutMs: 2000, ...up }, ...over,
  });
  const list = (xs: Array<[number, number]>): ReplayRequest[] => xs.map(([a, s], i) => ({ id: i + 1, arrivalMs: a, serviceMs: s }));

  it('takes the servers in turn; a timeout marks its server down; none live answers 502 at once', () => {
    // r1 -> server 0, r2 -> server 1, both time out at 1000 (fails 1 = max_fails); r3 at 1500
    // finds both down: "no live upstreams". Without the marking it would queue and time out.
    const r = simulate(list([[0, 3000], [0, 3000], [1500, 10]]), [nginx()]);
    expect(r.outcomes.map((o) => [o.outcome, o.status, o.socket])).toEqual([['timed_out', 504, 0], ['timed_out', 504, 1], ['down', 502, -1]]);
    const unmarked = simulate(list([[0, 3000], [0, 3000], [1500, 10]]), [nginx({}, { upstream: undefined })]);
    expect(unmarked.outcomes[2]).toMatchObject({ outcome: 'timed_out', status: 504 });
  });

  it('a server is down while now - checked <= fail_timeout (whole seconds), then live and reset by an answer', () => {
    // failed in second 1: down in seconds 1..3, live at 4; r3 at 3999 is refused, r4 at 4000
    // served (the workers are free at 3000), r5 after it served too
    const r = simulate(list([[0, 3000], [0, 3000], [3999, 10], [4000, 10], [4100, 10]]), [nginx()]);
    expect(r.outcomes.map((o) => o.outcome)).toEqual(['timed_out', 'timed_out', 'down', 'served', 'served']);
    // one failure after the answer marks it again (fails back to 0, max_fails 1)
    const again = simulate(list([[0, 3000], [0, 3000], [4000, 10], [4050, 1500], [4100, 1500], [5200, 10]]), [nginx()]);
    expect(again.outcomes.map((o) => o.outcome)).toEqual(['timed_out', 'timed_out', 'served', 'timed_out', 'timed_out', 'down']);
  });

  it('each nginx worker process keeps its own state of the servers (no zone): one marking both down leaves the other\'s live', () => {
    const three = list([[0, 3000], [0, 3000], [1500, 10]]);
    const other = three.map((q, k) => ({ ...q, frontWorker: k < 2 ? 0 : 1 }));
    expect(simulate(other, [nginx()]).outcomes[2].outcome).not.toBe('down');
    const same = three.map((q) => ({ ...q, frontWorker: 1 }));
    expect(simulate(same, [nginx()]).outcomes[2].outcome).toBe('down');
  });

  it('max_fails counts failures: below it the server stays live', () => {
    const r = simulate(list([[0, 3000], [0, 3000], [1500, 10]]), [nginx({ maxFails: 2 })]);
    expect(r.outcomes[2].outcome).not.toBe('down');
  });

  it('max_fails=0 never marks; one server alone is never marked', () => {
    const never = simulate(list([[0, 3000], [0, 3000], [1500, 10]]), [nginx({ maxFails: 0 })]);
    expect(never.summary.byOutcome.down).toBe(0);
    const single = simulate(list([[0, 3000], [1500, 10]]), [nginx({}, { sockets: 1 })]);
    expect(single.summary.byOutcome.down).toBe(0);
  });

  it('proxy_next_upstream timeout: tried again on the other server; 504 when both time out, 502 when the other is down', () => {
    // r1 times out on server 0 at 1000, runs again on server 1 (idle) and times out at 2000: 504
    const both = simulate(list([[0, 5000]]), [nginx({ maxFails: 3, nextOnTimeout: true })]);
    expect(both.outcomes[0]).toMatchObject({ outcome: 'timed_out', status: 504, socket: 1, queuedMs: 0 });
    // r1 (server 0) and r2 (server 1) time out at 1000; r1 goes to server 1 (not yet marked) and
    // waits, r2 finds server 0 marked: 502; r1 then times out on server 1 too: 504
    const r = simulate(list([[0, 5000], [0, 5000]]), [nginx({ nextOnTimeout: true })]);
    expect(r.outcomes.map((o) => [o.outcome, o.status])).toEqual([['timed_out', 504], ['down', 502]]);
  });

  it('reads the upstream servers and proxy_next_upstream as nginx does, with its defaults', () => {
    expect(upstreamFromServers(['127.0.0.1:18083 max_fails=3 fail_timeout=5s', '127.0.0.1:18084 max_fails=3 fail_timeout=5s'], 'error timeout'))
      .toEqual({ maxFails: 3, failTimeoutMs: 5000, nextOnError: true, nextOnTimeout: true });
    expect(upstreamFromServers(['10.0.0.1:80', '10.0.0.2:80;'], 'off')).toEqual({ maxFails: 1, failTimeoutMs: 10_000, nextOnError: false, nextOnTimeout: false });
    expect(() => upstreamFromServers(['a max_fails=3', 'b max_fails=2'])).toThrow(/different/);
    expect(() => upstreamFromServers(['a fail_timeout=soon'])).toThrow(/fail_timeout/);
  });

  it('--what-if max_fails and fail_timeout change the marking of an nginx upstream only', () => {
    const m = nginx({ maxFails: 3, failTimeoutMs: 5000 });
    expect(applyWhatIf(m, 'max_fails=0,fail_timeout=30s').upstream).toMatchObject({ maxFails: 0, failTimeoutMs: 30_000 });
    expect(m.upstream).toMatchObject({ maxFails: 3, failTimeoutMs: 5000 });
    expect(() => applyWhatIf(fpm(), 'max_fails=0')).toThrow(WhatIfError);
    expect(() => applyWhatIf(m, 'fail_timeout=500ms')).toThrow(/whole seconds/);
    const r = simulate(list([[0, 3000], [0, 3000], [1500, 10]]), [applyWhatIf(nginx(), 'max_fails=0')]);
    expect(r.summary.byOutcome.down).toBe(0);
  });
});
