// Debian/Ubuntu's `vhost_combined`: `%v:%p` in front of combined, %O (bytes incl. headers).
import type { FormatDefinition } from './types.js';
import { compileModLogFormat, createAccessParser } from './log-format/index.js';

export const APACHE_VHOST_COMBINED = '%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"';

const T = 1795340991000; // 22/Nov/2026:09:49:51 +0000

export const apacheVhostCombined: FormatDefinition = {
  name: 'apache-vhost-combined',
  role: 'web',
  title: 'Apache vhost_combined (Debian): virtual host and port, then combined; stamped at request start',
  produces: 'requests',
  example: 'shop.example:443 192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET / HTTP/1.1" 200 5120 "-" "curl/8.5.0"',
  detectable: true,
  specificity: 22,
  create: (o) => createAccessParser(compileModLogFormat(APACHE_VHOST_COMBINED, 'apache'), { tz: o.tz }),
  samples: [
    {
      line: 'shop.example:443 192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET /cart HTTP/1.1" 200 5120 "-" "curl/8.5.0"',
      expect: { ts: T, start_ts: T, vhost: 'shop.example', client: '192.0.2.10', bytes: 5120, status: 200,
        extra: { server_port: 443, ident: null, remote_user: null } },
    },
    {
      note: 'IPv6 client, `-` bytes',
      line: 'www.example:80 2001:db8::9 - - [22/Nov/2026:09:49:51 +0000] "GET / HTTP/1.1" 304 - "-" "-"',
      expect: { client: '2001:db8::9', bytes: null, user_agent: null },
    },
    { note: 'combined line has no vhost', reject: 'no-match',
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8.5.0"' },
  ],
};
