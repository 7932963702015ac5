// The nginx log_format compiler, the scanner/regex splitters, unescaping and upstream lists.
import { describe, expect, it } from 'vitest';
import { compileNginxFormat, readNginxSpec } from '../../parsers/log-format/nginx-format.js';
import { compileSplitter, scanPlan } from '../../parsers/log-format/split.js';
import { unescapeLogValue } from '../../parsers/log-format/unescape.js';
import { lastMember, listMembers, memberCount, sumListMs, upstreamRaw } from '../../parsers/log-format/upstream.js';
import { findFormat } from '../../parsers/index.js';
import type { FieldSpec, Segment } from '../../parsers/log-format/fields.js';
import type { ParseOutcome, RequestRecord } from '../../parsers/types.js';

const T = Date.UTC(2026, 10, 22, 9, 49, 51);
const fieldsOf = (segments: Segment[]): FieldSpec[] => segments.filter((s): s is FieldSpec => typeof s !== 'string');

function parse(logFormat: string, line: string, tz = 'UTC'): ParseOutcome {
  return findFormat('nginx')!.create({ tz, logFormat }).parse(line, 1);
}
function record(logFormat: string, line: string, tz = 'UTC'): RequestRecord {
  const out = parse(logFormat, line, tz);
  if (out.type !== 'request') throw new Error(`not parsed: ${JSON.stringify(out)}`);
  return out.record;
}

describe('compileNginxFormat', () => {
  it('splits $var and ${var} from literals and knows what each variable means', () => {
    const { segments, stampSide } = compileNginxFormat('${remote_addr}:$remote_port [$time_local] $status $sent_http_x_cache');
    expect(stampSide).toBe('end');
    expect(segments.map((s) => (typeof s === 'string' ? s : `<${s.name}:${s.role}>`))).toEqual([
      '<remote_addr:client>', ':', '<remote_port:extra>', ' [', '<time_local:time>', '] ', '<status:status>', ' ',
      '<sent_http_x_cache:extra>',
    ]);
    expect(fieldsOf(segments).find((f) => f.name === 'sent_http_x_cache')!.shape).toBe('text');
  });

  it('reads the format as pasted from nginx.conf', () => {
    expect(readNginxSpec(`log_format main escape=json '{"a":"$status",'\n    '"b":$msec}';`))
      .toEqual({ body: '{"a":"$status","b":$msec}', escape: 'json' });
    expect(readNginxSpec(`'$remote_addr [$time_local] ' "\\"$request\\""`).body).toBe('$remote_addr [$time_local] "$request"');
    expect(readNginxSpec('$remote_addr [$time_local]')).toEqual({ body: '$remote_addr [$time_local]', escape: 'default' });
  });

  it('refuses a format without a time variable', () => {
    expect(() => compileNginxFormat('$remote_addr "$request" $status')).toThrow(/time/);
  });
});

describe('splitters', () => {
  const S2 = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time urt=$upstream_response_time ua="$upstream_addr"';
  const line = '10.0.0.1 - - [22/Nov/2026:09:49:51 +0000] "GET /a?b=\\"c\\" HTTP/1.1" 200 5 "-" "UA \\"x\\"" rt=0.5 urt=0.1, 0.3 : - ua="10.0.0.2:80, 10.0.0.3:80 : 10.0.0.4:80"';

  it('uses the scanner when literals separate every field, else one anchored regex', () => {
    expect(scanPlan(compileNginxFormat(S2).segments)).not.toBeNull();
    expect(scanPlan(compileNginxFormat('$host$request_uri [$time_local]').segments)).toBeNull();
    expect(scanPlan(compileNginxFormat('$request $status [$time_local]').segments)).toBeNull(); // text, then a space
  });

  it('scanner and regex cut the same values', () => {
    const segments = compileNginxFormat(S2).segments;
    const a: string[] = [];
    const b: string[] = [];
    expect(compileSplitter(segments).split(line, a)).toBe(line.length);
    expect(compileSplitter(segments, true).split(line, b)).toBe(line.length);
    expect(a).toEqual(b);
    expect(a[3]).toBe('GET /a?b=\\"c\\" HTTP/1.1');
    expect(a[9]).toBe('0.1, 0.3 : -');
  });

  it('tail mode stops where the format ends', () => {
    const sp = compileSplitter(compileNginxFormat('$remote_addr [$time_local] $status').segments);
    const out: string[] = [];
    const l = '1.2.3.4 [22/Nov/2026:09:49:51 +0000] 200 rt=0.1';
    expect(sp.split(l, out)).toBe(-1);
    expect(sp.split(l, out, true)).toBe(l.indexOf(' rt='));
  });

  it('fused parser and regex parser give the same records', () => {
    const viaScan = record(S2, line);
    const viaRegex = record(S2.replace(' rt=', ' $pipe rt='), line.replace(' rt=', ' . rt='));
    expect({ ...viaRegex, extra: { ...viaRegex.extra, pipe: undefined } }).toEqual({ ...viaScan, extra: { ...viaScan.extra, pipe: undefined } });
    expect(viaScan).toMatchObject({ url: '/a?b="c"', user_agent: 'UA "x"', upstream_ms: 400, upstream_attempts: 3,
      upstream_addr: '10.0.0.4:80', duration_ms: 500, start_ts: T - 500, end_ts: T });
  });
});

describe('values', () => {
  it('undoes nginx, Apache and JSON escaping', () => {
    expect(unescapeLogValue('a\\x22b\\x5Cc')).toBe('a"b\\c');
    expect(unescapeLogValue('caf\\xC3\\xA9')).toBe('café'); // UTF-8 bytes
    expect(unescapeLogValue('caf\\xE9')).toBe('café'); // a Latin-1 byte
    expect(unescapeLogValue('\\"q\\" \\\\ \\u00e9\\n\\t')).toBe('"q" \\ é\n\t');
    expect(unescapeLogValue('C:\\path\\zz')).toBe('C:\\path\\zz'); // unknown escapes stay
    expect(unescapeLogValue('trailing\\')).toBe('trailing\\');
  });

  it('escape=none stores values as logged; escape=json unescapes JSON', () => {
    const f = '$remote_addr [$time_local] "$http_user_agent"';
    expect(record(`escape=none '${f}'`, '1.2.3.4 [22/Nov/2026:09:49:51 +0000] "a\\x22b"').user_agent).toBe('a\\x22b');
    expect(record(`escape=json '${f}'`, '1.2.3.4 [22/Nov/2026:09:49:51 +0000] "a\\"b"').user_agent).toBe('a"b');
  });

  it('reads stamps with offsets, ISO 8601 and $msec', () => {
    const f = '[$time_local] $status';
    expect(record(f, '[22/Nov/2026:15:19:51 +0530] 200').ts).toBe(T);
    expect(record(f, '[22/Nov/2026:02:49:51 -0700] 200').ts).toBe(T);
    expect(record('$time_iso8601 $status', '2026-11-22T04:49:51-05:00 200').ts).toBe(T);
    expect(record('$msec $status', '1795340991.007 200').ts).toBe(T + 7);
    expect(parse(f, '[31/Nov/2026:09:49:51 +0000] 200')).toMatchObject({ type: 'reject', reason: 'bad-timestamp' });
    expect(parse(f, '[22/Nov/2026:09:49:51 +00:0] 200')).toMatchObject({ type: 'reject', reason: 'bad-timestamp' });
  });

  it('keeps other variables in extra as strings, `-` as null', () => {
    const r = record('[$time_local] $request_id $ssl_protocol "$http_x_forwarded_for" $gzip_ratio',
      '[22/Nov/2026:09:49:51 +0000] 7f3a TLSv1.3 "1.1.1.1, 2.2.2.2" -');
    expect(r.extra).toEqual({ request_id: '7f3a', ssl_protocol: 'TLSv1.3', http_x_forwarded_for: '1.1.1.1, 2.2.2.2', gzip_ratio: null });
  });

  it('uses $host over $server_name, $body_bytes_sent over $bytes_sent, $request_uri with $uri/$args in extra', () => {
    const r = record('[$time_local] $server_name $host $bytes_sent $body_bytes_sent $request_uri $uri $args',
      '[22/Nov/2026:09:49:51 +0000] _ shop.example 400 100 /a%20b?x=1 /a x=1');
    expect(r).toMatchObject({ vhost: 'shop.example', bytes: 100, url: '/a%20b?x=1', path: '/a%20b', query: 'x=1',
      extra: { server_name: '_', bytes_sent: 400, uri: '/a', args: 'x=1' } });
  });
});

describe('upstream lists', () => {
  it('counts, sums and picks the last member', () => {
    expect(listMembers('0.012, 0.480 : 0.3')).toEqual(['0.012', '0.480', '0.3']);
    expect(memberCount('10.0.0.1:80, 10.0.0.2:80 : unix:/run/php.sock')).toBe(3);
    expect(sumListMs('0.012, 0.480 : 0.3', 1000, 1)).toBe(792);
    expect(sumListMs('-, 0.480', 1000, 1)).toBe(480);
    expect(sumListMs('-, -', 1000, 1)).toBeNull();
    expect(sumListMs('0.1, abc', 1000, 1)).toBeUndefined();
    expect(sumListMs('1.005', 1000, 1)).toBe(1005); // no 1004.9999999999999
    expect(lastMember('502, 504 : 200')).toBe('200');
    expect(lastMember('10.0.0.1:80, [::1]:8080')).toBe('[::1]:8080');
  });

  it('keeps the lists in a fixed key layout, null when nothing went upstream', () => {
    expect(upstreamRaw('0.1, 0.2', '-, 0.01', undefined, 'a:1, b:2', '502, 200')).toBe('urt=0.1, 0.2 uct=-, 0.01 ua=a:1, b:2 us=502, 200');
    expect(upstreamRaw('-', '-', '-', '-', '-')).toBeNull();
    expect(upstreamRaw(undefined, undefined, undefined, 'x:1', undefined)).toBe('ua=x:1');
  });

  it('a bad member in a time list rejects the line as bad-field', () => {
    expect(parse('[$time_local] $upstream_response_time', '[22/Nov/2026:09:49:51 +0000] 0.1, x'))
      .toMatchObject({ type: 'reject', reason: 'bad-field', detail: 'upstream_response_time' });
  });
});
