import { describe, expect, it } from 'vitest';
import { phpFpmError, PHP_FPM_RULES } from '../../parsers/php-fpm-error.js';
import { countBy, events, feed, incidentLines, incidentTruth, one } from './feed.js';

const INCIDENT = '3-nginx-phpfpm-max-children';
const exit = (sig: string) => `[22-Nov-2026 09:52:35] WARNING: [pool www] child 7 exited on signal ${sig} after 1.5 seconds from start`;

describe('php-fpm-error rules', () => {
  it('counts a killed request once: the SIGTERM that follows it is lifecycle', () => {
    expect(one(phpFpmError, exit('15 (SIGTERM)')).kind).toBe('lifecycle');
    expect(one(phpFpmError, exit('3 (SIGQUIT)')).kind).toBe('lifecycle');
    expect(one(phpFpmError, exit('9 (SIGKILL)'))).toMatchObject({ kind: 'worker_crashed', value: 9 });
    expect(one(phpFpmError, exit('6 (SIGABRT - core dumped)'))).toMatchObject({ kind: 'worker_crashed', value: 6 });
  });

  it('puts the SIGTERM/SIGQUIT row before the generic signal row', () => {
    const rows = PHP_FPM_RULES.map((r) => r.re.source);
    expect(rows.findIndex((s) => s.includes('SIG(?:TERM|QUIT)'))).toBeLessThan(rows.findIndex((s) => s.includes('exited on signal (?<value>')));
  });

  it('classifies PHP text a child wrote to stderr', () => {
    const ev = one(phpFpmError, '[22-Nov-2026 09:51:57] WARNING: [pool shop] child 42 said into stderr: "PHP Fatal error:  Maximum execution time of 60 seconds exceeded in /srv/a.php on line 1"');
    expect(ev).toMatchObject({ kind: 'php_timeout', value: 60, pid: 42, backend: 'shop' });
  });

  it('reads stamps in the zone given', () => {
    const ev = events(feed(phpFpmError, ['[22-Nov-2026 09:51:57] NOTICE: ready to handle connections'], { tz: 'America/New_York' }))[0];
    expect(ev.ts).toBe(Date.UTC(2026, 10, 22, 14, 51, 57));
  });

  it('rejects a broken date', () => {
    expect(feed(phpFpmError, ['[31-Foo-2026 09:51:57] NOTICE: x'])[0]).toMatchObject({ type: 'reject', reason: 'bad-timestamp' });
  });
});

describe('php-fpm-error on the real PHP 8.2 capture', () => {
  const lines = incidentLines(INCIDENT, 'php-fpm-error.log');
  const out = feed(phpFpmError, lines);
  const evs = events(out);

  it('parses every line', () => {
    expect(out.filter((o) => o.type === 'reject')).toEqual([]);
    expect(evs).toHaveLength(lines.length);
  });

  it('finds the kinds truth.json counts (99 slow, 19 killed, 2 max_children)', () => {
    const truth = incidentTruth(INCIDENT).signatures.files['php-fpm-error.log'].kinds;
    expect(countBy(evs, (e) => e.kind)).toEqual(truth);
    expect(truth).toMatchObject({ slow_request: 99, request_killed: 19, worker_limit_reached: 2 });
  });

  it('names pool, pid, request and seconds on every slow request', () => {
    for (const e of evs.filter((x) => x.kind === 'slow_request')) {
      expect(e.backend).toBe('www');
      expect(e.pid).toBeGreaterThan(9000);
      expect(e.request).toMatch(/^GET \/(report|api|poll|cpu)\.php\?\w+=\d+$/);
      expect(e.value).toBeGreaterThanOrEqual(1);
    }
    expect(evs.find((e) => e.kind === 'worker_limit_reached')?.limit_value).toBe(4);
  });
});
