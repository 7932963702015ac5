// lighttpd mod_accesslog. Same directives as Apache, but lighttpd's %t is the request's END
// (and its clock is cached per second, so stamps may trail by 1-2 s). Without --log-format the
// lighttpd default format is assumed. It matches combined lines whose second field is `-`, so
// it ranks below nginx-combined; Apache combined reads lighttpd's vhost as an ident (%l), so it
// ranks above apache-combined.
import type { FormatDefinition } from './types.js';
import { compileModLogFormat, createAccessParser } from './log-format/index.js';

export const LIGHTTPD_DEFAULT = '%h %V %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"';

/** scenario 1b's accesslog.format, as written in its lighttpd.conf */
const LAB_S1B = 'accesslog.format = "%h %V %u %t \\"%r\\" %>s %b %O %D \\"%{Referer}i\\" \\"%{User-Agent}i\\""';

export const lighttpdAccess: FormatDefinition = {
  name: 'lighttpd-access',
  role: 'web',
  title: 'lighttpd access log (default format, or accesslog.format via --log-format); stamped at request end',
  produces: 'requests',
  example: '127.0.0.1 127.0.0.1:18081 - [22/Nov/2026:09:57:26 +0000] "GET /sleep.php HTTP/1.1" 200 2404 "-" "curl/7.88.1"',
  detectable: true,
  specificity: 19,
  create: (o) => createAccessParser(compileModLogFormat(o.logFormat ?? LIGHTTPD_DEFAULT, 'lighttpd'), { tz: o.tz }),
  samples: [
    {
      note: 'scenario 1b (real): %D microseconds, stamped at the end',
      options: { logFormat: LAB_S1B },
      line: '127.0.0.1 127.0.0.1:18081 - [22/Nov/2026:09:57:26 +0000] "GET /sleep.php HTTP/1.1" 200 2404 2568 213820 "-" "curl/7.88.1"',
      expect: { ts: 1795341446000, end_ts: 1795341446000, start_ts: 1795341445786, duration_ms: 213.82,
        vhost: '127.0.0.1:18081', status: 200, bytes: 2404, extra: { remote_user: null, bytes_sent: 2568 } },
    },
    {
      note: 'scenario 1b (real): the 503 storm',
      options: { logFormat: LAB_S1B },
      line: '127.0.0.1 127.0.0.1:18081 - [22/Nov/2026:09:57:48 +0000] "GET /sleep.php?r=238861 HTTP/1.1" 503 369 515 34 "-" "wrk/4.1.0 (incident-lab; phase=spike)"',
      expect: { ts: 1795341468000, status: 503, duration_ms: 0.034, query: 'r=238861' },
    },
    {
      note: 'scenario 1b (real): a slow 200 during the spike',
      options: { logFormat: LAB_S1B },
      line: '127.0.0.1 127.0.0.1:18081 - [22/Nov/2026:09:57:47 +0000] "GET /sleep.php?r=505689 HTTP/1.1" 200 5283 5446 196148 "-" "wrk/4.1.0 (incident-lab; phase=spike)"',
      expect: { status: 200, duration_ms: 196.148, user_agent: 'wrk/4.1.0 (incident-lab; phase=spike)' },
    },
    {
      note: 'default format',
      line: '127.0.0.1 127.0.0.1:18081 - [22/Nov/2026:09:58:37 +0000] "GET /server-statistics HTTP/1.1" 200 875 "-" "curl/7.88.1"',
      expect: { ts: 1795341517000, end_ts: 1795341517000, start_ts: null, vhost: '127.0.0.1:18081', bytes: 875 },
    },
    {
      note: 'default format, IPv6 client, no Host header, escaped quote',
      line: '::1 - - [22/Nov/2026:09:58:37 +0000] "GET /a\\"b HTTP/1.0" 404 345 "-" "x\\"y"',
      expect: { client: '::1', vhost: null, path: '/a"b', user_agent: 'x"y', status: 404 },
    },
    { note: 'truncated real line', options: { logFormat: LAB_S1B }, reject: 'no-match',
      line: '127.0.0.1 127.0.0.1:18081 - [22/Nov/2026:09:57:48 +0000] "GET /sleep.php?r=35570 HTTP/1.1" 503 369 515 81 "-" "wrk/4.1.0 (incident' },
    { note: 'the real log needs its format: the default one refuses it', reject: 'no-match',
      line: '127.0.0.1 127.0.0.1:18081 - [22/Nov/2026:09:57:48 +0000] "GET /sleep.php?r=35570 HTTP/1.1" 503 369 515 81 "-" "wrk/4.1.0 (incident-lab; phase=spike)"' },
  ],
};
