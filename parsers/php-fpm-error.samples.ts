// Sample lines for php-fpm-error: the first block is copied from the PHP 8.2 capture
// (fixtures/incidents/3-nginx-phpfpm-max-children); the rest use php-src sapi/fpm wording.
import type { FormatSample } from './types.js';

const T = 1795341117000; // 2026-11-22T09:51:57Z

export const PHP_FPM_SAMPLES: FormatSample[] = [
  // --- real, PHP 8.2 ---
  { line: '[22-Nov-2026 09:51:57] WARNING: [pool www] server reached pm.max_children setting (4), consider raising it',
    expect: { ts: T, component: 'php-fpm', kind: 'worker_limit_reached', severity: 'warn', backend: 'www', limit_value: 4,
      message: 'WARNING: [pool www] server reached pm.max_children setting (4), consider raising it' } },
  { line: `[22-Nov-2026 09:51:56] WARNING: [pool www] child 9057, script '/tmp/lab-s3/www/report.php' (request: "GET /report.php?account=940479") executing too slow (1.035590 sec), logging`,
    expect: { ts: T - 1000, kind: 'slow_request', backend: 'www', pid: 9057, request: 'GET /report.php?account=940479', value: 1.03559 } },
  { line: `[22-Nov-2026 09:52:35] WARNING: [pool www] child 9058, script '/tmp/lab-s3/www/poll.php' (request: "GET /poll.php?cart=55860") execution timed out (5.065458 sec), terminating`,
    expect: { kind: 'request_killed', pid: 9058, request: 'GET /poll.php?cart=55860', value: 5.065458, backend: 'www' } },
  { line: '[22-Nov-2026 09:52:35] WARNING: [pool www] child 9058 exited on signal 15 (SIGTERM) after 51.726653 seconds from start',
    expect: { kind: 'lifecycle', pid: 9058, severity: 'warn' }, note: 'the SIGTERM that ends a killed request' },
  { line: '[22-Nov-2026 09:52:35] NOTICE: [pool www] child 9178 started', expect: { kind: 'lifecycle', pid: 9178, severity: 'notice' } },
  { line: '[22-Nov-2026 09:51:56] NOTICE: child 9057 stopped for tracing', expect: { kind: 'other', pid: 9057, backend: null } },
  { line: '[22-Nov-2026 09:51:56] NOTICE: about to trace 9057', expect: { kind: 'other', pid: 9057 } },
  { line: '[22-Nov-2026 09:51:56] NOTICE: finished trace of 9057', expect: { kind: 'other', pid: 9057 } },
  { line: '[22-Nov-2026 09:51:43] NOTICE: fpm is running, pid 9051', expect: { kind: 'lifecycle', pid: 9051 } },
  { line: '[22-Nov-2026 09:51:43] NOTICE: ready to handle connections', expect: { kind: 'lifecycle' } },
  { line: '[22-Nov-2026 09:51:43] NOTICE: systemd monitor interval set to 10000ms', expect: { kind: 'lifecycle' } },
  { line: '[22-Nov-2026 09:53:40] NOTICE: Finishing ...', expect: { kind: 'lifecycle' } },
  { line: '[22-Nov-2026 09:53:40] NOTICE: exiting, bye-bye!', expect: { kind: 'lifecycle' } },
  // --- other wordings ---
  { line: '[22-Nov-2026 09:51:57.123456] WARNING: [pool api] seems busy (you may need to increase pm.start_servers, or pm.min/max_spare_servers), spawning 8 children, there are 0 idle, and 13 total children',
    expect: { ts: T + 123, kind: 'pool_busy', value: 13, backend: 'api' }, note: 'stamp with microseconds' },
  { line: '[22-Nov-2026 09:51:57] WARNING: [pool www] server reached max_children setting (50), consider raising it',
    expect: { kind: 'worker_limit_reached', limit_value: 50 }, note: 'ondemand and PHP < 7 wording' },
  { line: '[22-Nov-2026 09:51:57] WARNING: [pool www] child 4711 exited on signal 9 (SIGKILL) after 3.052400 seconds from start',
    expect: { kind: 'worker_crashed', pid: 4711, value: 9 } },
  { line: '[22-Nov-2026 09:51:57] WARNING: [pool www] child 4711 exited on signal 11 (SIGSEGV - core dumped) after 812.101000 seconds from start',
    expect: { kind: 'worker_crashed', value: 11 } },
  { line: '[22-Nov-2026 09:51:57] NOTICE: [pool www] child 4711 exited on signal 3 (SIGQUIT) after 20.000100 seconds from start',
    expect: { kind: 'lifecycle' } },
  { line: '[22-Nov-2026 09:51:57] WARNING: [pool www] child 4711 exited with code 255 after 0.021000 seconds from start',
    expect: { kind: 'worker_crashed', value: 255 } },
  { line: '[22-Nov-2026 09:51:57] NOTICE: [pool www] child 4711 exited with code 0 after 600.000001 seconds from start',
    expect: { kind: 'lifecycle' }, note: 'pm.max_requests recycling' },
  { line: '[22-Nov-2026 09:51:57] WARNING: failed processes threshold (10 in 60 sec) is reached, initiating reload',
    expect: { kind: 'worker_crashed' }, note: 'emergency restart' },
  { line: '[22-Nov-2026 09:51:57] WARNING: [pool www] child 4711 said into stderr: "PHP Fatal error:  Maximum execution time of 30 seconds exceeded in /var/www/report.php on line 9"',
    expect: { kind: 'php_timeout', value: 30, pid: 4711, backend: 'www' } },
  { line: '[22-Nov-2026 09:51:57] WARNING: [pool www] child 4711 said into stderr: "NOTICE: PHP message: PHP Fatal error:  Allowed memory size of 268435456 bytes exhausted (tried to allocate 4096 bytes) in /var/www/x.php on line 2"',
    expect: { kind: 'php_memory', value: 268435456, limit_value: 268435456 } },
  { line: '[22-Nov-2026 09:51:57] WARNING: [pool www] child 4711 said into stderr: "PHP Warning:  Undefined array key \\"id\\" in /var/www/x.php on line 7"',
    expect: { kind: 'other', pid: 4711 } },
  { line: '[22-Nov-2026 09:51:57] ERROR: failed to ptrace(PEEKDATA) pid 4711: Input/output error (5)', expect: { kind: 'other', severity: 'error' } },
  { line: '[22-Nov-2026 09:51:57] DEBUG: pid 9051, fpm_pctl_perform_idle_server_maintenance(), line 378: [pool www] currently 4 active children, 0 spare children, 4 running children. Spawning rate 1',
    expect: { kind: 'other', severity: 'debug', pid: 9051, backend: 'www' }, note: 'log_level = debug prefix' },
  { line: '[22-Nov-2026 09:51:57 UTC] PHP Fatal error:  x', reject: 'no-match', note: "PHP's own error_log" },
  { line: '[22-Nov-2026 09:51:56]  [pool www] pid 9057', reject: 'no-match', note: 'a slowlog header' },
  // sapi/fpm/fpm/fpm_children.c: the global process.max reached (no pool in the line)
  { line: "[22-Nov-2026 09:51:57] WARNING: The maximum number of processes has been reached. Please review your configuration and consider raising 'process.max'",
    expect: { kind: 'worker_limit_reached', severity: 'warn' } },
];
