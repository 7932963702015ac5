// nginx's error log: one line per event, a fixed head and a list of context fields at the end.
//
//   2026/11/22 09:50:03 [warn] 7826#7826: *588 <message>, client: 127.0.0.1, server: x,
//     request: "GET /big.php?mb=30 HTTP/1.1", upstream: "http://127.0.0.1:18084/big.php", host: "x"
//
// `*588` is the connection number; it stays in the message (no column for it) so one request's
// lines can still be followed with LIKE. The rules read only the message part, never the fields.
import { applyHit, matchRule, newEvent, normalizeSeverity, stripProtocol, type EventRule } from './event-rules.js';
import { memoStamp, readYmdHms } from './error-stamps.js';
import { refineWithPhp } from './php-messages.js';
import type { FormatDefinition, LineParser, ParseOutcome, ParserOptions } from './types.js';
import { NGINX_SAMPLES } from './nginx-error.samples.js';

export const NGINX_RULES: readonly EventRule[] = [
  { re: /^upstream timed out \(/, kind: 'upstream_timeout' },
  { re: /^upstream prematurely closed/, kind: 'upstream_closed' },
  { re: /^no live upstreams/, kind: 'no_live_upstreams' },
  // 11 = EAGAIN: a unix socket's listen queue (php-fpm listen.backlog) is full
  { re: /^connect\(\) (?:to (?<backend>\S+) )?failed \(11: /, kind: 'backlog_full' },
  // 111 refused, 110 timed out, 2 no socket file, 13 permission ... (11 is the rule above: no
  // line matches two rules, lnav's rule, so a rule's place in the table never decides alone)
  { re: /^connect\(\) (?:to (?<backend>\S+) )?failed \((?!11:)\d+: /, kind: 'connect_failed' },
  { re: /^(?:recv|readv|read|SSL_read)\(\) failed \(104: [^)]*\) while [^,]*upstream/, kind: 'upstream_reset' },
  { re: /^(?:writev|send|write|sendfile|SSL_write)\(\) failed \((?:32|104): [^)]*\) while sending[^,]* to upstream/, kind: 'upstream_closed' },
  { re: /^an upstream response is buffered to a temporary file/, kind: 'response_buffered_to_disk' },
  { re: /^a client request body is buffered to a temporary file/, kind: 'request_body_buffered' },
  { re: /^(?<limit>\d+) worker_connections are not enough/, kind: 'worker_limit_reached' },
  { re: /\(24: Too many open files\)/, kind: 'fd_limit' },
  { re: /^limiting requests, excess: (?<value>[\d.]+) by zone/, kind: 'rate_limited' },
  // limit_req with burst: the request waits instead of failing, still the limit at work
  { re: /^delaying request, excess: (?<value>[\d.]+), by zone/, kind: 'rate_limited' },
  { re: /^limiting connections by zone/, kind: 'rate_limited' },
  { re: /^upstream server temporarily disabled/, kind: 'backend_disabled' },
  { re: /^client timed out \(/, kind: 'client_timeout' },
  // the client left first (the access log says 499 when nginx itself gave up the request)
  { re: /^(?:(?:epoll_wait|kevent)\(\) reported that )?client prematurely closed connection/, kind: 'client_gave_up' },
  { re: /^(?:writev|send|write|sendfile|SSL_write)\(\) failed \((?:32|104): [^)]*\) while sending (?:response )?to client/, kind: 'client_gave_up' },
  { re: /^FastCGI sent in stderr: /, kind: 'other', php: true },
  { re: /^worker process (?<pid>\d+) exited on signal (?<value>\d+)/, kind: 'worker_crashed' },
  { re: /^(?:start(?:ing)? (?:worker|cache \w+) process|(?:worker|cache \w+) process \d+ exited with code|signal \d+ \(SIG\w+\) received|using the "\w+" event method|nginx\/\d|built (?:by|with) |OS: |getrlimit\(RLIMIT_NOFILE\)|start worker processes|exit(?:ing)?$|gracefully shutting down|reconfiguring|reopening logs|signal process started)/,
    kind: 'lifecycle' },
];

const LEVEL_RE = /^\[(\w+)\] (\d+)#(\d+): (?:\*\d+ )?/;
const FIELD_RE = /, (client|server|subrequest|request|upstream|host|referrer): (?:"((?:[^"\\]|\\.)*)"|([^,]*))/g;

/** `http://127.0.0.1:18083/slow.php` -> `127.0.0.1:18083`; `fastcgi://unix:/run/php.sock:` -> `unix:/run/php.sock` */
export function upstreamAddress(upstream: string): string {
  const scheme = upstream.indexOf('://');
  const rest = scheme >= 0 ? upstream.slice(scheme + 3) : upstream;
  if (rest.startsWith('unix:')) {
    const colon = rest.indexOf(':', 5);
    return colon > 0 ? rest.slice(0, colon) : rest;
  }
  const slash = rest.indexOf('/');
  return slash >= 0 ? rest.slice(0, slash) : rest;
}

export function createNginxErrorParser(options: ParserOptions): LineParser {
  const stampOf = memoStamp((key: string) => readYmdHms(key, options.tz));

  return {
    parse(line: string): ParseOutcome {
      if (line.length < 24 || line.charCodeAt(4) !== 47 || line.charCodeAt(7) !== 47 || line.charCodeAt(19) !== 32 || line.charCodeAt(20) !== 91) {
        return { type: 'reject', reason: 'no-match' };
      }
      const key = line.slice(0, 19);
      const ts = stampOf(key);
      if (Number.isNaN(ts)) return { type: 'reject', reason: 'bad-timestamp' };
      const message = line.slice(20);
      const head = LEVEL_RE.exec(message);
      if (!head) return { type: 'reject', reason: 'no-match' };
      const ev = newEvent(ts, 'nginx', message);
      ev.severity = normalizeSeverity(head[1]);
      ev.pid = Number(head[2]);

      let text = message.slice(head[0].length);
      const tail = text.indexOf(', client: ');
      if (tail >= 0) {
        FIELD_RE.lastIndex = tail;
        for (let m = FIELD_RE.exec(text); m; m = FIELD_RE.exec(text)) {
          const value = m[2] ?? m[3];
          if (m[1] === 'client') ev.client = value;
          else if (m[1] === 'request') ev.request = stripProtocol(value);
          else if (m[1] === 'upstream') ev.backend = upstreamAddress(value);
        }
        text = text.slice(0, tail);
      }
      const hit = matchRule(NGINX_RULES, text);
      if (hit) {
        const fromFields = ev.backend;
        applyHit(ev, hit);
        if (fromFields) ev.backend = fromFields;
        if (hit.rule.php) refineWithPhp(ev, text);
      }
      return { type: 'event', record: ev };
    },
  };
}

export const nginxError: FormatDefinition = {
  name: 'nginx-error',
  role: 'web',
  title: 'nginx error log (error_log)',
  produces: 'events',
  example: '2026/11/22 09:52:42 [error] 9076#9076: *300 connect() to unix:/run/php-fpm.sock failed (11: Resource temporarily unavailable) while connecting to upstream, client: 127.0.0.1, server: x, request: "GET /fast.php HTTP/1.1", upstream: "fastcgi://unix:/run/php-fpm.sock:", host: "x"',
  detectable: true,
  specificity: 50,
  create: createNginxErrorParser,
  samples: NGINX_SAMPLES,
};
