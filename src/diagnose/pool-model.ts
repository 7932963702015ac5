// The pool the logs were written under, as the what-if replay (replay.ts) models it, read from
// the same facts as the findings: the configs' limits (or the messages' where no config was
// given), the kernel's somaxconn, the front's timeouts, the worker RSS. One pool per host: the
// one the worker findings are about (PHP-FPM, else lighttpd's FastCGI procs, else Apache).
import { count, durationMs } from '../config/values.js';
import type { PoolModel } from './replay.js';
import type { Facts } from './types.js';
import { countOf, eventsOf, memory, setting, sum } from './rules/common.js';
import { somaxconn } from './rules/backlog.js';

export interface ConfiguredPool {
  model: PoolModel;
  /** what was assumed, in words, for the output */
  assumptions: string[];
}

const ms = (server: 'nginx' | 'php-fpm' | 'varnish', v: string | null | undefined) => (v == null ? null : durationMs(v, server));

function rss(f: Facts, process: RegExp, model: PoolModel, assumptions: string[]): void {
  const m = memory(f, process);
  if (m.workerMb !== null) model.workerRssBytes = m.workerMb * 1024 * 1024;
  else assumptions.push('no worker RSS (--worker-mb or a ps snapshot): peak memory is not computed');
}

function phpFpm(f: Facts): ConfiguredPool | null {
  const ev = sum(eventsOf(f, 'worker_limit_reached', 'php-fpm'));
  const pools = f.effective.filter((s) => s.server === 'php-fpm' && s.name === 'pm.max_children' && s.scope.startsWith('pool:') && !s.isDefault);
  const pool = pools[0]?.scope.slice(5) ?? ev.backends[0] ?? null;
  const workers = pools.length ? count(pools[0].value) : ev.limits[ev.limits.length - 1] ?? null;
  if (pool === null || workers === null) return null;
  const assumptions: string[] = [];
  if (!pools.length) assumptions.push(`pm.max_children ${workers} from the "reached pm.max_children" message (no pool config)`);
  const scope = `pool:${pool}`;
  const bl = countOf(setting(f, 'php-fpm', 'listen.backlog', scope));
  const smc = somaxconn(f);
  const backlog = bl === null || bl < 0 ? smc.value : bl;
  if (bl === null) assumptions.push(`listen.backlog unknown: ${backlog} (the kernel's somaxconn) assumed`);
  const term = setting(f, 'php-fpm', 'request_terminate_timeout', scope);
  const read = setting(f, 'nginx', 'fastcgi_read_timeout');
  const killMs = ms('php-fpm', term?.value);
  const frontMs = ms('nginx', read?.value) ?? 60_000;
  const model: PoolModel = {
    name: pool, sockets: 1, workersPerSocket: workers, backlog, somaxconn: smc.value,
    // nginx answers a refused connect (EAGAIN on the socket) and a killed worker with 502, its own read timeout with 504
    refusedStatus: 502, killedStatus: 502, frontTimeoutMs: frontMs, frontTimeoutStatus: 504,
    ...(killMs ? { killTimeoutMs: killMs } : {}),
  };
  rss(f, /php|fpm/i, model, assumptions);
  return { model, assumptions };
}

function lighttpd(f: Facts): ConfiguredPool | null {
  const procs = countOf(setting(f, 'lighttpd', 'max-procs', 'fastcgi:'));
  if (procs === null || !f.configured.has('lighttpd')) return null;
  const assumptions: string[] = [];
  const children = countOf(setting(f, 'lighttpd', 'PHP_FCGI_CHILDREN', 'fastcgi:'));
  const backlog = countOf(setting(f, 'lighttpd', 'listen-backlog', 'fastcgi:')) ?? 1024;
  const disable = countOf(setting(f, 'lighttpd', 'disable-time', 'fastcgi:')) ?? 1;
  // lighttpd >= 1.4.46 (gw_backend) retries a full socket on another proc and never disables it:
  // its "write failed ... not connected" lines are the backlog_full events; 1.4.45 disables the proc
  const gw = sum(eventsOf(f, 'backlog_full', 'lighttpd')).count > 0;
  assumptions.push(gw ? 'lighttpd >= 1.4.46 (gw_backend: a full socket is retried on another proc, 500 when none takes it)'
    : `lighttpd <= 1.4.45 (a full socket disables its proc for disable-time ${disable} s, 503 when all are down)`);
  const model: PoolModel = {
    name: 'php', sockets: procs, workersPerSocket: Math.max(1, children ?? 1), backlog, somaxconn: somaxconn(f).value,
    refusedStatus: gw ? 500 : 503, ...(gw ? {} : { disableS: disable }), masters: procs,
  };
  rss(f, /php/i, model, assumptions);
  return { model, assumptions };
}

function apache(f: Facts): ConfiguredPool | null {
  const mrw = setting(f, 'apache', 'MaxRequestWorkers') ?? setting(f, 'apache', 'MaxClients');
  if (!mrw || mrw.isDefault) return null;
  let workers = countOf(mrw);
  if (workers === null) return null;
  const sl = countOf(setting(f, 'apache', 'ServerLimit')), tpc = countOf(setting(f, 'apache', 'ThreadsPerChild'));
  if (sl !== null && tpc !== null) workers = Math.min(workers, sl * tpc);
  const assumptions: string[] = [];
  const backlog = countOf(setting(f, 'apache', 'ListenBacklog')) ?? 511;
  const fbt = setting(f, 'varnish', '.first_byte_timeout', 'backend:') ?? setting(f, 'varnish', 'first_byte_timeout');
  const model: PoolModel = {
    name: 'apache', sockets: 1, workersPerSocket: workers, backlog, somaxconn: somaxconn(f).value,
    // Varnish answers a backend it cannot reach, and one that is too slow, with 503
    refusedStatus: 503,
    ...(fbt ? { frontTimeoutMs: ms('varnish', fbt.value) ?? 60_000, frontTimeoutStatus: 503 } : {}),
  };
  if (!fbt) assumptions.push('no proxy timeout in front of Apache is known');
  rss(f, /apache|httpd/i, model, assumptions);
  return { model, assumptions };
}

export function configuredPool(f: Facts): ConfiguredPool | null {
  return phpFpm(f) ?? lighttpd(f) ?? apache(f);
}
