// nginx's predefined `combined` format (also what `access_log PATH;` writes).
// The layout equals Apache's combined; nginx wins the tie (it stamps the request's END, so
// start_ts stays unknown without a duration). Anchored at both ends: a line with anything after
// the user agent belongs to nginx-combined-kv or a custom log_format, not here.
import type { FormatDefinition } from './types.js';
import { createFamilyParser } from './log-format/combined-family.js';

const T = 1795340991000; // 22/Nov/2026:09:49:51 +0000

export const nginxCombined: FormatDefinition = {
  name: 'nginx-combined',
  role: 'web',
  title: 'nginx access log, predefined "combined" format (stamped at request end)',
  produces: 'requests',
  example: '203.0.113.9 - - [22/Nov/2026:09:49:51 +0000] "GET /small.php?id=520486 HTTP/1.1" 200 625 "-" "curl/7.88.1"',
  detectable: true,
  specificity: 21,
  create: (o) => createFamilyParser('combined', 'nginx', o.tz),
  samples: [
    {
      line: '203.0.113.9 - - [22/Nov/2026:09:49:51 +0000] "GET /small.php?id=520486 HTTP/1.1" 200 625 "-" "curl/7.88.1"',
      expect: {
        ts: T, end_ts: T, start_ts: null, client: '203.0.113.9', method: 'GET', url: '/small.php?id=520486',
        path: '/small.php', query: 'id=520486', protocol: 'HTTP/1.1', status: 200, bytes: 625,
        referer: null, user_agent: 'curl/7.88.1', duration_ms: null, upstream_raw: null,
        extra: { remote_user: null },
      },
    },
    {
      note: 'IPv6 client, authenticated user, non-UTC offset',
      line: '2001:db8::7 - alice [22/Nov/2026:10:49:51 +0100] "POST /api/cart HTTP/2.0" 201 12 "https://shop.example/cart" "Mozilla/5.0 (X11; Linux x86_64)"',
      expect: { ts: T, client: '2001:db8::7', method: 'POST', status: 201, protocol: 'HTTP/2.0',
        referer: 'https://shop.example/cart', extra: { remote_user: 'alice' } },
    },
    {
      note: 'nginx escapes " as \\x22 in values: stored as the client sent it',
      line: '198.51.100.4 - - [22/Nov/2026:09:49:51 +0000] "GET /search?q=\\x22overload\\x22 HTTP/1.1" 200 5 "-" "Mozilla/5.0 \\x22quoted\\x22 agent"',
      expect: { url: '/search?q="overload"', query: 'q="overload"', user_agent: 'Mozilla/5.0 "quoted" agent' },
    },
    {
      note: 'TLS handshake sent to a plain-HTTP port: no request line, kept whole in extra',
      line: '198.51.100.4 - - [22/Nov/2026:09:49:51 +0000] "\\x16\\x03\\x01\\x00\\xF1\\x01" 400 157 "-" "-"',
      expect: { method: null, url: null, path: null, status: 400, user_agent: null,
        extra: { remote_user: null, request: '\u0016\u0003\u0001\u0000\u00f1\u0001' } },
    },
    {
      note: 'empty request line (client closed before sending one)',
      line: '127.0.0.1 - - [22/Nov/2026:09:49:51 +0000] "" 400 0 "-" "-"',
      expect: { method: null, url: null, status: 400, bytes: 0 },
    },
    {
      note: 'escaped Latin-1 byte (not UTF-8) and a raw Latin-1 survivor of ingest decoding',
      line: '127.0.0.1 - - [22/Nov/2026:09:49:51 +0000] "GET /caf\\xE9/men\u00fc HTTP/1.1" 404 0 "-" "Mozilla/4.0 (compatible; MSIE 6.0; \u00e9)"',
      expect: { path: '/caf\u00e9/men\u00fc', status: 404, user_agent: 'Mozilla/4.0 (compatible; MSIE 6.0; \u00e9)' },
    },
    {
      note: 'UTF-8 bytes escaped by nginx decode back to the character',
      line: '127.0.0.1 - - [22/Nov/2026:09:49:51 +0000] "GET /caf\\xC3\\xA9 HTTP/1.1" 200 1 "-" "-"',
      expect: { path: '/caf\u00e9' },
    },
    {
      note: 'very long URL',
      line: `127.0.0.1 - - [22/Nov/2026:09:49:51 +0000] "GET /search?q=${'x'.repeat(6000)} HTTP/1.1" 414 0 "-" "-"`,
      expect: { path: '/search', status: 414, query: 'q=' + 'x'.repeat(6000) },
    },
    {
      note: 'absolute-form target (forward proxy): path+query kept, host becomes the vhost',
      line: '127.0.0.1 - - [22/Nov/2026:09:49:51 +0000] "GET http://example.com/a?b=1 HTTP/1.1" 200 1 "-" "-"',
      expect: { url: '/a?b=1', path: '/a', query: 'b=1', vhost: 'example.com' },
    },
    // --- odd lines that share files with combined ones (filebeat's nginx fixtures, fixtures/odd-lines) ---
    {
      note: 'client field is an X-Forwarded-For list: the first member is the client',
      line: '10.0.0.2, 10.0.0.1, 127.0.0.1 - - [07/Dec/2016:11:05:07 +0100] "GET /ocelot HTTP/1.1" 200 571 "-" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.12; rv:49.0) Gecko/20100101 Firefox/49.0"',
      variant: 'client-list',
      expect: { ts: 1481105107000, client: '10.0.0.2', status: 200, path: '/ocelot',
        extra: { remote_user: null, client_list: '10.0.0.2, 10.0.0.1, 127.0.0.1' } },
    },
    {
      note: 'quoted X-Forwarded-For list, then the peer address',
      line: '"10.5.102.222, 199.96.1.1, 204.246.1.1" 10.2.1.185 - - [22/Jan/2016:13:18:29 +0000] "GET /assets/xxxx?q=100 HTTP/1.1" 200 25507 "-" "Amazon CloudFront"',
      variant: 'client-list',
      expect: { ts: 1453468709000, client: '10.5.102.222', query: 'q=100', bytes: 25507, user_agent: 'Amazon CloudFront',
        extra: { client_list: '10.5.102.222, 199.96.1.1, 204.246.1.1', remote_addr: '10.2.1.185' } },
    },
    {
      note: 'unquoted list, then the peer address',
      line: '2a03:0000:10ff:f00f:0000:0000:0:8000, 10.225.192.17 10.2.2.121 - - [30/Dec/2016:06:47:09 +0000] "GET /test.html HTTP/1.1" 404 8571 "-" "Mozilla/5.0 (compatible; Facebot 1.0; https://developers.facebook.com/docs/sharing/webmasters/crawler)"',
      variant: 'client-list',
      expect: { client: '2a03:0000:10ff:f00f:0000:0000:0:8000', status: 404, extra: { remote_addr: '10.2.2.121' } },
    },
    {
      note: "one more quoted field: the stock nginx.conf's `main` ($http_x_forwarded_for)",
      line: '172.17.0.1 - - [29/May/2017:19:02:48 +0000] "GET /stringpatch HTTP/1.1" 404 612 "-" "Mozilla/5.0 (Windows NT 6.1; rv:15.0) Gecko/20120716 Firefox/15.0a2" "-"',
      variant: 'xff',
      expect: { ts: 1496084568000, client: '172.17.0.1', status: 404, user_agent: 'Mozilla/5.0 (Windows NT 6.1; rv:15.0) Gecko/20120716 Firefox/15.0a2',
        extra: { remote_user: null, http_x_forwarded_for: null } },
    },
    {
      note: 'common line (no referer, no user agent) in a combined log',
      line: '::1 - - [26/Dec/2016:16:16:29 +0200] "GET /favicon.ico HTTP/1.1" 404 209',
      variant: 'common',
      expect: { ts: 1482761789000, client: '::1', status: 404, bytes: 209, referer: null, user_agent: null },
    },
    {
      note: 'X-Forwarded-For list as client on a line with one more quoted field',
      line: '10.0.0.2, 10.0.0.1 - - [22/Nov/2026:09:49:51 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8.5.0" "198.51.100.7"',
      variant: 'client-list+xff',
      expect: { ts: T, client: '10.0.0.2', extra: { client_list: '10.0.0.2, 10.0.0.1', http_x_forwarded_for: '198.51.100.7' } },
    },
    {
      note: '$host:$server_port, then a quoted list and the peer (filebeat test-with-host.log)',
      line: 'example.com:80 "10.5.102.222, 175.16.199.1, 204.246.1.1" 10.2.1.185 - - [22/Jan/2016:13:18:29 +0000] "GET /assets/xxxx?q=100 HTTP/1.1" 200 25507 "-" "Amazon CloudFront"',
      variant: 'vhost+client-list',
      expect: { ts: 1453468709000, vhost: 'example.com', client: '10.5.102.222',
        extra: { server_port: 80, remote_addr: '10.2.1.185', client_list: '10.5.102.222, 175.16.199.1, 204.246.1.1' } },
    },
    { note: 'an open quote before the stamp is no client form', reject: 'no-match',
      line: '"10.0.0.1, 10.0.0.2 10.2.1.185 - - [22/Jan/2016:13:18:29 +0000] "GET / HTTP/1.1" 200 1 "-" "-"' },
    {
      note: 'truncated line (rotation cut it)',
      line: '127.0.0.1 - - [22/Nov/2026:09:49:51 +0000] "GET /small.php HTTP/1.1" 200 625 "-" "curl/7.8',
      reject: 'no-match',
    },
    {
      note: 'a key=value tail is not combined',
      line: '127.0.0.1 - - [22/Nov/2026:09:49:51 +0000] "GET /small.php HTTP/1.1" 200 312 "-" "curl/7.88.1" rt=0.032',
      reject: 'no-match',
    },
    {
      line: '127.0.0.1 - - [22/Nov/2026:25:49:51 +0000] "GET / HTTP/1.1" 200 312 "-" "curl/7.88.1"',
      reject: 'bad-timestamp',
      note: 'malformed stamp',
    },
    {
      line: '127.0.0.1 - - [22/Nov/2026:09:49:51 +0000] "GET / HTTP/1.1" 2OO 312 "-" "curl/7.88.1"',
      reject: 'bad-field',
      note: 'status is not a number',
    },
  ],
};
