// PHP-FPM's own log (error_log in php-fpm.conf), wording from php-src sapi/fpm/fpm
// (fpm_process_ctl.c, fpm_children.c, fpm_stdio.c, fpm_php_trace.c):
//   [22-Nov-2026 09:51:57] WARNING: [pool www] server reached pm.max_children setting (4), consider raising it
//   [22-Nov-2026 09:51:57.123456] NOTICE: pid 9051, fpm_event_loop(), line 444: ...   (log_level = debug)
// The pool becomes `backend` (the access and slow logs name it the same way).
//
// Exits on signal: FPM itself ends a child with SIGTERM when a request runs past
// request_terminate_timeout (logged just before as "execution timed out ... terminating", kind
// request_killed) and at shutdown/reload, and with SIGQUIT for graceful and idle stops. Those
// exits are lifecycle, so one killed request is counted once. Signals FPM never sends (SIGKILL
// from the OOM killer, SIGSEGV, SIGBUS, SIGABRT ...) and non-zero exit codes are worker_crashed,
// with the signal number or exit code as value (the uptime stays in the message).
import { applyHit, matchRule, newEvent, normalizeSeverity, type EventRule } from './event-rules.js';
import { memoStamp, readDmyHms } from './error-stamps.js';
import { refineWithPhp } from './php-messages.js';
import type { FormatDefinition, LineParser, ParseOutcome, ParserOptions } from './types.js';
import { PHP_FPM_SAMPLES } from './php-fpm-error.samples.js';

const REQUEST = String.raw`child (?<pid>\d+), script '(?<script>.*)' \(request: "(?<request>.*)"\)`;

export const PHP_FPM_RULES: readonly EventRule[] = [
  { re: /^server reached (?:pm\.)?max_children setting \((?<limit>\d+)\), consider raising it/, kind: 'worker_limit_reached' },
  { re: /^The maximum number of processes has been reached/, kind: 'worker_limit_reached' },
  { re: /^seems busy \(.*\), spawning \d+ children, there are \d+ idle, and (?<value>\d+) total children/, kind: 'pool_busy' },
  { re: new RegExp(String.raw`^${REQUEST} executing too slow \((?<value>[\d.]+) sec\), logging`), kind: 'slow_request' },
  { re: new RegExp(String.raw`^${REQUEST} execution timed out \((?<value>[\d.]+) sec\), terminating`), kind: 'request_killed' },
  { re: /^child (?<pid>\d+) exited on signal \d+ \(SIG(?:TERM|QUIT)\b/, kind: 'lifecycle' },
  // (any other signal; no line matches two rules: lnav's rule, tested on the samples)
  { re: /^child (?<pid>\d+) exited on signal (?<value>\d+) (?!\(SIG(?:TERM|QUIT)\b)/, kind: 'worker_crashed' },
  { re: /^child (?<pid>\d+) exited with code 0 /, kind: 'lifecycle' },
  { re: /^child (?<pid>\d+) exited with code (?!0 )(?<value>\d+) /, kind: 'worker_crashed' },
  // emergency_restart_threshold: too many children died of SIGSEGV/SIGBUS, the master reloads
  { re: /^failed processes threshold \(\d+ in \d+ sec\) is reached, initiating reload/, kind: 'worker_crashed' },
  { re: /^child (?<pid>\d+) said into std(?:err|out): /, kind: 'other', php: true },
  { re: /^child (?<pid>\d+) (?:started|has been killed by the process management)/, kind: 'lifecycle' },
  // Three notices per slowlog entry (the slowlog has the stack, slow_request the request): not
  // lifecycle, or they would bury the starts and stops; one row to move if wanted otherwise.
  { re: /^child (?<pid>\d+) stopped for tracing/, kind: 'other' },
  { re: /^about to trace (?<pid>\d+)/, kind: 'other' },
  { re: /^finished trace of (?<pid>\d+)/, kind: 'other' },
  { re: /^fpm is running, pid (?<pid>\d+)/, kind: 'lifecycle' },
  { re: /^(?:ready to handle connections|systemd monitor interval set to|exiting, bye-bye!|Finishing \.\.\.|Terminating \.\.\.|Reloading in progress \.\.\.|reloading: |using inherited socket|configuration file .* test is successful)/,
    kind: 'lifecycle' },
];

// `NOTICE: ` then, at log_level = debug, `pid 9051, fpm_event_loop(), line 444: `, then `[pool www] `
const HEAD_RE = /^(DEBUG|NOTICE|WARNING|ERROR|ALERT): (?:pid (\d+), \w+\(\), line \d+: )?(?:\[pool ([^\]]+)\] )?/;

export function createPhpFpmErrorParser(options: ParserOptions): LineParser {
  const stampOf = memoStamp((key: string) => readDmyHms(key, options.tz, key.slice(21)));

  return {
    parse(line: string): ParseOutcome {
      if (line.charCodeAt(0) !== 91 || line.charCodeAt(3) !== 45 || line.charCodeAt(15) !== 58) return { type: 'reject', reason: 'no-match' };
      const close = line.indexOf('] ', 21);
      if (close < 0 || close > 32) return { type: 'reject', reason: 'no-match' };
      const key = line.slice(1, close);
      // `[22-Nov-2026 09:51:57 UTC]` is PHP's own error_log, not FPM's
      if (key.length > 20 && key.charCodeAt(20) !== 46) return { type: 'reject', reason: 'no-match' };
      const ts = stampOf(key);
      if (Number.isNaN(ts)) return { type: 'reject', reason: 'bad-timestamp' };
      const message = line.slice(close + 2);
      const head = HEAD_RE.exec(message);
      if (!head) return { type: 'reject', reason: 'no-match' };
      const ev = newEvent(ts, 'php-fpm', message);
      ev.severity = normalizeSeverity(head[1]);
      if (head[2]) ev.pid = Number(head[2]);
      if (head[3]) ev.backend = head[3];
      const body = message.slice(head[0].length);
      const hit = matchRule(PHP_FPM_RULES, body);
      if (hit) {
        applyHit(ev, hit);
        if (hit.rule.php) refineWithPhp(ev, body);
      }
      return { type: 'event', record: ev };
    },
  };
}

export const phpFpmError: FormatDefinition = {
  name: 'php-fpm-error',
  role: 'app',
  title: 'PHP-FPM error log (php-fpm.conf error_log)',
  produces: 'events',
  example: '[22-Nov-2026 09:51:57] WARNING: [pool www] server reached pm.max_children setting (4), consider raising it',
  detectable: true,
  specificity: 50,
  create: createPhpFpmErrorParser,
  samples: PHP_FPM_SAMPLES,
};
