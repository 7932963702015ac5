// PHP-FPM access.format: units of %d/%M/%C, start and end stamps, and the format-less reader.
import { describe, expect, it } from 'vitest';
import { findFormat } from '../../parsers/index.js';
import type { ParseOutcome, RequestRecord } from '../../parsers/types.js';

const T = Date.UTC(2026, 10, 22, 9, 51, 44);
const STAMP = '22/Nov/2026:09:51:44 +0000';

function parse(line: string, logFormat?: string, tz = 'UTC'): ParseOutcome {
  return findFormat('php-fpm-access')!.create({ tz, logFormat }).parse(line, 1);
}
function record(line: string, logFormat?: string, tz = 'UTC'): RequestRecord {
  const out = parse(line, logFormat, tz);
  if (out.type !== 'request') throw new Error(`not parsed: ${JSON.stringify(out)}`);
  return out.record;
}

describe('access.format', () => {
  it('%d in seconds, milliseconds and microseconds', () => {
    expect(record(`${STAMP} 0.016836`, '%t %d').duration_ms).toBe(16.836);
    expect(record(`${STAMP} 16.836`, '%t %{milliseconds}d').duration_ms).toBe(16.836);
    expect(record(`${STAMP} 16836`, '%t %{micro}d').duration_ms).toBe(16.836);
  });

  it('%M lands in extra.memory_kb whatever unit the log used; %C as cpu_pct', () => {
    expect(record(`${STAMP} 2097152 50.5`, '%t %M %C').extra).toEqual({ memory_kb: 2048, cpu_pct: 50.5 });
    expect(record(`${STAMP} 2048`, '%t %{kilobytes}M').extra).toEqual({ memory_kb: 2048 });
    expect(record(`${STAMP} 2`, '%t %{mega}M').extra).toEqual({ memory_kb: 2048 });
  });

  it('%t is the start, %T the end; strftime variants of both', () => {
    expect(record(`${STAMP} 16.8`, '%t %{mili}d')).toMatchObject({ ts: T, start_ts: T, end_ts: T + 17 });
    expect(record(`${STAMP} 16.8`, '%T %{mili}d')).toMatchObject({ ts: T, end_ts: T, start_ts: T - 17 });
    expect(record('2026-11-22 10:51:44 200', '%{%Y-%m-%d %H:%M:%S}t %s', 'Europe/Berlin').ts).toBe(T);
  });

  it('%n %p %P %e %f %l %o %u %R %m %r %Q %q', () => {
    const r = record(`www 9057 9050 prod /srv/index.php 120 "text/html" bob 10.0.0.1 POST /index.php?a=1 ${STAMP}`,
      '%n %p %P %{APP_ENV}e %f %l "%{Content-Type}o" %u %R %m %r%Q%q %t');
    expect(r).toMatchObject({
      client: '10.0.0.1', method: 'POST', path: '/index.php', query: 'a=1',
      extra: { pool: 'www', pid: 9057, ppid: 9050, env_APP_ENV: 'prod', script_filename: '/srv/index.php',
        content_length: 120, sent_http_content_type: 'text/html', remote_user: 'bob' },
    });
  });
});

describe('without a format', () => {
  it('reads the default layout and unit-suffixed key=value fields', () => {
    expect(record(`- -  ${STAMP} "GET /fast.php?p=1" 200 pid=9057 dur=0.017s mem=2MB cpu=12.5% pool=www note=x`)).toMatchObject({
      ts: T, path: '/fast.php', query: 'p=1', status: 200, duration_ms: 17,
      extra: { remote_user: null, pid: 9057, memory_kb: 2048, cpu_pct: 12.5, pool: 'www', note: 'x' },
    });
  });

  it('a bare duration is seconds (FPM %d default), a bare memory figure bytes (%M default)', () => {
    expect(record(`- -  ${STAMP} "GET /" 200 dur=0.5 mem=1048576`)).toMatchObject({ duration_ms: 500, extra: { memory_kb: 1024 } });
  });

  it('rejects what is not FPM', () => {
    expect(parse(`127.0.0.1 - - [${STAMP}] "GET / HTTP/1.1" 200 5`)).toMatchObject({ type: 'reject', reason: 'no-match' });
    expect(parse(`- -  ${STAMP} "GET /" 200 dur=fast`)).toMatchObject({ type: 'reject', reason: 'bad-field' });
    expect(parse('')).toEqual({ type: 'skip' });
  });
});
