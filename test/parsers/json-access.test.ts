// JSON access logs: key names, units decided by the key, nesting, --field, rejects.
import { describe, expect, it } from 'vitest';
import { findFormat } from '../../parsers/index.js';
import { jsonKey, fieldMapKey } from '../../parsers/log-format/json-keys.js';
import type { ParseOutcome, ParserOptions, RequestRecord } from '../../parsers/types.js';

const T = Date.UTC(2026, 10, 22, 9, 49, 51);

function parse(obj: unknown, options: Partial<ParserOptions> = {}): ParseOutcome {
  const line = typeof obj === 'string' ? obj : JSON.stringify(obj);
  return findFormat('json-access')!.create({ tz: 'UTC', ...options }).parse(line, 1);
}
function record(obj: unknown, options: Partial<ParserOptions> = {}): RequestRecord {
  const out = parse(obj, options);
  if (out.type !== 'request') throw new Error(`not parsed: ${JSON.stringify(out)}`);
  return out.record;
}
const base = { time: '2026-11-22T09:49:51Z', uri: '/a', status: 200 };

describe('units by key name', () => {
  it.each([
    ['request_time', 0.25, 250], ['duration', 0.25, 250], ['latency', '0.25', 250],
    ['duration_ms', 250, 250], ['took_ms', '250', 250], ['elapsed_us', 250000, 250], ['latency_ns', 250000000, 250],
    ['request_time_seconds', 0.25, 250], ['durationMs', 250, 250], ['duration', '250ms', 250], ['duration', '1.5s', 1500],
  ])('%s = %j -> %d ms', (key, value, ms) => {
    expect(record({ ...base, [key]: value }).duration_ms).toBe(ms);
  });

  it('upstream lists in seconds, with retries', () => {
    expect(record({ ...base, upstream_response_time: '0.012, 0.480 : -', upstream_addr: 'a:1, b:2 : c:3', upstream_status: '502, 504 : 200' }))
      .toMatchObject({ upstream_ms: 492, upstream_attempts: 3, upstream_addr: 'c:3', upstream_status: 200 });
  });

  it('time keys take epoch s/ms/us/ns, ISO 8601 and CLF', () => {
    for (const t of [1795340991, 1795340991000, 1795340991000000, '1795340991000000000', '22/Nov/2026:09:49:51 +0000', '2026-11-22T10:49:51+01:00']) {
      expect(record({ ...base, time: t }).ts).toBe(T);
    }
    expect(record({ ...base, time: undefined, '@timestamp': '2026-11-22T09:49:51.5Z' }).ts).toBe(T + 500);
    expect(record({ ...base, time: '2026-11-22 10:49:51' }, { tz: 'Europe/Berlin' }).ts).toBe(T);
  });
});

describe('keys', () => {
  it('flattens nesting; a full key beats a last-part match', () => {
    const r = record({ ts: 1795340991, request: { method: 'PUT', uri: '/x', remote_ip: '10.0.0.9', headers: { 'User-Agent': ['a', 'b'] } },
      status: 201, client_ip: '203.0.113.7' });
    expect(r).toMatchObject({ method: 'PUT', url: '/x', client: '203.0.113.7', user_agent: 'a, b', extra: { 'request.remote_ip': '10.0.0.9' } });
  });

  it('a request line or a bare target under `request`', () => {
    expect(record({ ...base, uri: undefined, request: 'POST /p?q=1 HTTP/2.0' })).toMatchObject({ method: 'POST', path: '/p', query: 'q=1', protocol: 'HTTP/2.0' });
    expect(record({ ...base, uri: undefined, request: '/p?q=1' })).toMatchObject({ method: null, path: '/p' });
  });

  it('keeps unknown keys in extra with their JSON type', () => {
    expect(record({ ...base, cache: 'HIT', retries: 2, tls: true, trace: null, tags: ['a', 'b'] }).extra)
      .toEqual({ cache: 'HIT', retries: 2, tls: 'true', trace: null, tags: 'a, b' });
  });

  it('jsonKey and fieldMapKey', () => {
    expect(jsonKey('Status')!.spec.role).toBe('status');
    expect(jsonKey('request.headers.Referer')!.spec).toMatchObject({ role: 'referer', rank: -10 });
    expect(jsonKey('whatever')).toBeNull();
    expect(fieldMapKey('took', 'duration_us')).toMatchObject({ durationUnit: 'us', spec: { role: 'duration', rank: 100 } });
    expect(() => fieldMapKey('x', 'nope')).toThrow(/unknown column; one of ts, start_ts/);
  });

  it('--field maps keys and wins over the built-in names', () => {
    const r = record({ when: 1795340991, path_info: '/z', code: '404', status: 200, took: 1500 },
      { fieldMap: { when: 'ts', path_info: 'url', code: 'status', took: 'duration_us' } });
    expect(r).toMatchObject({ ts: T, url: '/z', status: 404, duration_ms: 1.5, extra: { status: 200 } });
    expect(() => findFormat('json-access')!.create({ tz: 'UTC', fieldMap: { a: 'colour' } })).toThrow(/unknown column/);
  });
});

describe('rejects', () => {
  it('bad JSON, non-access JSON, non-JSON, bad fields', () => {
    expect(parse('{"time": "2026-11-22T09:49:51Z", "status": 2')).toMatchObject({ reason: 'bad-json' });
    expect(parse('[1, 2]')).toMatchObject({ reason: 'no-match' });
    expect(parse({ time: base.time, msg: 'hello' })).toMatchObject({ reason: 'no-match' });
    expect(parse({ uri: '/a', status: 200 })).toMatchObject({ reason: 'no-match' });
    expect(parse('GET / 200')).toMatchObject({ reason: 'no-match' });
    expect(parse({ ...base, duration: 'soon' })).toMatchObject({ reason: 'bad-field', detail: 'duration' });
    expect(parse({ ...base, time: 'yesterday' })).toMatchObject({ reason: 'bad-timestamp' });
    expect(parse('   ')).toEqual({ type: 'skip' });
  });
});
