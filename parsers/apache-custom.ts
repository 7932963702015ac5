// Any Apache `LogFormat` (or a nickname: common, combined, vhost_combined), given as
// --log-format. Apache stamps the request's START (%t); %{end:...}t stamps its end.
// Not auto-detected: without the format string there is nothing to compile.
import type { FormatDefinition } from './types.js';
import { compileModLogFormat, createAccessParser } from './log-format/index.js';
import { APACHE_COMMON } from './apache-common.js';
import { APACHE_COMBINED } from './apache-combined.js';
import { APACHE_VHOST_COMBINED } from './apache-vhost-combined.js';

const NICKNAMES: Record<string, string> = {
  common: APACHE_COMMON, combined: APACHE_COMBINED, vhost_combined: APACHE_VHOST_COMBINED,
  combinedio: APACHE_COMBINED + ' %I %O',
};

const T = 1795340991000; // 22/Nov/2026:09:49:51 +0000
const WITH_D = '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D';

export const apacheCustom: FormatDefinition = {
  name: 'apache',
  role: 'web',
  title: 'Apache access log, any LogFormat (--log-format); stamped at request start',
  produces: 'requests',
  example: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET /report HTTP/1.1" 200 512 "-" "curl/8.5.0" 1532101',
  detectable: false,
  specificity: 40,
  create(o) {
    if (!o.logFormat) throw new Error('format apache needs the LogFormat string: --log-format');
    const spec = NICKNAMES[o.logFormat.trim()] ?? o.logFormat;
    return createAccessParser(compileModLogFormat(spec, 'apache'), { tz: o.tz });
  },
  samples: [
    {
      note: 'incident 4 (real): Apache behind Varnish, LogFormat line pasted from httpd.conf',
      options: { logFormat: 'LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-Agent}i\\" %D" timed' },
      line: '127.0.0.1 - - [22/Nov/2026:11:04:13 +0000] "GET /account/profile.cgi?u=20 HTTP/1.1" 200 39 "-" "wrk/4.1.0 (overload-lab; phase=recovery)" 68517',
      expect: { ts: 1795345453000, start_ts: 1795345453000, end_ts: 1795345453069, duration_ms: 68.517,
        path: '/account/profile.cgi', query: 'u=20', bytes: 39 },
    },
    {
      note: '%D microseconds: end = start + duration',
      options: { logFormat: WITH_D },
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET /report HTTP/1.1" 200 512 "-" "curl/8.5.0" 1532101',
      expect: { ts: T, start_ts: T, end_ts: T + 1532, duration_ms: 1532.101 },
    },
    {
      note: 'pasted as in httpd.conf, with \\" and the nickname',
      options: { logFormat: 'LogFormat "%h %l %u %t \\"%r\\" %>s %b %{ms}T" timed' },
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET / HTTP/1.1" 200 512 87',
      expect: { duration_ms: 87, status: 200 },
    },
    {
      note: 'the manual\'s ms-resolution stamp built from three %{..}t pieces',
      options: { logFormat: '%h [%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t] "%r" %>s %b' },
      line: '192.0.2.10 [22/Nov/2026 10:49:51.250 +0100] "GET / HTTP/1.1" 200 512',
      expect: { ts: T + 250 },
    },
    {
      note: '%{end:...}t stamps the end; start = end - %{us}T',
      options: { logFormat: '%h %{end:%Y-%m-%dT%H:%M:%S}t "%r" %>s %{us}T' },
      line: '192.0.2.10 2026-11-22T09:49:51 "GET / HTTP/1.1" 200 250000',
      expect: { ts: T, end_ts: T, start_ts: T - 250, duration_ms: 250 },
    },
    {
      note: 'zone-less strftime stamp read in --tz',
      options: { logFormat: '%h %{%Y-%m-%d %H:%M:%S}t "%r" %>s', tz: 'Europe/Berlin' },
      line: '192.0.2.10 2026-11-22 10:49:51 "GET / HTTP/1.1" 200',
      expect: { ts: T },
    },
    {
      note: 'epoch stamps: %{msec}t',
      options: { logFormat: '%{msec}t %a "%r" %>s %B' },
      line: '1795340991042 198.51.100.7 "GET /x HTTP/1.1" 200 0',
      expect: { ts: T + 42, client: '198.51.100.7', bytes: 0 },
    },
    {
      note: 'the rest of the directives: ports, pids, %U%q, headers, env, %%',
      options: { logFormat: '%a %{c}a %A %p %P %k %X %L %v %V %I %O %S %T %m %U%q %H %<s %>s "%{X-Forwarded-For}i" "%{Content-Type}o" %{UNIQUE_ID}e %t 100%%' },
      line: '203.0.113.5 10.0.0.1 10.0.0.2 443 4242 3 + Abc123 shop.example www.shop.example 420 5120 5540 2 POST /api/orders?id=7 HTTP/2.0 302 200 "203.0.113.5, 10.0.0.1" "application/json; charset=utf-8" YxKq [22/Nov/2026:09:49:51 +0000] 100%',
      expect: {
        client: '203.0.113.5', method: 'POST', url: '/api/orders?id=7', path: '/api/orders', query: 'id=7',
        protocol: 'HTTP/2.0', status: 200, bytes: 5120, request_length: 420, duration_ms: 2000, vhost: 'shop.example',
        extra: { peer_ip: '10.0.0.1', server_ip: '10.0.0.2', server_port: 443, pid: 4242, keepalive_requests: 3,
          connection_status: '+', log_id: 'Abc123', host: 'www.shop.example', bytes_transferred: 5540,
          original_status: 302, http_x_forwarded_for: '203.0.113.5, 10.0.0.1',
          sent_http_content_type: 'application/json; charset=utf-8', env_UNIQUE_ID: 'YxKq' },
      },
    },
    {
      note: 'conditional directives log `-` when the condition fails',
      options: { logFormat: '%h %t "%r" %>s %400,501{User-agent}i %!200,304{Referer}i' },
      line: '192.0.2.10 [22/Nov/2026:09:49:51 +0000] "GET / HTTP/1.1" 200 - -',
      expect: { user_agent: null, referer: null, status: 200 },
    },
    { note: 'truncated', options: { logFormat: WITH_D }, reject: 'no-match',
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET /report HTTP/1.1" 200 512 "-" "curl/8.5.0"' },
    { note: '%D not a number', options: { logFormat: WITH_D }, reject: 'bad-field',
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET /report HTTP/1.1" 200 512 "-" "curl/8.5.0" 1.5e' },
  ],
};
