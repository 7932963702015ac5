// The rule families on facts written by hand: the snapshot-driven paths (samples from ss,
// nstat, ps, meminfo, the PHP-FPM status page, nproc) that the stories' logs and configs do not
// exercise, checked for their arithmetic and numbers.
import { describe, expect, it } from 'vitest';
import { runRules } from '../../src/diagnose/index.js';
import type { Facts, SampleSeries, Setting } from '../../src/diagnose/types.js';

const T0 = Date.UTC(2026, 10, 22, 9, 52);

function setting(server: string, name: string, value: string, scope = '', line = 1, file = '/etc/x.conf'): Setting {
  return { host: null, server, scope, name, value, file, line, isDefault: false, doc: null, active: true, note: null };
}

function sample(snapshot: string, metric: string, values: number[], kind = 'gauge', subject = ''): SampleSeries {
  return { snapshot, subject, metric, kind, n: values.length, min: Math.min(...values), max: Math.max(...values), first: values[0],
    last: values[values.length - 1], firstTs: T0, lastTs: T0 + (values.length - 1) * 10_000 };
}

function facts(p: Partial<Facts> = {}): Facts {
  const settings = p.settings ?? [];
  return {
    window: { from: T0, to: T0 + 60_000, host: null, basis: 'given', spike: null },
    settings, effective: p.effective ?? settings.filter((s) => s.active), defaults: [], configured: new Set(settings.map((s) => s.server)),
    events: [], samples: [], demand: [], logFormats: [], options: {}, absent: [], ...p,
  };
}

const rule = (f: Facts, id: string) => {
  const found = runRules(f).filter((x) => x.rule === id);
  expect(found.length, `${id} in ${runRules(f).map((x) => x.rule).join(', ')}`).toBe(1);
  return found[0];
};

describe('snapshot-driven rules', () => {
  it('SYN_SENT pile-up against somaxconn and tcp_max_syn_backlog (the Varnish/Apache seed case with its 30,000 figure)', () => {
    const f = facts({
      settings: [setting('kernel', 'net.core.somaxconn', '2048', '', 15), setting('kernel', 'net.ipv4.tcp_max_syn_backlog', '16384', '', 10)],
      samples: [sample('ss-states', 'SYN-SENT', [120, 30_000, 900])],
    });
    const r = rule(f, 'kernel.syn-sent');
    expect(r.severity).toBe('critical');
    expect(r.numbers).toEqual({ 'SYN-SENT': 30_000, tcp_max_syn_backlog: 16384, somaxconn: 2048 });
    expect(r.recommendation).toMatch(/raise net\.core\.somaxconn, tcp_max_syn_backlog and the server's own backlog \(ListenBacklog\)/);
  });

  it('ListenOverflows: a counter counts its rise in the window', () => {
    const r = rule(facts({ samples: [sample('nstat', 'TcpExtListenOverflows', [100, 180, 350], 'counter')] }), 'kernel.listen_overflows');
    expect(r.numbers.TcpExtListenOverflows).toBe(250);
    expect(r.arithmetic[0]).toMatch(/4096 \(the default since Linux 5\.4/);
  });

  it('TIME_WAIT against an invalid ip_local_port_range: the default range is what TIME_WAIT fills', () => {
    const f = facts({ settings: [setting('kernel', 'net.ipv4.ip_local_port_range', '1024 65536', '', 3)], samples: [sample('ss-states', 'TIME-WAIT', [6124])] });
    const r = rule(f, 'kernel.ip_local_port_range');
    expect(r.arithmetic[1]).toBe('6124 sockets in TIME_WAIT (ss-states) = 22 % of 28232 ports');
    expect(r.missing).toEqual([]);
  });

  it('PHP-FPM: the status page\'s "max children reached" without a log line, RAM and RSS from meminfo and ps', () => {
    const f = facts({
      settings: [setting('php-fpm', 'pm.max_children', '50', 'pool:www', 7)],
      samples: [
        sample('fpm-status', 'max children reached', [3, 3, 9], 'counter', 'www'),
        sample('fpm-status', 'listen queue', [0, 12, 40], 'gauge', 'www'),
        sample('meminfo', 'MemTotal_kb', [8 * 1024 * 1024]),
        sample('ps', 'rss_kb', [60 * 1024, 90 * 1024], 'gauge', 'php-fpm8.2'),
      ],
    });
    const r = rule(f, 'php-fpm.max_children');
    expect(r.severity).toBe('critical');
    expect(r.numbers).toMatchObject({ 'pm.max_children': 50, status_max_children_reached: 6, ram_mb: 8192, worker_mb: 90, ram_fit: 68 });
    expect(r.evidence).toContain('status page: listen queue up to 40 (3 sample(s))');
    expect(r.arithmetic.join('\n')).toMatch(/RAM fit: \(8192 MB RAM \(MemTotal of the meminfo snapshot\) - 2048 MB reserve\) \/ 90 MB per PHP-FPM worker \(largest RSS of 1 php-fpm8\.2 process figure\(s\) in the ps snapshot\) = 68 PHP-FPM workers/);
  });

  it('nginx: worker_processes auto multiplied out by nproc, stub_status near the capacity', () => {
    const f = facts({
      settings: [setting('nginx', 'worker_processes', 'auto', '', 2), setting('nginx', 'worker_connections', '768', 'events', 5)],
      samples: [sample('nproc', 'cpus', [2]), sample('nginx-stub-status', 'active', [200, 1500])],
    });
    const r = rule(f, 'nginx.worker_connections');
    expect(r.numbers).toMatchObject({ worker_connections: 768, worker_processes: 2, capacity: 1536, peak_active: 1500 });
    expect(r.arithmetic).toContain('worker_processes auto = 2 CPUs (nproc snapshot)');
    expect(r.arithmetic).toContain('stub_status: up to 1500 active connections = 98 % of 1536');
  });

  it('Apache prefork with KeepAlive 15 s: a worker per idle client; the event MPM is spared', () => {
    const conf = (mpm: string) => [setting('apache', 'LoadModule', `mpm_${mpm}_module modules/mod_mpm_${mpm}.so`, '', 3),
      setting('apache', 'KeepAlive', 'On', '', 10), setting('apache', 'KeepAliveTimeout', '15', '', 11), setting('apache', 'MaxRequestWorkers', '150', '', 12)];
    const r = rule(facts({ settings: conf('prefork') }), 'apache.keepalive_timeout');
    expect(r.numbers).toEqual({ KeepAliveTimeout_s: 15, MaxRequestWorkers: 150 });
    expect(r.title).toBe('Apache prefork MPM: KeepAliveTimeout 15 s holds a worker per idle client');
    expect(runRules(facts({ settings: conf('event') })).map((x) => x.rule)).not.toContain('apache.keepalive_timeout');
  });

  it('a config that disagrees with the limit the log states is said to be possibly not the one that ran', () => {
    const f = facts({
      settings: [setting('php-fpm', 'pm.max_children', '20', 'pool:www', 7)],
      events: [{ component: 'php-fpm', kind: 'worker_limit_reached', backend: 'www', count: 3, first: T0, last: T0 + 5000, limits: [5], maxValue: null }],
    });
    const r = rule(f, 'php-fpm.max_children');
    expect(r.numbers['pm.max_children']).toBe(20);
    expect(r.missing).toContain('the log says pm.max_children 5 but the config given says 20: it may not be the config that ran (reloaded since?)');
  });

  it('no evidence, no finding: a sane config with quiet snapshots yields nothing', () => {
    const f = facts({
      settings: [setting('php-fpm', 'pm.max_children', '50', 'pool:www'), setting('php-fpm', 'listen.backlog', '511', 'pool:www'),
        setting('kernel', 'net.core.somaxconn', '4096'), setting('nginx', 'worker_connections', '4096', 'events'), setting('nginx', 'worker_processes', '2')],
      samples: [sample('fpm-status', 'max children reached', [0, 0], 'counter', 'www'), sample('nginx-stub-status', 'active', [12, 30])],
    });
    expect(runRules(f)).toEqual([]);
  });
});
