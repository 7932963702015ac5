// lighttpd's error log (server.errorlog), both generations of its FastCGI/SCGI/proxy backends:
// up to 1.4.45 each module (mod_fastcgi.c, mod_scgi.c, mod_proxy.c) wrote its own wording; from
// 1.4.46 they share gw_backend.c, which reports the same situations in other words. Wordings
// read from lighttpd1.4 src/mod_fastcgi.c (1.4.4x) and src/gw_backend.c (1.4.46 .. 1.4.7x).
//
//   2026-11-22 09:57:47: (mod_fastcgi.c.2816) backend is overloaded; ... load: 45
//   2026-11-22 09:57:47.123456789: (gw_backend.c.369) establishing connection failed: ...
//
// An overloaded proc (its listen backlog full) reads "backend is overloaded; we'll disable it ..."
// up to 1.4.45 and "connection was dropped after accept() (perhaps the gw process died)" from
// 1.4.46, which no longer disables the proc (see fixtures/incidents/5-*/README.md).
//
// lighttpd prints no level, so the rows carry one. The old "backend is overloaded" line names no
// socket and the new "backend error" line says neither socket nor cause: both follow a line that
// does ("establishing connection failed: socket: unix:...-2: <errno text>", or the debug "The load
// for this FastCGI backend unix:...-2 is 45"), so the parser carries that socket (and whether the
// cause was EAGAIN) to the next overload/disable line of the same second.
import { applyHit, matchRule, newEvent, type EventRule } from './event-rules.js';
import { memoStamp, readYmdHms } from './error-stamps.js';
import { phpSeverity, refineWithPhp } from './php-messages.js';
import type { EventRecord, FormatDefinition, LineParser, ParseOutcome, ParserOptions } from './types.js';
import { LIGHTTPD_SAMPLES } from './lighttpd-error.samples.js';

interface LighttpdRule extends EventRule {
  /** `set`: remember this line's socket for the next line; `use`: take it from the line before */
  hint?: 'set' | 'use';
}

const BACKEND_ERROR: LighttpdRule = {
  // 1.4.46+: printed for any connect error; the line before says which (see refineBackendError)
  re: /^backend error; we'll disable for \d+ ?secs and send the request to another backend instead: ?load: (?<value>\d+)/,
  kind: 'backend_overloaded', severity: 'warn', since: '1.4.46', hint: 'use',
};

export const LIGHTTPD_RULES: readonly LighttpdRule[] = [
  { re: /^backend is overloaded; we'll disable it for \d+ seconds and send the request to another backend instead: reconnects: \d+ load: (?<value>\d+)/,
    kind: 'backend_overloaded', severity: 'warn', since: '<= 1.4.45', hint: 'use' },
  BACKEND_ERROR,
  { re: /^backend died; we'll disable it for \d+ seconds and send the request to another backend instead: reconnects: \d+ load: (?<value>\d+)/,
    kind: 'backend_disabled', severity: 'error', since: '<= 1.4.45', hint: 'use' },
  { re: /^backend disabled for \d+ seconds/, kind: 'backend_disabled', severity: 'warn', since: '<= 1.4.45 (debug)' },
  { re: /^proxy-server disabled: (?<host>\S+) (?<port>\d+)/, kind: 'backend_disabled', severity: 'warn', since: '<= 1.4.45' },
  { re: /^(?:fcgi|gw|scgi|proxy)-server re-enabled:(?<args>.*)$/, kind: 'backend_reenabled', severity: 'notice' },
  { re: /^all handlers for (?<request>.*?) on (?<ext>\S+) are down\.?$/, kind: 'backend_down', severity: 'error' },
  // EAGAIN on a unix socket: the backend's listen queue is full
  { re: /^establishing connection failed: .*Resource temporarily unavailable/, kind: 'backlog_full', severity: 'error', hint: 'set' },
  // (every other errno; no line matches two rules: lnav's rule, tested on the samples)
  { re: /^establishing connection failed: (?!.*Resource temporarily unavailable)/, kind: 'connect_failed', severity: 'error', hint: 'set' },
  { re: /^connect failed: .* on (?<backend>\S+)$/, kind: 'connect_failed', severity: 'error', since: '<= 1.4.45', hint: 'set' },
  { re: /^This means that you have more incoming requests than your FastCGI backend can handle in parallel\..*The load for this FastCGI backend (?<backend>\S+) is (?<value>\d+)/,
    kind: 'other', severity: 'debug', hint: 'set' },
  // 1.4.46+ takes EAGAIN from connect() as "in progress"; the first write to the full socket then
  // fails and this is what an overloaded proc looks like (fixtures/incidents/5-*, 1.4.69). In
  // <= 1.4.45 EAGAIN was "backend is overloaded" and this wording meant a process that died.
  { re: /^connection was dropped after accept\(\) \(perhaps the gw process died\)/, kind: 'backend_overloaded', severity: 'warn', since: '1.4.46' },
  { re: /^connection was dropped after accept\(\)(?! \(perhaps the gw process died\))/, kind: 'upstream_closed', severity: 'error', since: '<= 1.4.45' },
  { re: /^unexpected end-of-file \(perhaps the \w+ process died\):(?: pid: (?<pid>\d+))?/, kind: 'upstream_closed', severity: 'error' },
  // the request fails (one per 5xx); its earlier attempts are logged as "..., reconnecting"
  { re: /^response not received, request sent: (?<value>\d+) on socket: (?<backend>\S+) for (?<request>.*?) ?, closing connection$/,
    kind: 'upstream_closed', severity: 'error' },
  { re: /^response not received, request not sent on socket: (?<backend>\S+) for (?<request>.*?) ?, reconnecting$/,
    kind: 'upstream_retry', severity: 'warn' },
  { re: /^response already sent out, but backend returned error on socket: (?<backend>\S+) for (?<request>.*?) ?, terminating connection$/,
    kind: 'upstream_closed', severity: 'error' },
  { re: /^error: unexpected close of gw connection for (?<request>\S*) \(no gw process on socket: (?<backend>\S+) \?\)/,
    kind: 'upstream_closed', severity: 'error', since: '1.4.46' },
  { re: /^(?:connect|read|write) timeout on socket: (?<backend>\S+)/, kind: 'upstream_timeout', severity: 'error', since: '1.4.60' },
  // 1.4.46+ (network_write.c): the first write on a backend socket whose connect() met a full
  // unix-socket backlog (EAGAIN, taken as "in progress"); "connection was dropped after accept()"
  // follows with the socket's name. EPIPE/ECONNRESET are not logged here at all.
  { re: /^write failed: (?:\d+: )?Transport endpoint is not connected/, kind: 'backlog_full', severity: 'error', since: '1.4.46' },
  // http-header-glue.c: reading the backend's answer failed (`read() <client fd> <backend fd>: errno`);
  // after the failed write above it is EINVAL, with a backend that died ECONNRESET
  { re: /^read\(\) \d+ \d+: /, kind: 'upstream_reset', severity: 'error', since: '1.4.56' },
  { re: /^write failed, remote connection close:/, kind: 'upstream_closed', severity: 'error', since: '<= 1.4.45 (mod_proxy)' },
  // mod_proxy <= 1.4.45: `connect failed: <fd> <errno text> <errno>` (EAGAIN on TCP: no local port left)
  { re: /^connect failed: \d+ .* \d+$/, kind: 'connect_failed', severity: 'error', since: '<= 1.4.45 (mod_proxy)' },
  // an error on the backend socket without a hangup (<= 1.4.45)
  { re: /^fcgi: got a FDEVENT_ERR\.|^proxy-FDEVENT_ERR, but no HUP/, kind: 'upstream_reset', severity: 'error', since: '<= 1.4.45' },
  { re: /^proxy - re-enabled:(?<args>.*)$/, kind: 'backend_reenabled', severity: 'notice', since: '<= 1.4.45 (mod_proxy)' },
  { re: /^socket\(\) failed \(cur_fds:\d+\) \(max_fds:(?<limit>\d+)\)/, kind: 'fd_limit', severity: 'error', since: '1.4.56' },
  // connections.c, the client's side: it went away while lighttpd wrote or read ...
  { re: /^connection closed: write failed on fd \d+|^connection closed - (?:recv|read) failed/, kind: 'client_gave_up', severity: 'info' },
  // ... or was too slow to send its request or read the answer (server.max-read-idle / max-write-idle)
  { re: /^NOTE: a request from (?<client>\S+) for (?<request>\S+) timed out after writing (?<value>\d+) bytes/, kind: 'client_timeout', severity: 'info' },
  { re: /^request aborted - read timeout: \d+|^connection closed - read timeout: \d+/, kind: 'client_timeout', severity: 'info' },
  { re: /^child exited: 0\b/, kind: 'lifecycle', severity: 'notice' },
  { re: /^child (?:signal(?:l)?ed: |exited: (?!0\b))(?<value>\d+)/, kind: 'worker_crashed', severity: 'error' },
  { re: /^child died somehow|failed to start|spawning (?:fcgi|gw|backend) failed|^respawning failed/, kind: 'worker_crashed', severity: 'error' },
  // (the socket() line above says Too many open files too, with the limit: it is that rule's)
  { re: /^(?!socket\(\) failed \(cur_fds:\d+\) \(max_fds:\d+\))(?:wait for fd at connection|[\s\S]*?(?:Too many open files|sockets disabled, out-of-fds))/,
    kind: 'fd_limit', severity: 'error' },
  { re: /sockets disabled, connection limit reached/, kind: 'worker_limit_reached', severity: 'warn' },
  { re: /^FastCGI-stderr:/, kind: 'other', php: true },
  { re: /^(?:server started|server stopped|logfiles cycled)|graceful (?:shutdown|restart)|sockets enabled again/, kind: 'lifecycle', severity: 'notice' },
];

const SOCKET_RE = /\bsocket: ((?:unix|tcp):\S*?)(?::\s|:?$|\s)/;
const HINT_MS = 1000;

/** `re-enabled:` arguments -> a connection name like the other lines use */
function reenabledBackend(args: string): string | null {
  const t = args.trim().split(/\s+/).filter((x) => x !== '' && x !== '(null)');
  if (t.length === 0) return null;
  if (/^(?:unix|tcp):/.test(t[0])) return t[0];
  const path = t.find((x) => x.startsWith('/'));
  if (path) return 'unix:' + path;
  return t.length >= 2 ? `tcp:${t[0]}:${t[1]}` : null;
}

/** `/x.php?` (lighttpd prints the `?` even for an empty query) -> `/x.php` */
function cleanUri(uri: string): string {
  return uri.endsWith('?') ? uri.slice(0, -1) : uri;
}

export function createLighttpdErrorParser(options: ParserOptions): LineParser {
  const stampOf = memoStamp((key: string) => readYmdHms(key, options.tz, key.length > 20 ? key.slice(20) : ''));
  let seenTs: number | null = null;
  let hint: { ts: number; backend: string | null; eagain: boolean } | null = null;

  function stamp(line: string, end: number): number {
    return stampOf(line.slice(0, end));
  }

  function classify(ev: EventRecord, body: string): void {
    const hit = matchRule(LIGHTTPD_RULES, body);
    if (!hit) return;
    applyHit(ev, hit);
    const rule = hit.rule as LighttpdRule;
    const g = hit.groups;
    ev.severity = body.startsWith('[note]') ? 'notice' : rule.severity ?? null;
    if (g.args !== undefined) ev.backend = reenabledBackend(g.args);
    if (g.host && g.port) ev.backend = `tcp:${g.host}:${g.port}`;
    if (ev.request) ev.request = cleanUri(ev.request);
    if (!ev.backend) ev.backend = SOCKET_RE.exec(body)?.[1] ?? null;
    if (rule.php) refineWithPhp(ev, body);
    if (rule.hint === 'set') {
      hint = { ts: ev.ts, backend: ev.backend, eagain: ev.kind !== 'connect_failed' };
    } else if (rule.hint === 'use') {
      const h = hint && Math.abs(ev.ts - hint.ts) <= HINT_MS ? hint : null;
      ev.backend ??= h?.backend ?? null;
      if (rule === BACKEND_ERROR && !h?.eagain) ev.kind = 'backend_disabled';
      hint = null;
    }
  }

  function unstamped(line: string): ParseOutcome {
    // debug output of 1.4.4x continues a message on tab-indented lines
    if (seenTs === null) return { type: 'reject', reason: 'no-match' };
    if (line.trim() === '') return { type: 'skip' };
    if (/^\s/.test(line)) return { type: 'continued' };
    // a backend spawned by lighttpd writes its stderr (php-cgi: `PHP Fatal error: ...`) into the
    // same file without a stamp: keep it, at the time of the last stamped line
    const isPhp = line.startsWith('PHP ');
    const ev = newEvent(seenTs, isPhp ? 'php' : 'lighttpd', line);
    if (isPhp) {
      ev.severity = phpSeverity(line);
      refineWithPhp(ev, line);
    }
    return { type: 'event', record: ev };
  }

  return {
    parse(line: string): ParseOutcome {
      if (line.length < 22 || line.charCodeAt(4) !== 45 || line.charCodeAt(13) !== 58) return unstamped(line);
      // `.123456789` after the seconds: server.feature-flags errorlog high precision (1.4.6x)
      let end = 19;
      if (line.charCodeAt(19) === 46) {
        end = 20;
        while (end < line.length && line.charCodeAt(end) >= 48 && line.charCodeAt(end) <= 57) end++;
      }
      if (line.charCodeAt(end) !== 58 || line.charCodeAt(end + 1) !== 32) return unstamped(line);
      const ts = stamp(line, end);
      if (Number.isNaN(ts)) return { type: 'reject', reason: 'bad-timestamp' };
      seenTs = ts;
      const message = line.slice(end + 2).trimEnd();
      const close = message.startsWith('(') ? message.indexOf(') ') : -1;
      const body = close > 0 ? message.slice(close + 2) : message;
      const ev = newEvent(ts, 'lighttpd', message);
      classify(ev, body);
      return { type: 'event', record: ev };
    },
  };
}

export const lighttpdError: FormatDefinition = {
  name: 'lighttpd-error',
  role: 'web',
  title: 'lighttpd error log (server.errorlog), mod_fastcgi <= 1.4.45 and gw_backend >= 1.4.46',
  produces: 'events',
  example: "2026-11-22 09:57:47: (mod_fastcgi.c.2816) backend is overloaded; we'll disable it for 1 seconds and send the request to another backend instead: reconnects: 0 load: 45",
  detectable: true,
  specificity: 50,
  create: createLighttpdErrorParser,
  samples: LIGHTTPD_SAMPLES,
};
