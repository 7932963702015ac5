// Every line of every real access log captured in the reference incidents must parse, with the
// format a user would pick (auto-detected, or the format string from the server's own config).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMATS, findFormat } from '../../parsers/index.js';
import { formatForLogFormatString, selectNginxLogFormat, logFormatOption } from '../../parsers/log-format/index.js';
import type { ParserOptions, RequestRecord } from '../../parsers/types.js';

const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'access');
const read = (name: string): string =>
  name.endsWith('.gz') ? gunzipSync(readFileSync(join(dir, name))).toString('utf8') : readFileSync(join(dir, name), 'utf8');
const linesOf = (name: string): string[] => read(name).split('\n').filter((l) => l !== '');

function parseAll(format: string, lines: string[], options: Partial<ParserOptions> = {}) {
  const parser = findFormat(format)!.create({ tz: 'UTC', ...options });
  const records: RequestRecord[] = [];
  const rejects: Array<{ line: string; reason: string }> = [];
  lines.forEach((line, i) => {
    const out = parser.parse(line, i + 1);
    if (out.type === 'request') records.push(out.record);
    else if (out.type === 'reject') rejects.push({ line, reason: out.reason });
  });
  return { records, rejects };
}

/** What detection would pick: most of the first 200 lines parsed, then specificity. */
function detect(lines: string[]): string {
  const sample = lines.slice(0, 200);
  const scored = FORMATS.filter((f) => f.detectable && f.produces === 'requests').map((f) => {
    const p = f.create({ tz: 'UTC' });
    return { f, n: sample.filter((l, i) => p.parse(l, i + 1).type === 'request').length };
  });
  scored.sort((a, b) => b.n - a.n || b.f.specificity - a.f.specificity);
  return scored[0].n > 0 ? scored[0].f.name : '(none)';
}

/** `access.format = "..."` of a php-fpm.conf, as the user would paste it */
const fpmFormat = (conf: string): string => conf.split('\n').find((l) => l.startsWith('access.format'))!;
const lighttpdFormat = (conf: string): string => conf.split('\n').find((l) => l.startsWith('accesslog.format'))!;

describe.each([
  ['s2-nginx-access.log', 's2-nginx.conf', 5262],
  ['s3-nginx-access.log', 's3-nginx.conf', 1294],
])('%s', (log, conf, count) => {
  const lines = linesOf(log);

  it('is auto-detected as nginx-combined-kv and every line parses', () => {
    expect(lines).toHaveLength(count);
    expect(detect(lines)).toBe('nginx-combined-kv');
    const { records, rejects } = parseAll('nginx-combined-kv', lines);
    expect(rejects).toEqual([]);
    expect(records).toHaveLength(count);
  });

  it('parses through the log_format of its nginx.conf, with the same records', () => {
    const def = selectNginxLogFormat(read(conf));
    expect(def.name).toBe('upstream_timing');
    const spec = logFormatOption(def);
    expect(formatForLogFormatString(spec)).toBe('nginx');
    const viaConf = parseAll('nginx', lines, { logFormat: spec });
    expect(viaConf.rejects).toEqual([]);
    expect(viaConf.records).toEqual(parseAll('nginx-combined-kv', lines).records);
  });
});

describe('s3-php-fpm-access.log', () => {
  const lines = linesOf('s3-php-fpm-access.log');

  it('parses with the access.format of its php-fpm.conf', () => {
    const spec = fpmFormat(read('s3-php-fpm.conf'));
    expect(formatForLogFormatString(spec)).toBe('php-fpm-access');
    const { records, rejects } = parseAll('php-fpm-access', lines, { logFormat: spec });
    expect(rejects).toEqual([]);
    expect(records).toHaveLength(457);
    expect(records.every((r) => r.duration_ms !== null && r.extra?.memory_kb === 2048)).toBe(true);
  });

  it('is auto-detected and parses the same without the format', () => {
    expect(detect(lines)).toBe('php-fpm-access');
    const withFormat = parseAll('php-fpm-access', lines, { logFormat: fpmFormat(read('s3-php-fpm.conf')) });
    const heuristic = parseAll('php-fpm-access', lines);
    expect(heuristic.rejects).toEqual([]);
    expect(heuristic.records).toEqual(withFormat.records);
  });
});

describe('s1b-lighttpd-access.log.gz', () => {
  const lines = linesOf('s1b-lighttpd-access.log.gz');

  it('parses every line with the accesslog.format of its lighttpd.conf', () => {
    const spec = lighttpdFormat(read('s1b-lighttpd.conf'));
    expect(formatForLogFormatString(spec)).toBe('lighttpd-access');
    expect(formatForLogFormatString('%h %V %u %t "%r" %>s %b %O %D "%{Referer}i" "%{User-Agent}i"', 'lighttpd')).toBe('lighttpd-access');
    const { records, rejects } = parseAll('lighttpd-access', lines, { logFormat: spec });
    expect(rejects).toEqual([]);
    expect(records).toHaveLength(34559);
    const byStatus = new Map<number | null, number>();
    for (const r of records) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    expect(Object.fromEntries(byStatus)).toEqual({ 200: 769, 503: 33790 }); // README's counts
    expect(records.every((r) => r.end_ts === r.ts && r.start_ts! <= r.ts)).toBe(true);
  });
});

describe('s4 (varnish in front of Apache)', () => {
  const firstLine = (name: string): string => read(name).split('\n')[0];

  it('varnishncsa: every line with its -F format, and auto-detected without it', () => {
    const lines = linesOf('s4-varnish-access.log.gz');
    const spec = firstLine('s4-varnishncsa.format');
    expect(formatForLogFormatString(spec)).toBe('varnishncsa');
    const { records, rejects } = parseAll('varnishncsa', lines, { logFormat: spec });
    expect(rejects).toEqual([]);
    expect(records).toHaveLength(2591);
    expect(records.filter((r) => r.status === 503)).toHaveLength(1091);
    expect(records.every((r) => r.start_ts === r.ts && r.duration_ms !== null && r.vhost === '127.0.0.1:18090')).toBe(true);
    expect(detect(lines)).toBe('varnishncsa');
    expect(parseAll('varnishncsa', lines).rejects).toEqual([]);
  });

  it('varnishncsa backend log (-b) with its format', () => {
    const spec = firstLine('s4-varnishncsa-backend.format');
    expect(formatForLogFormatString(spec)).toBe('varnishncsa');
    const { records, rejects } = parseAll('varnishncsa', linesOf('s4-varnish-fetch-errors.log.gz'), { logFormat: spec });
    expect(rejects).toEqual([]);
    expect(records).toHaveLength(1092);
    expect(records.every((r) => typeof r.extra?.vsl_fetcherror === 'string')).toBe(true);
  });

  it('Apache: every line with the LogFormat line of its httpd.conf', () => {
    const spec = read('s4-httpd-logformat.conf').split('\n').find((l) => l.startsWith('LogFormat'))!;
    expect(formatForLogFormatString(spec)).toBe('apache');
    const { records, rejects } = parseAll('apache', linesOf('s4-apache-access.log'), { logFormat: spec });
    expect(rejects).toEqual([]);
    expect(records).toHaveLength(471);
    expect(records.every((r) => r.start_ts === r.ts && r.end_ts! >= r.ts && r.duration_ms !== null)).toBe(true);
  });
});
