// Apache `common` (NCSA Common Log Format): no referer, no user agent, no duration. Apache
// stamps the request's START; without a duration its end stays unknown.
import type { FormatDefinition } from './types.js';
import { createFamilyParser } from './log-format/combined-family.js';

export const APACHE_COMMON = '%h %l %u %t "%r" %>s %b';

const T = 1795340991000; // 22/Nov/2026:09:49:51 +0000

export const apacheCommon: FormatDefinition = {
  name: 'apache-common',
  role: 'web',
  title: 'Apache / NCSA common log format (stamped at request start)',
  produces: 'requests',
  example: '192.0.2.10 - frank [22/Nov/2026:09:49:51 +0000] "GET /apache_pb.gif HTTP/1.0" 200 2326',
  detectable: true,
  specificity: 10,
  create: (o) => createFamilyParser('common', 'apache', o.tz),
  samples: [
    {
      line: '192.0.2.10 - frank [22/Nov/2026:09:49:51 +0000] "GET /apache_pb.gif HTTP/1.0" 200 2326',
      expect: { ts: T, start_ts: T, end_ts: null, client: '192.0.2.10', method: 'GET', path: '/apache_pb.gif',
        protocol: 'HTTP/1.0', status: 200, bytes: 2326, referer: null, user_agent: null,
        extra: { ident: null, remote_user: 'frank' } },
    },
    {
      note: '%b is `-` for an empty body: null, not 0; IPv6 client',
      line: '2001:db8:0:1::5 - - [22/Nov/2026:10:49:51 +0100] "HEAD / HTTP/1.1" 304 -',
      expect: { ts: T, client: '2001:db8:0:1::5', method: 'HEAD', status: 304, bytes: null },
    },
    {
      note: 'Apache escapes " as \\" inside %r',
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET /q?a=\\"b\\" HTTP/1.1" 400 226',
      expect: { url: '/q?a="b"', status: 400 },
    },
    {
      note: "Apache's request-less timeout (real, filebeat's darwin-2.4.23.log)",
      line: '::1 - - [26/Dec/2016:16:16:48 +0200] "-" 408 -',
      expect: { ts: 1482761808000, client: '::1', method: null, url: null, status: 408, bytes: null },
    },
    { note: 'a combined line in a common log: read as the combined variant', variant: 'combined',
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET / HTTP/1.1" 200 2326 "-" "curl/8.5.0"',
      expect: { ts: T, status: 200, user_agent: 'curl/8.5.0' } },
    { note: 'truncated', reject: 'no-match', line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET / HTTP/1.1" 2' },
    { note: 'bad stamp', reject: 'bad-timestamp', line: '192.0.2.10 - - [22/Xyz/2026:09:49:51 +0000] "GET / HTTP/1.1" 200 1' },
  ],
};
