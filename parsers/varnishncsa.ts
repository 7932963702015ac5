// varnishncsa: the default format looks like combined, but %r carries the absolute URL
// (`GET http://host/path HTTP/1.1`, built from the Host header). That is what tells it apart
// in detection: without -F, a line whose target is not absolute is refused. Varnish stamps
// the request's START. Custom -F formats come through --log-format (%{Varnish:...}x etc.).
import type { FormatDefinition, ParseOutcome } from './types.js';
import { compileModLogFormat, createAccessParser } from './log-format/index.js';

export const VARNISHNCSA_DEFAULT = '%h %l %u %t "%r" %s %b "%{Referer}i" "%{User-agent}i"';

const T = 1795340991000; // 22/Nov/2026:09:49:51 +0000
const CUSTOM = '%h %t "%r" %s %b %D %T "%{Host}i" "%{User-agent}i" %{Varnish:handling}x %{Varnish:hitmiss}x %{Varnish:time_firstbyte}x %{X-Cache}o';

function absoluteOnly(out: ParseOutcome): ParseOutcome {
  if (out.type !== 'request') return out;
  return out.record.vhost !== null
    ? out
    : { type: 'reject', reason: 'no-match', detail: 'request target is not absolute: not varnishncsa' };
}

export const varnishncsa: FormatDefinition = {
  name: 'varnishncsa',
  title: 'Varnish varnishncsa (default format, or -F via --log-format); stamped at request start',
  produces: 'requests',
  example: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET http://shop.example/cart HTTP/1.1" 200 5120 "-" "curl/8.5.0"',
  detectable: true,
  specificity: 25,
  create(o) {
    const compiled = compileModLogFormat(o.logFormat ?? VARNISHNCSA_DEFAULT, 'varnish');
    return createAccessParser(compiled, { tz: o.tz, accept: o.logFormat ? undefined : absoluteOnly });
  },
  samples: [
    {
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET http://shop.example/cart?x=1 HTTP/1.1" 200 5120 "-" "curl/8.5.0"',
      expect: { ts: T, start_ts: T, end_ts: null, vhost: 'shop.example', url: '/cart?x=1', path: '/cart', query: 'x=1', status: 200 },
    },
    {
      note: '-F with Varnish fields: %D microseconds, time_firstbyte seconds -> ms',
      options: { logFormat: CUSTOM },
      line: '2001:db8::3 [22/Nov/2026:09:49:51 +0000] "GET http://shop.example/p/1 HTTP/1.1" 200 812 1500 0 "shop.example" "Mozilla/5.0 \\"x\\"" miss miss 0.001320 MISS',
      expect: { client: '2001:db8::3', duration_ms: 1.5, end_ts: T + 2, vhost: 'shop.example', user_agent: 'Mozilla/5.0 "x"',
        extra: { duration_s: 0, varnish_handling: 'miss', varnish_hitmiss: 'miss', varnish_time_firstbyte_ms: 1.32, sent_http_x_cache: 'MISS' } },
    },
    { note: 'origin-form target: an ordinary combined line, not varnishncsa', reject: 'no-match',
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET /cart HTTP/1.1" 200 5120 "-" "curl/8.5.0"' },
    { note: 'truncated', reject: 'no-match',
      line: '192.0.2.10 - - [22/Nov/2026:09:49:51 +0000] "GET http://shop.example/cart HTTP/1.1" 200 51' },
  ],
};
