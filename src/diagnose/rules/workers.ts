// Worker pools: how many requests each server can work on at once, against what the logs say
// was asked of it. One function per server, each in that server's own terms.
import { count, durationMs } from '../../config/values.js';
import type { Facts, Finding, Setting } from '../types.js';
import {
  countOf, edgeDemand, settingsNamed, eventsOf, finding, inferredRef, limitRef, memory, round, sampleFigure, samplesOf, setting,
  span, sum, unknownRef, time,
} from './common.js';

/** "pm.max_children" of a pool can sit in scope 'pool:www'; the event names the pool 'www'. */
function fpmPools(f: Facts): string[] {
  const pools = new Set<string>();
  for (const s of f.effective) if (s.server === 'php-fpm' && s.scope.startsWith('pool:') && !s.isDefault) pools.add(s.scope.slice(5));
  for (const e of eventsOf(f, 'worker_limit_reached', 'php-fpm')) pools.add(e.backend ?? 'www');
  return [...pools].sort();
}

/**
 * What demand needed, by Little's law: arrivals per second at the edge times the mean service
 * time (the backend's own duration when its access log is there: the edge's includes queueing).
 */
export function workersNeeded(f: Facts): { needed: number | null; lines: string[]; peak: number | null; numbers: Record<string, number | null> } {
  const edge = edgeDemand(f);
  if (!edge) return { needed: null, lines: [], peak: null, numbers: {} };
  const back = f.demand.find((d) => d.tier === 'backend' && d.meanServedMs !== null);
  const service = back?.meanServedMs ?? edge.meanServedMs;
  const lines: string[] = [];
  let needed: number | null = null;
  if (service !== null) {
    const l = edge.arrivalRps * service / 1000;
    needed = Math.ceil(l);
    lines.push(`Little's law: ${round(edge.arrivalRps, 2)} req/s arriving x ${round(service / 1000, 3)} s mean service` +
      ` (${back ? 'the backend log\'s requests served below 500' : 'the edge log\'s requests served below 500, queueing included'}) = ${round(l, 2)} busy workers on average over the window`);
  }
  lines.push(`exact sweep of the edge log: at most ${edge.peakInflight} requests in flight, at ${time(edge.peakAt)}`);
  // Refused requests come back fast and are retried (a closed-loop client, a user pressing reload):
  // they inflate the arrival rate, but no more requests than were ever in flight at once can
  // have needed a worker at once.
  if (needed !== null && needed > edge.peakInflight && edge.peakInflight > 0) {
    lines.push(`workers needed = min(${needed}, the sweep's peak ${edge.peakInflight}) = ${edge.peakInflight}: retried refusals inflate the arrival rate, and no more than the peak were ever in flight at once`);
    needed = edge.peakInflight;
  }
  return {
    needed, lines, peak: edge.peakInflight,
    numbers: { arrival_rps: round(edge.arrivalRps, 2), mean_service_ms: service === null ? null : round(service, 1), littles_law: needed, peak_inflight: edge.peakInflight },
  };
}

const plural = (what: string) => (what.endsWith('s') ? `${what}es` : `${what}s`);

/** RSS and RAM: how many workers of this size the host holds, after a reserve for everything else. */
export function ramFit(f: Facts, process: RegExp, workers: number, what: string): { lines: string[]; missing: string[]; fit: number | null; numbers: Record<string, number | null> } {
  const m = memory(f, process);
  const missing: string[] = [];
  if (m.ramMb === null) missing.push('the host\'s RAM (give --ram MB, or a free -m / /proc/meminfo snapshot)');
  if (m.workerMb === null) missing.push(`the RSS of one ${what} (give --worker-mb MB, or a ps snapshot with RSS taken under load)`);
  if (m.ramMb === null || m.workerMb === null) {
    const lines = m.ramMb !== null ? [`${workers} ${plural(what)} on ${m.ramMb} MB of RAM (${m.ramFrom}) leave at most ${round(m.ramMb / workers, 1)} MB each`] : [];
    return { lines, missing, fit: null, numbers: { ram_mb: m.ramMb, worker_mb: m.workerMb, ram_fit: null } };
  }
  // a reserve for the kernel, the web server and the page cache: ~2 GB on a large host, a quarter of a small one
  const reserve = Math.min(2048, Math.round(m.ramMb / 4));
  const fit = Math.max(0, Math.floor((m.ramMb - reserve) / m.workerMb));
  return {
    fit, missing,
    lines: [`RAM fit: (${m.ramMb} MB RAM (${m.ramFrom}) - ${reserve} MB reserve) / ${m.workerMb} MB per ${what} (${m.workerFrom}) = ${fit} ${plural(what)};` +
      ` ${workers} ${plural(what)} need ${round(workers * m.workerMb, 0)} MB`],
    numbers: { ram_mb: m.ramMb, worker_mb: m.workerMb, ram_fit: fit },
  };
}

function sizing(needed: number | null, peak: number | null, fit: number | null, current: number): { range: string; lo: number | null; hi: number | null } {
  const want = [needed, peak].filter((v): v is number => v !== null);
  if (!want.length) return { range: '', lo: null, hi: null };
  let lo = Math.max(current + 1, Math.min(...want));
  let hi = Math.max(lo, ...want);
  if (fit !== null) { hi = Math.min(hi, fit); lo = Math.min(lo, hi); }
  return { range: lo === hi ? `${lo}` : `${lo}-${hi}`, lo, hi };
}

export function phpFpm(f: Facts): Finding[] {
  const out: Finding[] = [];
  for (const pool of fpmPools(f)) {
    const ev = sum(eventsOf(f, 'worker_limit_reached', 'php-fpm').filter((e) => (e.backend ?? 'www') === pool));
    const stated = setting(f, 'php-fpm', 'pm.max_children', `pool:${pool}`);
    const fromConfig = stated && !stated.isDefault ? stated : null;
    const mc = countOf(fromConfig) ?? ev.limits[ev.limits.length - 1] ?? countOf(stated);
    const reached = samplesOf(f, /^max children reached$/i, /fpm/).filter((s) => s.subject === pool || s.subject === '');
    const reachedN = reached.length ? Math.max(...reached.map(sampleFigure)) : 0;
    const queue = samplesOf(f, /^(max )?listen queue$/i, /fpm/).filter((s) => s.subject === pool || s.subject === '');
    const edge = edgeDemand(f);
    // a pool larger than RAM holds is a finding with no load at all (the article's sizing rule)
    const oversized = fromConfig && mc !== null ? ramFit(f, /php|fpm/i, mc, 'PHP-FPM worker') : null;
    const tooBig = oversized?.fit != null && mc !== null && mc > oversized.fit;
    if (!ev.count && !reachedN && !tooBig && !(mc !== null && edge && edge.peakInflight > mc && fromConfig)) continue;
    const limits = [];
    const missing: string[] = [];
    if (fromConfig) {
      limits.push(limitRef(fromConfig));
      // the message states the limit the running pool had: a config that says otherwise is not the one that ran
      const other = ev.limits.filter((l) => l !== mc);
      if (other.length) missing.push(`the log says pm.max_children ${other.join(', ')} but the config given says ${mc}: it may not be the config that ran (reloaded since?)`);
    }
    else if (ev.limits.length) {
      limits.push(inferredRef('php-fpm', 'pm.max_children', mc, `the "reached pm.max_children setting (${mc})" message`, `pool:${pool}`));
      missing.push(`no PHP-FPM pool config given: the worker limit is inferred from the max_children message (${mc})`);
    } else if (stated) limits.push(limitRef(stated));
    else limits.push(unknownRef('php-fpm', 'pm.max_children', `pool:${pool}`));
    const pm = setting(f, 'php-fpm', 'pm', `pool:${pool}`);
    const evidence = ev.count ? [span(ev, `"server reached pm.max_children" warnings for pool ${pool}`)] : [];
    if (reachedN) evidence.push(`status page: "max children reached" rose by ${reachedN}`);
    for (const q of queue.filter((x) => x.max > 0)) evidence.push(`status page: ${q.metric} up to ${q.max} (${q.n} sample(s))`);
    const need = workersNeeded(f);
    const arithmetic = [...need.lines];
    if (mc !== null && need.peak !== null) arithmetic.push(`${need.peak} in flight - pm.max_children ${mc} = ${Math.max(0, need.peak - mc)} requests waiting in the listen backlog or refused at the peak`);
    const ram = ramFit(f, /php|fpm/i, Math.max(mc ?? 0, need.needed ?? 0, need.peak ?? 0), 'PHP-FPM worker');
    arithmetic.push(...ram.lines);
    missing.push(...ram.missing);
    const size = sizing(need.needed, need.peak, ram.fit, mc ?? 0);
    let rec: string;
    if (tooBig && !ev.count && !reachedN) rec = `Lower pm.max_children to at most ${oversized!.fit}: with every worker busy at this RSS the pool would need more RAM than the host has, and the host would swap or the OOM killer would pick workers.`;
    else if (size.lo === null) rec = `Raise pm.max_children above ${mc ?? 'its value'} as far as RAM allows (RAM - reserve) / worker RSS, or make the slow requests faster.`;
    else if (ram.fit !== null && ram.fit <= (mc ?? 0)) rec = `RAM holds only ${ram.fit} workers of this size: do not raise pm.max_children past ${ram.fit}; shorten the slow requests (slowlog) or add hosts.`;
    else rec = `Set pm.max_children to ${size.range} (${need.needed ?? '-'} workers needed by Little's law, ${need.peak ?? '-'} in flight at the sweep's peak${ram.fit !== null ? `, RAM fit ${ram.fit}` : ''}); a burst longer than the pool can absorb still queues in listen.backlog.`;
    if (pm && pm.value === 'ondemand') rec += ' pm = ondemand starts workers only on demand: under a sudden peak the cold starts add to the wait.';
    out.push(finding({
      rule: 'php-fpm.max_children', family: 'workers', server: 'php-fpm', severity: ev.count || reachedN ? 'critical' : 'warning',
      title: `PHP-FPM pool ${pool}: pm.max_children ${mc ?? '?'} ${ev.count || reachedN ? 'reached' : tooBig ? `more than RAM holds (${oversized!.fit})` : 'below the demand'}`, limits, evidence, arithmetic, missing,
      recommendation: rec, first: ev.first, last: ev.last,
      numbers: { 'pm.max_children': mc, max_children_reached: ev.count, status_max_children_reached: reachedN || null, ...need.numbers, ...ram.numbers,
        recommend_min: size.lo, recommend_max: size.hi },
    }));
  }
  return out;
}

/** The Apache MPM in force, from the LoadModule lines the config states. */
function apacheMpm(f: Facts): string | null {
  // LoadModule repeats, so the effective view keeps only one of them: read every active line
  for (const s of f.settings) {
    if (s.server !== 'apache' || !s.active || s.name.toLowerCase() !== 'loadmodule' || !s.value) continue;
    const m = /mpm_(event|worker|prefork)_module/.exec(s.value);
    if (m) return m[1];
  }
  return null;
}

export function apache(f: Facts): Finding[] {
  const ev = sum(eventsOf(f, 'worker_limit_reached', 'apache'));
  const configured = f.configured.has('apache');
  if (!ev.count) return [];
  const mpm = apacheMpm(f);
  const scope = mpm ? `mpm:${mpm}` : undefined;
  // a value stated in the MPM's own block wins, then one stated anywhere, then the default
  const pick = (name: string) => {
    const stated = [...(scope ? settingsNamed(f, 'apache', name, scope) : []), ...settingsNamed(f, 'apache', name)].filter((s) => !s.isDefault);
    return stated[0] ?? setting(f, 'apache', name);
  };
  const mrw = pick('MaxRequestWorkers') ?? pick('MaxClients');
  const sl = pick('ServerLimit');
  const tpc = pick('ThreadsPerChild');
  const limits = [mrw, sl, tpc].filter((s): s is Setting => s !== null).map(limitRef);
  const missing: string[] = [];
  if (!configured) {
    missing.push('no Apache config given: the message says MaxRequestWorkers was reached but not its value');
    limits.push(unknownRef('apache', 'MaxRequestWorkers'));
  }
  if (configured && !mpm) missing.push('no LoadModule of an MPM in the config given: prefork, worker or event decides what MaxRequestWorkers counts');
  const arithmetic: string[] = [];
  let capacity = countOf(mrw);
  const slN = countOf(sl), tpcN = countOf(tpc);
  if (mpm !== 'prefork' && slN !== null && tpcN !== null) {
    arithmetic.push(`ServerLimit ${slN} x ThreadsPerChild ${tpcN} = ${slN * tpcN} threads`);
    if (capacity !== null && capacity > slN * tpcN) arithmetic.push(`MaxRequestWorkers ${capacity} > ${slN * tpcN}: Apache lowers it to ${slN * tpcN} at start`);
    capacity = capacity === null ? slN * tpcN : Math.min(capacity, slN * tpcN);
  }
  if (capacity !== null) arithmetic.push(`${capacity} requests at once (MPM ${mpm ?? 'unknown'})`);
  const need = workersNeeded(f);
  const back = f.demand.find((d) => d.tier === 'backend' && d.servers.some((s) => /apache|common|combined/.test(s)));
  arithmetic.push(...need.lines);
  if (back) arithmetic.push(`Apache's own log: at most ${back.peakInflight} requests in flight (it cannot show more than it had workers for)`);
  const evidence = [span(ev, '"server reached MaxRequestWorkers" errors')];
  const rec = capacity !== null && need.peak !== null && need.peak > capacity
    ? `Raise MaxRequestWorkers (with ServerLimit x ThreadsPerChild at least as large) towards ${Math.max(need.needed ?? 0, need.peak)} if RAM and the backend's CPU allow, or cap the proxy in front to ${capacity} connections so that it queues instead of timing out.`
    : 'Raise MaxRequestWorkers (and ServerLimit x ThreadsPerChild with it) to what the peak needs, within RAM.';
  const ram = ramFit(f, /apache|httpd/i, capacity ?? 0, 'Apache worker');
  missing.push(...ram.missing.filter(() => mpm === 'prefork'));
  return [finding({
    rule: 'apache.max_request_workers', family: 'workers', server: 'apache', severity: 'critical',
    title: `Apache: MaxRequestWorkers ${capacity ?? '?'} reached`, limits, evidence, arithmetic, missing, recommendation: rec,
    first: ev.first, last: ev.last,
    numbers: { MaxRequestWorkers: countOf(mrw), ServerLimit: slN, ThreadsPerChild: tpcN, capacity, events: ev.count, ...need.numbers,
      backend_peak_inflight: back?.peakInflight ?? null },
  })];
}

/**
 * KeepAlive under prefork/worker: every idle keep-alive connection holds a worker (a process or
 * thread) for up to KeepAliveTimeout, so a spike of new clients multiplies the workers needed.
 * The event MPM hands idle connections to its listener thread and is not affected.
 */
export function apacheKeepAlive(f: Facts): Finding[] {
  if (!f.configured.has('apache')) return [];
  const mpm = apacheMpm(f);
  if (mpm !== 'prefork' && mpm !== 'worker') return [];
  const ka = setting(f, 'apache', 'KeepAlive');
  const kat = setting(f, 'apache', 'KeepAliveTimeout');
  // KeepAlive defaults to On and KeepAliveTimeout to 5 s (core)
  const on = ka ? /^on$/i.test(ka.value ?? '') : true;
  const secs = kat ? durationMs(kat.value, 'apache') : 5000;
  if (!on || secs === null || secs <= 2000) return [];
  const mrw = countOf(setting(f, 'apache', 'MaxRequestWorkers') ?? setting(f, 'apache', 'MaxClients'));
  const edge = edgeDemand(f);
  const arithmetic = [`each client that keeps its connection open holds one of ${mrw ?? 'MaxRequestWorkers'} workers for up to ${secs / 1000} s after its last request`];
  if (edge && edge.requests && mrw !== null) {
    arithmetic.push(`at ${round(edge.arrivalRps, 2)} req/s, if every request came from a new client, keep-alive alone would hold ${round(edge.arrivalRps * secs / 1000, 1)} workers idle on average (of ${mrw})`);
  }
  const full = sum(eventsOf(f, 'worker_limit_reached', 'apache'));
  return [finding({
    rule: 'apache.keepalive_timeout', family: 'workers', server: 'apache', severity: full.count ? 'warning' : 'info',
    title: `Apache ${mpm} MPM: KeepAliveTimeout ${secs / 1000} s holds a worker per idle client`,
    limits: [kat ? limitRef(kat) : { ...unknownRef('apache', 'KeepAliveTimeout'), value: '5', where: 'default', basis: 'default', doc: 'https://httpd.apache.org/docs/2.4/mod/core.html#keepalivetimeout' },
      ...(ka ? [limitRef(ka)] : [])],
    evidence: full.count ? [span(full, '"server reached MaxRequestWorkers" errors')] : [], arithmetic,
    recommendation: `Lower KeepAliveTimeout to 1-2 s, or move to the event MPM (idle keep-alive connections then cost no worker).`,
    first: full.first, last: full.last, numbers: { KeepAliveTimeout_s: secs / 1000, MaxRequestWorkers: mrw },
  })];
}

export function nginx(f: Facts): Finding[] {
  const ev = sum(eventsOf(f, 'worker_limit_reached', 'nginx'));
  const fd = sum(eventsOf(f, 'fd_limit', 'nginx'));
  const active = samplesOf(f, /^active( connections)?$/i, /stub/);
  const wc = setting(f, 'nginx', 'worker_connections');
  const wp = setting(f, 'nginx', 'worker_processes');
  const rl = setting(f, 'nginx', 'worker_rlimit_nofile');
  const wcN = countOf(wc) ?? ev.limits[ev.limits.length - 1] ?? null;
  let wpN = countOf(wp);
  const arithmetic: string[] = [];
  const missing: string[] = [];
  if (wp && wp.value === 'auto') {
    const cpus = samplesOf(f, /^cpus$/i)[0];
    if (cpus) { wpN = cpus.max; arithmetic.push(`worker_processes auto = ${cpus.max} CPUs (nproc snapshot)`); } else missing.push('worker_processes is auto: the CPU count (an nproc snapshot) is needed to multiply it out');
  }
  const capacity = wcN !== null && wpN !== null ? wcN * wpN : null;
  if (capacity !== null) arithmetic.push(`worker_connections ${wcN} x worker_processes ${wpN} = ${capacity} connections; a proxied request holds two (client and upstream)`);
  const peakActive = active.length ? Math.max(...active.map((a) => a.max)) : null;
  const near = capacity !== null && peakActive !== null && peakActive >= 0.8 * capacity;
  const rlN = countOf(rl);
  const rlLow = rlN !== null && wcN !== null && rlN < wcN;
  if (!ev.count && !fd.count && !near && !rlLow) return [];
  const evidence: string[] = [];
  if (ev.count) evidence.push(span(ev, '"worker_connections are not enough" messages'));
  if (fd.count) evidence.push(span(fd, '"Too many open files" errors'));
  if (peakActive !== null) arithmetic.push(`stub_status: up to ${peakActive} active connections = ${capacity ? round(100 * peakActive / capacity, 0) : '?'} % of ${capacity ?? '?'}`);
  if (rlLow) arithmetic.push(`worker_rlimit_nofile ${rlN} < worker_connections ${wcN}: a worker runs out of descriptors first`);
  const limits = [wc ? limitRef(wc) : ev.limits.length ? inferredRef('nginx', 'worker_connections', wcN, 'the "worker_connections are not enough" message') : unknownRef('nginx', 'worker_connections')];
  if (wp) limits.push(limitRef(wp));
  if (rl) limits.push(limitRef(rl));
  if (!wc && !f.configured.has('nginx')) missing.push('no nginx config given: worker_connections is read from the message, worker_processes is unknown');
  return [finding({
    rule: 'nginx.worker_connections', family: 'workers', server: 'nginx', severity: ev.count || fd.count ? 'critical' : 'warning',
    title: `nginx: ${capacity ?? wcN ?? '?'} connections${ev.count ? ' exhausted' : ''}`, limits, evidence, arithmetic, missing,
    recommendation: `Raise worker_connections (e.g. to ${Math.max(4096, (wcN ?? 1024) * 4)}) and worker_rlimit_nofile to at least twice that (each proxied request uses two descriptors), within the systemd LimitNOFILE / fs.file-max.`,
    first: ev.first ?? fd.first, last: ev.last ?? fd.last,
    numbers: { worker_connections: wcN, worker_processes: wpN, capacity, events: ev.count, fd_events: fd.count, peak_active: peakActive, worker_rlimit_nofile: rlN },
  })];
}

/** lighttpd's FastCGI hosts: 'fastcgi:.php/0' scopes holding max-procs, PHP_FCGI_CHILDREN, socket, listen-backlog. */
function fastcgiHosts(f: Facts): string[] {
  const scopes = new Set<string>();
  for (const s of f.effective) if (s.server === 'lighttpd' && !s.isDefault && /(^|\/)fastcgi:/.test(s.scope)) scopes.add(s.scope);
  return [...scopes].sort();
}

/** The proc number of a lighttpd socket name ('unix:/run/php.sock-3' -> 3). */
const procOf = (backend: string | null) => (backend && /-(\d+)$/.exec(backend) ? Number(/-(\d+)$/.exec(backend)![1]) : null);

export function lighttpd(f: Facts): Finding[] {
  const overloaded = eventsOf(f, 'backend_overloaded', 'lighttpd');
  const down = sum(eventsOf(f, 'backend_down', 'lighttpd'));
  const backlog = sum(eventsOf(f, 'backlog_full', 'lighttpd'));
  const ov = sum(overloaded);
  const hosts = fastcgiHosts(f);
  if (!hosts.length && !ov.count) return [];
  const out: Finding[] = [];
  for (const scope of hosts.length ? hosts : ['']) {
    const get = (name: string) => (scope ? setting(f, 'lighttpd', name, scope) : null);
    const procsS = get('max-procs');
    const childrenS = get('PHP_FCGI_CHILDREN');
    const backlogS = get('listen-backlog');
    const socketS = get('socket');
    const missing: string[] = [];
    const sockets = new Set(overloaded.map((e) => procOf(e.backend)).filter((p): p is number => p !== null));
    let procs = countOf(procsS);
    if (procs === null && sockets.size) {
      procs = Math.max(...sockets) + 1;
      missing.push(`no lighttpd config given: max-procs is inferred from the socket names in the log (-0 .. -${procs - 1})`);
    }
    const children = countOf(childrenS);
    if (children === null) missing.push(scope ? 'PHP_FCGI_CHILDREN is not in bin-environment: php-cgi then runs one process per socket with no children' : 'PHP_FCGI_CHILDREN is unknown without the lighttpd config (fastcgi.server bin-environment)');
    const perSocket = children === null ? (scope ? 1 : null) : Math.max(1, children);
    const total = procs !== null && perSocket !== null ? procs * perSocket : null;
    const blN = countOf(backlogS);
    const arithmetic: string[] = [];
    if (total !== null) arithmetic.push(`max-procs ${procs} x PHP_FCGI_CHILDREN ${children ?? 0} = ${total} PHP workers, on ${procs} sockets of ${perSocket} each (+ ${procs} php-cgi masters = ${total + procs!} processes)`);
    if (blN !== null) arithmetic.push(`listen-backlog ${blN} per socket: ${procs ?? '?'} x ${blN} = ${procs !== null ? procs * blN : '?'} connections can wait in all`);
    const evidence: string[] = [];
    if (ov.count) evidence.push(span(ov, `"backend is overloaded" / dropped-connection errors${ov.maxValue ? ` (load up to ${ov.maxValue})` : ''}`));
    if (down.count) evidence.push(span(down, '"all handlers ... are down" errors (every proc disabled: lighttpd answers 503)'));
    if (backlog.count) evidence.push(span(backlog, 'writes refused by a full socket backlog'));
    const perProc = [...new Map(overloaded.filter((e) => procOf(e.backend) !== null).map((e) => [procOf(e.backend)!, e.count])).entries()].sort((a, b) => a[0] - b[0]);
    if (perProc.length > 1) {
      const counts = perProc.map(([p, n]) => `-${p}: ${n}`).join(', ');
      const max = Math.max(...perProc.map(([, n]) => n)), min = Math.min(...perProc.map(([, n]) => n));
      evidence.push(`per socket: ${counts} (the busiest ${round(max / Math.max(min, 1), 1)}x the least busy: work is not shared across procs)`);
    }
    // mod_status server-statistics: each proc's load (requests on it now); one proc loaded while
    // another idles is the one-socket-per-proc imbalance seen from lighttpd itself
    const loads = f.samples.filter((x) => x.snapshot === 'lighttpd-statistics' && x.metric === 'load' && /^fastcgi\.[^/]+\/\d+$/.test(x.subject))
      .map((x) => ({ proc: Number(x.subject.slice(x.subject.lastIndexOf('/') + 1)), max: x.max, n: x.n })).sort((a, b) => a.proc - b.proc);
    if (loads.length > 1) evidence.push(`server-statistics: load per proc up to ${loads.map((l) => `${l.proc}: ${l.max}`).join(', ')} (${loads[0].n} snapshot(s))`);
    // top's load average against the CPUs: an idle box that still refuses is limited by how the
    // work is spread over the sockets, not by CPU
    const load = samplesOf(f, /^Load1$/)[0];
    const cpus = samplesOf(f, /^cpus$/)[0]?.max ?? null;
    if (load && (procs ?? 0) > 1 && load.max < (cpus ?? 1)) {
      evidence.push(`load average (1 min) up to ${load.max}${cpus !== null ? ` on ${cpus} CPUs` : ''}: the host was nearly idle, so the limit was the procs' sockets, not the CPU`);
    }
    const edge = edgeDemand(f);
    if (edge && edge.requests) evidence.push(`access log: ${edge.errors5xx} of ${edge.requests} requests answered 5xx in the window`);
    const need = workersNeeded(f);
    if (ov.count || edge?.requests) arithmetic.push(...need.lines);
    const ram = ramFit(f, /php/i, (total ?? 0) + (procs ?? 0), 'php-cgi process');
    arithmetic.push(...ram.lines);
    missing.push(...ram.missing);
    const limits = [procsS ? limitRef(procsS) : inferredRef('lighttpd', 'max-procs', procs, 'the socket names of the error log'),
      childrenS ? limitRef(childrenS) : unknownRef('lighttpd', 'PHP_FCGI_CHILDREN', scope)];
    if (backlogS) limits.push(limitRef(backlogS));
    else if (scope) limits.push({ ...unknownRef('lighttpd', 'listen-backlog', scope), value: '1024', where: 'default', basis: 'default', doc: 'lighttpd mod_fastcgi: listen-backlog defaults to 1024' });
    const target = Math.max(total ?? 0, need.needed ?? 0);
    const split = target > 0 ? `${target} children on 1 socket (max-procs 1, PHP_FCGI_CHILDREN ${target}) or ${Math.ceil(target / 2)} on each of 2` : 'one proc with all the children';
    const rec = (procs ?? 0) > 1
      ? `Use fewer procs with more children each: ${split}, so that every child serves one shared queue instead of ${procs} separate ones where one can be full while others idle` +
        `${need.needed !== null && need.needed > (total ?? 0) ? `; demand needed ${need.needed} workers, more than the ${total} configured, so grow the total within RAM` : ''}` +
        `${blN !== null && blN < 128 ? `; raise listen-backlog (${blN}) to a few hundred, within net.core.somaxconn` : ''}.`
      : `Size PHP_FCGI_CHILDREN to the demand (${need.needed ?? '?'} by Little's law) within RAM, and raise listen-backlog${blN !== null ? ` (${blN})` : ''} within net.core.somaxconn.`;
    out.push(finding({
      rule: 'lighttpd.fastcgi_procs', family: 'workers', server: 'lighttpd', severity: ov.count || down.count || backlog.count ? 'critical' : 'warning',
      title: `lighttpd FastCGI${scope ? ` ${scope}` : ''}: ${procs ?? '?'} procs x ${children ?? '?'} children = ${total ?? '?'} PHP workers${blN !== null ? `, backlog ${blN} per socket` : ''}`,
      limits, evidence, arithmetic, missing, recommendation: rec, first: ov.first ?? backlog.first, last: ov.last ?? backlog.last,
      numbers: { 'max-procs': procs, PHP_FCGI_CHILDREN: children, php_workers: total, php_processes: total !== null ? total + procs! : null,
        'listen-backlog': blN, overloaded_events: ov.count, down_events: down.count, backlog_full_events: backlog.count, ...need.numbers, ...ram.numbers,
        sockets: socketS ? procs : sockets.size || null },
    }));
  }
  return out;
}

/** lighttpd server.max-connections against server.max-fds, and the fd limit errors. */
export function lighttpdConnections(f: Facts): Finding[] {
  const mc = setting(f, 'lighttpd', 'server.max-connections');
  const fds = setting(f, 'lighttpd', 'server.max-fds');
  const ev = sum(eventsOf(f, 'fd_limit', 'lighttpd'));
  const mcN = countOf(mc), fdN = countOf(fds);
  // lighttpd needs a descriptor for the client and one for the backend (or file) of each
  // connection; at start it lowers max-connections to max-fds / 2 ("can't have more connections
  // than fds/2", server.c)
  const tight = mcN !== null && fdN !== null && mcN > fdN / 2;
  if (!ev.count && !tight) return [];
  const arithmetic = mcN !== null && fdN !== null ? [`server.max-connections ${mcN} x 2 descriptors (client + backend) = ${mcN * 2} > server.max-fds ${fdN}`] : [];
  if (tight) arithmetic.push(`lighttpd lowers it at start to server.max-fds / 2 = ${Math.floor(fdN! / 2)} connections ("can't have more connections than fds/2" in its error log)`);
  return [finding({
    rule: 'lighttpd.max_connections', family: 'workers', server: 'lighttpd', severity: ev.count ? 'critical' : 'warning',
    title: `lighttpd: server.max-connections ${mcN ?? '?'} against server.max-fds ${fdN ?? '?'}${tight ? `: ${Math.floor(fdN! / 2)} in force` : ''}`, limits: [mc, fds].filter((s): s is Setting => !!s).map(limitRef),
    evidence: ev.count ? [span(ev, '"too many open files" / fd limit errors')] : [], arithmetic,
    recommendation: `Keep server.max-connections at most server.max-fds / 2${fdN !== null ? ` (${Math.floor(fdN / 2)})` : ''}, or raise server.max-fds (and the service's LimitNOFILE) to twice the connections.`,
    first: ev.first, last: ev.last, numbers: { 'server.max-connections': mcN, 'server.max-fds': fdN, effective_max_connections: tight ? Math.floor(fdN! / 2) : mcN, fd_events: ev.count },
  })];
}

/** Varnish backends without .max_connections send the whole burst on to the backend's listen queue. */
export function varnish(f: Facts): Finding[] {
  const fails = sum(eventsOf(f, 'connect_failed', 'varnish'));
  const timeouts = sum(eventsOf(f, 'upstream_timeout', 'varnish'));
  if (!fails.count && !timeouts.count) return [];
  const backends = new Set<string>();
  for (const s of f.effective) if (s.server === 'varnish' && s.scope.startsWith('backend:') && !s.isDefault) backends.add(s.scope);
  const out: Finding[] = [];
  const apacheCap = countOf(setting(f, 'apache', 'MaxRequestWorkers'));
  for (const scope of backends.size ? [...backends] : ['']) {
    const maxConn = scope ? setting(f, 'varnish', '.max_connections', scope) : null;
    const maxN = maxConn && !maxConn.isDefault ? count(maxConn.value) : null;
    const evidence = [span(fails, 'backend connection failures'), span(timeouts, 'backend fetch timeouts')].filter((s) => !s.startsWith('no '));
    const missing = f.configured.has('varnish') ? [] : ['no VCL given: whether the backend has .max_connections is unknown'];
    const arithmetic: string[] = [];
    if (maxN === null && f.configured.has('varnish')) arithmetic.push(`${scope}: no .max_connections, so Varnish opens as many backend connections as it has requests for`);
    if (apacheCap !== null) arithmetic.push(`the backend (Apache) serves ${apacheCap} at once: the rest wait in its listen queue or time out`);
    out.push(finding({
      rule: 'varnish.max_connections', family: 'workers', server: 'varnish', severity: 'warning',
      title: `Varnish ${scope || 'backend'}: ${maxN === null ? 'no .max_connections' : `.max_connections ${maxN}`} in front of a saturated backend`,
      limits: [maxConn && !maxConn.isDefault ? limitRef(maxConn) : { ...unknownRef('varnish', '.max_connections', scope), value: 'unlimited', where: 'default', basis: 'default', doc: 'VCL backend definition: .max_connections is unlimited unless set' }],
      evidence, arithmetic, missing, first: fails.first ?? timeouts.first, last: fails.last ?? timeouts.last,
      recommendation: `Set .max_connections ${apacheCap !== null ? `to about ${apacheCap} (the backend's MaxRequestWorkers)` : 'to the backend\'s worker count'} so the excess fails fast in Varnish (or is served stale) instead of filling the backend's listen queue.`,
      numbers: { '.max_connections': maxN, connect_failed: fails.count, fetch_timeouts: timeouts.count, backend_capacity: apacheCap },
    }));
  }
  return out;
}

export function workerRules(f: Facts): Finding[] {
  return [...phpFpm(f), ...apache(f), ...apacheKeepAlive(f), ...nginx(f), ...lighttpd(f), ...lighttpdConnections(f), ...varnish(f)];
}
