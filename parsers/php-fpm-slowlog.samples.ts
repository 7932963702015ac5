// Sample entries for php-fpm-slowlog: the real ones are copied from the PHP 8.2 capture
// (fixtures/incidents/3-nginx-phpfpm-max-children/php-fpm-slow.log); the others use the layout
// of php-src sapi/fpm/fpm/fpm_php_trace.c.
import type { FormatSample } from './types.js';

const T56 = 1795341116000; // 2026-11-22T09:51:56Z
const T31 = 1795341151000; // 2026-11-22T09:52:31Z
const REPORT = [
  'script_filename = /tmp/lab-s3/www/report.php',
  '[0x00007fe107213350] sleep() /tmp/lab-s3/www/report.php:9',
  '[0x00007fe1072132e0] runQuery() /tmp/lab-s3/www/report.php:6',
  '[0x00007fe107213270] fetchRows() /tmp/lab-s3/www/report.php:16',
  '[0x00007fe1072131e0] build() /tmp/lab-s3/www/report.php:23',
  '[0x00007fe1072130f0] show() /tmp/lab-s3/www/report.php:29',
  '[0x00007fe107213070] dispatch() /tmp/lab-s3/www/report.php:31',
];

export const SLOWLOG_SAMPLES: FormatSample[] = [
  { line: '[22-Nov-2026 09:51:56]  [pool www] pid 9057', after: [...REPORT, ''],
    expect: { ts: T56, pool: 'www', pid: 9057, script: '/tmp/lab-s3/www/report.php', top_frame: 'sleep()', app_frame: 'runQuery()',
      depth: 6, truncated: false, request: null, line_no: 1 },
    note: 'real entry, closed by the blank line' },
  { line: '[22-Nov-2026 09:52:31]  [pool www] pid 9123', after: [
    'script_filename = /tmp/lab-s3/www/api.php',
    '[0x00007fe107213290] file_get_contents() /tmp/lab-s3/www/api.php:7',
    '[0x00007fe1072131d0] callPartnerApi() /tmp/lab-s3/www/api.php:11',
    '[0x00007fe107213100] fetchShippingQuote() /tmp/lab-s3/www/api.php:15'],
    expect: { ts: T31, pid: 9123, top_frame: 'file_get_contents()', app_frame: 'callPartnerApi()', depth: 3, truncated: false },
    note: 'real entry, the last of its file: ends at EOF without being cut' },
  { line: '[22-Nov-2026 09:52:31]  [pool www] pid 9123',
    before: ['[22-Nov-2026 09:52:31]  [pool www] pid 9124', 'script_filename = /tmp/lab-s3/www/cpu.php',
      '[0x00007fe1072132f0] hash() /tmp/lab-s3/www/cpu.php:6', '[0x00007fe107213270] mixRound() /tmp/lab-s3/www/cpu.php:13',
      '[0x00007fe107213180] computeChecksum() /tmp/lab-s3/www/cpu.php:19', '[0x00007fe107213090] renderInvoicePdf() /tmp/lab-s3/www/cpu.php:22'],
    expect: { pid: 9124, top_frame: 'hash()', app_frame: 'mixRound()', depth: 4, truncated: false, line_no: 1,
      frames: [{ depth: 0, function: 'hash()', file: '/tmp/lab-s3/www/cpu.php', line: 6 }, {}, {}, { depth: 3, function: 'renderInvoicePdf()' }] },
    note: 'an entry closed by the next header, no blank line between' },
  { line: '[22-Nov-2026 09:52:31.250000]  [pool api] pid 77', after: ['script_filename = /srv/api/index.php'],
    expect: { ts: T31 + 250, pool: 'api', depth: 0, truncated: true, top_frame: null, app_frame: null },
    note: 'cut after the header: truncated at EOF' },
  { line: '[22-Nov-2026 09:52:31]  [pool www] pid 78', after: ['script_filename = /srv/a.php', '[0x00007f0000001000] curl_exec() /srv/a.php:40', '+++ dump failed', ''],
    expect: { truncated: true, depth: 1, top_frame: 'curl_exec()', app_frame: null } },
  { line: '[22-Nov-2026 09:52:31]  [pool www] pid 79', after: [
    'script_filename = /srv/index.php',
    '[0x00007f0000001400] sleep() /srv/lib/Job.php:12',
    '[0x00007f0000001300] call_user_func() /srv/lib/Job.php:12',
    '[0x00007f0000001200] handle() /srv/lib/Runner.php:30',
    '[0x00007f0000001100] array_map() /srv/lib/Runner.php:30',
    '[0x00007f0000001000] run() /srv/bootstrap.php:8',
    '[0x00007f0000000f00] [INCLUDE_OR_EVAL]() /srv/index.php:3',
    '[0x00007f0000000e00] main() unknown:0', ''],
    expect: { top_frame: 'sleep()', app_frame: 'handle()', depth: 7, frames: [{}, {}, {}, {}, {}, {}, { depth: 6, function: 'main()', file: null, line: null }] },
    note: 'built-ins calling back into PHP share their callee position; include frame; frame without a file' },
  { line: '[0x00007fe107213350] sleep() /tmp/lab-s3/www/report.php:9', reject: 'orphan-line', note: 'frame with no entry open' },
  { line: 'script_filename = /tmp/lab-s3/www/report.php', reject: 'orphan-line' },
];
