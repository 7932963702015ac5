import { describe, expect, it } from 'vitest';
import { phpError } from '../../parsers/php-error.js';
import { PHP_RULES, refineWithPhp } from '../../parsers/php-messages.js';
import { newEvent } from '../../parsers/event-rules.js';
import { events, feed, one } from './feed.js';

describe('PHP message rules', () => {
  it('finds the limit behind a timeout and a memory exhaustion wherever the text sits', () => {
    const ev = newEvent(0, 'nginx', 'x');
    ev.kind = 'upstream_closed';
    expect(refineWithPhp(ev, 'PHP message: PHP Warning: a; PHP message: PHP Fatal error:  Maximum execution time of 30+2 seconds exceeded (terminated) in /a.php on line 1')).toBe(true);
    expect(ev).toMatchObject({ kind: 'php_timeout', value: 30, limit_value: 30 });
  });

  it('leaves the door kind alone when PHP said something else', () => {
    const ev = newEvent(0, 'nginx', 'x');
    ev.kind = 'upstream_closed';
    expect(refineWithPhp(ev, 'PHP message: PHP Warning:  Undefined variable $a')).toBe(false);
    expect(ev.kind).toBe('upstream_closed');
  });

  it('has only the PHP kinds', () => {
    expect(new Set(PHP_RULES.map((r) => r.kind))).toEqual(new Set(['php_timeout', 'php_memory']));
  });
});

describe('php-error', () => {
  it('reads an offset zone', () => {
    expect(one(phpError, '[22-Nov-2026 11:51:57 +02:00] PHP Notice:  x').ts).toBe(Date.UTC(2026, 10, 22, 9, 51, 57));
  });

  it('falls back to --tz for a zone name it does not know', () => {
    const ev = events(feed(phpError, ['[22-Nov-2026 09:51:57 Mars/Olympus] PHP Notice:  x'], { tz: 'UTC' }))[0];
    expect(ev.ts).toBe(Date.UTC(2026, 10, 22, 9, 51, 57));
  });

  it('absorbs a stack trace into the entry before it', () => {
    const out = feed(phpError, [
      '[22-Nov-2026 09:51:57 UTC] PHP Fatal error:  Uncaught PDOException: timeout in /a.php:3',
      'Stack trace:', '#0 /a.php(3): PDO->query()', '#1 {main}', '  thrown in /a.php on line 3',
      '[22-Nov-2026 09:51:58 UTC] PHP Warning:  b',
    ]);
    expect(out.map((o) => o.type)).toEqual(['event', 'continued', 'continued', 'continued', 'continued', 'event']);
  });
});
