// Apache `combined`: common plus referer and user agent. Apache stamps the request's START.
// The same layout as nginx's combined, which wins a detection tie (nginx-combined has the
// higher specificity): pick this one with --format apache-combined for Apache logs. It also
// reads lighttpd's default layout (%V where %l is), so lighttpd-access ranks above it.
import type { FormatDefinition } from './types.js';
import { createFamilyParser } from './log-format/combined-family.js';

export const APACHE_COMBINED = '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"';

const T = 1795340991000; // 22/Nov/2026:09:49:51 +0000

export const apacheCombined: FormatDefinition = {
  name: 'apache-combined',
  role: 'web',
  title: 'Apache combined log format (stamped at request start)',
  produces: 'requests',
  example: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET /index.php HTTP/1.1" 200 2326 "https://example.com/" "Mozilla/5.0"',
  detectable: true,
  specificity: 18,
  create: (o) => createFamilyParser('combined', 'apache', o.tz),
  samples: [
    {
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET /index.php?page=2 HTTP/1.1" 200 2326 "https://example.com/" "Mozilla/5.0 (X11; Linux x86_64)"',
      expect: { ts: T, start_ts: T, end_ts: null, path: '/index.php', query: 'page=2', status: 200, bytes: 2326,
        referer: 'https://example.com/', user_agent: 'Mozilla/5.0 (X11; Linux x86_64)' },
    },
    {
      note: 'escaped quote and control byte in the user agent (Apache writes \\" and \\xhh)',
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET / HTTP/1.1" 200 5 "-" "evil \\"agent\\"\\x07 \\\\o/"',
      expect: { user_agent: 'evil "agent"\u0007 \\o/', referer: null },
    },
    {
      note: 'non-UTF-8 survivor decoded as Latin-1 by ingest',
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET /r\u00e9sum\u00e9 HTTP/1.1" 200 5 "-" "Mozilla/4.0 (\u00ff)"',
      expect: { path: '/r\u00e9sum\u00e9', user_agent: 'Mozilla/4.0 (\u00ff)' },
    },
    // --- odd lines of filebeat's apache/access/test/test.log (fixtures/odd-lines) ---
    { note: 'request-less timeout, common layout, in a combined log', variant: 'common',
      line: '::1 - - [26/Dec/2016:16:16:48 +0200] "-" 408 -',
      expect: { ts: 1482761808000, status: 408, bytes: null, method: null, url: null, user_agent: null } },
    { note: 'request-less timeout, combined layout',
      line: '127.0.0.1 - - [02/Feb/2019:05:38:45 +0100] "-" 408 152 "-" "-"',
      expect: { ts: 1549082325000, status: 408, bytes: 152, method: null, referer: null, user_agent: null } },
    { note: 'one more quoted field (%{X-Forwarded-For}i), a host name as client', variant: 'xff',
      line: 'monitoring-server - - [29/May/2017:19:02:48 +0000] "GET /status HTTP/1.1" 200 612 "-" "Mozilla/5.0 (Windows NT 6.1; rv:15.0) Gecko/20120716 Firefox/15.0a2" "-"',
      expect: { client: 'monitoring-server', path: '/status', extra: { http_x_forwarded_for: null } } },
    { note: 'virtual host before the client (%v %h, no port)', variant: 'vhost',
      line: 'vhost1.domaine.fr 123.123.123.123 - - [04/Jul/2019:09:20:46 +0200] "GET / HTTP/1.1" 200 32953 "-" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/75.0.3770.100 Safari/537.36"',
      expect: { ts: 1562224846000, start_ts: 1562224846000, client: '123.123.123.123', vhost: 'vhost1.domaine.fr', bytes: 32953 } },
    { note: 'truncated', reject: 'no-match',
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET / HTTP/1.1" 200 5 "-" "Mozil' },
  ],
};
