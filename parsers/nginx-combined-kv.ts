// nginx combined followed by key=value timing fields: the shape most hand-written nginx
// log_formats take. Auto-detected, so such logs ingest without the user pasting their format;
// the mapping of keys is in log-format/combined-tail.ts. Stamped at request end (nginx).
import type { FormatDefinition } from './types.js';
import { createCombinedTailParser } from './log-format/combined-tail.js';

const S2 = '127.0.0.1 - - [22/Nov/2026:09:50:39 +0000] "GET /slow.php?id=932202 HTTP/1.1" 502 157 314 "-" "wrk/4.1.0 (incident-lab; phase=C-slow-api)" rt=1.002 uct="0.001, -" uht="-, -" urt="1.002, 0.000" ua="127.0.0.1:18083, app_backend" us="504, 502" ucs="-" conn=2417 reqs=1';

export const nginxCombinedKv: FormatDefinition = {
  name: 'nginx-combined-kv',
  role: 'web',
  title: 'nginx access log: combined plus key=value fields (rt=, urt=, ua=, us= ...); stamped at request end',
  produces: 'requests',
  example: S2,
  detectable: true,
  specificity: 30,
  create: (o) => createCombinedTailParser(o.tz),
  samples: [
    {
      note: 'scenario 2 (real): retry then no live upstreams',
      line: S2,
      expect: {
        ts: 1795341039000, end_ts: 1795341039000, start_ts: 1795341037998, duration_ms: 1002, status: 502,
        bytes: 157, upstream_ms: 1002, upstream_connect_ms: 1, upstream_header_ms: null, upstream_attempts: 2,
        upstream_addr: 'app_backend', upstream_status: 502,
        upstream_raw: 'urt=1.002, 0.000 uct=0.001, - uht=-, - ua=127.0.0.1:18083, app_backend us=504, 502',
        user_agent: 'wrk/4.1.0 (incident-lab; phase=C-slow-api)',
        extra: { remote_user: null, bytes_sent: 314, upstream_cache_status: null, connection: 2417, connection_requests: 1 },
      },
    },
    {
      note: 'scenario 2 (real): slow client, large response',
      line: '127.0.0.1 - - [22/Nov/2026:09:50:09 +0000] "GET /big.php?mb=12&client=slow2 HTTP/1.1" 200 12596397 12596669 "-" "curl/7.88.1 (incident-lab; phase=B-slow-client-2)" rt=4.022 uct="0.000" uht="0.001" urt="0.119" ua="127.0.0.1:18084" us="200" ucs="-" conn=719 reqs=1',
      expect: { bytes: 12596397, duration_ms: 4022, upstream_ms: 119, upstream_header_ms: 1, upstream_attempts: 1, query: 'mb=12&client=slow2' },
    },
    {
      note: 'scenario 3 (real): client closed (499), upstream status `-`',
      line: '127.0.0.1 - - [22/Nov/2026:09:52:20 +0000] "GET /report.php?account=290564 HTTP/1.1" 499 0 0 "-" "wrk/4.1.0 (incident-lab; phase=B-report)" rt=2.695 uct="0.000" uht="-" urt="2.695" ua="unix:/tmp/lab-s3/run/php-fpm.sock" us="-"',
      expect: { status: 499, bytes: 0, duration_ms: 2695, upstream_ms: 2695, upstream_status: null,
        upstream_addr: 'unix:/tmp/lab-s3/run/php-fpm.sock', extra: { remote_user: null, bytes_sent: 0 } },
    },
    {
      note: 'scenario 3 (real): first line',
      line: '127.0.0.1 - - [22/Nov/2026:09:51:44 +0000] "GET /fast.php HTTP/1.1" 200 1959 2129 "-" "curl/7.88.1" rt=0.017 uct="0.000" uht="0.017" urt="0.017" ua="unix:/tmp/lab-s3/run/php-fpm.sock" us="200"',
      expect: { ts: 1795341104000, path: '/fast.php', query: null, duration_ms: 17, upstream_ms: 17 },
    },
    {
      note: 'stock `main` format tail (x-forwarded-for) plus unquoted upstream list with a redirect',
      line: '2001:db8::2 - bob [22/Nov/2026:09:49:51 +0000] "GET /a HTTP/1.1" 200 5 "-" "Mozilla/5.0 \\x22x\\x22" "203.0.113.1, 10.0.0.9" rt=0.801 urt=0.012, 0.480 : - ua=10.0.0.1:80, 10.0.0.2:80 : 10.0.0.3:80 us=502, 504 : 200 cache=MISS trace=abc',
      expect: { client: '2001:db8::2', user_agent: 'Mozilla/5.0 "x"', upstream_ms: 492, upstream_attempts: 3,
        upstream_status: 200, upstream_addr: '10.0.0.3:80',
        extra: { remote_user: 'bob', http_x_forwarded_for: '203.0.113.1, 10.0.0.9', upstream_cache_status: 'MISS', trace: 'abc' } },
    },
    {
      note: 'msec= gives millisecond stamps',
      line: '127.0.0.1 - - [22/Nov/2026:09:49:51 +0000] "GET / HTTP/1.1" 200 5 "-" "-" rt=0.100 msec=1795340991.123',
      expect: { ts: 1795340991123, start_ts: 1795340991023 },
    },
    { note: 'plain combined is not this format', reject: 'no-match',
      line: '127.0.0.1 - - [22/Nov/2026:09:49:51 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/7.88.1"' },
    { note: 'truncated inside a quoted value', reject: 'no-match',
      line: '127.0.0.1 - - [22/Nov/2026:09:51:44 +0000] "GET /fast.php HTTP/1.1" 200 1959 2129 "-" "curl/7.88.1" rt=0.017 uct="0.0' },
    {
      note: 'cut after uct= (no urt, ua or us): the attempts are counted from uct',
      line: '127.0.0.1 - - [22/Nov/2026:09:49:51 +0000] "GET /small.php HTTP/1.1" 200 312 517 "-" "curl/7.88.1" rt=0.064 uct="0.000" u',
      expect: { upstream_attempts: 1, upstream_raw: 'uct=0.000', upstream_connect_ms: 0, extra: { remote_user: null, bytes_sent: 517, field_6: 'u' } },
    },
    { note: 'rt is not a number', reject: 'bad-field',
      line: '127.0.0.1 - - [22/Nov/2026:09:51:44 +0000] "GET /fast.php HTTP/1.1" 200 1959 "-" "curl/7.88.1" rt=fast' },
  ],
};
