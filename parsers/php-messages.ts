// PHP's own error wording. It reaches overload through several doors: PHP's error_log file,
// PHP-FPM (`child N said into stderr: "PHP Fatal error: ..."`), nginx (`FastCGI sent in stderr:
// "PHP message: PHP Fatal error: ..."`), Apache (`AH01071: Got error 'PHP message: ...'`, or
// mod_php's own lines) and lighttpd (`FastCGI-stderr: PHP ...`). One table serves them all.
import { applyHit, matchRule, normalizeSeverity, type EventRule } from './event-rules.js';
import type { EventRecord } from './types.js';

// value and limit_value both carry the limit PHP hit: max_execution_time seconds for a timeout,
// memory_limit bytes for an exhausted memory limit (the failed allocation stays in the message).
export const PHP_RULES: readonly EventRule[] = [
  // PHP >= 8.0 writes `1 second`, and `30+2 seconds ... (terminated)` for the hard timeout
  { re: /Maximum execution time of (?<value>\d+)(?:\+\d+)? seconds? exceeded/, kind: 'php_timeout' },
  { re: /Allowed memory size of (?<value>\d+) bytes exhausted/, kind: 'php_memory' },
  { re: /Out of memory \(allocated (?<value>\d+)\)/, kind: 'php_memory' },
];

const LEVEL_RE = /PHP (Fatal error|Parse error|Catchable fatal error|Recoverable fatal error|Warning|Notice|Deprecated|Strict Standards|Core error|Compile error)/;

const PHP_LEVELS: Record<string, string> = {
  'Fatal error': 'error', 'Parse error': 'error', 'Catchable fatal error': 'error',
  'Recoverable fatal error': 'error', 'Core error': 'error', 'Compile error': 'error',
  Warning: 'warn', Notice: 'notice', Deprecated: 'info', 'Strict Standards': 'info',
};

/** `PHP Warning:` -> warn, for lines whose only level is PHP's own. */
export function phpSeverity(text: string): string | null {
  const m = LEVEL_RE.exec(text);
  return m ? PHP_LEVELS[m[1]] : null;
}

/**
 * Refine an event whose message carries PHP error text. Only the PHP kinds overwrite: the
 * event keeps the door's own kind (and fields) when PHP said something else.
 */
export function refineWithPhp(ev: EventRecord, text: string): boolean {
  if (!text.includes('PHP') && !text.includes('Maximum execution') && !text.includes('memory')) return false;
  const hit = matchRule(PHP_RULES, text);
  if (!hit) return false;
  applyHit(ev, hit);
  ev.limit_value = ev.value;
  ev.severity ??= normalizeSeverity(phpSeverity(text)) ?? 'error';
  return true;
}
