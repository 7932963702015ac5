// The demand side: what the window asked of the servers (requests in flight from the exact
// sweep, and Little's law), against every worker limit in force. The postmortem's chart draws
// the same limits over the in-flight series.
import type { Facts, Finding } from '../types.js';
import { countOf, eventsOf, finding, round, setting, sum, time } from './common.js';
import { ramFit, workersNeeded } from './workers.js';

export interface WorkerLimit {
  server: string;
  /** as the server spells it: 'pm.max_children (pool www)', 'max-procs x PHP_FCGI_CHILDREN' */
  label: string;
  value: number;
  basis: 'config' | 'default' | 'inferred';
}

/** Every worker limit the configs (or, without them, the messages) state for the host. */
export function workerLimits(f: Facts): WorkerLimit[] {
  const out: WorkerLimit[] = [];
  const pools = new Set<string>();
  for (const s of f.effective) if (s.server === 'php-fpm' && s.name === 'pm.max_children' && s.scope.startsWith('pool:') && !s.isDefault) pools.add(s.scope.slice(5));
  for (const pool of pools) {
    const n = countOf(setting(f, 'php-fpm', 'pm.max_children', `pool:${pool}`));
    if (n !== null) out.push({ server: 'php-fpm', label: `pm.max_children (pool ${pool})`, value: n, basis: 'config' });
  }
  if (!pools.size) {
    const ev = sum(eventsOf(f, 'worker_limit_reached', 'php-fpm'));
    if (ev.limits.length) out.push({ server: 'php-fpm', label: 'pm.max_children (from the log)', value: ev.limits[ev.limits.length - 1], basis: 'inferred' });
  }
  const procs = countOf(setting(f, 'lighttpd', 'max-procs', 'fastcgi:'));
  const children = countOf(setting(f, 'lighttpd', 'PHP_FCGI_CHILDREN', 'fastcgi:'));
  if (procs !== null && f.configured.has('lighttpd')) out.push({ server: 'lighttpd', label: 'max-procs x PHP_FCGI_CHILDREN', value: procs * Math.max(1, children ?? 1), basis: 'config' });
  const mrw = setting(f, 'apache', 'MaxRequestWorkers') ?? setting(f, 'apache', 'MaxClients');
  if (mrw && !mrw.isDefault) {
    let v = countOf(mrw);
    const sl = countOf(setting(f, 'apache', 'ServerLimit')), tpc = countOf(setting(f, 'apache', 'ThreadsPerChild'));
    if (v !== null && sl !== null && tpc !== null) v = Math.min(v, sl * tpc);
    if (v !== null) out.push({ server: 'apache', label: 'MaxRequestWorkers', value: v, basis: 'config' });
  }
  const mc = f.effective.find((s) => s.server === 'varnish' && s.name === '.max_connections' && !s.isDefault);
  if (mc && countOf(mc) !== null) out.push({ server: 'varnish', label: `.max_connections (${mc.scope})`, value: countOf(mc)!, basis: 'config' });
  return out;
}

export function demandRules(f: Facts): Finding[] {
  const edge = f.demand.find((d) => d.tier === 'edge');
  if (!edge || !edge.requests) return [];
  const need = workersNeeded(f);
  const limits = workerLimits(f);
  const arithmetic = [...need.lines];
  const evidence = f.demand.map((d) => `${d.tier} (${d.servers.join(', ')}): ${d.requests} requests started in the window (${round(d.arrivalRps, 2)}/s), ` +
    `${d.errors5xx} answered 5xx, peak ${d.peakInflight} in flight at ${time(d.peakAt)}`);
  for (const l of limits) {
    const over = edge.series.filter((s) => s.peak > l.value).length;
    arithmetic.push(`${l.server} ${l.label} = ${l.value}${l.basis === 'inferred' ? ' (from the log)' : ''}: peak ${edge.peakInflight} is ${round(edge.peakInflight / l.value, 1)}x it; more were in flight than it in ${over} of ${edge.series.length} ${edge.series.length > 1 ? `${(edge.series[1].t - edge.series[0].t) / 1000}-s buckets` : 'buckets'}`);
  }
  const lowest = limits.length ? Math.min(...limits.map((l) => l.value)) : null;
  const ram = need.needed !== null || need.peak !== null ? ramFit(f, /php|fpm|apache|httpd/i, Math.max(need.needed ?? 0, need.peak ?? 0), 'worker') : null;
  if (ram) arithmetic.push(...ram.lines);
  const short = lowest !== null && need.peak !== null && need.peak > lowest;
  return [finding({
    rule: 'demand.workers', family: 'demand', server: limits[0]?.server ?? 'edge', severity: short ? 'warning' : 'info',
    title: `Demand: ${need.needed ?? '?'} busy workers by Little's law, ${need.peak ?? '?'} in flight at the peak${lowest !== null ? ` against a limit of ${lowest}` : ''}`,
    limits: [], evidence, arithmetic, missing: [...(limits.length ? [] : ['no worker limit known: give the server configs (or logs that state the limit)']), ...(ram?.missing ?? [])],
    recommendation: short
      ? `The pool needed ${need.needed !== null && need.needed > (lowest ?? 0) ? `${need.needed} workers (Little's law, at most the sweep's peak)` : `more than ${lowest} workers at the peak`}${ram?.fit != null ? `; RAM holds ${ram.fit}` : ''}: size the limit between the mean and the peak, within RAM, or cut the service time.`
      : 'The demand fitted the worker limits known; look at the other findings for what failed.',
    first: edge.peakAt, last: edge.peakAt,
    numbers: { ...need.numbers, lowest_worker_limit: lowest, requests: edge.requests, errors_5xx: edge.errors5xx, ...(ram?.numbers ?? {}) },
  })];
}
