import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lighttpdError, LIGHTTPD_RULES } from '../../parsers/lighttpd-error.js';
import { LIGHTTPD_SAMPLES } from '../../parsers/lighttpd-error.samples.js';
import { matchRule } from '../../parsers/event-rules.js';
import { countBy, events, feed, incidentLines, incidentTruth, one } from './feed.js';

const INCIDENT = '1b-lighttpd-1.4.45-fastcgi-overload';

describe('lighttpd-error rules', () => {
  it('old and new wordings of one situation are rows of the same kind', () => {
    // (what a rule matches, not what it rules out: its negative lookaheads name the rule before it)
    const matches = (source: string) => source.replace(/\(\?!(?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)/g, '');
    const kindsOf = (re: RegExp) => LIGHTTPD_RULES.filter((r) => re.test(matches(r.re.source))).map((r) => r.kind);
    expect(kindsOf(/overloaded|backend error|gw process died/)).toEqual(['backend_overloaded', 'backend_overloaded', 'backend_overloaded']);
    expect(new Set(kindsOf(/re-enabled/))).toEqual(new Set(['backend_reenabled']));
    expect(new Set(kindsOf(/all handlers/))).toEqual(new Set(['backend_down']));
  });

  it('every rule is the first match of one of its samples (no rule without a sample)', () => {
    // the message after the stamp and the `(file.c.N) ` prefix, as the parser classifies it
    const body = (line: string) => /^\d{4}-\d\d-\d\d [\d:.]+: (?:\([^)]*\) )?(.*)$/.exec(line)?.[1].trimEnd() ?? line;
    const lines = LIGHTTPD_SAMPLES.flatMap((s) => [...(s.before ?? []), s.line]);
    const hit = new Set(lines.map((l) => matchRule(LIGHTTPD_RULES, body(l))?.rule));
    expect(LIGHTTPD_RULES.filter((r) => !hit.has(r)).map((r) => r.re.source)).toEqual([]);
  });

  it('new "backend error" is overloaded only when the connect error before it was EAGAIN', () => {
    const err = "2026-11-22 09:57:47: (gw_backend.c.384) backend error; we'll disable for 1secs and send the request to another backend instead:load: 9";
    const eagain = '2026-11-22 09:57:47: (gw_backend.c.368) establishing connection failed: socket: unix:/run/p.sock-1: Resource temporarily unavailable';
    const refused = '2026-11-22 09:57:47: (gw_backend.c.368) establishing connection failed: socket: unix:/run/p.sock-1: Connection refused';
    expect(one(lighttpdError, err, [eagain])).toMatchObject({ kind: 'backend_overloaded', backend: 'unix:/run/p.sock-1' });
    expect(one(lighttpdError, err, [refused])).toMatchObject({ kind: 'backend_disabled', backend: 'unix:/run/p.sock-1' });
    // a stale hint (another second) is not borrowed
    const late = err.replace('09:57:47', '09:57:49');
    expect(one(lighttpdError, late, [eagain])).toMatchObject({ kind: 'backend_disabled', backend: null });
  });

  it('a hint is used once', () => {
    const hint = '2026-11-22 09:57:47: (gw_backend.c.368) establishing connection failed: socket: unix:/run/p.sock-1: Resource temporarily unavailable';
    const over = "2026-11-22 09:57:47: (mod_fastcgi.c.2816) backend is overloaded; we'll disable it for 1 seconds and send the request to another backend instead: reconnects: 0 load: 45 ";
    const evs = events(feed(lighttpdError, [hint, over, over]));
    expect(evs.map((e) => e.backend)).toEqual(['unix:/run/p.sock-1', 'unix:/run/p.sock-1', null]);
  });

  it('keeps the stderr of spawned backends at the last stamp, and rejects what comes before any stamp', () => {
    const out = feed(lighttpdError, ['garbage', '2026-11-22 09:57:47: (log.c.217) server started ', 'sh: 1: foo: not found']);
    expect(out[0]).toMatchObject({ type: 'reject', reason: 'no-match' });
    expect(out[2]).toMatchObject({ type: 'event', record: { kind: 'other', ts: 1795341467000, message: 'sh: 1: foo: not found' } });
  });

  it('rejects a stamp that is no date', () => {
    expect(feed(lighttpdError, ['2026-13-45 09:57:47: (log.c.217) server started'])[0]).toMatchObject({ type: 'reject', reason: 'bad-timestamp' });
  });
});

describe('lighttpd-error on the real 1.4.45 capture', () => {
  const lines = incidentLines(INCIDENT, 'lighttpd-error.log');
  const out = feed(lighttpdError, lines);

  it('parses every line', () => {
    expect(out.filter((o) => o.type === 'reject')).toEqual([]);
    expect(events(out)).toHaveLength(lines.length);
  });

  it('finds the kinds truth.json counts', () => {
    const truth = incidentTruth(INCIDENT).signatures.files['lighttpd-error.log'].kinds;
    expect(countBy(events(out), (e) => e.kind)).toEqual(truth);
  });

  it('reads load 45 from every overload line and names the socket on every re-enable', () => {
    const evs = events(out);
    expect(new Set(evs.filter((e) => e.kind === 'backend_overloaded').map((e) => e.value))).toEqual(new Set([45]));
    expect(new Set(evs.filter((e) => e.kind === 'backend_reenabled').map((e) => e.backend))).toEqual(new Set(['unix:/tmp/lab-s1b/run/php-fcgi.sock']));
    expect(evs.filter((e) => e.kind === 'backend_down').every((e) => e.request?.startsWith('/sleep.php?r='))).toBe(true);
  });
});

describe('lighttpd-error on the real 1.4.69 capture (gw_backend wording)', () => {
  const INCIDENT5 = '5-lighttpd-current-gw-backend';
  const lines = incidentLines(INCIDENT5, 'lighttpd-error.log');
  const out = feed(lighttpdError, lines);
  const evs = events(out);

  it('parses every line and finds the kinds truth.json counts', () => {
    expect(out.filter((o) => o.type === 'reject')).toEqual([]);
    expect(evs).toHaveLength(lines.length);
    expect(countBy(evs, (e) => e.kind)).toEqual(incidentTruth(INCIDENT5).signatures.files['lighttpd-error.log.gz'].kinds);
  });

  it('keeps which proc (socket -N) each overload hit', () => {
    const bySocket = countBy(evs.filter((e) => e.kind === 'backend_overloaded'), (e) => e.backend!.replace(/^.*sock-/, 'sock-'));
    expect(bySocket).toEqual({ 'sock-0': 635, 'sock-1': 1253, 'sock-2': 3639, 'sock-3': 19278 });
  });
});

describe('lighttpd-error on a 1.4.69 capture of backlog overflow, timeouts and killed backends (fixtures/odd-lines)', () => {
  const lines = readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'odd-lines', 'lighttpd-1.4.69-error.log'), 'utf8').trimEnd().split('\n');
  const out = feed(lighttpdError, lines);

  it('gives every line a kind', () => {
    expect(out.filter((o) => o.type === 'reject')).toEqual([]);
    expect(events(out).map((e) => e.kind)).toEqual([
      'lifecycle', 'upstream_timeout', 'backlog_full', 'backend_overloaded', 'upstream_reset', 'upstream_retry', 'upstream_closed',
      'lifecycle', 'lifecycle', 'client_timeout', 'lifecycle', 'lifecycle', 'client_timeout', 'upstream_reset', 'upstream_closed',
      'worker_crashed', 'connect_failed', 'backend_down', 'backend_reenabled', 'lifecycle',
    ]);
  });
});
