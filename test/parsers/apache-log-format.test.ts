// Apache / lighttpd / varnishncsa LogFormat compiler, strftime stamps, which end a stamp marks,
// and which format a --log-format string goes to.
import { describe, expect, it } from 'vitest';
import { compileModLogFormat, readModLogSpec } from '../../parsers/log-format/apache-format.js';
import { compileStrftime } from '../../parsers/log-format/strftime.js';
import { formatForLogFormatString } from '../../parsers/log-format/index.js';
import { findFormat } from '../../parsers/index.js';
import type { ParseOutcome, RequestRecord } from '../../parsers/types.js';

const T = Date.UTC(2026, 10, 22, 9, 49, 51);

function parse(format: string, logFormat: string, line: string, tz = 'UTC'): ParseOutcome {
  return findFormat(format)!.create({ tz, logFormat }).parse(line, 1);
}
function record(format: string, logFormat: string, line: string, tz = 'UTC'): RequestRecord {
  const out = parse(format, logFormat, line, tz);
  if (out.type !== 'request') throw new Error(`not parsed: ${JSON.stringify(out)}`);
  return out.record;
}

describe('readModLogSpec', () => {
  it('unwraps the ways a format is pasted from a server config', () => {
    const body = '%h %t "%r" %>s';
    expect(readModLogSpec('LogFormat "%h %t \\"%r\\" %>s" timed')).toBe(body);
    expect(readModLogSpec('accesslog.format = "%h %t \\"%r\\" %>s"')).toBe(body);
    expect(readModLogSpec(`-F '%h %t "%r" %>s'`)).toBe(body);
    expect(readModLogSpec(body)).toBe(body);
    expect(readModLogSpec('"%h" %t "%r" %>s')).toBe('"%h" %t "%r" %>s'); // quotes that belong to the format
  });
});

describe('compileModLogFormat', () => {
  it('maps directives to columns and extra keys named like nginx variables', () => {
    const { segments } = compileModLogFormat('%h %{X-Forwarded-For}i %{Set-Cookie}o %400,501{Referer}i %t %>s %s %%', 'apache');
    expect(segments.map((s) => (typeof s === 'string' ? s : `<${s.name}:${s.role}>`)).join('')).toBe(
      '<remote_host:client> <http_x_forwarded_for:extra> <sent_http_set_cookie:extra> <http_referer:referer> [<time:time>] <status:status> <original_status:status> %',
    );
    expect(() => compileModLogFormat('%h %>s', 'apache')).toThrow(/no time directive/);
  });

  it('stamps: Apache and Varnish %t start, lighttpd %t end, begin:/end: win', () => {
    expect(compileModLogFormat('%t', 'apache').stampSide).toBe('start');
    expect(compileModLogFormat('%t', 'varnish').stampSide).toBe('start');
    expect(compileModLogFormat('%t', 'lighttpd').stampSide).toBe('end');
    const line = '[22/Nov/2026:09:49:51 +0000] 200 1500000';
    expect(record('apache', '%t %>s %D', line)).toMatchObject({ ts: T, start_ts: T, end_ts: T + 1500 });
    expect(record('lighttpd-access', '%t %>s %D', line)).toMatchObject({ ts: T, end_ts: T, start_ts: T - 1500 });
    expect(record('apache', '[%{end:%d/%b/%Y:%H:%M:%S %z}t] %>s %D', line)).toMatchObject({ ts: T, end_ts: T, start_ts: T - 1500 });
    expect(record('lighttpd-access', '[%{begin:%d/%b/%Y:%H:%M:%S %z}t] %>s %D', line)).toMatchObject({ ts: T, start_ts: T, end_ts: T + 1500 });
  });

  it('both ends logged: each is kept as logged', () => {
    const r = record('apache', '%{begin:sec}t %{end:msec}t %>s', '1795340991 1795340993250 200');
    expect(r).toMatchObject({ ts: T, start_ts: T, end_ts: T + 2250, duration_ms: null });
  });

  it('durations: %D us, %T s, %{ms}T, %{us}T; the finest wins', () => {
    expect(record('apache', '%t %T', '[22/Nov/2026:09:49:51 +0000] 2').duration_ms).toBe(2000);
    expect(record('apache', '%t %{ms}T', '[22/Nov/2026:09:49:51 +0000] 2').duration_ms).toBe(2);
    expect(record('apache', '%t %T %{us}T', '[22/Nov/2026:09:49:51 +0000] 2 2500123')).toMatchObject({
      duration_ms: 2500.123, extra: { duration_s: 2 },
    });
    expect(record('apache', '%t %D', '[22/Nov/2026:09:49:51 +0000] -').duration_ms).toBeNull();
  });

  it('epoch and fraction stamps', () => {
    expect(record('apache', '%{sec}t %>s', '1795340991 200').ts).toBe(T);
    expect(record('apache', '%{usec}t %>s', '1795340991250999 200').ts).toBe(T + 251);
    expect(record('apache', '%t.%{usec_frac}t %>s', '[22/Nov/2026:09:49:51 +0000].250400 200').ts).toBe(T + 250);
  });
});

describe('strftime stamps', () => {
  it('reads the common directives', () => {
    expect(compileStrftime('%Y-%m-%dT%H:%M:%S%z').parse('2026-11-22T10:49:51+0100')).toEqual({
      year: 2026, month0: 10, day: 22, hour: 10, minute: 49, second: 51, offsetMin: 60,
    });
    expect(compileStrftime('%a, %d %b %Y %T %Z').parse('Sun, 22 Nov 2026 09:49:51 GMT')).toMatchObject({ offsetMin: 0, hour: 9 });
    expect(compileStrftime('%D %r').parse('11/22/26 09:49:51 PM')).toMatchObject({ year: 2026, month0: 10, hour: 21 });
    expect(compileStrftime('%s').parse('1795340991')).toEqual({ epochMs: T });
    expect(compileStrftime('%Y-%m-%d').parse('2026-13-01')).toBeNull();
    expect(compileStrftime('%d/%b/%Y').parse('22/Foo/2026')).toBeNull();
  });

  it('a stamp without a zone is read in --tz, across DST', () => {
    const f = '%{%Y-%m-%d %H:%M:%S}t %>s';
    expect(record('apache', f, '2026-11-22 10:49:51 200', 'Europe/Berlin').ts).toBe(T);
    expect(record('apache', f, '2026-07-01 10:00:00 200', 'Europe/Berlin').ts).toBe(Date.UTC(2026, 6, 1, 8));
    expect(record('apache', f, '2026-11-22 04:49:51 200', 'America/New_York').ts).toBe(T);
    expect(parse('apache', f, '2026-11-22 25:49:51 200')).toMatchObject({ type: 'reject', reason: 'bad-timestamp' });
  });
});

describe('formatForLogFormatString', () => {
  it('routes a format string to the format that compiles it', () => {
    expect(formatForLogFormatString('$remote_addr [$time_local] "$request" $status')).toBe('nginx');
    expect(formatForLogFormatString(`log_format x '$msec 100%';`)).toBe('nginx');
    expect(formatForLogFormatString('%h %l %u %t "%r" %>s %b')).toBe('apache');
    expect(formatForLogFormatString('%h %V %u %t "%r" %>s %b', 'lighttpd')).toBe('lighttpd-access');
    expect(formatForLogFormatString('accesslog.format = "%h %V %u %t \\"%r\\" %>s %b"')).toBe('lighttpd-access');
    expect(formatForLogFormatString('%R - %u %t "%m %r" %s %{mili}d')).toBe('php-fpm-access');
    expect(formatForLogFormatString('access.format = "%R - %u %t \\"%m %r\\" %s"')).toBe('php-fpm-access');
    expect(formatForLogFormatString('%h %t "%r" %s %{Varnish:handling}x')).toBe('varnishncsa');
    expect(() => formatForLogFormatString('plain text')).toThrow(/no \$variables/);
  });
});
