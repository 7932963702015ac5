// `overload diagnose` on the seed cases (fixtures/seed-configs/, copied from the shared samples:
// configs and snapshots from real Server Fault cases and an article on PHP-FPM queueing). Each
// case's NOTES.md lists the findings a diagnosis should reach from its files; each test below
// holds the output to them. Statements that need what the files do not hold (the asker's 30,000
// SYN_SENT graph, another host's buffers, the post's `top`) are left to docs/diagnose.md.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cli, ROOT, tempDir } from './cli.js';

const SEEDS = join(ROOT, 'fixtures', 'seed-configs');

interface Finding { rule: string; severity: string; title: string; limits: Array<{ setting: string; value: string | null; where: string }>;
  evidence: string[]; arithmetic: string[]; recommendation: string; missing: string[]; numbers: Record<string, number | null> }

function ingest(db: string, files: string[], host?: string): void {
  const r = cli(['ingest', '--db', db, '--quiet', ...(host ? ['--host', host] : []), ...files]);
  if (r.status !== 0) throw new Error(`ingest exited ${r.status}: ${r.stderr}`);
}

function diagnose(db: string, extra: string[] = []): Finding[] {
  const r = cli(['diagnose', '--db', db, '--format', 'json', ...extra]);
  if (r.status !== 0) throw new Error(`diagnose exited ${r.status}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
}

const one = (findings: Finding[], rule: string) => {
  const f = findings.filter((x) => x.rule === rule);
  expect(f.length, `one ${rule}; got ${findings.map((x) => x.rule).join(', ')}`).toBe(1);
  return f[0];
};

describe('seed case: serverfault-lighttpd-backend-overloaded', () => {
  const dir = join(SEEDS, 'serverfault-lighttpd-backend-overloaded');
  const db = join(tempDir('overload-seed-'), 'seed.db');
  ingest(db, [join(dir, 'lighttpd.conf'), join(dir, 'sysctl.conf')]);
  // top's header (4056176k total, load 0.10): the post gave no date, so --at places it
  const top = cli(['ingest', '--db', db, '--quiet', '--at', '2013-05-01T08:04:26Z', join(dir, 'top.txt')]);
  if (top.status !== 0) throw new Error(`ingest of top.txt exited ${top.status}: ${top.stderr}`);
  const findings = diagnose(db);

  it('14 procs x PHP_FCGI_CHILDREN 30 = 420 children plus 14 masters, one socket per proc, fewer procs with more children', () => {
    const f = one(findings, 'lighttpd.fastcgi_procs');
    expect(f.numbers).toMatchObject({ 'max-procs': 14, PHP_FCGI_CHILDREN: 30, php_workers: 420, php_processes: 434 });
    expect(f.arithmetic).toContain('max-procs 14 x PHP_FCGI_CHILDREN 30 = 420 PHP workers, on 14 sockets of 30 each (+ 14 php-cgi masters = 434 processes)');
    expect(f.recommendation).toMatch(/fewer procs with more children each: 420 children on 1 socket \(max-procs 1, PHP_FCGI_CHILDREN 420\) or 210 on each of 2/);
    expect(f.recommendation).toMatch(/one can be full while others idle/);
  });

  it('memory: 434 PHP processes on a 4 GB host leave under 10 MB each, and the worker RSS is asked for', () => {
    const f = one(findings, 'lighttpd.fastcgi_procs');
    expect(f.arithmetic).toContain('434 php-cgi processes on 3961 MB of RAM (MemTotal of the meminfo snapshot) leave at most 9.1 MB each');
    expect(f.missing.join('\n')).toMatch(/the RSS of one php-cgi process \(give --worker-mb MB/);
  });

  it('server.max-connections 10000 against server.max-fds 12000: lighttpd keeps max-fds / 2', () => {
    const f = one(findings, 'lighttpd.max_connections');
    expect(f.numbers).toMatchObject({ 'server.max-connections': 10000, 'server.max-fds': 12000, effective_max_connections: 6000 });
  });

  it('the box is idle (load 0.1): the limit is the distribution of work over sockets, not CPU', () => {
    expect(one(findings, 'lighttpd.fastcgi_procs').evidence).toContain('load average (1 min) up to 0.1: the host was nearly idle, so the limit was the procs\' sockets, not the CPU');
  });

  it('sysctl: tcp_tw_recycle = 1 (removed in 4.12), tcp_fin_timeout 1 far below 60, tcp_max_syn_backlog set twice (the last wins)', () => {
    expect(one(findings, 'kernel.tcp_tw_recycle').title).toMatch(/tcp_tw_recycle = 1: breaks clients behind NAT \(removed in Linux 4\.12\)/);
    expect(one(findings, 'kernel.tcp_fin_timeout').numbers.tcp_fin_timeout).toBe(1);
    const dup = one(findings, 'kernel.duplicate_key');
    expect(dup.title).toBe('net.ipv4.tcp_max_syn_backlog is set 2 times: the last one (262144) wins');
    expect(dup.limits.map((l) => `${l.value} ${l.where.replace(/.*\//, '')}`)).toEqual(['2048 sysctl.conf:14', '262144 sysctl.conf:15']);
  });
});

describe('seed case: serverfault-varnish-apache-syn-sent', () => {
  const dir = join(SEEDS, 'serverfault-varnish-apache-syn-sent');
  const db = join(tempDir('overload-seed-'), 'seed.db');
  ingest(db, [join(dir, 'apache', 'sysctl.conf')], 'apache');
  ingest(db, [join(dir, 'varnish', 'sysctl.conf')], 'varnish');
  const apache = diagnose(db, ['--host', 'apache']);
  const varnish = diagnose(db, ['--host', 'varnish']);

  it('Apache: tcp_mem repeats the byte values of tcp_rmem/tcp_wmem, but tcp_mem is counted in pages: leave it to the kernel', () => {
    const f = one(apache, 'kernel.tcp_mem_pages');
    expect(f.numbers).toMatchObject({ tcp_mem_min: 4096, tcp_mem_pressure: 262144, tcp_mem_max: 524288, tcp_mem_max_mib: 2048 });
    expect(f.recommendation).toMatch(/let the kernel size it/);
  });

  it('Varnish: tcp_tw_recycle = 1, set 0 and tcp_tw_reuse = 1', () => {
    const f = one(varnish, 'kernel.tcp_tw_recycle');
    expect(f.recommendation).toMatch(/set net\.ipv4\.tcp_tw_reuse = 1 \(now 0 at .*varnish\/sysctl\.conf:9\)/);
  });

  it('Varnish: ip_local_port_range 1024 65536 is invalid, so the default range stays in force', () => {
    const f = one(varnish, 'kernel.ip_local_port_range');
    expect(f.numbers).toMatchObject({ invalid: 1, range_low: 32768, range_high: 60999 });
    expect(f.arithmetic[0]).toMatch(/65536 is not a port/);
  });

  it('with its netstat state counts (placed with --at: the post gave no time): TIME_WAIT against the range in force', () => {
    const r = cli(['ingest', '--db', db, '--quiet', '--host', 'varnish', '--at', '2012-06-01T12:00:00Z', join(dir, 'varnish', 'netstat-states.txt')]);
    expect(r.status, r.stderr).toBe(0);
    const f = one(diagnose(db, ['--host', 'varnish']), 'kernel.ip_local_port_range');
    expect(f.arithmetic[1]).toBe('6124 sockets in TIME_WAIT (ss-states) = 22 % of 28232 ports');
    expect(f.numbers.time_wait).toBe(6124);
    expect(f.missing).toEqual([]);
  });

  it('reports duplicates only where the input has them (vm.swappiness appears once here)', () => {
    expect([...apache, ...varnish].filter((f) => f.rule === 'kernel.duplicate_key')).toEqual([]);
  });
});

describe('seed case: php-fpm-queueing-article (its rules on fixtures/diagnose/php-fpm-article)', () => {
  const dir = join(ROOT, 'fixtures', 'diagnose', 'php-fpm-article');
  const db = join(tempDir('overload-seed-'), 'seed.db');
  ingest(db, ['www.conf', 'nginx.conf', 'sysctl.conf'].map((f) => join(dir, f)));
  const findings = diagnose(db, ['--ram', '32768', '--worker-mb', '60']);

  it('pm.max_children = (RAM - ~2 GB reserve) / worker RSS', () => {
    const f = one(findings, 'php-fpm.max_children');
    expect(f.numbers).toMatchObject({ 'pm.max_children': 600, ram_mb: 32768, worker_mb: 60, ram_fit: 512 });
    expect(f.arithmetic).toContain('RAM fit: (32768 MB RAM (--ram) - 2048 MB reserve) / 60 MB per PHP-FPM worker (--worker-mb) = 512 PHP-FPM workers; 600 PHP-FPM workers need 36000 MB');
    expect(f.recommendation).toMatch(/^Lower pm\.max_children to at most 512/);
  });

  it('listen.backlog high, and somaxconn at least as high, or the kernel silently caps the queue', () => {
    const f = one(findings, 'php-fpm.listen_backlog');
    expect(f.numbers).toMatchObject({ 'listen.backlog': 65535, somaxconn: 4096, effective_backlog: 4096 });
    expect(f.arithmetic[0]).toMatch(/\(capped: the kernel silently gives less than asked\)$/);
  });

  it('no layer ends a request earlier than the one behind it', () => {
    const f = one(findings, 'timeouts.nginx_fastcgi');
    expect(f.numbers).toMatchObject({ fastcgi_read_timeout_s: 60, request_terminate_timeout_s: 600 });
    expect(f.arithmetic[0]).toBe('fastcgi_read_timeout 60 s < request_terminate_timeout 600 s: for up to 540 s after nginx answers 504, the PHP worker keeps running for nobody');
  });
});
