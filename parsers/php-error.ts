// PHP's own error log (php.ini error_log):
//   [22-Nov-2026 09:51:57 UTC] PHP Fatal error:  Maximum execution time of 30 seconds exceeded in /var/www/x.php on line 12
// PHP writes its date.timezone after the stamp, so the stamp is read in that zone, not --tz.
// An uncaught exception continues on unstamped lines (`Stack trace:`, `#0 ...`, `  thrown in`);
// those belong to the line before. File and line stay in the message: the events table has no
// column for them, and `message LIKE '%/report.php%'` finds them.
import { newEvent } from './event-rules.js';
import { memoStamp, readZoned } from './error-stamps.js';
import { phpSeverity, refineWithPhp } from './php-messages.js';
import type { FormatDefinition, LineParser, ParseOutcome, ParserOptions } from './types.js';
import { PHP_ERROR_SAMPLES } from './php-error.samples.js';

const STAMP_RE = /^\[(\d\d-[A-Za-z]{3}-\d{4} \d\d:\d\d:\d\d) ([^\]\s]+)\] /;
const CONTINUATION_RE = /^(?:Stack trace:|#\d+ |\s+thrown in |Next |PHP Stack trace:|PHP +\d+\. )/;

export function createPhpErrorParser(options: ParserOptions): LineParser {
  // (keyed by stamp and zone together; read from the two parts)
  const stampOf = memoStamp((_key: string, stamp: string, zone: string) => readZoned(stamp, zone, options.tz));
  let seen = false;

  return {
    parse(line: string): ParseOutcome {
      const m = line.charCodeAt(0) === 91 ? STAMP_RE.exec(line) : null;
      if (!m) {
        if (!CONTINUATION_RE.test(line)) return { type: 'reject', reason: 'no-match' };
        return seen ? { type: 'continued' } : { type: 'reject', reason: 'orphan-line' };
      }
      const ts = stampOf(m[1] + m[2], m[1], m[2]);
      if (Number.isNaN(ts)) return { type: 'reject', reason: 'bad-timestamp' };
      seen = true;
      const message = line.slice(m[0].length);
      const ev = newEvent(ts, 'php', message);
      ev.severity = phpSeverity(message);
      refineWithPhp(ev, message);
      return { type: 'event', record: ev };
    },
  };
}

export const phpError: FormatDefinition = {
  name: 'php-error',
  role: 'app',
  title: "PHP error log (php.ini error_log)",
  produces: 'events',
  example: '[22-Nov-2026 09:51:57 UTC] PHP Fatal error:  Maximum execution time of 30 seconds exceeded in /var/www/report.php on line 12',
  detectable: true,
  specificity: 40,
  create: createPhpErrorParser,
  samples: PHP_ERROR_SAMPLES,
};
