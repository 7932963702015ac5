// JSON access logs, one object per line: nginx `escape=json` log_formats, Caddy, and the
// usual hand-made layouts. Keys and their units: log-format/json-keys.ts; `--field KEY=column`
// maps any other key. Stamped at the end (nginx and Caddy log when a request completes) unless
// a start key (start_time, StartUTC ...) says otherwise.
import type { FormatDefinition } from './types.js';
import { createJsonAccessParser } from './log-format/json-record.js';

const T = 1795340991000; // 2026-11-22T09:49:51Z

const NGINX_JSON = '{"time_iso8601":"2026-11-22T09:49:51+00:00","remote_addr":"203.0.113.9","request":"GET /api/cart?x=1 HTTP/1.1","status":"502","body_bytes_sent":"157","request_time":"1.002","upstream_response_time":"1.000, 0.002","upstream_connect_time":"0.001, -","upstream_addr":"10.0.0.1:80, 10.0.0.2:80","upstream_status":"504, 502","http_referer":"","http_user_agent":"curl/8.5.0","http_x_forwarded_for":"198.51.100.1"}';

export const jsonAccess: FormatDefinition = {
  name: 'json-access',
  role: 'web',
  title: 'JSON access log (nginx escape=json, Caddy, custom keys via --field KEY=column); stamped at request end',
  produces: 'requests',
  example: NGINX_JSON,
  detectable: true,
  specificity: 10,
  create: (o) => createJsonAccessParser(o),
  samples: [
    {
      note: 'nginx escape=json, values as strings, upstream lists',
      line: NGINX_JSON,
      expect: {
        ts: T, end_ts: T, start_ts: T - 1002, client: '203.0.113.9', method: 'GET', path: '/api/cart', query: 'x=1',
        status: 502, bytes: 157, duration_ms: 1002, upstream_ms: 1002, upstream_connect_ms: 1, upstream_attempts: 2,
        upstream_addr: '10.0.0.2:80', upstream_status: 502, referer: null, user_agent: 'curl/8.5.0',
        extra: { http_x_forwarded_for: '198.51.100.1' },
      },
    },
    {
      note: 'Caddy: nested request object, header arrays, ts in epoch seconds, duration in seconds',
      line: '{"level":"info","ts":1795340991.5,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"192.0.2.1","remote_port":"51234","client_ip":"192.0.2.1","proto":"HTTP/2.0","method":"GET","host":"shop.example","uri":"/p?id=1","headers":{"User-Agent":["curl/8.5.0"]}},"bytes_read":0,"user_id":"","duration":0.0251,"size":1234,"status":200,"resp_headers":{"Server":["Caddy"]}}',
      expect: {
        ts: T + 500, start_ts: T + 475, client: '192.0.2.1', protocol: 'HTTP/2.0', vhost: 'shop.example', url: '/p?id=1',
        user_agent: 'curl/8.5.0', duration_ms: 25.1, bytes: 1234, request_length: 0, status: 200,
        extra: { level: 'info', 'request.remote_port': '51234', 'resp_headers.Server': 'Caddy', user_id: '' },
      },
    },
    {
      note: 'numbers, a unit suffix in the key, escaped and non-ASCII characters',
      line: '{"@timestamp":"2026-11-22T10:49:51.250+01:00","client":"2001:db8::5","method":"POST","path":"/caf\\u00e9","status":401,"duration_ms":12,"bytes":0,"user_agent":"a \\"quoted\\" \u00e9 agent"}',
      expect: { ts: T + 250, client: '2001:db8::5', path: '/caf\u00e9', status: 401, duration_ms: 12, bytes: 0,
        user_agent: 'a "quoted" \u00e9 agent' },
    },
    {
      note: '--field maps unknown keys; a duration string carries its own unit; CLF stamp',
      options: { fieldMap: { when: 'ts', who: 'client', what: 'request', code: 'status' } },
      line: '{"when":"22/Nov/2026:09:49:51 +0000","who":"10.0.0.1","what":"GET /x HTTP/1.1","code":503,"took":"250ms","custom":7}',
      expect: { ts: T, client: '10.0.0.1', method: 'GET', url: '/x', status: 503, duration_ms: 250, extra: { custom: 7 } },
    },
    {
      note: 'epoch milliseconds and a start stamp: end follows from the duration',
      line: '{"start_time":1795340991000,"uri":"/a","status":200,"request_time":0.5}',
      expect: { ts: T, start_ts: T, end_ts: T + 500 },
    },
    {
      note: "alp's JSON example (its default keys: body_bytes, response_time)",
      line: '{"time":"2015-09-06T05:58:05+09:00","method":"POST","uri":"/foo/bar?token=xxx&uuid=1234","status":200,"body_bytes":12,"response_time":0.057}',
      expect: { ts: 1441486685000, method: 'POST', path: '/foo/bar', status: 200, bytes: 12, duration_ms: 57 },
    },
    {
      note: "alp's LTSV labels as JSON keys: host next to vhost is the client; reqtime, apptime, size, ua",
      line: '{"time":"2026-11-22T09:49:51+00:00","host":"203.0.113.9","vhost":"shop.example","method":"GET","uri":"/a","status":200,"size":5,"ua":"curl/8.5.0","reqtime":"0.250","apptime":"0.200"}',
      expect: { ts: T, client: '203.0.113.9', vhost: 'shop.example', bytes: 5, user_agent: 'curl/8.5.0', duration_ms: 250, upstream_ms: 200 },
    },
    {
      note: 'host without vhost stays the virtual host',
      line: '{"time":"2026-11-22T09:49:51+00:00","host":"shop.example","remote_addr":"203.0.113.9","uri":"/a","status":200}',
      expect: { client: '203.0.113.9', vhost: 'shop.example' },
    },
    { note: 'cut off mid-object', reject: 'bad-json', line: '{"time":"2026-11-22T09:49:51Z","status":200,"uri":"/a' },
    { note: 'an application log, not an access log', reject: 'no-match',
      line: '{"time":"2026-11-22T09:49:51Z","level":"info","msg":"started"}' },
    { note: 'not JSON at all', reject: 'no-match',
      line: '127.0.0.1 - - [22/Nov/2026:09:49:51 +0000] "GET / HTTP/1.1" 200 5 "-" "-"' },
    { note: 'status is not a number', reject: 'bad-field', line: '{"time":"2026-11-22T09:49:51Z","uri":"/a","status":"OK"}' },
    { note: 'malformed time', reject: 'bad-timestamp', line: '{"time":"2026-13-45T99:49:51Z","uri":"/a","status":200}' },
  ],
};
