import { describe, expect, it } from 'vitest';
import { nginxError, NGINX_RULES, upstreamAddress } from '../../parsers/nginx-error.js';
import { NGINX_SAMPLES } from '../../parsers/nginx-error.samples.js';
import { matchRule } from '../../parsers/event-rules.js';
import { countBy, events, feed, incidentLines, incidentTruth, one } from './feed.js';

describe('nginx-error rules', () => {
  it('tells a full FastCGI backlog (EAGAIN) from other connect failures by errno', () => {
    const line = (errno: string) => `2026/11/22 09:52:42 [error] 1#1: *3 connect() to unix:/run/fpm.sock failed (${errno}) while connecting to upstream, client: 1.2.3.4, server: s, request: "GET / HTTP/1.1", upstream: "fastcgi://unix:/run/fpm.sock:", host: "h"`;
    expect(one(nginxError, line('11: Resource temporarily unavailable')).kind).toBe('backlog_full');
    expect(one(nginxError, line('111: Connection refused')).kind).toBe('connect_failed');
    expect(one(nginxError, line('110: Connection timed out')).kind).toBe('connect_failed');
  });

  it('every rule is the first match of one of its samples (no rule without a sample)', () => {
    // the message after stamp, level, pid and connection, up to the `, client: ...` fields
    const body = (line: string) => {
      const m = /^\S+ \S+ \[\w+\] \d+#\d+: (?:\*\d+ )?(.*)$/.exec(line);
      const text = m ? m[1] : line;
      const tail = text.indexOf(', client: ');
      return tail >= 0 ? text.slice(0, tail) : text;
    };
    const hit = new Set(NGINX_SAMPLES.flatMap((s) => [...(s.before ?? []), s.line]).map((l) => matchRule(NGINX_RULES, body(l))?.rule));
    expect(NGINX_RULES.filter((r) => !hit.has(r)).map((r) => r.re.source)).toEqual([]);
  });

  it('tells a client that left from an upstream that closed', () => {
    const line = (who: string) => `2026/11/22 09:50:39 [info] 811#811: *9 ${who} prematurely closed connection while reading upstream, client: 10.0.0.7, server: shop, request: "GET /x HTTP/1.1", host: "shop"`;
    expect(one(nginxError, line('client')).kind).toBe('client_gave_up');
    expect(one(nginxError, line('upstream')).kind).toBe('upstream_closed');
  });

  it('orders the EAGAIN row before the generic connect row', () => {
    const kinds = NGINX_RULES.map((r) => r.kind);
    expect(kinds.indexOf('backlog_full')).toBeLessThan(kinds.indexOf('connect_failed'));
  });

  it('keeps lines no rule knows as kind other', () => {
    const ev = one(nginxError, '2026/11/22 09:50:39 [error] 811#811: *9 open() "/var/www/favicon.ico" failed (2: No such file or directory), client: 10.0.0.7, server: shop, request: "GET /favicon.ico HTTP/1.1", host: "shop"');
    expect(ev).toMatchObject({ kind: 'other', severity: 'error', request: 'GET /favicon.ico', client: '10.0.0.7', backend: null });
  });

  it('reduces upstream URLs to the address the access log also shows', () => {
    expect(upstreamAddress('http://127.0.0.1:18083/slow.php?id=1')).toBe('127.0.0.1:18083');
    expect(upstreamAddress('fastcgi://unix:/tmp/php-fpm.sock:')).toBe('unix:/tmp/php-fpm.sock');
    expect(upstreamAddress('http://unix:/run/app.sock:/x')).toBe('unix:/run/app.sock');
    expect(upstreamAddress('fastcgi://127.0.0.1:9000')).toBe('127.0.0.1:9000');
    expect(upstreamAddress('http://app_backend/slow.php')).toBe('app_backend');
  });

  it('reads escaped quotes inside the request field', () => {
    const ev = one(nginxError, '2026/11/22 09:50:39 [error] 1#1: *2 upstream timed out (110: Connection timed out) while reading upstream, client: 1.2.3.4, server: s, request: "GET /q?a=\\"x\\" HTTP/1.1", upstream: "http://10.0.0.1:80/q", host: "h"');
    expect(ev.request).toBe('GET /q?a=\\"x\\"');
    expect(ev.backend).toBe('10.0.0.1:80');
  });
});

describe.each([
  ['2-nginx-proxy-tempfile-timeout'],
  ['3-nginx-phpfpm-max-children'],
])('nginx-error on the real capture %s', (incident) => {
  const lines = incidentLines(incident, 'nginx-error.log');
  const out = feed(nginxError, lines);

  it('parses every line', () => {
    expect(out.filter((o) => o.type === 'reject')).toEqual([]);
    expect(events(out)).toHaveLength(lines.length);
  });

  it('finds the kinds truth.json counts', () => {
    const truth = incidentTruth(incident).signatures.files['nginx-error.log'].kinds;
    expect(countBy(events(out), (e) => e.kind)).toEqual(truth);
  });

  it('fills client, request and backend on every line', () => {
    for (const e of events(out)) {
      expect(e.client).toBe('127.0.0.1');
      expect(e.request).toMatch(/^GET \/\S+$/);
      expect(e.backend).not.toBeNull();
    }
  });
});

it('the two real nginx logs match the README counts: 818 backlog_full, 15 upstream_reset, 1650 no_live_upstreams', () => {
  const k3 = countBy(events(feed(nginxError, incidentLines('3-nginx-phpfpm-max-children', 'nginx-error.log'))), (e) => e.kind);
  const k2 = countBy(events(feed(nginxError, incidentLines('2-nginx-proxy-tempfile-timeout', 'nginx-error.log'))), (e) => e.kind);
  expect(k3).toEqual({ backlog_full: 818, upstream_reset: 15 });
  expect(k2).toEqual({ no_live_upstreams: 1650, upstream_timeout: 94, backend_disabled: 72, response_buffered_to_disk: 11 });
});
