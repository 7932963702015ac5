// The postmortem's kernel finding on data made to the point: which wording it uses for a SYN flood
// on the backend's own port, OOM kills, TCP memory and conntrack, and silence without kernel data.
import { describe, expect, it } from 'vitest';
import { findings } from '../../src/postmortem/findings.js';
import type { PostmortemData } from '../../src/postmortem/collect.js';
import type { ReportResult, Row } from '../../src/report/runner.js';

const empty = (name: string): ReportResult => ({ name, title: name, columns: [], rows: [], sections: null, params: {}, notes: [] });

function data(over: Partial<PostmortemData>): PostmortemData {
  return {
    scope: {}, params: {}, notes: [], bucketMs: 1000, timeline: [], spikes: [], windows: [], slowEndpoints: [], slowlog: [],
    fpm: empty('fpm-saturation'), backend: [], oversized: empty('oversized'), upstreams: [], capacity: null, events: [],
    counters: [], kernelEvents: [], sources: [], suspect: [], lesser: [], userReports: [], ...over,
  };
}
const ev = (kind: string, backend: string | null, events: number): Row =>
  ({ component: 'kernel', kind, backend, events, first: '2026-12-07T08:37:52.729Z', last: '2026-12-07T08:38:02.000Z' });

describe('kernel findings', () => {
  it('says nothing without kernel data', () => {
    expect(findings(data({})).map((f) => f.text).join(' ')).not.toMatch(/kernel|OOM|conntrack/i);
  });

  it('ties a SYN flood on the upstream\'s own port to its connect timeouts', () => {
    const f = findings(data({
      counters: [{ counter: 'TcpExtListenOverflows', increase: 120, first: '2026-12-07T08:37:52Z', last: '2026-12-07T08:38:02Z' }],
      kernelEvents: [ev('syn_flood', '10.0.0.5:8080', 1)],
      upstreams: [{ upstream: '10.0.0.5:8080', timeouts: 40 }],
    }))[0];
    expect(f.text).toMatch(/^The kernel dropped 120 connection attempts because a listen queue was full/);
    expect(f.text).toContain('for `10.0.0.5:8080` at 08:37:52 (the port of the upstream that timed out)');
    expect(f.text).toContain('upstream attempts timed out 40 times on `10.0.0.5:8080`');
    expect(f.evidence).toEqual(['overload report kernel-counters', 'overload report events --param component=kernel', 'overload report upstreams']);
  });

  it('does not call another listener the backend\'s', () => {
    const f = findings(data({ kernelEvents: [ev('syn_flood', '127.0.0.1:18061', 1)], upstreams: [{ upstream: '127.0.0.1:18062', timeouts: 733 }] }))[0];
    expect(f.text).toContain('for `127.0.0.1:18061` at 08:37:52;');
    expect(f.text).not.toContain('the port of the upstream');
  });

  it('ties an OOM kill to the connect failures that began with it', () => {
    const kill = (t: string): Row => ({ ...ev('oom_kill', 'python3', 1), first: t, last: t });
    const episode = (start: string, n: number): Row => ({ start_ts: Date.parse(start), backends: '127.0.0.1:18072', connect_failed: n });
    const f = findings(data({
      kernelEvents: [kill('2026-12-07T09:08:35.227Z'), kill('2026-12-07T09:08:54.901Z')],
      backend: [episode('2026-12-07T09:08:35Z', 112), episode('2026-12-07T09:08:55Z', 110), episode('2026-12-07T09:10:00Z', 5)],
    }))[0];
    expect(f.text).toBe('The OOM killer killed `python3` 2 times (09:08:35, 09:08:54): a process grew until memory ran out (the machine\'s, or its memory cgroup\'s limit: ' +
      'the kernel\'s line says which); connects to `127.0.0.1:18072` failed from each of 2 kills on, 222 times');
    expect(f.evidence).toContain('overload report backend-overload');
  });

  it('names the processes the OOM killer ended, TCP memory and a full conntrack table', () => {
    const text = findings(data({
      kernelEvents: [ev('oom_kill', 'php-fpm8.2', 2), ev('tcp_memory', null, 3), ev('tcp_orphans', null, 1), ev('conntrack_full', 'nf_conntrack', 7)],
    })).map((f) => f.text);
    expect(text).toContain('The OOM killer killed `php-fpm8.2` 2 times (08:37:52): a process grew until memory ran out (the machine\'s, or its memory cgroup\'s limit: the kernel\'s line says which)');
    expect(text).toContain('The kernel ran short of TCP resources: "out of memory -- consider tuning tcp_mem" (tcp_mem counts pages, not bytes) 3 times, "too many orphaned sockets" (tcp_max_orphans) once');
    expect(text.find((t) => t.startsWith('Netfilter'))).toMatch(/"table full, dropping packet" 7 times, 08:37:52\): new connections were dropped/);
  });
});
