// Backlogs: the queue in front of a pool once every worker is busy. A listen socket's backlog is
// what the server asks for, silently capped by net.core.somaxconn; a full backlog refuses
// connections (EAGAIN on a unix socket, a dropped SYN on TCP) and that is what the proxy in front
// logs.
import type { Facts, Finding, LimitRef, Setting } from '../types.js';
import { countOf, eventsOf, finding, limitRef, sampleFigure, samplesOf, setting, span, sum, unknownRef } from './common.js';

/** net.core.somaxconn in force: sysctl's, else the documented default of the kernel. */
export function somaxconn(f: Facts): { value: number; ref: LimitRef; text: string } {
  const s = setting(f, 'kernel', 'net.core.somaxconn');
  const n = countOf(s);
  if (s && n !== null) return { value: n, ref: limitRef(s), text: `net.core.somaxconn ${n} (${s.isDefault ? 'default' : `${s.file}:${s.line}`})` };
  // include/linux/socket.h: SOMAXCONN is 4096 since Linux 5.4 (128 before)
  return {
    value: 4096, text: 'net.core.somaxconn 4096 (the default since Linux 5.4; 128 before; no sysctl given)',
    ref: { server: 'kernel', setting: 'net.core.somaxconn', value: '4096', scope: '', where: 'default', basis: 'default', doc: 'include/linux/socket.h SOMAXCONN (Linux >= 5.4; 128 before)' },
  };
}

/** The backlog a listen socket really gets, written out. */
function capped(name: string, asked: number, smc: { value: number; text: string }): { value: number; line: string } {
  // a negative backlog (PHP-FPM's -1) asks for the most the kernel gives
  const value = asked < 0 ? smc.value : Math.min(asked, smc.value);
  return { value, line: `effective backlog = min(${name} ${asked}, ${smc.text}) = ${value}${asked > smc.value ? ' (capped: the kernel silently gives less than asked)' : ''}` };
}

function pools(f: Facts): string[] {
  const out = new Set<string>();
  for (const s of f.effective) if (s.server === 'php-fpm' && s.scope.startsWith('pool:') && !s.isDefault) out.add(s.scope.slice(5));
  return [...out].sort();
}

/** The socket a pool listens on, as nginx names it in its messages ('unix:/run/php.sock', '127.0.0.1:9000'). */
function listenName(listen: Setting | null): string | null {
  if (!listen?.value) return null;
  const v = listen.value.trim();
  return v.startsWith('/') ? `unix:${v}` : /^\d+$/.test(v) ? `127.0.0.1:${v}` : v;
}

/**
 * A listener's accept queue from ss -lnt / ss -xl snapshots: Recv-Q (waiting now) against Send-Q
 * (the backlog it got, already capped by somaxconn). Linux lets the queue reach backlog + 1 before
 * it refuses, so Recv-Q >= Send-Q is a full queue.
 */
export function listenerQueue(f: Facts, listener: string | null): { peak: number; backlog: number; full: boolean; text: string } | null {
  if (listener === null) return null;
  const recv = f.samples.find((s) => s.snapshot === 'ss-listen' && s.subject === listener && s.metric === 'recv_q');
  const send = f.samples.find((s) => s.snapshot === 'ss-listen' && s.subject === listener && s.metric === 'send_q');
  if (!recv) return null;
  const backlog = send ? send.max : NaN;
  const full = send !== undefined && recv.max >= backlog;
  return {
    peak: recv.max, backlog, full,
    text: `ss: the accept queue of ${listener} held up to ${recv.max}${send ? ` with a backlog (Send-Q) of ${backlog}${full ? ': full' : ''}` : ''} (${recv.n} snapshot(s))`,
  };
}

/** Listeners whose accept queue a snapshot saw full, other than PHP-FPM's own (its rule says it). */
export function acceptQueues(f: Facts): Finding[] {
  const fpmSockets = new Set(f.effective.filter((s) => s.server === 'php-fpm' && s.name === 'listen').map((s) => listenName(s)));
  const listeners = [...new Set(f.samples.filter((s) => s.snapshot === 'ss-listen').map((s) => s.subject))].filter((l) => !fpmSockets.has(l));
  const smc = somaxconn(f);
  const out: Finding[] = [];
  for (const l of listeners.sort()) {
    const q = listenerQueue(f, l);
    if (!q?.full) continue;
    const capped = q.backlog === smc.value && f.configured.has('kernel');
    out.push(finding({
      rule: 'kernel.accept_queue', family: 'backlog', server: 'kernel', severity: 'critical',
      title: `The accept queue of ${l} was full (${q.peak} waiting, backlog ${q.backlog})`,
      limits: [{ ...unknownRef('kernel', 'listen backlog (Send-Q)', l), value: String(q.backlog), where: 'ss snapshot', basis: 'inferred', doc: 'Send-Q of the listener in ss -lnt / ss -xl: the backlog the kernel gave it, min(asked, net.core.somaxconn)' }, smc.ref],
      evidence: [q.text],
      arithmetic: [`Recv-Q ${q.peak} >= Send-Q ${q.backlog}: the kernel refuses (or drops the SYNs of) the next connections until the server accepts${capped ? `; ${q.backlog} is net.core.somaxconn: the kernel's cap, not the server's` : ''}`],
      missing: f.configured.has('kernel') ? [] : ['no sysctl given: whether net.core.somaxconn capped this backlog is not known (Send-Q is min(asked, somaxconn))'],
      recommendation: `Raise the listener's backlog and net.core.somaxconn (now ${smc.text}) above the burst, and give the server more workers to accept faster.`,
      numbers: { accept_queue_peak: q.peak, backlog: q.backlog, somaxconn: smc.value },
    }));
  }
  return out;
}

export function phpFpmBacklog(f: Facts): Finding[] {
  const smc = somaxconn(f);
  const refused = eventsOf(f, 'backlog_full', ['nginx', 'apache', 'lighttpd']);
  const poolNames = pools(f);
  const fromEvents = poolNames.length === 0 && refused.some((e) => e.component === 'nginx') && eventsOf(f, 'worker_limit_reached', 'php-fpm').length > 0;
  const out: Finding[] = [];
  for (const pool of fromEvents ? ['www'] : poolNames) {
    const scope = `pool:${pool}`;
    const bl = setting(f, 'php-fpm', 'listen.backlog', scope);
    const listen = poolNames.length ? setting(f, 'php-fpm', 'listen', scope) : null;
    const sock = listenName(listen);
    const mine = refused.filter((e) => e.component !== 'lighttpd' && (sock === null || e.backend === sock));
    const ev = sum(mine);
    const queue = samplesOf(f, /^max listen queue$|^listen queue$/i, /fpm/).filter((s) => s.subject === pool || s.subject === '');
    const acceptQ = listenerQueue(f, sock);
    const asked = countOf(bl);
    const eff = asked !== null ? capped('listen.backlog', asked, smc) : null;
    const silentCap = asked !== null && asked > smc.value;
    if (!ev.count && !silentCap && !queue.some((q) => q.max > 0) && !acceptQ?.full) continue;
    const evidence: string[] = [];
    if (ev.count) evidence.push(span(ev, `connect() refusals by a full backlog (EAGAIN / "Resource temporarily unavailable") on ${sock ?? ev.backends.join(', ')}`));
    for (const q of queue.filter((x) => x.max > 0)) evidence.push(`status page: ${q.metric} up to ${q.max}`);
    if (acceptQ) evidence.push(acceptQ.text);
    const arithmetic = eff ? [eff.line] : [];
    if (eff && ev.count) arithmetic.push(`once pm.max_children workers are busy, at most ${eff.value} more connections wait; the next are refused: ${ev.count} were`);
    const missing = bl && !bl.isDefault ? [] : [`no listen.backlog for pool ${pool} in the config given${bl ? `: the default (${bl.value}) is assumed` : ''}`];
    if (!f.configured.has('kernel')) missing.push('no sysctl given: net.core.somaxconn is taken as the kernel default');
    out.push(finding({
      rule: 'php-fpm.listen_backlog', family: 'backlog', server: 'php-fpm', severity: ev.count ? 'critical' : 'warning',
      title: `PHP-FPM pool ${pool}: listen.backlog ${asked ?? '?'}${ev.count ? ` overflowed ${ev.count} times` : ' capped by somaxconn'}`,
      limits: [bl ? limitRef(bl) : unknownRef('php-fpm', 'listen.backlog', scope), smc.ref], evidence, arithmetic, missing,
      recommendation: `Raise listen.backlog to absorb a burst (511 to 65535; the article's advice is high, e.g. 65535) and net.core.somaxconn at least as high${silentCap ? ` (now ${smc.value}, below the ${asked} asked)` : ''}; a longer queue trades refusals for waiting, so size pm.max_children too.`,
      first: ev.first, last: ev.last,
      numbers: { 'listen.backlog': asked, somaxconn: smc.value, effective_backlog: eff?.value ?? null, backlog_full: ev.count,
        max_listen_queue: queue.length ? Math.max(...queue.map((q) => q.max)) : null, accept_queue_peak: acceptQ?.peak ?? null, listen_send_q: acceptQ?.backlog ?? null },
    }));
  }
  return out;
}

export function lighttpdBacklog(f: Facts): Finding[] {
  const ev = sum(eventsOf(f, 'backlog_full', 'lighttpd'));
  if (!ev.count) return [];
  const smc = somaxconn(f);
  const bl = setting(f, 'lighttpd', 'listen-backlog', 'fastcgi:') ?? null;
  const asked = countOf(bl);
  const eff = asked !== null ? capped('listen-backlog', asked, smc) : null;
  const procs = countOf(setting(f, 'lighttpd', 'max-procs', 'fastcgi:'));
  return [finding({
    rule: 'lighttpd.listen_backlog', family: 'backlog', server: 'lighttpd', severity: 'critical',
    title: `lighttpd FastCGI: listen-backlog ${asked ?? '?'} per socket overflowed ${ev.count} times`,
    limits: [bl ? limitRef(bl) : { ...unknownRef('lighttpd', 'listen-backlog', 'fastcgi:'), value: '1024', where: 'default', basis: 'default', doc: 'lighttpd mod_fastcgi: listen-backlog defaults to 1024' }, smc.ref],
    evidence: [span(ev, 'writes to a backend socket refused after its backlog filled ("Transport endpoint is not connected")')],
    arithmetic: [eff?.line, eff && procs !== null ? `${procs} sockets x ${eff.value} = ${procs * eff.value} connections can wait for a PHP child in all` : undefined].filter((s): s is string => !!s),
    missing: bl ? [] : ['no lighttpd config given: the backlog per socket is the default'],
    recommendation: `Raise listen-backlog (within net.core.somaxconn ${smc.value}) so a burst waits instead of failing, and size the children to the demand (see the FastCGI procs finding).`,
    first: ev.first, last: ev.last, numbers: { 'listen-backlog': asked, somaxconn: smc.value, effective_backlog: eff?.value ?? null, backlog_full: ev.count, 'max-procs': procs },
  })];
}

/** Apache's ListenBacklog, seen from the proxy in front: its connects time out when SYNs are dropped. */
export function apacheBacklog(f: Facts): Finding[] {
  const fails = sum(eventsOf(f, 'connect_failed', ['varnish', 'nginx']));
  const full = sum(eventsOf(f, 'worker_limit_reached', 'apache'));
  if (!fails.count || !full.count) return [];
  const smc = somaxconn(f);
  const bl = setting(f, 'apache', 'ListenBacklog');
  const asked = countOf(bl) ?? 511;
  const eff = capped('ListenBacklog', asked, smc);
  return [finding({
    rule: 'apache.listen_backlog', family: 'backlog', server: 'apache', severity: 'critical',
    title: `Apache: ListenBacklog ${asked} full while MaxRequestWorkers was reached`,
    limits: [bl ? limitRef(bl) : { ...unknownRef('apache', 'ListenBacklog'), value: '511', where: 'default', basis: 'default', doc: 'https://httpd.apache.org/docs/2.4/mod/mpm_common.html#listenbacklog' }, smc.ref],
    evidence: [span(fails, 'connection failures logged by the proxy in front (connect timed out: SYNs dropped by a full queue)'),
      span(full, '"server reached MaxRequestWorkers" errors')],
    arithmetic: [eff.line, `with every worker busy, ${eff.value} connections wait in the kernel; the proxy's next connects get no answer and time out`],
    missing: bl ? [] : ['no Apache config given: ListenBacklog is the default 511'],
    recommendation: `The queue is not the fix: raise MaxRequestWorkers (see that finding) or limit the proxy's backend connections; a longer ListenBacklog (within somaxconn ${smc.value}) only turns connect timeouts into first-byte timeouts.`,
    first: fails.first, last: fails.last, numbers: { ListenBacklog: asked, somaxconn: smc.value, effective_backlog: eff.value, connect_failed: fails.count },
  })];
}

/** The kernel's own counters and states: listen queue overflows, SYN_RECV / SYN_SENT against the SYN backlog. */
export function kernelQueues(f: Facts): Finding[] {
  const out: Finding[] = [];
  const smc = somaxconn(f);
  const overflows = samplesOf(f, /^TcpExt(ListenOverflows|ListenDrops)$/);
  const inc = overflows.map((s) => ({ metric: s.metric, n: sampleFigure(s), s }));
  if (inc.some((i) => i.n > 0)) {
    out.push(finding({
      rule: 'kernel.listen_overflows', family: 'backlog', server: 'kernel', severity: 'critical',
      title: 'Kernel: listen queues overflowed', limits: [smc.ref],
      evidence: inc.map((i) => `${i.metric} rose by ${i.n} between ${new Date(i.s.firstTs).toISOString()} and ${new Date(i.s.lastTs).toISOString()}`),
      arithmetic: [`every listen queue is at most ${smc.text}; an application's own backlog may be smaller`],
      missing: f.configured.has('kernel') ? [] : ['no sysctl given: net.core.somaxconn is the kernel default here; a smaller one (a container\'s or a network namespace\'s own) makes every listen queue that small'],
      recommendation: 'Find the listener whose queue fills (ss -lnt: Recv-Q against Send-Q) and raise its backlog with net.core.somaxconn; more workers behind it drain it faster.',
      numbers: Object.fromEntries(inc.map((i) => [i.metric, i.n])),
    }));
  }
  const syn = setting(f, 'kernel', 'net.ipv4.tcp_max_syn_backlog');
  const synN = countOf(syn);
  for (const state of ['SYN-RECV', 'SYN-SENT']) {
    const re = new RegExp(`^${state.replace('-', '[-_]')}$`, 'i');
    // the host's total (subject ''); per-port series ('local:80', 'peer:9000') are parts of it
    const s = samplesOf(f, re).find((x) => x.subject === '');
    if (!s || s.max <= 0) continue;
    const limit = state === 'SYN-RECV' ? synN : null;
    const high = state === 'SYN-SENT' || (limit !== null && s.max >= limit * 0.5) || s.max >= smc.value * 0.5;
    if (!high) continue;
    out.push(finding({
      rule: `kernel.${state.toLowerCase()}`, family: 'backlog', server: 'kernel', severity: state === 'SYN-SENT' ? 'critical' : 'warning',
      title: `Kernel: ${s.max} connections in ${state}`,
      limits: [syn ? limitRef(syn) : unknownRef('kernel', 'net.ipv4.tcp_max_syn_backlog'), smc.ref],
      evidence: [`${state} up to ${s.max} in ${s.n} ${s.snapshot} snapshot(s)`],
      arithmetic: state === 'SYN-RECV'
        ? [`${s.max} half-open connections against tcp_max_syn_backlog ${synN ?? '(default)'} and ${smc.text}`]
        : [`${s.max} outgoing connections waiting for the backend's SYN-ACK: the backend's queues (somaxconn, tcp_max_syn_backlog) are full or it drops SYNs`],
      recommendation: state === 'SYN-RECV'
        ? 'Raise net.ipv4.tcp_max_syn_backlog and net.core.somaxconn above the burst of new connections (keep tcp_syncookies = 1).'
        : 'On the backend host raise net.core.somaxconn, tcp_max_syn_backlog and the server\'s own backlog (ListenBacklog) above the burst, and let the proxy reuse connections (keep-alive to the backend).',
      numbers: { [state]: s.max, tcp_max_syn_backlog: synN, somaxconn: smc.value },
    }));
  }
  return out;
}

export function backlogRules(f: Facts): Finding[] {
  return [...phpFpmBacklog(f), ...lighttpdBacklog(f), ...apacheBacklog(f), ...acceptQueues(f), ...kernelQueues(f)];
}
