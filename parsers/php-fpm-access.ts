// PHP-FPM pool access log (access.log / access.format). FPM stamps the request's START (%t);
// %T would stamp its end. Without --log-format the default layout is read, plus any
// key=value fields after it with unit suffixes (see log-format/php-fpm-tail.ts), which covers
// the common `pid=%p dur=%{mili}dms mem=%{kilo}MKB cpu=%C%%` extensions without the format.
import type { FormatDefinition } from './types.js';
import { compilePhpFpmFormat, createAccessParser } from './log-format/index.js';
import { createPhpFpmDefaultParser } from './log-format/php-fpm-tail.js';

/** scenario 3's php-fpm.conf line, pasted as is */
const LAB_S3 = 'access.format = "%R - %u %t \\"%m %r%Q%q\\" %s pid=%p dur=%{mili}dms mem=%{kilo}MKB cpu=%C%%"';
const T = 1795341104000; // 22/Nov/2026:09:51:44 +0000

export const phpFpmAccess: FormatDefinition = {
  name: 'php-fpm-access',
  role: 'app',
  title: 'PHP-FPM access log (default format plus key=value fields, or access.format via --log-format); stamped at request start',
  produces: 'requests',
  example: '- -  22/Nov/2026:09:51:44 +0000 "GET /fast.php" 200 pid=9057 dur=16.836ms mem=2048KB cpu=0.00%',
  detectable: true,
  specificity: 20,
  create: (o) => o.logFormat
    ? createAccessParser(compilePhpFpmFormat(o.logFormat), { tz: o.tz })
    : createPhpFpmDefaultParser(o.tz),
  samples: [
    {
      note: 'scenario 3 (real), with its access.format',
      options: { logFormat: LAB_S3 },
      line: '- -  22/Nov/2026:09:51:44 +0000 "GET /fast.php" 200 pid=9057 dur=16.836ms mem=2048KB cpu=0.00%',
      expect: { ts: T, start_ts: T, end_ts: T + 17, duration_ms: 16.836, client: null, method: 'GET', url: '/fast.php',
        path: '/fast.php', query: null, status: 200, extra: { remote_user: null, pid: 9057, memory_kb: 2048, cpu_pct: 0 } },
    },
    {
      note: 'scenario 3 (real) with a query string (%r%Q%q)',
      options: { logFormat: LAB_S3 },
      line: '- -  22/Nov/2026:09:51:45 +0000 "GET /fast.php?p=829065" 200 pid=9058 dur=14.062ms mem=2048KB cpu=0.00%',
      expect: { path: '/fast.php', query: 'p=829065', duration_ms: 14.062, extra: { pid: 9058 } },
    },
    {
      note: 'scenario 3 (real), no format given: default layout + key=value tail',
      line: '- -  22/Nov/2026:09:51:45 +0000 "GET /fast.php?p=829065" 200 pid=9058 dur=14.062ms mem=2048KB cpu=0.00%',
      expect: { ts: T + 1000, path: '/fast.php', query: 'p=829065', duration_ms: 14.062,
        extra: { remote_user: null, pid: 9058, memory_kb: 2048, cpu_pct: 0 } },
    },
    {
      note: 'default format exactly (no tail), IPv6 client and a user',
      line: '2001:db8::4 - www 22/Nov/2026:09:51:44 +0000 "POST /index.php" 500',
      expect: { client: '2001:db8::4', method: 'POST', status: 500, extra: { remote_user: 'www' } },
    },
    {
      note: '%{seconds}d, %{mega}M, %n pool, %T end stamp, %{%s}t epoch start',
      options: { logFormat: '%R %{%s}t %T "%m %r%Q%q" %s %{seconds}d %{mega}M %n %{user}C' },
      line: '10.0.0.7 1795341104 22/Nov/2026:09:51:46 +0000 "GET /report.php?account=1" 200 1.250 2 www 12.5',
      expect: { ts: T, start_ts: T, end_ts: T + 2000, duration_ms: 1250, client: '10.0.0.7',
        extra: { memory_kb: 2048, pool: 'www', cpu_user_pct: 12.5 } },
    },
    { note: 'truncated', options: { logFormat: LAB_S3 }, reject: 'no-match',
      line: '- -  22/Nov/2026:09:51:45 +0000 "GET /fast.php?p=829065" 200 pid=9058 dur=14.0' },
    { note: 'a duration without a known unit', reject: 'bad-field',
      line: '- -  22/Nov/2026:09:51:45 +0000 "GET /fast.php" 200 dur=14.0parsecs' },
    { note: 'malformed stamp', reject: 'bad-timestamp',
      line: '- -  22/Nov/2026:29:51:45 +0000 "GET /fast.php" 200' },
  ],
};
