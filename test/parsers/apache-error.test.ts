import { describe, expect, it } from 'vitest';
import { apacheError, APACHE_RULES } from '../../parsers/apache-error.js';
import { countBy, events, feed, incidentLines, incidentTruth, one } from './feed.js';

const L24 = (body: string) => `[Sun Nov 22 09:49:49.500000 2026] [proxy_http:error] [pid 9:tid 1] ${body}`;

describe('apache-error rules', () => {
  it('lets the APR status in front decide between timeout, reset and close for the same AH code', () => {
    const tail = '[client 10.1.1.1:5000] AH01102: error reading status line from remote server app:8080';
    expect(one(apacheError, L24(`(70007)The timeout specified has expired: ${tail}`)).kind).toBe('upstream_timeout');
    expect(one(apacheError, L24(`(104)Connection reset by peer: ${tail}`)).kind).toBe('upstream_reset');
    expect(one(apacheError, L24(`(70014)End of file found: ${tail}`)).kind).toBe('upstream_closed');
    expect(one(apacheError, L24(tail)).kind).toBe('upstream_closed');
  });

  it('puts the specific rows before the generic ones', () => {
    const idx = (kind: string) => APACHE_RULES.findIndex((r) => r.kind === kind);
    expect(idx('upstream_timeout')).toBeLessThan(idx('upstream_closed'));
    expect(idx('backlog_full')).toBeLessThan(idx('connect_failed'));
    expect(idx('fd_limit')).toBe(0);
  });

  it('keeps the AH code in the message', () => {
    expect(one(apacheError, L24('AH00959: ap_proxy_connect_backend disabling worker for (app) for 60s')).message).toContain('AH00959');
  });

  it('drops the port from a 2.4 client but not from a 2.2 IPv6 client', () => {
    expect(one(apacheError, L24('[client 2001:db8::1:51000] AH01630: client denied')).client).toBe('2001:db8::1');
    expect(one(apacheError, '[Sun Nov 22 09:49:49 2026] [error] [client 2001:db8::1] client denied').client).toBe('2001:db8::1');
  });

  it('reads a space-padded day and the zone from options', () => {
    const ev = one(apacheError, '[Mon Nov  2 09:49:49 2026] [error] something');
    expect(ev.ts).toBe(Date.UTC(2026, 10, 2, 9, 49, 49));
    const berlin = events(feed(apacheError, ['[Mon Nov  2 09:49:49 2026] [error] x'], { tz: 'Europe/Berlin' }))[0];
    expect(berlin.ts).toBe(Date.UTC(2026, 10, 2, 8, 49, 49));
  });

  it('keeps unclassified lines as other, rejects a bad date', () => {
    expect(one(apacheError, L24('AH00124: Request exceeded the limit of 10 internal redirects')).kind).toBe('other');
    expect(feed(apacheError, ['[Sun Foo 22 09:49:49 2026] [error] x'])[0]).toMatchObject({ type: 'reject', reason: 'bad-timestamp' });
  });
});

describe('apache-error on the real 2.4.71 capture', () => {
  const INCIDENT4 = '4-varnish-apache-maxrequestworkers';
  it('parses every line and finds the kinds truth.json counts', () => {
    const lines = incidentLines(INCIDENT4, 'apache-error.log');
    const out = feed(apacheError, lines);
    expect(out.filter((o) => o.type === 'reject')).toEqual([]);
    expect(countBy(events(out), (e) => e.kind)).toEqual(incidentTruth(INCIDENT4).signatures.files['apache-error.log'].kinds);
    expect(events(out)[2]).toMatchObject({ kind: 'worker_limit_reached', pid: expect.any(Number), severity: 'error' });
  });
});
