// The kernel's messages about refused connections and exhausted memory, wording -> kind. Read
// from the kernel's source (the `since` of each row names the file and the versions that print
// it) and checked against real lines (fixtures/kernel/README.md says where each came from).
// Matched against the message alone: after the stamp, and after `host kernel: [uptime] ` in
// syslog and journal lines. The kernel prints no level in these forms, so each row carries the
// printk level of its source line.
//
// The listener of a SYN flood is the backend (`127.0.0.1:8080`, `[::]:443`, or a bare `80` in the
// older wording) and its port the value: a proxy's connect timeouts to that port at the same
// time are the overflow seen from the other side. An OOM kill names the process (backend), its
// pid and its RSS (value, bytes: anon + file + shmem, as the line gives them).
import type { EventRule } from './event-rules.js';

const LISTENER = String.raw`(?<backend>(?:\[[0-9A-Fa-f:.]*\]:|[0-9.]+:)?(?<value>\d+))`;
const OOM_VICTIM = String.raw`(?<pid>\d+) \((?<backend>[^)]*)\)`;

export const KERNEL_RULES: readonly EventRule[] = [
  // --- the listen queue ---
  { re: new RegExp(String.raw`(?:^|: )Possible SYN flooding on port ${LISTENER}\. (?:Sending cookies|Dropping request)`), kind: 'syn_flood', severity: 'info',
    since: 'net/ipv4/tcp_input.c tcp_syn_flood_action: `%s: Possible SYN flooding on port [%pISbc]:%u. %s.` (address and port: 6.18 captured in story 6); `%s: Possible SYN flooding on port %d. %s.  Check SNMP counters.` (3.x-4.x source)' },
  { re: new RegExp(String.raw`^possible SYN flooding on port ${LISTENER}\. (?:Sending cookies|Dropping request)`), kind: 'syn_flood', severity: 'warn',
    since: 'net/ipv4/tcp_ipv4.c syn_flood_warning (2.6): `possible SYN flooding on port %d. Sending cookies.`' },
  // --- connection tracking ---
  { re: /^(?:nf_conntrack: )?(?<backend>nf_conntrack|ip_conntrack): table full, dropping packet/, kind: 'conntrack_full', severity: 'warn',
    since: 'net/netfilter/nf_conntrack_core.c __nf_conntrack_alloc: net_warn_ratelimited, pr_fmt `nf_conntrack: ` (3.x+ prints the name twice); ip_conntrack in 2.6.1x' },
  { re: /^(?:nf_conntrack: )?(?<backend>expectation) table full/, kind: 'conntrack_full', severity: 'warn',
    since: 'net/netfilter/nf_conntrack_expect.c nf_ct_expect_insert' },
  { re: /^(?:nf_conntrack: )?falling back to vmalloc/, kind: 'lifecycle', severity: 'warn',
    since: 'net/netfilter/nf_conntrack_core.c nf_ct_alloc_hashtable (2.6.2x-4.x): the hash table was (re)sized' },
  { re: /^nf_conntrack version [\d.]+ \(\d+ buckets, (?<limit>\d+) max\)/, kind: 'lifecycle', severity: 'info',
    since: 'net/netfilter/nf_conntrack_core.c nf_conntrack_init_start: the module loaded, with nf_conntrack_max as limit' },
  // --- TCP memory and sockets ---
  { re: /^(?:TCP: )?out of memory -- consider tuning tcp_mem/, kind: 'tcp_memory', severity: 'info',
    since: 'net/ipv4/tcp.c tcp_check_oom (3.x+), pr_fmt `TCP: `' },
  { re: /^(?:TCP: )?Out of socket memory/, kind: 'tcp_memory', severity: 'info',
    since: 'net/ipv4/tcp_timer.c tcp_out_of_resources (2.6)' },
  { re: /^(?:TCP: )?too many (?:of )?orphaned sockets/, kind: 'tcp_orphans', severity: 'info',
    since: 'net/ipv4/tcp.c tcp_check_oom: `too many orphaned sockets` (3.x+); `too many of orphaned sockets` (2.6)' },
  { re: /^(?:TCP: )?time wait bucket table overflow/, kind: 'tcp_tw_overflow', severity: 'info',
    since: 'net/ipv4/tcp_minisocks.c tcp_time_wait (2.6-3.x; later kernels only count TCPTimeWaitOverflow)' },
  // --- the OOM killer ---
  { re: new RegExp(String.raw`^(?:(?:Out of [Mm]emory|Memory cgroup out of memory)(?: \(oom_kill_allocating_task\))?: )?Killed process ${OOM_VICTIM}`), kind: 'oom_kill', severity: 'error',
    since: 'mm/oom_kill.c __oom_kill_process: `%s: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB, shmem-rss:%lukB, UID:%u pgtables:%lukB oom_score_adj:%hd` (5.x+); `Killed process %d (%s) total-vm:...` after `Kill process ... or sacrifice child` (3.x-4.x)' },
  { re: new RegExp(String.raw`^(?:Out of memory|Memory cgroup out of memory): Kill process ${OOM_VICTIM} score (?<value>\d+) or sacrifice child`), kind: 'oom_invoked', severity: 'error',
    since: 'mm/oom_kill.c oom_kill_process (3.x-4.x): the victim chosen, the kill follows as `Killed process`' },
  { re: /^(?<backend>.{1,16}?) invoked oom-killer: gfp_mask=\S+,? order=(?<value>-?\d+)/, kind: 'oom_invoked', severity: 'warn',
    since: 'mm/oom_kill.c dump_header: `%s invoked oom-killer: gfp_mask=%#x(%pGg), order=%d, oom_score_adj=%hd`' },
  { re: /^oom-kill:constraint=[^,]*,.*?task=(?<backend>.*?),pid=(?<pid>\d+),uid=\d+/, kind: 'oom_invoked', severity: 'info',
    since: 'mm/oom_kill.c dump_oom_summary (4.19+): `oom-kill:constraint=%s,nodemask=...,task=%s,pid=%d,uid=%d`' },
  { re: new RegExp(String.raw`^oom_reaper: reaped process ${OOM_VICTIM}`), kind: 'oom_invoked', severity: 'info',
    since: 'mm/oom_kill.c oom_reap_task_mm (4.6+): what the reaper freed after a kill' },
  { re: /^(?:Kernel panic - not syncing: )?Out of memory and no killable processes/, kind: 'oom_invoked', severity: 'emerg', since: 'mm/oom_kill.c out_of_memory: the panic when nothing is left to kill' },
  // --- memory and files ---
  { re: /^(?<backend>.{1,16}?): page allocation failure: order:(?<value>\d+), mode:/, kind: 'alloc_failure', severity: 'warn',
    since: 'mm/page_alloc.c warn_alloc: `%s: page allocation failure: order:%u, mode:%#x(%pGg)`' },
  { re: /^VFS: file-max limit (?<limit>\d+) reached/, kind: 'fd_limit', severity: 'info', since: 'fs/file_table.c file_max_reached (fs.file-max)' },
  // --- crashes the kernel saw (a PHP-FPM child's segfault is here, FPM only logs the signal) ---
  { re: /^(?<backend>[^\s[]{1,16})\[(?<pid>\d+)\]: segfault at /, kind: 'worker_crashed', severity: 'info', since: 'arch/x86/mm/fault.c show_signal_msg' },
  { re: /^traps: (?<backend>[^\s[]{1,16})\[(?<pid>\d+)\] (?:general protection fault|trap )/, kind: 'worker_crashed', severity: 'info', since: 'arch/x86/kernel/traps.c' },
  // --- what a burst cost the log itself ---
  { re: /^(?<backend>[\w.-]+): (?<value>\d+) callbacks suppressed/, kind: 'log_suppressed', severity: 'warn',
    since: 'net/core/utils.c net_ratelimit (`net_ratelimit: %d callbacks suppressed`), lib/ratelimit.c ___ratelimit (`%s: %d callbacks suppressed`, the function\'s name)' },
];

const KB = 1024;

/** An OOM kill's RSS in bytes: anon + file + shmem as the line gives them (null when it gives none). */
export function oomRssBytes(message: string): number | null {
  const m = /anon-rss:(\d+)kB, file-rss:(\d+)kB(?:, shmem-rss:(\d+)kB)?/.exec(message);
  if (!m) return null;
  return (Number(m[1]) + Number(m[2]) + Number(m[3] ?? 0)) * KB;
}
