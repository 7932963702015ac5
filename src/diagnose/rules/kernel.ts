// Kernel and TCP settings that are wrong whatever the load: read from sysctl.conf / sysctl -a
// (server 'kernel'), with the socket states of a netstat / ss snapshot where one is given.
import { count, numbers } from '../../config/values.js';
import type { Facts, Finding, Setting } from '../types.js';
import { eventsOf, finding, limitRef, samplesOf, setting, span, sum, unknownRef, where } from './common.js';

/** Every line stating a key, active or not (a duplicate or rejected line is still what was written). */
const stated = (f: Facts, name: string) => f.settings.filter((s) => s.server === 'kernel' && s.name === name);

export function twRecycle(f: Facts): Finding[] {
  const s = stated(f, 'net.ipv4.tcp_tw_recycle').filter((x) => count(x.value) === 1);
  if (!s.length) return [];
  const reuse = setting(f, 'kernel', 'net.ipv4.tcp_tw_reuse');
  return [finding({
    rule: 'kernel.tcp_tw_recycle', family: 'kernel', server: 'kernel', severity: 'warning',
    title: 'net.ipv4.tcp_tw_recycle = 1: breaks clients behind NAT (removed in Linux 4.12)',
    limits: s.map(limitRef), evidence: [`${where(s[0])}: net.ipv4.tcp_tw_recycle = ${s[0].value}`],
    arithmetic: ['with tcp_tw_recycle the kernel drops SYNs whose TCP timestamps go backwards for a peer address: clients sharing one NAT address have unrelated clocks, so their connections fail at random; Linux 4.12 removed the setting (a kernel since then rejects the line)'],
    recommendation: `Remove the line (or set 0). To reuse TIME_WAIT ports for outgoing connections set net.ipv4.tcp_tw_reuse = 1${reuse && !reuse.isDefault ? ` (now ${reuse.value} at ${where(reuse)})` : ''}.`,
    numbers: { tcp_tw_recycle: 1, tcp_tw_reuse: reuse ? count(reuse.value) : null },
  })];
}

export function tcpMem(f: Facts): Finding[] {
  const mem = setting(f, 'kernel', 'net.ipv4.tcp_mem');
  if (!mem || mem.isDefault) return [];
  const m = numbers(mem.value);
  if (!m || m.length !== 3) return [];
  const copies = ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'].map((n) => setting(f, 'kernel', n))
    .filter((s): s is Setting => !!s && !s.isDefault && JSON.stringify(numbers(s.value)) === JSON.stringify(m));
  if (!copies.length) return [];
  return [finding({
    rule: 'kernel.tcp_mem_pages', family: 'kernel', server: 'kernel', severity: 'warning',
    title: 'net.ipv4.tcp_mem repeats tcp_rmem/tcp_wmem: tcp_mem is counted in pages, not bytes',
    limits: [limitRef(mem), ...copies.map(limitRef)],
    evidence: [`${where(mem)}: tcp_mem = ${mem.value}, the same numbers as ${copies.map((c) => `${c.name} (${where(c)})`).join(' and ')}`],
    arithmetic: [`tcp_mem is the whole host's TCP memory in 4 KiB pages: ${m[2]} pages = ${Math.round(m[2] * 4096 / 1048576)} MiB for all sockets together (pressure starts at ${m[1]} pages = ${Math.round(m[1] * 4096 / 1048576)} MiB), while tcp_rmem/tcp_wmem are bytes per socket`],
    recommendation: 'Remove net.ipv4.tcp_mem and let the kernel size it from RAM at boot.',
    numbers: { tcp_mem_min: m[0], tcp_mem_pressure: m[1], tcp_mem_max: m[2], tcp_mem_max_mib: Math.round(m[2] * 4096 / 1048576) },
  })];
}

/** A key set twice: the later one wins, the earlier is dead text that misleads the reader. */
export function duplicates(f: Facts): Finding[] {
  const out: Finding[] = [];
  const byKey = new Map<string, Setting[]>();
  for (const s of f.settings) {
    if (s.server !== 'kernel') continue;
    const k = `${s.host ?? ''}\u0000${s.name}`;
    byKey.set(k, [...(byKey.get(k) ?? []), s]);
  }
  for (const rows of byKey.values()) {
    if (rows.length < 2) continue;
    const last = rows[rows.length - 1];
    out.push(finding({
      rule: 'kernel.duplicate_key', family: 'kernel', server: 'kernel', severity: 'info',
      title: `${last.name} is set ${rows.length} times: the last one (${last.value}) wins`,
      limits: rows.map(limitRef), evidence: rows.map((r) => `${where(r)}: ${r.name} = ${r.value}${r.active ? '' : ` (${r.note ?? 'not in force'})`}`),
      arithmetic: [`sysctl applies the lines in order: ${rows.map((r) => r.value).join(' then ')} -> ${last.value}`],
      recommendation: `Keep one line for ${last.name} with the value meant (${last.value} is in force now).`,
      numbers: { times: rows.length, in_force: count(last.value) },
    }));
  }
  return out;
}

export function portRange(f: Facts): Finding[] {
  const rows = stated(f, 'net.ipv4.ip_local_port_range');
  // the host's total (subject ''), not a per-port part of it
  const tw = samplesOf(f, /^TIME[-_]WAIT$/i).find((x) => x.subject === '');
  const out: Finding[] = [];
  for (const s of rows.slice(-1)) {
    const r = numbers(s.value);
    const invalid = !r || r.length !== 2 || r[0] < 1 || r[1] > 65535 || r[0] > r[1];
    // the kernel refuses an invalid write and keeps its default range
    const range = invalid ? [32768, 60999] : r!;
    const size = range[1] - range[0] + 1;
    const share = tw ? tw.max / size : null;
    if (!invalid && (share === null || share < 0.1)) continue;
    const arithmetic = invalid
      ? [`${s.value}: ${r && r[1] > 65535 ? `${r[1]} is not a port (ports end at 65535)` : 'not a valid low-high pair'}: the kernel rejects the write and the default 32768-60999 (${size} ports) stays in force`]
      : [`${range[0]}-${range[1]} = ${size} ports per destination address and port`];
    if (tw && share !== null) arithmetic.push(`${tw.max} sockets in TIME_WAIT (${tw.snapshot}) = ${Math.round(share * 100)} % of ${size} ports`);
    out.push(finding({
      rule: 'kernel.ip_local_port_range', family: 'kernel', server: 'kernel', severity: invalid ? 'warning' : share !== null && share > 0.5 ? 'critical' : 'warning',
      title: invalid ? `net.ipv4.ip_local_port_range = ${s.value} is invalid: the default range stays` : `TIME_WAIT holds ${Math.round((share ?? 0) * 100)} % of the local port range`,
      limits: [limitRef(s)], evidence: [`${where(s)}: ip_local_port_range = ${s.value}`, ...(tw ? [`${tw.max} TIME_WAIT sockets in the ${tw.snapshot} snapshot`] : [])],
      arithmetic, missing: tw ? [] : ['no netstat / ss snapshot given: TIME_WAIT is not compared with the range'],
      recommendation: `Set a valid range such as 1024 65535 (ports up to 65535), and net.ipv4.tcp_tw_reuse = 1 so outgoing connections can reuse TIME_WAIT ports; keep-alive connections to the backend avoid the churn altogether.`,
      numbers: { range_low: range[0], range_high: range[1], ports: size, time_wait: tw?.max ?? null, invalid: invalid ? 1 : 0 },
    }));
  }
  return out;
}

export function finTimeout(f: Facts): Finding[] {
  const s = setting(f, 'kernel', 'net.ipv4.tcp_fin_timeout');
  const n = s && !s.isDefault ? count(s.value) : null;
  if (n === null || n >= 10) return [];
  return [finding({
    rule: 'kernel.tcp_fin_timeout', family: 'kernel', server: 'kernel', severity: 'info',
    title: `net.ipv4.tcp_fin_timeout = ${n}: far below the default 60`,
    limits: [limitRef(s!)], evidence: [`${where(s!)}: tcp_fin_timeout = ${s!.value}`],
    arithmetic: [`FIN_WAIT2 sockets are dropped after ${n} s instead of 60 s; it does not shorten TIME_WAIT (fixed at 60 s in Linux), which is what usually runs out of ports`],
    recommendation: 'Leave it near the default (15-60 s); against port exhaustion use keep-alive and tcp_tw_reuse = 1.',
    numbers: { tcp_fin_timeout: n },
  })];
}

/** The OOM killer: a process (a worker, the backend) killed for memory, from the kernel log. */
export function oomKills(f: Facts): Finding[] {
  const kills = sum(eventsOf(f, 'oom_kill'));
  if (!kills.count) return [];
  const invoked = sum(eventsOf(f, 'oom_invoked'));
  const rssMb = kills.maxValue !== null ? Math.round(kills.maxValue / 1048576) : null;
  const evidence = [span(kills, '"Killed process" lines of the OOM killer')];
  if (invoked.count) evidence.push(span(invoked, 'OOM killer invocations and reports'));
  const after = sum(eventsOf(f, ['connect_failed', 'upstream_reset', 'upstream_closed', 'no_live_upstreams']));
  if (after.count) evidence.push(span(after, 'connection failures to the backend in the same window (the killed process was not there to answer)'));
  return [finding({
    rule: 'kernel.oom_kill', family: 'kernel', server: 'kernel', severity: 'critical',
    title: `The OOM killer killed ${kills.count} process${kills.count === 1 ? '' : 'es'}${rssMb !== null ? ` (up to ${rssMb} MB resident)` : ''}`,
    limits: [{ ...unknownRef('kernel', 'memory limit'), doc: 'the RAM of the host or the memory cgroup (systemd MemoryMax, a container limit) the process ran in' }],
    evidence, arithmetic: rssMb !== null ? [`the largest victim held ${rssMb} MB resident when it was killed: its memory limit is about that much plus what else ran beside it`] : [],
    missing: ['the memory limit in force (the cgroup\'s memory.max or the host\'s RAM) is not in the inputs: give --ram, or say which cgroup the service runs in'],
    recommendation: 'Find what grows (a leak grows with the requests served; a burst with the workers busy at once): cap the workers so that workers x RSS fits the limit, recycle workers (pm.max_requests, MaxConnectionsPerChild), or raise the limit; restart the service automatically so a kill costs seconds, not minutes.',
    first: kills.first, last: kills.last, numbers: { oom_kills: kills.count, oom_invoked: invoked.count, max_victim_rss_mb: rssMb, backend_failures: after.count },
  })];
}

export function kernelRules(f: Facts): Finding[] {
  return [...twRecycle(f), ...tcpMem(f), ...duplicates(f), ...portRange(f), ...finTimeout(f), ...oomKills(f)];
}
