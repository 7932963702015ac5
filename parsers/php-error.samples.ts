// Sample lines for php-error, in the layout php_log_err() writes (date, date.timezone, message).
import type { FormatSample } from './types.js';

const T = 1795341117000; // 2026-11-22T09:51:57Z

export const PHP_ERROR_SAMPLES: FormatSample[] = [
  { line: '[22-Nov-2026 09:51:57 UTC] PHP Fatal error:  Maximum execution time of 30 seconds exceeded in /var/www/x.php on line 12',
    expect: { ts: T, component: 'php', kind: 'php_timeout', value: 30, limit_value: 30, severity: 'error',
      message: 'PHP Fatal error:  Maximum execution time of 30 seconds exceeded in /var/www/x.php on line 12' } },
  { line: '[22-Nov-2026 09:51:57 UTC] PHP Fatal error:  Maximum execution time of 1 second exceeded in /var/www/x.php on line 3',
    expect: { kind: 'php_timeout', value: 1 }, note: 'PHP 8 singular' },
  { line: '[22-Nov-2026 09:51:57 UTC] PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes) in /var/www/x.php on line 44',
    expect: { kind: 'php_memory', value: 134217728, limit_value: 134217728 } },
  { line: '[22-Nov-2026 09:51:57 UTC] PHP Fatal error:  Out of memory (allocated 2097152) (tried to allocate 4096 bytes) in /var/www/x.php on line 44',
    expect: { kind: 'php_memory', value: 2097152 } },
  { line: '[22-Nov-2026 10:51:57 Europe/Berlin] PHP Warning:  Undefined variable $cart in /var/www/cart.php on line 7',
    expect: { ts: T, kind: 'other', severity: 'warn' }, note: 'read in the zone PHP names' },
  { line: '[22-Nov-2026 09:51:57 UTC] PHP Deprecated:  strftime() is deprecated in /var/www/d.php on line 1',
    expect: { kind: 'other', severity: 'info' } },
  { line: '[22-Nov-2026 09:51:57 UTC] cache miss for key user:42', expect: { kind: 'other', severity: null }, note: 'error_log() call' },
  { line: '  thrown in /var/www/x.php on line 3',
    before: ['[22-Nov-2026 09:51:57 UTC] PHP Fatal error:  Uncaught RuntimeException: db down in /var/www/x.php:3', 'Stack trace:', '#0 {main}'],
    expect: { kind: 'other', severity: 'error' }, note: 'uncaught exception continues unstamped' },
  { line: '#0 {main}', reject: 'orphan-line' },
  { line: '[22-Nov-2026 09:51:57] NOTICE: fpm is running, pid 1', reject: 'no-match', note: "FPM's log has no zone" },
];
