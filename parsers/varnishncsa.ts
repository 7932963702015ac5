// varnishncsa: the default format looks like combined, but %r carries the absolute URL
// (`GET http://host/path HTTP/1.1`, built from the Host header). That is what tells it apart
// in detection: without -F, a line whose target is not absolute is refused, and key=value
// fields after the default layout are read like nginx-combined-kv's (handling=, ttfb= ...).
// Varnish stamps the request's START. Custom -F formats come through --log-format.
import type { FormatDefinition } from './types.js';
import { compileModLogFormat, createAccessParser } from './log-format/index.js';
import { createCombinedTailParser } from './log-format/combined-tail.js';

const T = 1795340991000; // 22/Nov/2026:09:49:51 +0000
const T4 = 1795345404000; // 22/Nov/2026:11:03:24 +0000
/** the -F format of the bundled incident 4 (config/varnishncsa.format) */
const LAB_S4 = '%h %l %u %t "%r" %s %b "%{Referer}i" "%{User-agent}i" %D handling=%{Varnish:handling}x ttfb=%{Varnish:time_firstbyte}x vxid=%{Varnish:vxid}x';
const S4_503 = '127.0.0.1 - - [22/Nov/2026:11:03:24 +0000] "GET http://127.0.0.1:18090/account/report.cgi?id=8 HTTP/1.1" 503 283 "-" "wrk/4.1.0 (overload-lab; phase=reports-burst)" 1001924 handling=pass ttfb=1.001824 vxid=786434';

export const varnishncsa: FormatDefinition = {
  name: 'varnishncsa',
  role: 'cache',
  title: 'Varnish varnishncsa (default format plus key=value fields, or -F via --log-format); stamped at request start',
  produces: 'requests',
  example: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET http://shop.example/cart HTTP/1.1" 200 5120 "-" "curl/8.5.0"',
  detectable: true,
  // above nginx-combined-kv: both read a varnish line, only this one insists on absolute targets
  specificity: 31,
  create: (o) => o.logFormat
    ? createAccessParser(compileModLogFormat(o.logFormat, 'varnish'), { tz: o.tz })
    : createCombinedTailParser(o.tz, 'varnish'),
  samples: [
    {
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET http://shop.example/cart?x=1 HTTP/1.1" 200 5120 "-" "curl/8.5.0"',
      expect: { ts: T, start_ts: T, end_ts: null, vhost: 'shop.example', url: '/cart?x=1', path: '/cart', query: 'x=1', status: 200 },
    },
    {
      note: 'incident 4 (real): backend timed out, with its -F format',
      options: { logFormat: LAB_S4 },
      line: S4_503,
      expect: { ts: T4, start_ts: T4, end_ts: T4 + 1002, duration_ms: 1001.924, status: 503, vhost: '127.0.0.1:18090',
        path: '/account/report.cgi', query: 'id=8',
        extra: { varnish_handling: 'pass', varnish_time_firstbyte_ms: 1001.824, varnish_vxid: '786434' } },
    },
    {
      note: 'incident 4 (real) without the format: key=value tail read, the bare %D kept unnamed',
      line: S4_503,
      expect: { ts: T4, start_ts: T4, status: 503, duration_ms: null,
        extra: { field_3: '1001924', varnish_handling: 'pass', varnish_time_firstbyte_ms: 1001.824, varnish_vxid: '786434' } },
    },
    {
      note: 'incident 4 (real): a cache hit',
      options: { logFormat: LAB_S4 },
      line: '127.0.0.1 - - [22/Nov/2026:11:03:03 +0000] "GET http://127.0.0.1:18090/product/15.html HTTP/1.1" 200 6547 "-" "wrk/4.1.0 (overload-lab; phase=quiet)" 145 handling=hit ttfb=0.000077 vxid=131076',
      expect: { ts: 1795345383000, duration_ms: 0.145, bytes: 6547, extra: { varnish_handling: 'hit' } },
    },
    {
      note: 'incident 4 (real): the backend log (-b) with a quoted FetchError',
      options: { logFormat: '%t "%r" %s %D fetch_error="%{VSL:FetchError}x" vxid=%{Varnish:vxid}x' },
      line: '[22/Nov/2026:11:03:24 +0000] "GET http://127.0.0.1:18090/account/report.cgi?id=8 HTTP/1.1" 503 0 fetch_error="backend apache: fail errno 110 (Connection timed out)" vxid=786435',
      expect: { ts: T4, client: null, status: 503, duration_ms: 0,
        extra: { vsl_fetcherror: 'backend apache: fail errno 110 (Connection timed out)', varnish_vxid: '786435' } },
    },
    {
      note: '-F with more Varnish fields: %T seconds loses to %D, IPv6 client, escaped quote',
      options: { logFormat: '%h %t "%r" %s %b %D %T "%{Host}i" "%{User-agent}i" %{Varnish:hitmiss}x %{X-Cache}o' },
      line: '2001:db8::3 [22/Nov/2026:09:49:51 +0000] "GET http://shop.example/p/1 HTTP/1.1" 200 812 1500 0 "shop.example" "Mozilla/5.0 \\"x\\"" miss MISS',
      expect: { client: '2001:db8::3', duration_ms: 1.5, end_ts: T + 2, vhost: 'shop.example', user_agent: 'Mozilla/5.0 "x"',
        extra: { duration_s: 0, varnish_hitmiss: 'miss', sent_http_x_cache: 'MISS' } },
    },
    { note: 'origin-form target: an ordinary combined line, not varnishncsa', reject: 'no-match',
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET /cart HTTP/1.1" 200 5120 "-" "curl/8.5.0"' },
    { note: 'TLS garbage instead of a request line', reject: 'no-match',
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "\\x16\\x03\\x01" 400 0 "-" "-"' },
    { note: 'truncated', reject: 'no-match',
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET http://shop.example/cart HTTP/1.1" 200 51' },
  ],
};
