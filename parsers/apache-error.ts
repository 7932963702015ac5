// Apache httpd's error log, both layouts:
//   2.2  [Sun Nov 22 09:49:49 2026] [error] [client 1.2.3.4] message
//   2.4  [Sun Nov 22 09:49:49.123456 2026] [mpm_event:error] [pid 123:tid 456] (70007)The timeout
//        specified has expired: [client 1.2.3.4:5678] AH01102: message, referer: http://...
// The AH code stays in the message (message LIKE '%AH00484%' finds it); the rules match the
// code or, for 2.2 and un-numbered messages, the wording. The APR status in front of a proxy
// error ("(70007)The timeout...", "(104)Connection reset...") decides timeout vs reset vs close.
import { applyHit, matchRule, newEvent, normalizeSeverity, type EventRule } from './event-rules.js';
import { memoStamp, readApache } from './error-stamps.js';
import { phpSeverity, refineWithPhp } from './php-messages.js';
import type { FormatDefinition, LineParser, ParseOutcome, ParserOptions } from './types.js';
import { APACHE_SAMPLES } from './apache-error.samples.js';

const UPSTREAM_READ = String.raw`(?:\bAH0(?:1102|1075|0898|1110)\b|error reading status line|Error dispatching request|Error reading from remote server|error reading response)`;

export const APACHE_RULES: readonly EventRule[] = [
  { re: /Too many open files/, kind: 'fd_limit' },
  { re: /\bAH00484\b|\bAH00161\b|server reached MaxRequestWorkers setting|server reached MaxClients setting/, kind: 'worker_limit_reached' },
  { re: /\bAH00485\b|scoreboard is full, not at MaxRequestWorkers/, kind: 'worker_limit_reached' },
  // AH00486 (event, worker): value = active threads; AH00162 (prefork): value = total children
  { re: /server seems busy, .*there are around \d+ idle threads, (?<value>\d+) active threads/, kind: 'pool_busy' },
  { re: /server seems busy, .*there are \d+ idle, and (?<value>\d+) total children/, kind: 'pool_busy' },
  { re: /server is within MinSpareThreads of MaxRequestWorkers/, kind: 'pool_busy' },
  // 70007 APR_TIMEUP, 110 ETIMEDOUT; 104 ECONNRESET; anything else (70014 EOF ...) is a close
  { re: new RegExp(String.raw`^\((?:70007|110)\)[^:]*: .*${UPSTREAM_READ}`), kind: 'upstream_timeout' },
  { re: new RegExp(String.raw`^\(104\)[^:]*: .*${UPSTREAM_READ}`), kind: 'upstream_reset' },
  { re: /Error reading from remote server returned by (?<request>\S+)/, kind: 'upstream_closed' },
  // any other read failure: not a line of the three rules above (no line matches two rules,
  // lnav's rule, tested on the samples)
  { re: new RegExp(String.raw`^(?!\((?:70007|110|104)\)[^:]*: .*${UPSTREAM_READ})(?![\s\S]*?Error reading from remote server returned by \S)` +
    String.raw`[\s\S]*?(?:${UPSTREAM_READ}|\bAH01067\b|Failed to read FastCGI header)`), kind: 'upstream_closed' },
  // EAGAIN on php-fpm's unix socket: its listen backlog is full
  { re: /^\(11\)[^:]*: .*attempt to connect to (?:Unix domain socket )?(?<backend>\S+)/, kind: 'backlog_full' },
  { re: /^(?!\(11\)[^:]*: .*attempt to connect to (?:Unix domain socket )?\S)[\s\S]*?attempt to connect to (?:Unix domain socket )?(?<backend>\S+)/, kind: 'connect_failed' },
  { re: /failed to make connection to backend: (?<backend>\S+)/, kind: 'connect_failed' },
  { re: /pass request body failed to (?<backend>\S+)/, kind: 'connect_failed' },
  { re: /disabling worker for \((?<backend>[^)]+)\) for (?<value>\d+)s/, kind: 'backend_disabled' },
  // AH00940: the worker is in error state, the request gets a 503 without trying
  { re: /disabled connection for \((?<backend>[^)]+)\)/, kind: 'no_live_upstreams' },
  { re: /\bAH01382\b|Request (?:header|body) read timeout/, kind: 'client_timeout' },
  { re: /child pid (?<pid>\d+) exit signal [^(]*\((?<value>\d+)\)/, kind: 'worker_crashed' },
  { re: /seg fault or similar nasty error detected in the parent process/, kind: 'worker_crashed' },
  { re: /mod_qos\(\d+\): access denied|Blacklisting address/, kind: 'rate_limited' },
  // mod_php's own lines, and AH01071 "Got error 'PHP message: ...'" from mod_proxy_fcgi
  { re: /\bPHP (?:message: )?PHP |^PHP /, kind: 'other', php: true },
  { re: /resuming normal operations|\bAH00094\b|Command line: |caught SIG\w+|shutting down|Graceful restart requested|SIG\w+ received|\bAH00558\b/,
    kind: 'lifecycle' },
];

const HEAD_RE = /^\[([^\]]+)\] \[(?:([\w.-]*):)?(\w+)\] /;
const PID_RE = /^\[pid (\d+)(?::tid \d+)?\] /;
const SOURCE_RE = /^\S+\.c\(\d+\): /;
const STATUS_RE = /^\(-?\d+\)[^:[]*: /;
const CLIENT_RE = /^\[client ([^\]]+)\] /;
const BACKEND_RE = /(?:remote server|request to) ([^\s,:][^\s,]*?):?(?:[\s,]|$)/;

export function createApacheErrorParser(options: ParserOptions): LineParser {
  const stampOf = memoStamp((key: string) => readApache(key, options.tz));
  let seenTs: number | null = null;

  function unstamped(line: string): ParseOutcome {
    if (seenTs === null) return { type: 'reject', reason: 'no-match' };
    if (line.trim() === '') return { type: 'skip' };
    if (/^\s/.test(line)) return { type: 'continued' };
    // CGI / php-cgi stderr arrives without a stamp: keep it at the last stamp seen
    const isPhp = line.startsWith('PHP ');
    const ev = newEvent(seenTs, isPhp ? 'php' : 'apache', line);
    if (isPhp) {
      ev.severity = phpSeverity(line);
      refineWithPhp(ev, line);
    }
    return { type: 'event', record: ev };
  }

  return {
    parse(line: string): ParseOutcome {
      if (line.charCodeAt(0) !== 91) return unstamped(line);
      const head = HEAD_RE.exec(line);
      if (!head) return unstamped(line);
      const ts = stampOf(head[1]);
      if (Number.isNaN(ts)) return { type: 'reject', reason: 'bad-timestamp' };
      seenTs = ts;
      // 2.4 always writes `[module:level]` (module may be empty); 2.2 writes `[level]`
      const v24 = head[2] !== undefined;
      const message = line.slice(head[1].length + 3);
      const ev = newEvent(ts, 'apache', message);
      ev.severity = normalizeSeverity(head[3]);

      let rest = line.slice(head[0].length);
      let m = PID_RE.exec(rest);
      if (m) { ev.pid = Number(m[1]); rest = rest.slice(m[0].length); }
      m = SOURCE_RE.exec(rest);
      if (m) rest = rest.slice(m[0].length);
      let status = '';
      m = STATUS_RE.exec(rest);
      if (m) { status = m[0]; rest = rest.slice(m[0].length); }
      m = CLIENT_RE.exec(rest);
      if (m) {
        const c = m[1];
        const colon = c.lastIndexOf(':');
        ev.client = v24 && colon > 0 && /^\d+$/.test(c.slice(colon + 1)) ? c.slice(0, colon) : c;
        rest = rest.slice(m[0].length);
      }
      const text = status + rest;
      const hit = matchRule(APACHE_RULES, text);
      if (hit) {
        applyHit(ev, hit);
        if (hit.rule.php) refineWithPhp(ev, text);
      }
      if (!ev.backend && (ev.kind.startsWith('upstream_') || ev.kind === 'connect_failed')) ev.backend = BACKEND_RE.exec(text)?.[1] ?? null;
      if (ev.backend?.startsWith('/')) ev.backend = 'unix:' + ev.backend;
      return { type: 'event', record: ev };
    },
  };
}

export const apacheError: FormatDefinition = {
  name: 'apache-error',
  role: 'web',
  title: 'Apache httpd error log (ErrorLog), 2.2 and 2.4 layouts',
  produces: 'events',
  example: '[Sun Nov 22 09:49:49.123456 2026] [mpm_event:error] [pid 123:tid 456] AH00484: server reached MaxRequestWorkers setting, consider raising the MaxRequestWorkers setting',
  detectable: true,
  specificity: 50,
  create: createApacheErrorParser,
  samples: APACHE_SAMPLES,
};
