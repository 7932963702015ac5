// Varnish's backend fetch failures: why Varnish answered 503. Varnish keeps no error log of its
// own; its shared-memory log holds a `FetchError` record per failed backend fetch, which
// varnishncsa writes as a time-stamped line with (the layout the lab uses, README "Varnish"):
//
//   varnishncsa -b -q FetchError -F '%t "%r" %s %D fetch_error="%{VSL:FetchError}x" vxid=%{Varnish:vxid}x'
//   [22/Nov/2026:11:08:19 +0000] "GET http://127.0.0.1:18090/account/report.cgi?id=9 HTTP/1.1" 503 0 fetch_error="backend apache: fail errno 110 (Connection timed out)" vxid=1867781
//
// These are events, not requests: the client side of the same requests is in the varnishncsa
// client log, and counting both would count every failed request twice.
import { parseClfTime } from '../src/util/time.js';
import { applyHit, matchRule, newEvent, stripProtocol, type EventRule } from './event-rules.js';
import type { FormatDefinition, LineParser, ParseOutcome } from './types.js';

/** Varnish's FetchError wording (bin/varnishd cache_fetch.c, vbe) -> kind; first match wins. */
export const VARNISH_FETCH_RULES: readonly EventRule[] = [
  // the TCP connect to the backend failed: refused, or timed out because its accept queue is full
  { re: /^backend (?<backend>\S+): fail errno (?<value>\d+)/, kind: 'connect_failed' },
  { re: /^(?:first byte|between bytes) timeout/, kind: 'upstream_timeout' },
  { re: /^(?:HTC eof|http first read error|http read error|Premature close)/i, kind: 'upstream_closed' },
  { re: /^(?:backend (?<backend>\S+): unhealthy|no backend connection|No backend)/i, kind: 'no_live_upstreams' },
];

const LINE = /^\[([^\]]+)\] "((\S+) (\S+)(?: [^"]*)?)" (\d{3}|-) (\S+) fetch_error="((?:[^"\\]|\\.)*)"(?: vxid=(\d+))?\s*$/;

/** `http://host:port/path?q` (backend requests carry the absolute URL) -> `/path?q` */
function target(url: string): string {
  if (!url.startsWith('http://') && !url.startsWith('https://')) return url;
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  return slash < 0 ? '/' : url.slice(slash);
}

function create(): LineParser {
  return {
    parse(line: string): ParseOutcome {
      const m = LINE.exec(line);
      if (!m) return { type: 'reject', reason: 'no-match' };
      const ts = parseClfTime(m[1]);
      if (Number.isNaN(ts)) return { type: 'reject', reason: 'bad-timestamp' };
      const reason = m[7].replace(/\\"/g, '"');
      const ev = newEvent(ts, 'varnish', reason);
      ev.severity = 'error';
      ev.request = stripProtocol(`${m[3]} ${target(m[4])}`);
      const hit = matchRule(VARNISH_FETCH_RULES, reason);
      if (hit) applyHit(ev, hit);
      return { type: 'event', record: ev };
    },
  };
}

const EXAMPLE = '[22/Nov/2026:11:08:19 +0000] "GET http://127.0.0.1:18090/account/report.cgi?id=9 HTTP/1.1" 503 0 fetch_error="backend apache: fail errno 110 (Connection timed out)" vxid=1867781';

export const varnishFetchError: FormatDefinition = {
  name: 'varnish-fetch-error',
  role: 'cache',
  title: 'Varnish backend fetch errors (varnishncsa -b -q FetchError with fetch_error="%{VSL:FetchError}x")',
  produces: 'events',
  example: EXAMPLE,
  detectable: true,
  // outranks the varnishncsa access format, which would read the same lines as requests
  specificity: 60,
  create,
  samples: [
    { line: EXAMPLE, expect: { kind: 'connect_failed', backend: 'apache', value: 110, request: 'GET /account/report.cgi?id=9', component: 'varnish' } },
    { line: '[22/Nov/2026:11:08:33 +0000] "GET http://127.0.0.1:18090/account/report.cgi?id=4 HTTP/1.1" 503 0 fetch_error="first byte timeout" vxid=98310',
      expect: { kind: 'upstream_timeout', request: 'GET /account/report.cgi?id=4' } },
    { line: '[22/Nov/2026:11:08:40 +0000] "GET http://127.0.0.1:18090/account/profile.cgi?u=3 HTTP/1.1" 503 0 fetch_error="HTC eof (-1)" vxid=5',
      expect: { kind: 'upstream_closed' } },
    // bin/varnishd/cache/cache_backend.c: the probe marked the backend sick, no connect is tried
    { line: '[22/Nov/2026:11:08:42 +0000] "GET http://127.0.0.1:18090/account/report.cgi?id=11 HTTP/1.1" 503 0 fetch_error="backend boot.apache: unhealthy" vxid=98312',
      expect: { kind: 'no_live_upstreams', backend: 'boot.apache', request: 'GET /account/report.cgi?id=11' } },
    { line: '[22/Nov/2026:11:08:41 +0000] "GET /x HTTP/1.1" 503 0 fetch_error="Could not get storage" vxid=6',
      expect: { kind: 'other', message: 'Could not get storage', request: 'GET /x' }, note: 'unknown wording is kept as other' },
    { line: '[22/Nov/2026:11:08:41 +0000] "GET /x HTTP/1.1" 503 0', reject: 'no-match', note: 'a plain backend line is not a fetch error' },
    { line: '[22/Nov/2026:11:08:41 +0000] "GET http://127.0.0.1:18090/account/report.cgi?id=9 HTTP/1.1" 503 0 fetch_er', reject: 'no-match', note: 'truncated' },
  ],
};
