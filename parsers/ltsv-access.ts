// LTSV access logs (ltsv.org): tab-separated `label:value` fields, the layout alp (the access
// log profiler) reads and its users configure in nginx, Apache and H2O. Labels are ltsv.org's
// and alp's: `host` is the client (`$remote_addr`, `%h`), `vhost` the virtual host, `req` the
// request line, `reqtime` the duration in seconds (`reqtime_microsec` in us), `apptime` the
// upstream's time in seconds, `size` the body bytes, `ua` the user agent, `forwardedfor`,
// `cache`, `runtime` and other labels go to extra. Any other label is read like a JSON key
// (json-keys.ts), so `request_time:` or `upstream_response_time:` work too. Stamped at the end
// (nginx's `$time_local`), like the JSON access logs.
import type { FormatDefinition, LineParser, ParseOutcome } from './types.js';
import { jsonKey, type JsonKey } from './log-format/json-keys.js';
import { createKeyedRecordParser, type Scalar } from './log-format/json-record.js';
import { unescapeLogValue } from './log-format/unescape.js';

const NO_MATCH: ParseOutcome = { type: 'reject', reason: 'no-match' };
const LABEL = /^[0-9A-Za-z_.-]+$/;

/** Where ltsv.org's labels mean something else than the same JSON key. */
const LTSV_KEYS: Record<string, JsonKey> = {
  host: { spec: { name: 'host', role: 'client', shape: 'token', rank: 3 } },
  req: { spec: { name: 'req', role: 'request', shape: 'text' } },
  reqsize: { spec: { name: 'reqsize', role: 'request_length', shape: 'number' } },
};

function ltsvKey(label: string): JsonKey | null {
  return LTSV_KEYS[label] ?? jsonKey(label);
}

export function createLtsvParser(o: Parameters<FormatDefinition['create']>[0]): LineParser {
  const record = createKeyedRecordParser(o, ltsvKey);
  return {
    parse(line) {
      if (line.trim() === '') return { type: 'skip' };
      const fields = line.split('\t');
      // one `label:value` is any line with a colon: LTSV needs at least two
      if (fields.length < 2) return NO_MATCH;
      const keys: string[] = [];
      const vals: Scalar[] = [];
      for (const f of fields) {
        const colon = f.indexOf(':');
        if (colon <= 0) return NO_MATCH;
        const label = f.slice(0, colon);
        if (!LABEL.test(label)) return NO_MATCH;
        const v = f.slice(colon + 1);
        keys.push(label);
        // nginx and Apache escape `"`, `\` and control bytes as \xHH / \" in logged values
        vals.push(v.includes('\\') ? unescapeLogValue(v) : v);
      }
      return record(keys, vals);
    },
  };
}

const T = 1795340991000; // 22/Nov/2026:09:49:51 +0000

// alp's README: its nginx log_format, and two lines of its example/logs/ltsv_access.log
const ALP_NGINX = 'time:22/Nov/2026:09:49:51 +0000\thost:203.0.113.9\tforwardedfor:-\treq:GET /api/cart?x=1 HTTP/1.1\tstatus:502\tmethod:GET\turi:/api/cart?x=1\tsize:157\treferer:-\tua:curl/8.5.0\treqtime:1.002\tcache:-\truntime:-\tapptime:1.000\tvhost:shop.example';

export const ltsvAccess: FormatDefinition = {
  name: 'ltsv-access',
  role: 'web',
  title: 'LTSV access log (ltsv.org labels, as alp reads them: host, req, reqtime, apptime, size, ua, vhost ...); stamped at request end',
  produces: 'requests',
  example: ALP_NGINX,
  detectable: true,
  specificity: 10,
  create: createLtsvParser,
  samples: [
    {
      note: "alp's nginx log_format: host is the client, vhost the virtual host",
      line: ALP_NGINX,
      expect: {
        ts: T, end_ts: T, start_ts: T - 1002, client: '203.0.113.9', method: 'GET', path: '/api/cart', query: 'x=1',
        protocol: 'HTTP/1.1', status: 502, bytes: 157, duration_ms: 1002, upstream_ms: 1000, upstream_attempts: 1,
        referer: null, user_agent: 'curl/8.5.0', vhost: 'shop.example', extra: { forwardedfor: '-', cache: '-', runtime: '-' },
      },
    },
    {
      note: "alp's example log: ISO stamp, apptime only",
      line: 'time:2015-09-06T05:58:05+09:00\tmethod:POST\turi:/foo/bar?token=xxx&uuid=1234\tstatus:200\tsize:12\tapptime:0.057',
      expect: { ts: 1441486685000, method: 'POST', path: '/foo/bar', query: 'token=xxx&uuid=1234', status: 200, bytes: 12,
        upstream_ms: 57, duration_ms: null, client: null },
    },
    {
      note: "alp's example log: apptime `-`, reqtime",
      line: 'time:2015-09-06T06:00:43+09:00\tmethod:GET\turi:/req\tstatus:200\tsize:15\tapptime:-\treqtime:0.321',
      expect: { ts: 1441486843000, path: '/req', duration_ms: 321, upstream_ms: null },
    },
    {
      note: "alp's Apache LogFormat: bracketed %t, %D as reqtime_microsec, escaped quote in the user agent",
      line: 'time:[22/Nov/2026:09:49:51 +0000]\tforwardedfor:-\thost:192.0.2.10\treq:GET / HTTP/1.1\tstatus:200\tmethod:GET\turi:/\tsize:5120\treferer:-\tua:a \\"quoted\\" agent\treqtime_microsec:1234\tvhost:shop.example',
      expect: { ts: T, client: '192.0.2.10', status: 200, bytes: 5120, duration_ms: 1.234, user_agent: 'a "quoted" agent', vhost: 'shop.example' },
    },
    { note: 'not LTSV: a combined line', reject: 'no-match',
      line: '127.0.0.1 - - [22/Nov/2026:09:49:51 +0000] "GET / HTTP/1.1" 200 5 "-" "-"' },
    { note: 'a field without a label', reject: 'no-match', line: 'time:2015-09-06T05:58:05+09:00\tGET /x\tstatus:200' },
    { note: 'an application log in LTSV: no request fields', reject: 'no-match', line: 'time:2015-09-06T05:58:05+09:00\tlevel:info\tmsg:started' },
    { note: 'status is not a number', reject: 'bad-field', line: 'time:2015-09-06T05:58:05+09:00\turi:/a\tstatus:OK' },
  ],
};
