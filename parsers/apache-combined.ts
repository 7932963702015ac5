// Apache `combined`: common plus referer and user agent. Apache stamps the request's START.
// The same layout as nginx's combined, which wins a detection tie (nginx-combined has the
// higher specificity): pick this one with --format apache-combined for Apache logs. It also
// reads lighttpd's default layout (%V where %l is), so lighttpd-access ranks above it.
import type { FormatDefinition } from './types.js';
import { compileModLogFormat, createAccessParser } from './log-format/index.js';

export const APACHE_COMBINED = '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"';

const T = 1795340991000; // 22/Nov/2026:09:49:51 +0000

export const apacheCombined: FormatDefinition = {
  name: 'apache-combined',
  title: 'Apache combined log format (stamped at request start)',
  produces: 'requests',
  example: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET /index.php HTTP/1.1" 200 2326 "https://example.com/" "Mozilla/5.0"',
  detectable: true,
  specificity: 18,
  create: (o) => createAccessParser(compileModLogFormat(APACHE_COMBINED, 'apache'), { tz: o.tz }),
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
    { note: 'truncated', reject: 'no-match',
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET / HTTP/1.1" 200 5 "-" "Mozil' },
  ],
};
