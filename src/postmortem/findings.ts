// Findings: short statements a person can paste into an incident document, each with the numbers
// that support it and the report command that shows them. Rules fire only on evidence in the
// data; wording names the log line people will search for.
import type { Row } from '../report/runner.js';
import { cite, type PostmortemData } from './collect.js';
import { bytes, clock, code, ms, num, pct, text } from './text.js';

export interface Finding {
  text: string;
  evidence: string[];
}

function times(rows: Row[], key: string, max = 4): string {
  const list = rows.map((r) => clock(r[key]));
  return list.length <= max ? list.join(', ') : `${list.slice(0, max).join(', ')} …`;
}

function capacity(d: PostmortemData, out: Finding[]): void {
  const sat = d.fpm.rows.filter((r) => r.section === 'saturation');
  if (!sat.length) return;
  const c = d.capacity;
  // PHP-FPM names its pool and limit; Apache's AH00484 (MaxRequestWorkers) names neither.
  const limitName = sat[0].pool != null ? `pm.max_children (${num(sat[0].max_children)}) of pool ${code(sat[0].pool)}`
    : 'The web server\'s worker limit (MaxRequestWorkers)';
  let t = `${limitName} was reached ${sat.length} time${sat.length > 1 ? 's' : ''} (${times(sat, 'time')})`;
  const ev = [cite('fpm-saturation', d.scope)];
  if (c) {
    t += `; peak in-flight requests ${c.upstream ? `to ${code(c.upstream)} ` : ''}was ${num(c.peak)}`;
    if (c.overSeconds > 0) t += `, more than ${num(c.limit)} for ${num(c.overSeconds, 1)} s in all`;
    ev.push(cite('concurrency', { ...d.scope, by: c.upstream ? 'upstream' : null, limit: c.limit }));
  }
  out.push({ text: t, evidence: ev });
  const scripts = d.fpm.rows.filter((r) => r.section === 'scripts');
  if (scripts.length) {
    const slow = scripts.reduce((a, r) => a + Number(r.slow), 0);
    const killed = scripts.reduce((a, r) => a + Number(r.killed), 0);
    const top = scripts.slice(0, 3).map((r) => `${code(r.script)} (${num(r.slow)} slow, ${num(r.killed)} killed)`).join(', ');
    out.push({
      text: `${num(slow)} PHP requests ran past request_slowlog_timeout ("executing too slow") and ${num(killed)} were killed ("execution timed out"): ${top}`,
      evidence: [cite('fpm-saturation', d.scope)],
    });
  }
}

/** What the errno of the failed connects says about the backend. */
function connectCause(backlogFull: number, failed: number): string {
  if (backlogFull === failed) return ' (EAGAIN: its listen backlog was full)';
  if (backlogFull === 0) return ' (refused or timed out: a full accept queue on TCP shows as connect timeouts)';
  return ` (${num(backlogFull)} with EAGAIN: its listen backlog was full)`;
}

function backends(d: PostmortemData, out: Finding[]): void {
  for (const e of d.backend) {
    const span = `${clock(e.start)}–${clock(e.end)} (${num(e.duration_s)} s)`;
    const impact = `${num(e.s5xx)} of the ${num(e.requests)} requests that arrived meanwhile (${pct(e.error_rate)}) got a 5xx`;
    if (Number(e.overloaded) > 0 || Number(e.down) > 0) {
      out.push({
        text: `The web server took its backends out of service ${span}: "backend is overloaded" ${num(e.overloaded)} times` +
          `${e.max_load != null ? ` (load ${num(e.max_load)})` : ''}, "all handlers … are down" ${num(e.down)} times, re-enabled ${num(e.reenabled)} times; ${impact}`,
        evidence: [cite('backend-overload', d.scope)],
      });
    } else if (Number(e.connect_failed) > 0) {
      out.push({
        text: `Connecting to ${code(e.backends ?? 'the backend')} failed ${num(e.connect_failed)} times ${span}` +
          `${connectCause(Number(e.backlog_full ?? 0), Number(e.connect_failed))}; ${impact}`,
        evidence: [cite('backend-overload', d.scope), cite('events', { ...d.scope, kind: 'backlog_full' })],
      });
    }
  }
}

const KERNEL_COUNTER_SOURCE = 'nstat / netstat -s snapshots';

/**
 * The kernel's word: listen queues that overflowed (counters, the SYN-flood line), TCP memory,
 * the OOM killer, a full conntrack table. None of it is in a web server's log.
 */
function kernel(d: PostmortemData, out: Finding[]): void {
  const inc = new Map(d.counters.map((r) => [String(r.counter), r]));
  const overflow = inc.get('TcpExtListenOverflows') ?? inc.get('TcpExtListenDrops');
  const ev = (kind: string) => d.kernelEvents.filter((e) => e.kind === kind);
  const total = (rows: Row[]) => rows.reduce((a, r) => a + Number(r.events), 0);
  const floods = ev('syn_flood');
  if (overflow || floods.length) {
    const parts: string[] = [];
    if (overflow) {
      parts.push(`the kernel dropped ${num(overflow.increase)} connection attempts because a listen queue was full` +
        ` (${code(overflow.counter)} rose ${clock(overflow.first)}–${clock(overflow.last)}, from ${KERNEL_COUNTER_SOURCE})`);
    }
    const cookies = inc.get('TcpExtSyncookiesSent') ?? inc.get('TcpExtTCPReqQFullDoCookies');
    if (cookies) parts.push(`it answered ${num(cookies.increase)} SYNs with cookies (the SYN queue was full too)`);
    const timeouts = d.upstreams.filter((u) => Number(u.timeouts) > 0);
    if (floods.length) {
      const listeners = [...new Set(floods.map((e) => String(e.backend)))];
      // the kernel names a listener's port (and address since 5.x): the backend's own, or not
      const port = (addr: unknown) => /(\d+)$/.exec(String(addr))?.[1];
      const backendOwn = listeners.filter((l) => timeouts.some((u) => port(u.upstream) === port(l)));
      parts.push(`it logged "Possible SYN flooding on port …" for ${listeners.map((b) => code(b)).join(', ')} at ${times(floods, 'first')}` +
        (backendOwn.length ? ` (the port of the upstream that timed out)` : ''));
    }
    if (timeouts.length) {
      parts.push(`meanwhile upstream attempts timed out ${timeouts.map((u) => `${num(u.timeouts)} times on ${code(u.upstream)}`).join(', ')}:` +
        ' a SYN dropped for a full accept queue is sent again only after 1 s, past a short connect timeout' +
        ' (raise the backend\'s listen backlog and net.core.somaxconn, which caps it)');
    }
    out.push({
      text: parts.join('; ').replace(/^./, (c) => c.toUpperCase()),
      evidence: [cite('kernel-counters', d.scope), cite('events', { ...d.scope, component: 'kernel' }), ...(timeouts.length ? [cite('upstreams', d.scope)] : [])],
    });
  }
  const kills = ev('oom_kill');
  if (kills.length) {
    const n = total(kills);
    const who = [...new Set(kills.map((k) => String(k.backend)))].slice(0, 4).map((b) => code(b)).join(', ');
    // connect failures to a backend that began as a kill ended it: the kill is why it refused
    const after = d.backend.filter((e) => Number(e.connect_failed) > 0 && kills.some((k) => {
      const t = Date.parse(String(k.first));
      return Number(e.start_ts) >= t - 1000 && Number(e.start_ts) <= t + 5000;
    }));
    out.push({
      text: `The OOM killer killed ${who} ${n === 1 ? 'once' : `${num(n)} times`} (${times(kills, 'first')}): a process grew until memory ran out` +
        ` (the machine's, or its memory cgroup's limit: the kernel's line says which)` +
        (after.length ? `; connects to ${[...new Set(after.map((e) => code(e.backends ?? e.backend ?? 'the backend')))].join(', ')} failed from ` +
          `${after.length === 1 ? 'that kill' : `each of ${after.length} kills`} on, ${num(after.reduce((a, e) => a + Number(e.connect_failed), 0))} times` : ''),
      evidence: [cite('events', { ...d.scope, component: 'kernel', kind: 'oom_kill' }), ...(after.length ? [cite('backend-overload', d.scope)] : [])],
    });
  }
  const tcp = [...ev('tcp_memory'), ...ev('tcp_orphans'), ...ev('tcp_tw_overflow')];
  if (tcp.length) {
    const said = [['tcp_memory', '"out of memory -- consider tuning tcp_mem" (tcp_mem counts pages, not bytes)'],
      ['tcp_orphans', '"too many orphaned sockets" (tcp_max_orphans)'], ['tcp_tw_overflow', '"time wait bucket table overflow" (tcp_max_tw_buckets)']]
      .filter(([k]) => tcp.some((e) => e.kind === k)).map(([k, w]) => `${w} ${total(ev(k)) === 1 ? 'once' : `${num(total(ev(k)))} times`}`);
    out.push({ text: `The kernel ran short of TCP resources: ${said.join(', ')}`, evidence: [cite('events', { ...d.scope, component: 'kernel' })] });
  }
  const ct = ev('conntrack_full');
  if (ct.length) {
    out.push({
      text: `Netfilter's connection tracking table was full ("table full, dropping packet" ${num(total(ct))} times, ${times(ct, 'first')}): new connections were dropped before any server saw them (nf_conntrack_max)`,
      evidence: [cite('events', { ...d.scope, component: 'kernel', kind: 'conntrack_full' })],
    });
  }
}

function upstreams(d: PostmortemData, out: Finding[]): void {
  const timeouts = d.upstreams.filter((u) => Number(u.timeouts) > 0);
  const noLive = d.events.find((e) => e.kind === 'no_live_upstreams');
  if (!timeouts.length && !noLive) return;
  const parts: string[] = [];
  if (timeouts.length) parts.push(`upstream attempts timed out ${timeouts.map((u) => `${num(u.timeouts)} times on ${code(u.upstream)}`).join(', ')}`);
  const disabled = d.events.find((e) => e.kind === 'backend_disabled');
  if (disabled) parts.push(`servers were marked down ${num(disabled.events)} times`);
  if (noLive) parts.push(`nginx answered "no live upstreams" ${num(noLive.events)} times (${clock(noLive.first)}–${clock(noLive.last)}) without trying any server`);
  out.push({ text: parts.join('; ').replace(/^./, (c) => c.toUpperCase()), evidence: [cite('upstreams', d.scope), cite('events', d.scope)] });
}

function buffered(d: PostmortemData, out: Finding[]): void {
  const rows = d.oversized.rows.filter((r) => r.section === 'buffered' && r.bytes != null);
  const all = d.events.find((e) => e.kind === 'response_buffered_to_disk');
  if (!all) return;
  const minB = Math.min(...rows.map((r) => Number(r.bytes)));
  const maxB = Math.max(...rows.map((r) => Number(r.bytes)));
  const client = Math.max(...rows.map((r) => Number(r.client_ms ?? 0)));
  const up = Math.max(...rows.map((r) => Number(r.upstream_ms ?? 0)));
  let t = `${num(all.events)} responses were buffered to temporary files ("an upstream response is buffered to a temporary file")`;
  if (rows.length) {
    t += `: ${rows.length < Number(all.events) ? `the ${rows.length} matched to their requests were` : ''} ${bytes(minB)}–${bytes(maxB)} each;` +
      ` clients took up to ${ms(client)} to read them, while the upstream was done after at most ${ms(up)}`;
  }
  out.push({ text: t, evidence: [cite('oversized', d.scope)] });
}

function stacks(d: PostmortemData, out: Finding[]): void {
  if (!d.slowlog.length) return;
  const total = d.slowlog.reduce((a, r) => a + Number(r.entries), 0);
  const top = d.slowlog.slice(0, 3).map((r) => `${code(r.stack)} ${num(r.entries)}× in ${code(r.routes ?? r.scripts)}`);
  out.push({ text: `The PHP-FPM slowlog's stacks (${num(total)} entries, ${d.slowlog.length} distinct): ${top.join('; ')}`, evidence: [cite('slowlog-top', d.scope)] });
}

function windows(d: PostmortemData, out: Finding[]): void {
  for (const w of d.windows) {
    const s = w.spike;
    const reasons = String(s.reasons).split(',');
    if (reasons.includes('traffic') && Number(s.baseline_rps) > 0) {
      out.push({
        text: `Window ${s.window}: requests peaked at ${num(s.peak_rps)}/s, ${num(Number(s.peak_rps) / Number(s.baseline_rps), 1)}× the baseline of ${num(s.baseline_rps, 1)}/s`,
        evidence: [cite('spikes', d.scope)],
      });
    }
    // a bucket or two of trailing errors is the stamp resolution, not news
    if (s.aftermath_end_ts != null && Number(s.aftermath_end_ts) - Number(s.end_ts) > 2 * d.bucketMs) {
      out.push({
        text: `Window ${s.window}: the aftermath (errors, overload events, the queue draining, slower responses) lasted ${num((Number(s.aftermath_end_ts) - Number(s.end_ts)) / 1000)} s after the load ended (until ${clock(s.aftermath_end_ts)})`,
        evidence: [cite('spikes', d.scope), cite('events', { ...d.scope, from: s.end, to: s.aftermath_end })],
      });
    }
  }
}

function endpoints(d: PostmortemData, out: Finding[]): void {
  const top = d.slowEndpoints[0];
  if (!top) return;
  out.push({
    text: `${code(top.endpoint)} took ${num(top.share_pct, 1)} % of all request time (${num(top.requests)} requests, p95 ${ms(top.p95_ms)}, max ${ms(top.max_ms)})`,
    evidence: [cite('slow-endpoints', d.scope)],
  });
}

/** Causes first (what refused or held the work), then what it looked like from outside. */
export function findings(d: PostmortemData): Finding[] {
  const out: Finding[] = [];
  capacity(d, out);
  // the kernel's before the backends': an OOM kill is why connects were refused
  kernel(d, out);
  backends(d, out);
  upstreams(d, out);
  buffered(d, out);
  stacks(d, out);
  windows(d, out);
  endpoints(d, out);
  return out.map((f) => ({ ...f, text: f.text.replace(/\s+/g, ' ') }));
}

export { text };
