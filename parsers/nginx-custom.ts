// Any nginx `log_format`, given as --log-format (or read from nginx.conf by --nginx-conf).
// Not auto-detected: without the format string there is nothing to compile.
import type { FormatDefinition } from './types.js';
import { compileNginxFormat, createAccessParser } from './log-format/index.js';

/** The `upstream_timing` log_format of the bundled scenario 2 (as pasted from its nginx.conf). */
export const LAB_S2_LOG_FORMAT =
  `'$remote_addr - $remote_user [$time_local] "$request" ' ` +
  `'$status $body_bytes_sent $bytes_sent "$http_referer" "$http_user_agent" ' ` +
  `'rt=$request_time uct="$upstream_connect_time" uht="$upstream_header_time" ' ` +
  `'urt="$upstream_response_time" ua="$upstream_addr" us="$upstream_status" ' ` +
  `'ucs="$upstream_cache_status" conn=$connection reqs=$connection_requests';`;

/** Scenario 3's, as a plain body. */
export const LAB_S3_LOG_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent $bytes_sent ' +
  '"$http_referer" "$http_user_agent" rt=$request_time uct="$upstream_connect_time" ' +
  'uht="$upstream_header_time" urt="$upstream_response_time" ua="$upstream_addr" us="$upstream_status"';

const UNQUOTED_LISTS =
  '$remote_addr [$time_local] "$request" $status $body_bytes_sent $request_time ' +
  '$upstream_response_time $upstream_addr $upstream_status $request_id';

const JSON_FORMAT =
  `escape=json '{"time":"$time_iso8601","msec":$msec,"client":"$remote_addr","request":"$request",' ` +
  `'"status":$status,"bytes":$body_bytes_sent,"rt":$request_time,"ua":"$http_user_agent","host":"$host"}'`;

export const nginxCustom: FormatDefinition = {
  name: 'nginx',
  role: 'web',
  title: 'nginx access log, any log_format (--log-format or --nginx-conf); stamped at request end',
  produces: 'requests',
  example: '127.0.0.1 - - [22/Nov/2026:09:50:39 +0000] "GET /slow.php?id=932202 HTTP/1.1" 502 157 314 "-" "wrk/4.1.0" rt=1.002 uct="0.001, -" uht="-, -" urt="1.002, 0.000" ua="127.0.0.1:18083, app_backend" us="504, 502" ucs="-" conn=2417 reqs=1',
  detectable: false,
  specificity: 40,
  create(o) {
    if (!o.logFormat) throw new Error('format nginx needs the log_format: --log-format or --nginx-conf');
    const compiled = compileNginxFormat(o.logFormat);
    return createAccessParser(compiled, { tz: o.tz, raw: compiled.escape === 'none' });
  },
  samples: [
    {
      note: 'scenario 2: retried on the next server, then no live upstreams',
      options: { logFormat: LAB_S2_LOG_FORMAT },
      line: '127.0.0.1 - - [22/Nov/2026:09:50:39 +0000] "GET /slow.php?id=932202 HTTP/1.1" 502 157 314 "-" "wrk/4.1.0 (incident-lab; phase=C-slow-api)" rt=1.002 uct="0.001, -" uht="-, -" urt="1.002, 0.000" ua="127.0.0.1:18083, app_backend" us="504, 502" ucs="-" conn=2417 reqs=1',
      expect: {
        ts: 1795341039000, end_ts: 1795341039000, start_ts: 1795341037998, duration_ms: 1002,
        status: 502, bytes: 157, path: '/slow.php', query: 'id=932202', upstream_ms: 1002,
        upstream_connect_ms: 1, upstream_header_ms: null, upstream_attempts: 2,
        upstream_addr: 'app_backend', upstream_status: 502,
        upstream_raw: 'urt=1.002, 0.000 uct=0.001, - uht=-, - ua=127.0.0.1:18083, app_backend us=504, 502',
        extra: { remote_user: null, bytes_sent: 314, upstream_cache_status: null, connection: 2417, connection_requests: 1 },
      },
    },
    {
      note: 'scenario 2: second server answered, first timed out',
      options: { logFormat: LAB_S2_LOG_FORMAT },
      line: '127.0.0.1 - - [22/Nov/2026:09:50:47 +0000] "GET /slow.php?id=375050 HTTP/1.1" 200 39 244 "-" "wrk/4.1.0 (incident-lab; phase=C-slow-api)" rt=1.862 uct="0.000, 0.000" uht="-, 0.862" urt="1.000, 0.862" ua="127.0.0.1:18083, 127.0.0.1:18084" us="504, 200" ucs="-" conn=2413 reqs=9',
      expect: { status: 200, duration_ms: 1862, upstream_ms: 1862, upstream_header_ms: 862, upstream_attempts: 2,
        upstream_addr: '127.0.0.1:18084', upstream_status: 200 },
    },
    {
      note: 'scenario 2: client gave up (499), last upstream member `-`',
      options: { logFormat: LAB_S2_LOG_FORMAT },
      line: '127.0.0.1 - - [22/Nov/2026:09:51:03 +0000] "GET /slow.php?id=649335 HTTP/1.1" 499 0 0 "-" "wrk/4.1.0 (incident-lab; phase=C-slow-api)" rt=1.018 uct="0.001, 0.001" uht="-, -" urt="1.001, 0.017" ua="127.0.0.1:18084, 127.0.0.1:18083" us="504, -" ucs="-" conn=2414 reqs=32',
      expect: { status: 499, bytes: 0, upstream_ms: 1018, upstream_attempts: 2, upstream_status: null, upstream_addr: '127.0.0.1:18083' },
    },
    {
      note: 'scenario 3: EAGAIN on the php-fpm socket, no connect time',
      options: { logFormat: LAB_S3_LOG_FORMAT },
      line: '127.0.0.1 - - [22/Nov/2026:09:52:42 +0000] "GET /fast.php?p=251633 HTTP/1.1" 502 157 314 "-" "wrk/4.1.0 (incident-lab; phase=D-burst)" rt=0.000 uct="-" uht="-" urt="0.000" ua="unix:/tmp/lab-s3/run/php-fpm.sock" us="502"',
      expect: { status: 502, duration_ms: 0, upstream_ms: 0, upstream_connect_ms: null, upstream_attempts: 1,
        upstream_addr: 'unix:/tmp/lab-s3/run/php-fpm.sock', upstream_status: 502 },
    },
    {
      note: 'unquoted upstream lists with an internal redirect ( : ) and `-` members',
      options: { logFormat: UNQUOTED_LISTS },
      line: '10.0.0.5 [22/Nov/2026:09:49:51 +0000] "GET /dl/1 HTTP/1.1" 200 5 0.801 0.012, 0.480 : 0.3 10.0.0.1:80, 10.0.0.2:80 : 10.0.0.3:80 502, - : 200 7f3a9c',
      expect: { duration_ms: 801, upstream_ms: 792, upstream_attempts: 3, upstream_addr: '10.0.0.3:80', upstream_status: 200,
        upstream_raw: 'urt=0.012, 0.480 : 0.3 ua=10.0.0.1:80, 10.0.0.2:80 : 10.0.0.3:80 us=502, - : 200',
        extra: { request_id: '7f3a9c' } },
    },
    {
      note: 'escape=json JSON line; $msec wins over $time_iso8601 (ms resolution)',
      options: { logFormat: JSON_FORMAT },
      line: '{"time":"2026-11-22T10:49:51+01:00","msec":1795340991.250,"client":"2001:db8::1","request":"GET /q?s=\\"x\\" HTTP/1.1","status":200,"bytes":12,"rt":0.250,"ua":"a \\"quoted\\" UA","host":"shop.example"}',
      expect: { ts: 1795340991250, start_ts: 1795340991000, client: '2001:db8::1', url: '/q?s="x"',
        user_agent: 'a "quoted" UA', vhost: 'shop.example', extra: { time_iso8601: '2026-11-22T10:49:51+01:00' } },
    },
    {
      note: '${var} syntax and two variables with nothing between them',
      options: { logFormat: '${remote_addr}|$msec|$request_method $scheme://$host$request_uri|$status|$request_time' },
      line: '192.0.2.1|1795340991.002|GET https://shop.example/a/b?c=d|304|0.001',
      expect: { ts: 1795340991002, method: 'GET', vhost: 'shop.example', url: '/a/b?c=d', status: 304, duration_ms: 1,
        extra: { scheme: 'https' } },
    },
    {
      note: 'truncated scenario 2 line',
      options: { logFormat: LAB_S2_LOG_FORMAT },
      line: '127.0.0.1 - - [22/Nov/2026:09:50:47 +0000] "GET /slow.php?id=375050 HTTP/1.1" 200 39 244 "-" "wrk/4.1.0 (incident-lab; phase=C-slow-api)" rt=1.862 uct="0.000, 0.000" uht="-, 0.8',
      reject: 'no-match',
    },
    {
      note: 'request_time that is not a number',
      options: { logFormat: LAB_S3_LOG_FORMAT },
      line: '127.0.0.1 - - [22/Nov/2026:09:52:42 +0000] "GET /fast.php HTTP/1.1" 502 157 314 "-" "-" rt=abc uct="-" uht="-" urt="0.000" ua="unix:/x.sock" us="502"',
      reject: 'bad-field',
    },
  ],
};
